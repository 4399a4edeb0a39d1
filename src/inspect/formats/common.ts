import type { RuleId, Severity } from '../../types.js'
import type { ByteSource } from '../../util/byte-source.js'
import { clip } from '../../util/clip.js'
import type { Facts, InspectResult, Issue } from '../types.js'

export interface InspectContext {
  /** Repo-relative path, used only to word messages and resolve sibling paths. */
  path?: string
}

/**
 * Rule used when a file names a path outside its directory (zip-slip member, ONNX external
 * data, tfjs weight shard). A dedicated rule (`archive-path-traversal` /
 * `external-data-escape`) is requested; swap it here once it exists in RULE_IDS.
 */
export const PATH_ESCAPE_RULE: RuleId = 'unsafe-serialization'

/** Thrown inside a parser to stop with an `unparseable-artifact` error; never escapes. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly offset?: number
  ) {
    super(message)
  }
}

export function issue(rule: RuleId, severity: Severity, message: string, fix: string, offset?: number): Issue {
  return offset === undefined ? { rule, severity, message, fix } : { rule, severity, message, fix, offset }
}

export function unparseable(message: string, fix: string, offset?: number): Issue {
  return issue('unparseable-artifact', 'error', message, fix, offset)
}

/**
 * Runs a parser body so that no exception escapes: a FormatError becomes its
 * `unparseable-artifact` issue, anything else (a bug, an I/O error) becomes a
 * generic one, and the facts gathered so far are kept.
 */
export async function guarded<R extends InspectResult>(
  format: string,
  result: R,
  body: (result: R) => Promise<void>
): Promise<R> {
  try {
    await body(result)
  } catch (err) {
    if (err instanceof FormatError) {
      result.issues.push(unparseable(err.message, err.fix, err.offset))
    } else {
      const msg = err instanceof Error ? err.message : String(err)
      result.issues.push(
        unparseable(
          `The ${format} parser could not read this file (${truncate(msg, 200)}).`,
          `Check that the file is a complete, valid ${format} file; re-export it if it was truncated.`
        )
      )
    }
  }
  return result
}

export function newResult(format: string): InspectResult {
  return { facts: { format } as Facts, issues: [] }
}

/** `s` cut after `max` characters and an ellipsis: format facts and messages count what they keep. */
export function truncate(s: string, max: number): string {
  return clip(s, max + 1)
}

/** Joins values for a flat fact, capped so a hostile file cannot bloat the BOM. */
export function joinCapped(values: Iterable<string>, maxItems = 32, maxChars = 1000): string {
  const out: string[] = []
  let n = 0
  let total = 0
  for (const v of values) {
    n++
    if (out.length < maxItems && total + v.length <= maxChars) {
      out.push(v)
      total += v.length + 1
    }
  }
  if (n > out.length) out.push(`… (+${n - out.length})`)
  return out.join(',')
}

/** Top N keys of a count map, highest first, as `name:count` pairs. */
export function topCounts(counts: Map<string, number>, n: number): string {
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  return joinCapped(
    sorted.slice(0, n).map(([k, v]) => `${k}:${v}`),
    n
  )
}

/** Reads exactly `length` bytes or stops with a FormatError naming what was being read. */
export async function readExact(src: ByteSource, offset: number, length: number, what: string): Promise<Buffer> {
  if (offset < 0 || length < 0 || offset + length > src.size) {
    throw new FormatError(
      `File is truncated: ${what} needs bytes ${offset}..${offset + length} but the file has ${src.size} bytes.`,
      'The file is incomplete (interrupted download or a Git LFS pointer?); fetch or re-export the full file.',
      offset
    )
  }
  const buf = await src.read(offset, length)
  if (buf.length !== length) {
    throw new FormatError(
      `File is truncated: ${what} needs ${length} bytes at offset ${offset}, got ${buf.length}.`,
      'The file is incomplete; fetch or re-export the full file.',
      offset
    )
  }
  return buf
}

/**
 * Random access with a small cache: parsers that hop around (protobuf, flatbuffers) read
 * through one window instead of issuing one tiny read per field. Memory: one window.
 */
export class Window {
  private buf: Buffer = Buffer.alloc(0)
  private start = 0
  reads = 0
  constructor(
    readonly src: ByteSource,
    private readonly windowSize = 1 << 16
  ) {}

  get size(): number {
    return this.src.size
  }

  /** Returns `length` bytes at `offset` (length ≤ window size unless a larger read is needed). */
  async bytes(offset: number, length: number, what = 'data'): Promise<Buffer> {
    if (offset < 0 || length < 0 || offset + length > this.src.size) {
      throw new FormatError(
        `Malformed or truncated file: ${what} at offset ${offset} (+${length} bytes) lies outside the ${this.src.size}-byte file.`,
        'Re-export the file; it is truncated or corrupted.',
        offset
      )
    }
    if (offset >= this.start && offset + length <= this.start + this.buf.length) {
      return this.buf.subarray(offset - this.start, offset - this.start + length)
    }
    this.reads++
    const want = Math.max(length, this.windowSize)
    const buf = await this.src.read(offset, Math.min(want, this.src.size - offset))
    if (buf.length < length) throw new FormatError(`Short read at offset ${offset}.`, 'Re-export the file.', offset)
    this.buf = buf
    this.start = offset
    return buf.subarray(0, length)
  }

  async u8(o: number): Promise<number> {
    return (await this.bytes(o, 1)).readUInt8(0)
  }
  async u16(o: number): Promise<number> {
    return (await this.bytes(o, 2)).readUInt16LE(0)
  }
  async u32(o: number): Promise<number> {
    return (await this.bytes(o, 4)).readUInt32LE(0)
  }
  async i32(o: number): Promise<number> {
    return (await this.bytes(o, 4)).readInt32LE(0)
  }
}

/** Product of dimensions, or null when it is not a safe integer (overflow, negative). */
export function product(dims: readonly number[]): number | null {
  let p = 1
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) return null
    p *= d
    if (!Number.isSafeInteger(p)) return null
  }
  return p
}

/**
 * Whether a relative reference (zip member, external-data location, shard path) would
 * resolve outside the directory holding the model: absolute, drive-letter, UNC, URL or `..`.
 */
export function escapesDirectory(ref: string): string | null {
  if (ref.includes('\0')) return 'contains a NUL byte'
  const p = ref.replace(/\\/g, '/')
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(p)) return 'is a URL'
  if (p.startsWith('/')) return 'is an absolute path'
  if (/^[a-zA-Z]:/.test(p)) return 'is an absolute Windows path'
  let depth = 0
  for (const part of p.split('/')) {
    if (part === '..') {
      depth--
      if (depth < 0) return 'climbs out of the model directory with `..`'
    } else if (part !== '.' && part !== '') depth++
  }
  return null
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
