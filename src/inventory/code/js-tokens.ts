import { decodeEscape, isIdentPart, isIdentStart, MAX_TOKENS, numberEnd, startsNumber, type Token, type Tokenized } from './tokens.js'

const PUNCTUATORS = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=', '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>']
/** After these words an expression starts, so `/` opens a regular expression. */
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await'])

/**
 * A JavaScript/TypeScript tokenizer for finding calls and literal arguments:
 * strings, template literals (a `${}` part makes one dynamic; nested templates
 * are skipped), comments, and regular expressions told from division by the
 * token before. Linear; never throws. JSX text can confuse it only up to the
 * end of a line, since plain strings stop there.
 */
export function tokenizeJs(text: string): Tokenized {
  const tokens: Token[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    if (tokens.length >= MAX_TOKENS) return { tokens, truncated: true }
    const c = text.charCodeAt(i)
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
      i++
    } else if (c === 47 /* / */ && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++
    } else if (c === 47 && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else if (c === 47 && regexAllowed(tokens[tokens.length - 1])) {
      const end = regexEnd(text, i)
      if (end < 0) {
        tokens.push({ kind: 'op', text: '/', offset: i })
        i++
      } else {
        tokens.push({ kind: 'op', text: 'regex', offset: i })
        i = end
      }
    } else if (isIdentStart(c) || c === 36 /* $ */ || c === 35 /* # */) {
      let j = i + 1
      while (j < n && (isIdentPart(text.charCodeAt(j)) || text[j] === '$')) j++
      tokens.push({ kind: 'name', text: text.slice(i, j), offset: i })
      i = j
    } else if (c === 34 || c === 39) {
      const s = lexQuoted(text, i)
      tokens.push({ kind: 'string', text: text.slice(i, s.end), value: s.value, dynamic: false, offset: i })
      i = s.end
    } else if (c === 96 /* ` */) {
      const s = lexTemplate(text, i)
      tokens.push({ kind: 'string', text: text.slice(i, s.end), value: s.value, dynamic: s.dynamic, offset: i })
      i = s.end
    } else if (startsNumber(text, i)) {
      const j = numberEnd(text, i)
      tokens.push({ kind: 'number', text: text.slice(i, j), offset: i })
      i = j
    } else {
      const op = PUNCTUATORS.find((p) => text.startsWith(p, i)) ?? text[i]!
      tokens.push({ kind: 'op', text: op, offset: i })
      i += op.length
    }
  }
  return { tokens, truncated: false }
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true
  if (prev.kind === 'name') return BEFORE_EXPRESSION.has(prev.text)
  if (prev.kind === 'op') return prev.text !== ')' && prev.text !== ']' && prev.text !== '}' && prev.text !== 'regex' && prev.text !== '++' && prev.text !== '--'
  return false
}

/** End of a regular expression literal starting at `i`, or -1 when the line ends first. */
function regexEnd(text: string, i: number): number {
  let j = i + 1
  let inClass = false
  while (j < text.length) {
    const ch = text[j]!
    if (ch === '\n' || ch === '\r') return -1
    if (ch === '\\') j += 2
    else {
      if (ch === '[') inClass = true
      else if (ch === ']') inClass = false
      else if (ch === '/' && !inClass) {
        j++
        while (j < text.length && isIdentPart(text.charCodeAt(j))) j++
        return j
      }
      j++
    }
  }
  return -1
}

function lexQuoted(text: string, i: number): { end: number; value: string } {
  const q = text[i]!
  let j = i + 1
  let value = ''
  while (j < text.length) {
    const ch = text[j]!
    if (ch === q) return { end: j + 1, value }
    if (ch === '\n' || ch === '\r') return { end: j, value }
    if (ch === '\\') {
      const [v, next] = decodeEscape(text, j)
      value += v
      j = next
    } else {
      value += ch
      j++
    }
  }
  return { end: text.length, value }
}

/** A template literal from its opening backtick; `${...}` parts (with nested strings and templates) are skipped. */
function lexTemplate(text: string, i: number, depth = 0): { end: number; value: string; dynamic: boolean } {
  let j = i + 1
  let value = ''
  let dynamic = false
  while (j < text.length) {
    const ch = text[j]!
    if (ch === '`') return { end: j + 1, value, dynamic }
    if (ch === '\\') {
      const [v, next] = decodeEscape(text, j)
      value += v
      j = next
    } else if (ch === '$' && text[j + 1] === '{') {
      dynamic = true
      j = skipSubstitution(text, j + 2, depth)
    } else {
      value += ch
      j++
    }
  }
  return { end: text.length, value, dynamic }
}

/** Past the `}` closing a `${` substitution; nesting of templates is capped so hostile input stays linear-ish. */
function skipSubstitution(text: string, j: number, depth: number): number {
  let braces = 1
  while (j < text.length) {
    const ch = text[j]!
    if (ch === '{') braces++
    else if (ch === '}' && --braces === 0) return j + 1
    else if (ch === '"' || ch === "'") {
      j = lexQuoted(text, j).end
      continue
    } else if (ch === '`') {
      j = depth < 16 ? lexTemplate(text, j, depth + 1).end : j + 1
      continue
    }
    j++
  }
  return j
}
