/** Where GitHub lets a review comment land in a patch. */
import { parsePatch } from '../support/fake-github/diff.js'

const PATCH = ['@@ -1,3 +1,3 @@', ' a', '-b', '+B', ' c', '@@ -10,2 +10,3 @@', ' j', '+k', ' l', '\\ No newline at end of file'].join('\n')

test('RIGHT lines are added/context by new number, LEFT removed/context by old number', () => {
  const d = parsePatch(PATCH)
  expect([...d.right].sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 11, 12])
  expect([...d.left].sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 11])
  expect(d.positions).toBe(8) // 4 lines, the second @@ header, 3 lines
  expect(d.hunkOf(2, 'RIGHT')).toBe(0)
  expect(d.hunkOf(11, 'RIGHT')).toBe(1)
  expect(d.hunkOf(5, 'RIGHT')).toBe(-1)
  expect(d.hunkAt(11, 'RIGHT')).toBe('@@ -10,2 +10,3 @@\n j\n+k')
})

test('a binary file (no patch) has no commentable line', () => {
  const d = parsePatch(undefined)
  expect(d.right.size + d.left.size + d.positions).toBe(0)
})
