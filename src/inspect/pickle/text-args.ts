/**
 * Protocol-0 text arguments read exactly as CPython's C unpickler reads them
 * (Modules/_pickle.c). A reading that differs from CPython's is a bypass (`g1_0`
 * is memo 10 to CPython, 1 to `parseInt`), so each function either returns
 * CPython's value or says the argument is one CPython rejects. `line` never
 * includes the newline; C string functions stop at the first NUL byte, so
 * `cString` cuts there first where CPython's parser does.
 */
import { isUtf8 } from 'node:buffer'

/** The result of reading an argument: CPython's value, or why CPython raises. */
export type Read<T> = { ok: true; value: T } | { ok: false; why: string }

const ok = <T>(value: T): Read<T> => ({ ok: true, value })
const bad = (why: string): Read<never> => ({ ok: false, why })

/** Digits beyond which a value is not worth computing (no shape or memo index is that long). */
const MAX_EXACT_DIGITS = 30

/** The bytes a C string function sees: up to the first NUL. */
function cString(line: Buffer): string {
  const nul = line.indexOf(0)
  return line.toString('latin1', 0, nul < 0 ? line.length : nul)
}

/** Py_ISSPACE / C-locale isspace: space, \t, \n, \v, \f, \r. */
const SPACE = /^[ \t\n\v\f\r]*/
const ALL_SPACE = /^[ \t\n\v\f\r]*$/

const DIGIT_RE: Record<number, RegExp> = {
  2: /^[01]+(?:_[01]+)*/,
  8: /^[0-7]+(?:_[0-7]+)*/,
  10: /^[0-9]+(?:_[0-9]+)*/,
  16: /^[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*/
}

/**
 * `PyLong_FromString(s, NULL, base)` for base 10 or 0 (Objects/longobject.c): optional
 * leading whitespace and sign, digits with single underscores between them, a
 * 0x/0o/0b prefix in base 0 (one underscore may follow it), and "0"-led decimals
 * only for zero in base 0; trailing whitespace only. `null` value: valid, but longer
 * than any value we need (the caller treats it as an unknown integer).
 */
export function pyLongFromString(s: string, base: 0 | 10): Read<bigint | null> {
  let p = SPACE.exec(s)![0].length
  let neg = false
  if (s[p] === '+' || s[p] === '-') neg = s[p++] === '-'
  let radix = 10
  let zeroOnly = false
  if (base === 0) {
    const pre = s.slice(p, p + 2).toLowerCase()
    if (pre === '0x' || pre === '0o' || pre === '0b') {
      radix = pre === '0x' ? 16 : pre === '0o' ? 8 : 2
      p += 2
      if (s[p] === '_') p++
    } else if (s[p] === '0') zeroOnly = true // C-style octal is not valid, but 0, 00, 0_0 are
  }
  const m = DIGIT_RE[radix]!.exec(s.slice(p))
  if (!m) return bad(`invalid literal for int() with base ${base}`)
  const rest = s.slice(p + m[0].length)
  if (!ALL_SPACE.test(rest)) return bad(`invalid literal for int() with base ${base}`)
  const digits = m[0].replace(/_/g, '')
  if (zeroOnly && /[1-9]/.test(digits)) return bad('invalid literal for int() with base 0 (a leading zero)')
  const significant = digits.replace(/^0+/, '')
  if (significant.length > MAX_EXACT_DIGITS) return ok(null)
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : ''
  const v = BigInt(prefix + (significant || '0'))
  return ok(neg ? -v : v)
}

/**
 * INT (load_int): `strtol(s, &end, 0)`; if that does not end at the newline (or
 * overflows a C long), `PyLong_FromString(s, NULL, 0)`, else an error. strtol reads
 * "010" as octal 8, which Python's int() rejects; a C long is 64-bit on Linux and
 * 32-bit on Windows, but where the two differ the fallback either gives the same
 * value or fails, so one reading covers both. `bool`: CPython pushes True/False
 * (a three-byte line whose strtol value is 0 or 1).
 */
export function readIntArg(line: Buffer): Read<{ n: bigint | null; bool: boolean }> {
  if (line.length === 0) return bad('the INT argument is empty (CPython: pickle data was truncated)')
  const s = cString(line)
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s)
  if (m) {
    const body = m[2]!
    const hex = /^0[xX]/.test(body)
    const sig = (hex ? body.slice(2) : body).replace(/^0+/, '')
    // more digits than any C long has (22 octal ones): strtol overflows, the fallback decides
    if (sig.length <= 22) {
      const v = sig === '' ? 0n : BigInt((hex ? '0x' : body[0] === '0' ? '0o' : '') + sig)
      if (v <= (m[1] === '-' ? 1n << 63n : (1n << 63n) - 1n)) {
        const n = m[1] === '-' ? -v : v
        return ok({ n, bool: line.length === 2 && (n === 0n || n === 1n) })
      }
    }
  }
  const r = pyLongFromString(s, 0)
  return r.ok ? ok({ n: r.value, bool: false }) : bad(`the INT argument ${show(line)} is not an integer CPython reads (could not convert string to int)`)
}

/** LONG (load_long): a trailing 'L' is dropped, then `PyLong_FromString(s, NULL, 0)`. */
export function readLongArg(line: Buffer): Read<bigint | null> {
  if (line.length === 0) return bad('the LONG argument is empty (CPython: pickle data was truncated)')
  const body = line[line.length - 1] === 0x4c ? line.subarray(0, line.length - 1) : line
  const r = pyLongFromString(cString(body), 0)
  return r.ok ? r : bad(`the LONG argument ${show(line)} is not an integer CPython reads (${r.why})`)
}

/**
 * GET/PUT (load_get, load_put): `PyLong_FromString(s, NULL, 10)` then a Py_ssize_t.
 * An index past 2^53 cannot be held exactly here; CPython could only fail on it
 * (a memo that large does not fit in memory), so it is an error here too.
 */
export function readMemoIndex(line: Buffer, op: 'GET' | 'PUT'): Read<number> {
  if (line.length === 0) return bad(`the ${op} argument is empty (CPython: pickle data was truncated)`)
  const r = pyLongFromString(cString(line), 10)
  if (!r.ok) return bad(`the ${op} memo index ${show(line)} is not a decimal integer CPython reads (${r.why})`)
  if (r.value === null || r.value > BigInt(Number.MAX_SAFE_INTEGER)) return bad(`the ${op} memo index ${show(line)} is too large for any memo`)
  if (r.value < 0n) return bad(op === 'PUT' ? 'the PUT memo index is negative (CPython: negative PUT argument)' : `memo key ${r.value} is not defined (CPython: Memo value not found)`)
  return ok(Number(r.value))
}

/**
 * FLOAT (load_float): `PyOS_string_to_double` must consume everything up to the
 * newline (or a NUL): no leading whitespace, no underscores, no hex, "inf",
 * "infinity" and "nan" in any case, and a finite literal that overflows is an
 * OverflowError.
 */
export function checkFloatArg(line: Buffer): Read<true> {
  if (line.length === 0) return bad('the FLOAT argument is empty (CPython: pickle data was truncated)')
  const s = cString(line)
  const m = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i.exec(s)
  if (!m) return bad(`the FLOAT argument ${show(line)} is not a float CPython reads (could not convert string to float)`)
  if (!/^[+-]?(inf|nan)/i.test(s) && !Number.isFinite(Number(s))) return bad(`the FLOAT argument ${show(line)} overflows a double (CPython raises OverflowError)`)
  return ok(true)
}

/** STRING (load_string): codecs.escape_decode of the quoted body (PyBytes_DecodeEscape, strict). */
export function escapeDecode(b: Buffer): Read<Buffer> {
  if (!b.includes(0x5c)) return ok(b)
  const out = Buffer.allocUnsafe(b.length)
  let o = 0
  for (let i = 0; i < b.length; ) {
    const ch = b[i++]!
    if (ch !== 0x5c) {
      out[o++] = ch
      continue
    }
    if (i >= b.length) return bad('the STRING argument ends in a lone backslash (CPython: Trailing \\ in string)')
    const e = b[i++]!
    const simple = SIMPLE_ESCAPES[e]
    if (simple !== undefined) out[o++] = simple
    else if (e === 0x0a) {
      // line continuation: nothing
    } else if (e >= 0x30 && e <= 0x37) {
      let c = e - 0x30
      for (let k = 0; k < 2 && i < b.length && b[i]! >= 0x30 && b[i]! <= 0x37; k++) c = (c << 3) + b[i++]! - 0x30
      out[o++] = c & 0xff
    } else if (e === 0x78) {
      const h = i + 1 < b.length ? b.toString('latin1', i, i + 2) : ''
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return bad(`the STRING argument has an invalid \\x escape at position ${i - 2} (CPython raises ValueError)`)
      out[o++] = parseInt(h, 16)
      i += 2
    } else {
      // unknown escapes stay as they are (backslash included)
      out[o++] = 0x5c
      i--
    }
  }
  return ok(out.subarray(0, o))
}

const SIMPLE_ESCAPES: Record<number, number> = {
  0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x62: 8, 0x66: 12, 0x74: 9, 0x6e: 10, 0x72: 13, 0x76: 11, 0x61: 7
}

/**
 * UNICODE (load_unicode): raw-unicode-escape. A \uXXXX or \UXXXXXXXX escape only
 * after an odd run of backslashes (`\\u0041` stays literal); once started it must be
 * complete and at most U+10FFFF, or CPython raises UnicodeDecodeError. Every other
 * byte is its Latin-1 code point.
 */
export function rawUnicodeEscape(b: Buffer): Read<string> {
  const s = b.toString('latin1')
  if (!s.includes('\\')) return ok(s)
  let out = ''
  let i = 0
  while (i < s.length) {
    const ch = s[i]!
    if (ch !== '\\') {
      out += ch
      i++
      continue
    }
    const start = i
    while (i < s.length && s[i] === '\\') i++
    out += s.slice(start, i)
    if ((i - start) % 2 === 0 || (s[i] !== 'u' && s[i] !== 'U')) continue
    const count = s[i] === 'u' ? 4 : 8
    const hex = s.slice(i + 1, i + 1 + count)
    if (!(count === 4 ? HEX4 : HEX8).test(hex)) {
      return bad(`the UNICODE argument has a truncated \\${s[i]} escape at position ${i - 1} (CPython raises UnicodeDecodeError)`)
    }
    const cp = parseInt(hex, 16)
    if (cp > 0x10ffff) return bad(`the UNICODE argument has a \\U escape beyond U+10FFFF at position ${i - 1} (CPython raises UnicodeDecodeError)`)
    out = out.slice(0, -1) + String.fromCodePoint(cp)
    i += 1 + count
  }
  return ok(out)
}

const HEX4 = /^[0-9a-fA-F]{4}$/
const HEX8 = /^[0-9a-fA-F]{8}$/

/**
 * BINUNICODE family: UTF-8 with "surrogatepass" (encoded lone surrogates allowed,
 * anything else invalid is a UnicodeDecodeError). `null`: not decodable.
 */
export function decodeUtf8SurrogatePass(b: Buffer): string | null {
  if (isUtf8(b)) return b.toString('utf8')
  let out = ''
  for (let i = 0; i < b.length; ) {
    const c = b[i]!
    // ED A0–BF xx: a surrogate, which strict UTF-8 (and isUtf8) rejects
    if (c === 0xed && i + 2 < b.length && b[i + 1]! >= 0xa0 && b[i + 1]! <= 0xbf && (b[i + 2]! & 0xc0) === 0x80) {
      out += String.fromCharCode(0xd000 | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f))
      i += 3
      continue
    }
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0
    if (n === 0 || i + n > b.length) return null
    const seq = b.subarray(i, i + n)
    if (!isUtf8(seq)) return null
    out += seq.toString('utf8')
    i += n
  }
  return out
}

/** An argument for a message: quoted, bounded, control bytes escaped. */
function show(line: Buffer): string {
  const s = line.toString('latin1', 0, Math.min(line.length, 40))
  return JSON.stringify(s + (line.length > 40 ? '…' : ''))
}
