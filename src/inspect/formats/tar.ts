import type { ByteSource } from '../../util/byte-source.js'
import { ForwardReader } from '../../util/forward-reader.js'
import { FormatError, truncate } from './common.js'

/**
 * A small tar reader (POSIX ustar, GNU and pax): 512-byte headers, octal or base-256
 * sizes, GNU long names (`././@LongLink`, types L/K) and pax `x`/`g` records for path,
 * linkpath and size. It reads through a TarInput, which is either random access over a
 * ByteSource (plain .tar: member data is skipped, never read) or a forward-only stream
 * (gunzipped .tar.gz). Member boundaries follow Python's tarfile, which is what
 * webdataset, torch's legacy loader and most ML tooling use.
 */

export const BLOCK = 512
const FIX_TAR = 'Re-create the archive with a standard tar tool (tar, Python tarfile).'

export const TAR_LIMITS = {
  maxMembers: 10_000,
  /** Sum of member sizes; beyond it the archive is not scanned to the end. */
  maxTotalBytes: 64 * 2 ** 30,
  /** GNU long names and pax records are read into memory: more than this is hostile. */
  maxMetaBytes: 1 << 20
}

export type TarLimits = typeof TAR_LIMITS

export interface TarEntry {
  /** Member name after GNU long names, pax `path` and the ustar prefix. */
  name: string
  /** Type flag character ('0' regular, '2' symlink, 'x' never: those are folded in). */
  type: string
  linkname: string
  /** Bytes of data that follow the header (0 for links, directories and devices, as tarfile reads them). */
  size: number
  /** The header's size field, when the type carries no data but the field is not 0. */
  declaredSize: number
  headerOffset: number
  dataOffset: number
  /** GNU sparse member (type S or GNU.sparse pax keys): the stored bytes are not the file. */
  sparse: boolean
}

/** Byte input of a tar stream. */
export interface TarInput {
  /** Offset of the next byte. */
  readonly pos: number
  /** Reads up to n bytes (fewer only at end of input). */
  read(n: number): Promise<Buffer>
  /** Moves forward to `to` (discarding bytes on a stream); returns false at end of input. */
  skipTo(to: number): Promise<boolean>
  /** The next n bytes as chunks; the position follows what was consumed. */
  chunks(n: number): AsyncIterable<Buffer>
  /** Random access to the same bytes, when there is one (plain tar). */
  readonly source?: ByteSource
}

/** Random access over a ByteSource: skipping member data costs nothing. */
export class SourceTarInput implements TarInput {
  pos = 0
  constructor(readonly source: ByteSource) {}
  async read(n: number): Promise<Buffer> {
    const b = await this.source.read(this.pos, n)
    this.pos += b.length
    return b
  }
  async skipTo(to: number): Promise<boolean> {
    this.pos = Math.min(to, this.source.size)
    return to <= this.source.size
  }
  async *chunks(n: number): AsyncIterable<Buffer> {
    const end = Math.min(this.source.size, this.pos + n)
    for await (const c of this.source.stream(this.pos, end)) {
      this.pos += c.length
      yield c
    }
  }
}

/** A forward-only stream (e.g. gunzip output): a ForwardReader that speaks TarInput. */
export class StreamTarInput extends ForwardReader implements TarInput {
  get pos(): number {
    return this.position
  }
  async skipTo(to: number): Promise<boolean> {
    const n = to - this.position
    return n <= 0 || (await this.skip(n)) === n
  }
}

/** Whether a 512-byte block is a ustar/GNU header with a valid checksum. */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK) return false
  if (block.subarray(257, 262).toString('latin1') !== 'ustar') return false
  return checksumOk(block)
}

function checksumOk(block: Buffer): boolean {
  let stored: number
  try {
    stored = parseNumber(block.subarray(148, 156), 'checksum')
  } catch {
    return false
  }
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!
    unsigned += b
    signed += b > 127 ? b - 256 : b
  }
  return stored === unsigned || stored === signed
}

/** A numeric field: octal text (NUL/space padded) or GNU base-256 (high bit set). */
export function parseNumber(field: Buffer, what: string): number {
  if (field.length > 0 && (field[0]! & 0x80) !== 0) {
    if (field[0] === 0xff) throw new FormatError(`tar header ${what} is negative.`, FIX_TAR)
    let v = field[0]! & 0x7f
    for (let i = 1; i < field.length; i++) {
      v = v * 256 + field[i]!
      if (!Number.isSafeInteger(v)) throw new FormatError(`tar header ${what} is too large.`, FIX_TAR)
    }
    return v
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new FormatError(`tar header ${what} is not an octal number ("${truncate(text, 20)}").`, FIX_TAR)
  const v = parseInt(text, 8)
  if (!Number.isSafeInteger(v)) throw new FormatError(`tar header ${what} is too large.`, FIX_TAR)
  return v
}

function cString(b: Buffer): Buffer {
  const nul = b.indexOf(0)
  return nul < 0 ? b : b.subarray(0, nul)
}

/** pax extended header records: "<len> <key>=<value>\n". Malformed records stop with a FormatError. */
export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>()
  let p = 0
  while (p < data.length) {
    if (data[p] === 0) break
    const sp = data.indexOf(0x20, p)
    if (sp < 0 || sp - p > 20) throw new FormatError('pax extended header has a malformed record length.', FIX_TAR)
    const len = Number(data.subarray(p, sp).toString('latin1'))
    if (!Number.isSafeInteger(len) || len <= sp - p + 1 || p + len > data.length) throw new FormatError('pax extended header has a malformed record length.', FIX_TAR)
    const rec = data.subarray(sp + 1, p + len)
    if (rec[rec.length - 1] !== 0x0a) throw new FormatError('pax extended header record does not end with a newline.', FIX_TAR)
    const eq = rec.indexOf(0x3d)
    if (eq < 0) throw new FormatError('pax extended header record has no "=".', FIX_TAR)
    out.set(rec.subarray(0, eq).toString('utf8'), rec.subarray(eq + 1, rec.length - 1).toString('utf8'))
    p += len
  }
  return out
}

/** Types whose data tarfile skips by size; any other listed type carries no data. */
const NO_DATA = new Set(['1', '2', '3', '4', '5', '6'])

export interface TarEnd {
  /** Offset of the end-of-archive marker (a zero block), or of the end of input when there is none. */
  at: number
  /** The archive ended in a zero block (rather than at end of input). */
  marker: boolean
}

/**
 * Walks the headers. Each yielded entry's data must be consumed (or not) before the next
 * iteration, which then skips what is left of it. `onEnd` learns where the archive ended.
 * Throws FormatError on a header tarfile would refuse (bad checksum, bad number, truncation).
 */
export async function* walkTar(input: TarInput, limits: TarLimits = TAR_LIMITS, onEnd?: (end: TarEnd) => void): AsyncGenerator<TarEntry> {
  let longName: string | null = null
  let longLink: string | null = null
  let pax = new Map<string, string>()
  let global = new Map<string, string>()
  for (;;) {
    const headerOffset = input.pos
    const block = await input.read(BLOCK)
    if (block.length === 0) {
      onEnd?.({ at: headerOffset, marker: false })
      return
    }
    if (block.length < BLOCK) throw new FormatError(`tar archive is truncated: a ${block.length}-byte partial header at offset ${headerOffset}.`, FIX_TAR, headerOffset)
    if (block.every((b) => b === 0)) {
      onEnd?.({ at: headerOffset, marker: true })
      return
    }
    if (!checksumOk(block)) throw new FormatError(`tar header at offset ${headerOffset} has a bad checksum (corrupt, or not a tar archive).`, FIX_TAR, headerOffset)
    const type = block[156] === 0 ? '0' : String.fromCharCode(block[156]!)
    let size = parseNumber(block.subarray(124, 136), 'size')
    let dataOffset = headerOffset + BLOCK
    if (type === 'S' && block[482] !== 0) {
      // Old GNU sparse: extension blocks of sparse maps follow the header, then the data.
      for (let ext = 1; ; ext++) {
        if (ext * BLOCK > limits.maxMetaBytes) throw new FormatError(`tar sparse member at offset ${headerOffset} has too many sparse map blocks.`, FIX_TAR, headerOffset)
        const more = await input.read(BLOCK)
        if (more.length < BLOCK) throw new FormatError(`tar archive is truncated inside the sparse map at offset ${headerOffset}.`, FIX_TAR, headerOffset)
        dataOffset += BLOCK
        if (more[504] === 0) break
      }
    }
    if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
      if (size > limits.maxMetaBytes) throw new FormatError(`tar ${type === 'L' || type === 'K' ? 'GNU long name' : 'pax header'} at offset ${headerOffset} is ${size} bytes, over the ${limits.maxMetaBytes}-byte limit.`, FIX_TAR, headerOffset)
      const data = await input.read(size)
      if (data.length < size) throw new FormatError(`tar archive is truncated inside the extended header at offset ${headerOffset}.`, FIX_TAR, headerOffset)
      await input.skipTo(dataOffset + padded(size))
      if (type === 'L') longName = cString(data).toString('utf8')
      else if (type === 'K') longLink = cString(data).toString('utf8')
      else if (type === 'x') pax = parsePax(data)
      else global = new Map([...global, ...parsePax(data)])
      continue
    }
    const fields = new Map([...global, ...pax])
    const magic = block.subarray(257, 265).toString('latin1')
    const prefix = magic === 'ustar\x0000' ? cString(block.subarray(345, 500)).toString('utf8') : ''
    const rawName = cString(block.subarray(0, 100)).toString('utf8')
    const name = fields.get('path') ?? longName ?? (prefix ? `${prefix}/${rawName}` : rawName)
    const linkname = fields.get('linkpath') ?? longLink ?? cString(block.subarray(157, 257)).toString('utf8')
    if (fields.has('size')) {
      const v = Number(fields.get('size'))
      if (!Number.isSafeInteger(v) || v < 0) throw new FormatError(`pax size "${truncate(fields.get('size')!, 20)}" of tar member "${truncate(name, 80)}" is not a size.`, FIX_TAR, headerOffset)
      size = v
    }
    const sparse = type === 'S' || [...fields.keys()].some((k) => k.startsWith('GNU.sparse.'))
    longName = null
    longLink = null
    pax = new Map()
    const dataSize = NO_DATA.has(type) ? 0 : size
    yield { name, type, linkname, size: dataSize, declaredSize: size, headerOffset, dataOffset, sparse }
    if (!(await input.skipTo(dataOffset + padded(dataSize))) && input.pos < dataOffset + dataSize) {
      throw new FormatError(`tar member "${truncate(name, 80)}" is truncated: ${dataSize} bytes of data declared at offset ${dataOffset}.`, FIX_TAR, dataOffset)
    }
  }
}

export function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK
}
