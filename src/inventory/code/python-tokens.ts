import { decodeEscape, isIdentPart, isIdentStart, MAX_TOKENS, numberEnd, startsNumber, type Token, type Tokenized } from './tokens.js'

const OPS3 = ['**=', '//=', '>>=', '<<=', '...', '!=']
const OPS2 = ['**', '//', '==', '!=', '<=', '>=', '->', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '<<', '>>']
const PREFIX = /^(?:[rRbBuUfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/

/**
 * A Python tokenizer good enough to find calls and their literal arguments:
 * all string forms (prefixes, triple quotes, raw, f-strings with nested quotes
 * per PEP 701), comments, line continuations. Linear; never throws; an
 * unterminated string ends at the line (or, triple-quoted, the file) end.
 */
export function tokenizePython(text: string): Tokenized {
  const tokens: Token[] = []
  const n = text.length
  let i = 0
  while (i < n) {
    if (tokens.length >= MAX_TOKENS) return { tokens, truncated: true }
    const c = text.charCodeAt(i)
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++
    } else if (c === 35 /* # */) {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++
    } else if (c === 92 /* \ */) {
      i++
    } else if (isIdentStart(c)) {
      let j = i + 1
      while (j < n && isIdentPart(text.charCodeAt(j))) j++
      const word = text.slice(i, j)
      if ((text[j] === '"' || text[j] === "'") && PREFIX.test(word)) {
        const s = lexString(text, j, word)
        tokens.push({ kind: 'string', text: text.slice(i, s.end), value: s.value, dynamic: s.dynamic, offset: i })
        i = s.end
      } else {
        tokens.push({ kind: 'name', text: word, offset: i })
        i = j
      }
    } else if (c === 34 || c === 39) {
      const s = lexString(text, i, '')
      tokens.push({ kind: 'string', text: text.slice(i, s.end), value: s.value, dynamic: s.dynamic, offset: i })
      i = s.end
    } else if (startsNumber(text, i)) {
      const j = numberEnd(text, i)
      tokens.push({ kind: 'number', text: text.slice(i, j), offset: i })
      i = j
    } else {
      const three = text.slice(i, i + 3)
      const two = text.slice(i, i + 2)
      const op = OPS3.includes(three) ? three : OPS2.includes(two) ? two : text[i]!
      tokens.push({ kind: 'op', text: op, offset: i })
      i += op.length
    }
  }
  return { tokens, truncated: false }
}

interface Lexed {
  end: number
  value: string
  dynamic: boolean
}

/** The string literal whose opening quote is at `i`. */
export function lexString(text: string, i: number, prefix: string): Lexed {
  const q = text[i]!
  const triple = text[i + 1] === q && text[i + 2] === q
  const close = triple ? q.repeat(3) : q
  const raw = /[rR]/.test(prefix)
  const formatted = /[fFtT]/.test(prefix)
  const n = text.length
  let j = i + close.length
  let value = ''
  let dynamic = false
  while (j < n) {
    const ch = text[j]!
    if (!triple && (ch === '\n' || ch === '\r')) return { end: j, value, dynamic }
    if (text.startsWith(close, j)) return { end: j + close.length, value, dynamic }
    if (ch === '\\') {
      if (raw) {
        value += text.slice(j, j + 2)
        j += 2
      } else {
        const [v, next] = decodeEscape(text, j)
        value += v
        j = next
      }
    } else if (formatted && ch === '{') {
      if (text[j + 1] === '{') {
        value += '{'
        j += 2
      } else {
        dynamic = true
        j = skipReplacement(text, j + 1)
      }
    } else if (formatted && ch === '}' && text[j + 1] === '}') {
      value += '}'
      j += 2
    } else {
      value += ch
      j++
    }
  }
  return { end: n, value, dynamic }
}

/** Past the `}` that closes an f-string replacement field opened just before `j`. */
function skipReplacement(text: string, j: number): number {
  let depth = 1
  const n = text.length
  while (j < n && depth > 0) {
    const ch = text[j]!
    if (ch === '{' || ch === '(' || ch === '[') depth++
    else if (ch === '}' || ch === ')' || ch === ']') depth--
    if (depth === 0) return j + 1
    if (ch === '"' || ch === "'") {
      j = lexString(text, j, '').end
      continue
    }
    j++
  }
  return j
}
