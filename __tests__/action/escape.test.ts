import { code, escapeInline } from '../../src/report/escape.js'

const WJ = '\u2060'

test('prose: no HTML, mentions, links, cross-references or table breaks survive', () => {
  expect(escapeInline('<img src=x onerror=alert(1)> & <details>')).toBe('&lt;img src=x onerror=alert(1)&gt; &amp; &lt;details&gt;')
  expect(escapeInline('ping @octocat and @org/team')).toBe(`ping @${WJ}octocat and @${WJ}org/team`)
  expect(escapeInline('see https://evil.example/x and www.evil.example')).toBe(`see https:${WJ}//evil.example/x and www${WJ}.evil.example`)
  expect(escapeInline('[click](https://evil.example) ![img](x)')).toBe(`\\[click\\](https:${WJ}//evil.example) !\\[img\\](x)`)
  expect(escapeInline('fixes #12, GH-3 and other/repo#4')).toBe(`fixes #${WJ}12, GH-${WJ}3 and other/repo#${WJ}4`)
  expect(escapeInline('a | b\nc\r\nd')).toBe('a \\| b c d')
  expect(escapeInline('**bold** _em_ ~~s~~ \\')).toBe('\\*\\*bold\\*\\* \\_em\\_ \\~\\~s\\~\\~ \\\\')
})

test('prose: balanced code spans stay code (literal on GitHub), a lone backtick is escaped', () => {
  expect(escapeInline('run `git lfs track "*.bin"` then @me')).toBe(`run \`git lfs track "*.bin"\` then @${WJ}me`)
  expect(escapeInline('`a|b` and ``x`y``')).toBe('`a\\|b` and ``x`y``')
  expect(escapeInline('odd ` tick <b>')).toBe('odd \\` tick &lt;b&gt;')
})

test('invisible and bidi characters are shown, not obeyed', () => {
  // Markdown source `\\u202e` renders as the text \u202e
  expect(escapeInline('evil\u202Egnp.pkl')).toBe('evil\\\\u202egnp.pkl')
  expect(code('a\u0000b\u2066c')).toBe('`a\\u0000b\\u2066c`')
})

test('code spans: fence longer than any run inside, pipes escaped only in table cells', () => {
  expect(code('models/a.pt')).toBe('`models/a.pt`')
  expect(code('a`b')).toBe('`` a`b ``')
  expect(code('x``y')).toBe('``` x``y ```')
  expect(code('a|b', 'cell')).toBe('`a\\|b`')
  expect(code('a|b')).toBe('`a|b`')
  expect(code('')).toBe('` `')
})
