/** Tokens the hub-reference finder needs; comments and whitespace are dropped. */
export interface Token {
  kind: 'name' | 'string' | 'number' | 'op'
  /** Source text (for strings: the raw literal). */
  text: string
  /** Strings: the decoded value (replacement fields left out). */
  value?: string
  /** Strings with `{expr}` / `${expr}` parts: not a constant. */
  dynamic?: boolean
  offset: number
}

export interface Tokenized {
  tokens: Token[]
  /** Stopped at the token cap. */
  truncated: boolean
}

/** A file with more tokens than this is only searched in its first part. */
export const MAX_TOKENS = 1_000_000

export const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80
export const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57)
export const isDigit = (c: number): boolean => c >= 48 && c <= 57

/** A number literal starts here (`1`, `.5`). */
export const startsNumber = (text: string, i: number): boolean => isDigit(text.charCodeAt(i)) || (text.charCodeAt(i) === 46 && isDigit(text.charCodeAt(i + 1)))

/** Where a number literal starting at `i` ends: digits, letters (hex, exponents, suffixes) and dots, as both languages allow. */
export function numberEnd(text: string, i: number): number {
  let j = i + 1
  while (j < text.length && (isIdentPart(text.charCodeAt(j)) || text[j] === '.')) j++
  return j
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', '`': '`', b: '\b', f: '\f', v: '\v', a: '\x07' }

/** One backslash escape at `i` (pointing at the backslash): its value and the index after it. */
export function decodeEscape(text: string, i: number): [string, number] {
  const c = text[i + 1] ?? ''
  if (c in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[c]!, i + 2]
  if (c === '\r' && text[i + 2] === '\n') return ['', i + 3]
  if (c === '\n' || c === '\r') return ['', i + 2]
  const hex = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0
  if (hex) {
    const digits = text.slice(i + 2, i + 2 + hex)
    if (/^[0-9a-fA-F]+$/.test(digits) && digits.length === hex) {
      const cp = parseInt(digits, 16)
      return [cp <= 0x10ffff ? String.fromCodePoint(cp) : '', i + 2 + hex]
    }
  }
  return [`\\${c}`, i + 2]
}
