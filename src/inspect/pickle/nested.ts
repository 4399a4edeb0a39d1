/**
 * Pickles hidden inside pickles: bytes or strings that are themselves a pickle,
 * raw or base64/hex encoded, zlib/gzip compressed or not, with or without a PROTO
 * header (protocol 0/1 pickles have none, and `pickle.loads` does not need one at
 * any protocol). They are second-stage payloads for `pickle.loads`/`torch.load`/
 * `_load_from_bytes` gadgets (or for code that loads "config" blobs), so the scan
 * recurses into them. A candidate with a PROTO header is a pickle by intent; any
 * other is only plausible (its first opcode can start a pickle and it holds an
 * import opcode) until a trial parse agrees (see PickleScan.embedded).
 */
import { isAscii } from 'node:buffer'
import { constants, gunzipSync, inflateSync } from 'node:zlib'
import { OP } from './opcodes.js'

export interface Embedded {
  /** How it was stored: raw, text, base64, hex, zlib, gzip, or a chain such as base64+zlib. */
  how: string
  bytes: Buffer
  /** Starts with a PROTO header. */
  sure: boolean
  /** Only a prefix of the payload is here (a longer argument, or capped inflation). */
  truncated: boolean
}

/** Most bytes inflated from one compressed argument (a deflate stream expands at most ~1032×). */
export const MAX_INFLATED = 4 * 1024 * 1024

const isProtoHeader = (b: Buffer): boolean => b.length >= 4 && b[0] === OP.PROTO && b[1]! <= 5

/** Opcodes that can be the first of a pickle: they push, mark or frame without needing a stack. */
const FIRST = new Set<number>([
  OP.MARK, OP.EMPTY_TUPLE, OP.FLOAT, OP.BINFLOAT, OP.INT, OP.BININT, OP.BININT1, OP.LONG, OP.BININT2, OP.NONE,
  OP.PERSID, OP.STRING, OP.BINSTRING, OP.SHORT_BINSTRING, OP.UNICODE, OP.BINUNICODE, OP.EMPTY_LIST, OP.GLOBAL,
  OP.EMPTY_DICT, OP.BINBYTES, OP.SHORT_BINBYTES, OP.EXT1, OP.EXT2, OP.EXT4, OP.NEWTRUE, OP.NEWFALSE, OP.LONG1,
  OP.LONG4, OP.SHORT_BINUNICODE, OP.BINUNICODE8, OP.BINBYTES8, OP.EMPTY_SET, OP.FRAME, OP.BYTEARRAY8, OP.NEXT_BUFFER
])
/** Opcodes whose argument is a text line: the bytes must hold a newline. */
const LINE_OPS = new Set<number>([OP.FLOAT, OP.INT, OP.LONG, OP.PERSID, OP.STRING, OP.UNICODE, OP.GLOBAL])

/**
 * Cheap plausibility before any trial parse: a pickle-starting opcode, a newline
 * for a text argument, an import opcode somewhere, and a STOP unless cut short.
 */
function plausible(b: Buffer, truncated: boolean): boolean {
  const first = b[0]!
  if (!FIRST.has(first)) return false
  if (LINE_OPS.has(first) && !b.includes(0x0a)) return false
  if (first === OP.STRING && b[1] !== 0x27 && b[1] !== 0x22) return false
  if (!truncated && !b.includes(OP.STOP)) return false
  return b.includes(OP.GLOBAL) || b.includes(OP.INST) || b.includes(OP.STACK_GLOBAL) || b.includes(OP.EXT1) || b.includes(OP.EXT2) || b.includes(OP.EXT4)
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/
const B64URL = /^[A-Za-z0-9_-]+={0,2}$/
const HEX = /^[0-9a-fA-F]+$/

/** base64 (standard or url-safe, line breaks allowed) or hex text, decoded; null if it is neither. */
function decodeText(data: Buffer, truncated: boolean): { how: string; bytes: Buffer } | null {
  if (data.length < 12) return null
  const c = data[0]!
  const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2b || c === 0x2f || c === 0x2d || c === 0x5f
  if (!alnum && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return null
  if (!isAscii(data)) return null
  const text = data.toString('latin1').replace(/\s+/g, '')
  if (text.length >= 16 && text.length % 2 === 0 && HEX.test(text)) return { how: 'hex', bytes: Buffer.from(text, 'hex') }
  const std = B64.test(text)
  if (!std && !B64URL.test(text)) return null
  // base64.b64decode rejects a length that is not a multiple of 4 ("Incorrect padding")
  const usable = truncated ? text.slice(0, text.length - (text.length % 4)) : text
  if (usable.length % 4 !== 0 || usable.length < 12) return null
  return { how: 'base64', bytes: Buffer.from(usable, std ? 'base64' : 'base64url') }
}

const isZlib = (b: Buffer): boolean =>
  b.length >= 2 && (b[0]! & 0x0f) === 8 && b[0]! >> 4 <= 7 && ((b[0]! << 8) | b[1]!) % 31 === 0 && (b[1]! & 0x20) === 0
const isGzip = (b: Buffer): boolean => b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8

/**
 * Inflates a zlib or gzip payload, bounded by MAX_INFLATED. A stream cut short (the
 * argument was longer than what was kept) or one that inflates beyond the bound
 * gives the prefix that could be inflated, marked truncated.
 */
function inflate(b: Buffer, truncated: boolean): { how: string; bytes: Buffer; truncated: boolean } | null {
  const gz = isGzip(b)
  if (!gz && !isZlib(b)) return null
  const how = gz ? 'gzip' : 'zlib'
  const run = (input: Buffer, partial: boolean): Buffer => {
    const opts = { maxOutputLength: MAX_INFLATED, ...(partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}) }
    return gz ? gunzipSync(input, opts) : inflateSync(input, opts)
  }
  try {
    return { how, bytes: run(b, truncated), truncated }
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      // a bomb or just large: inflate a prefix small enough to stay under the bound
      try {
        return { how, bytes: run(b.subarray(0, Math.floor(MAX_INFLATED / 1032)), true), truncated: true }
      } catch {
        return null
      }
    }
    if (!truncated && /unexpected end/i.test(String((err as Error).message))) {
      try {
        return { how, bytes: run(b, true), truncated: true }
      } catch {
        return null
      }
    }
    return null
  }
}

/**
 * Every reading of a kept argument that may be a pickle: as it is, decoded from
 * base64/hex, inflated, or both. `truncated`: the argument was longer than kept.
 */
export function findEmbedded(data: Buffer, truncated: boolean): Embedded[] {
  if (data.length < 4) return NONE
  const dec = decodeText(data, truncated)
  const first = data[0]!
  // the common case (names, keys, array bytes): nothing to decode or inflate, no pickle start
  if (dec === null && first !== OP.PROTO && !FIRST.has(first) && first !== 0x1f && (first & 0x0f) !== 8) return NONE
  const layers: { how: string; bytes: Buffer; truncated: boolean }[] = [{ how: 'raw', bytes: data, truncated }]
  if (dec) layers.push({ ...dec, truncated })
  for (const l of [...layers]) {
    const inf = inflate(l.bytes, l.truncated)
    if (inf) layers.push({ how: l === layers[0] ? inf.how : `${l.how}+${inf.how}`, bytes: inf.bytes, truncated: inf.truncated })
  }
  const out: Embedded[] = []
  for (const l of layers) {
    if (l.bytes.length < 4) continue
    if (isProtoHeader(l.bytes)) out.push({ ...l, sure: true })
    else if (plausible(l.bytes, l.truncated)) out.push({ ...l, how: l.how === 'raw' && isAscii(l.bytes) ? 'text' : l.how, sure: false })
  }
  return out
}

const NONE: Embedded[] = []
