/**
 * Repo-controlled text (paths, license strings, card fields, pickle globals echoed in messages)
 * must not change the comment it lands in: no HTML, no @-mentions, no links or cross-references
 * that we did not write, no broken tables, no hidden or reordered characters.
 */

/** U+2060 WORD JOINER: invisible, but `@name`, `https://` and `#12` no longer match GitHub's linkers. */
const WJ = '\u2060'

/** C0/C1 controls, and bidi overrides/isolates that can make a path read as something else. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

function visible(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, ' ').replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Free text outside code spans: every Markdown/HTML-active character neutralised. */
function plain(text: string): string {
  return text
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, `@${WJ}`)
    .replace(/:\/\//g, `:${WJ}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${WJ}.`)
    .replace(/#(?=\w)/g, `#${WJ}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${WJ}`)
}

/**
 * One line of prose for a list item or table cell. Balanced code spans (our own messages quote
 * commands with backticks) are kept: GitHub renders their content literally, so only `|`, which
 * splits table rows even inside code, is escaped there.
 */
export function escapeInline(text: string): string {
  const s = visible(text)
  let out = ''
  let i = 0
  while (i < s.length) {
    const open = s.indexOf('`', i)
    if (open < 0) break
    const run = /^`+/.exec(s.slice(open))![0].length
    const close = findRun(s, open + run, run)
    if (close < 0) {
      out += plain(s.slice(i, open + run))
      i = open + run
      continue
    }
    out += plain(s.slice(i, open)) + s.slice(open, close + run).replace(/\|/g, '\\|')
    i = close + run
  }
  return out + plain(s.slice(i))
}

/** The next backtick run of exactly `n` at or after `from`, or -1. */
function findRun(s: string, from: number, n: number): number {
  for (let i = s.indexOf('`', from); i >= 0; i = s.indexOf('`', i)) {
    const run = /^`+/.exec(s.slice(i))![0].length
    if (run === n) return i
    i += run
  }
  return -1
}

/**
 * A code span for a path or any other repo string: a fence longer than any backtick run inside
 * (CommonMark), padded when the text contains a backtick. In a table cell `|` must be escaped (GFM
 * splits the row before it sees code spans); elsewhere the backslash would show.
 */
export function code(text: string, where: 'cell' | 'text' = 'text'): string {
  const s = where === 'cell' ? visible(text).replace(/\|/g, '\\|') : visible(text)
  if (s === '') return '` `'
  if (!s.includes('`')) return `\`${s}\``
  const longest = Math.max(...(s.match(/`+/g) ?? ['']).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence} ${s} ${fence}`
}
