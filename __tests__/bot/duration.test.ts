import { formatDuration } from '../../src/bot/duration.js'

test.each([
  [0, '0 ms'],
  [5, '5 ms'],
  [999, '999 ms'],
  [999.6, '1 s'],
  [1000, '1 s'],
  [1500, '1.5 s'],
  [59_940, '59.9 s'],
  [60_000, '1 min'],
  [90_000, '1 min 30 s'],
  [600_000, '10 min'],
  [1_200_000, '20 min'],
  [3_600_000, '60 min']
])('%d ms reads "%s"', (ms, text) => {
  expect(formatDuration(ms)).toBe(text)
})
