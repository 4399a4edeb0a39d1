import { readFrontMatter } from '../../src/identify/front-matter.js'

/**
 * The metadata block as huggingface_hub finds it (`REGEX_YAML_BLOCK` in its repocard.py,
 * `^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))`); the expected YAML is what that
 * pattern's second group holds for each text, checked with Python's `re`.
 */
test.each([
  ['---\nlicense: mit\n---\n', 'license: mit'],
  ['\n---\na: 1\n---\n', 'a: 1'],
  ['  ---\na: 1\n---\n', 'a: 1'],
  ['---\n\n---\n', ''],
  ['---\na: 1\n---x: 1\nb: 2\n---\n', 'a: 1\n---x: 1\nb: 2'],
  ['---\na: 1\n--- \nb\n---', 'a: 1\n--- \nb'],
  ['---\na: 1\n---', 'a: 1'],
  ['---\r\na: 1\r\n---\r\n', 'a: 1'],
  ['---\ra: 1\r---\r\n', 'a: 1'],
  ['---\na\n\n\n---\n', 'a'],
  ['---\na: 1\n----\n---\n', 'a: 1\n----'],
  ['\uFEFF---\na: 1\n---\n', 'a: 1']
])('%j → %j', (text, yaml) => {
  expect(readFrontMatter(text).yaml).toBe(yaml)
})

test('no block: `--- ` opening, an empty `---`/`---` pair, prose', () => {
  for (const text of ['--- \na: 1\n---\n', '---\n---\n', '# Model\n---\na: 1\n---\n', '\n---\nno end']) expect(readFrontMatter(text)).toEqual({ data: null })
  // A card that opens a block on its first line and never closes it is broken, not prose.
  expect(readFrontMatter('---\nlicense: mit\n')).toEqual({ data: null, error: 'the metadata block has no closing `---` line' })
})

test('the first YAML line, for findings on the right line of the card', () => {
  expect(readFrontMatter('\n\n---\nlicense: x\n---\n')).toMatchObject({ data: { license: 'x' }, firstLine: 4 })
  expect(readFrontMatter('---\r\nlicense: x\r\n---\r\n')).toMatchObject({ data: { license: 'x' }, firstLine: 2 })
  expect(readFrontMatter('\n---\nlicense: [x\n---\n')).toMatchObject({ data: null, errorLine: 3 })
})

test('merge keys are applied as PyYAML applies them; a missing anchor or too many aliases is an error, not a throw', () => {
  expect(readFrontMatter('---\nbase: &b\n  license: cc-by-nc-4.0\n<<: *b\n---\n').data).toEqual({ base: { license: 'cc-by-nc-4.0' }, license: 'cc-by-nc-4.0' })
  expect(readFrontMatter('---\nbase: &b\n  license: cc-by-nc-4.0\nlicense: mit\n<<: *b\n---\n').data).toEqual({ base: { license: 'cc-by-nc-4.0' }, license: 'mit' })
  expect(readFrontMatter('---\nlicense: *nope\n---\n')).toMatchObject({ data: null, error: expect.stringMatching(/^Unresolved alias/) })
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n')
  expect(readFrontMatter(`---\n${laughs}\n---\n`)).toMatchObject({ data: null, error: expect.stringMatching(/alias/i) })
})

test('a long run of blank lines inside the block is scanned once (the pattern itself backtracks over it)', () => {
  expect(readFrontMatter(`---\nlicense: mit${'\n'.repeat(60_000)}x: 1\n---\n`).data).toEqual({ license: 'mit', x: 1 })
  expect(readFrontMatter(`---\nlicense: mit${'\n'.repeat(200_000)}`)).toEqual({ data: null, error: 'the metadata block has no closing `---` line' })
})
