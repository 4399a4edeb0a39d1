import type { ByteSource } from '../../util/byte-source.js'
import { truncate } from '../formats/common.js'
import { ZIP_LIMITS, type ZipListing, type ZipMember } from '../formats/zip.js'
import { looksLikePickle } from '../pickle-result.js'
import type { Issue } from '../types.js'

/**
 * A zip has two tables of contents: the central directory at the end (what PyTorch's
 * miniz, Python's zipfile and yauzl read) and the local file header in front of each
 * member's data (what streaming readers walk, from offset 0). An archive built so the
 * two disagree shows scanners one set of files and a loader another. This module walks
 * the local headers sequentially, as a streaming reader would, ignoring CRCs and flag
 * bits (except bit 3, which moves the sizes behind the data), and compares (flag bits
 * that decide whether a member can be read included).
 *
 * Work is bounded: at most one 4 KiB window read per header (plus one descriptor probe
 * for bit-3 members), never member data as such; at most `maxMembers` headers.
 */

const LFH = 0x04034b50
const CDH = 0x02014b50
const EOCD = 0x06054b50
const EOCD64 = 0x06064b50
const EOCD64_LOCATOR = 0x07064b50
const DESCRIPTOR = 0x08074b50
const MAX_COMMENT = 0xffff
const DETAILS_LISTED = 8
const LFH_BYTES = Buffer.from('PK\x03\x04', 'latin1')

export interface LocalMember {
  /** Offset of the local file header. */
  offset: number
  name: string
  rawName: Buffer
  flags: number
  method: number
  compressedSize: number
  uncompressedSize: number
  dataStart: number
  /** In no central directory entry (hidden from central-directory readers). */
  hidden: boolean
  /** Its data as a local-header reader sees it differs from the central directory's view (size or method). */
  differs: boolean
  /** False for a bit-3 member with no central directory entry: where its data ends is unknown. */
  sizeKnown: boolean
}

export interface EndRecord {
  /** Offset of the end-of-central-directory record. */
  at: number
  /** Where the central directory's end marker starts: the zip64 record when there is one, else `at`. */
  endStart: number
  cdOffset: number
  cdSize: number
  comment: Buffer
  /** Bytes after the record and its comment (yauzl refuses these, Python's zipfile ignores them). */
  trailing: number
}

export interface ZipLayout {
  locals: LocalMember[]
  issues: Issue[]
  /** The walk reached the central directory (or the end record) cleanly. */
  complete: boolean
}

/** Finds the end-of-central-directory record as yauzl does: the last signature in the final 64 KiB + 42 bytes. */
export async function findEndRecord(src: ByteSource): Promise<EndRecord | null> {
  const span = Math.min(src.size, 22 + 20 + MAX_COMMENT)
  if (span < 22) return null
  const tailStart = src.size - span
  const tail = await src.read(tailStart, span)
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD) continue
    const commentLength = tail.readUInt16LE(i + 20)
    const comment = tail.subarray(i + 22, Math.min(tail.length, i + 22 + commentLength))
    const at = tailStart + i
    let cdSize = tail.readUInt32LE(i + 12)
    let cdOffset = tail.readUInt32LE(i + 16)
    let endStart = at
    if (i >= 20 && tail.readUInt32LE(i - 20) === EOCD64_LOCATOR) {
      const z64At = Number(tail.readBigUInt64LE(i - 20 + 8))
      const rec = z64At >= 0 && z64At + 56 <= src.size ? await src.read(z64At, 56) : Buffer.alloc(0)
      if (rec.length === 56 && rec.readUInt32LE(0) === EOCD64) {
        cdSize = Number(rec.readBigUInt64LE(40))
        cdOffset = Number(rec.readBigUInt64LE(48))
        endStart = z64At
      }
    }
    return { at, endStart, cdOffset, cdSize, comment, trailing: src.size - (at + 22 + commentLength) }
  }
  return null
}

interface ParsedLocal {
  name: string
  rawName: Buffer
  flags: number
  method: number
  compressedSize: number
  uncompressedSize: number
  dataStart: number
}

/**
 * Reads through a small window, so the headers of small neighbouring members (torch's many
 * tiny storages) cost one read, while a jump over large member data costs one window.
 */
class HeaderReader {
  private buf: Buffer = Buffer.alloc(0)
  private start = 0
  constructor(
    readonly src: ByteSource,
    private readonly window = 4096
  ) {}
  async read(at: number, n: number): Promise<Buffer> {
    if (at >= this.start && at + n <= this.start + this.buf.length) return this.buf.subarray(at - this.start, at - this.start + n)
    const b = await this.src.read(at, Math.max(n, this.window))
    this.buf = b
    this.start = at
    return b.subarray(0, n)
  }
}

async function readLocalHeader(r: HeaderReader, at: number): Promise<ParsedLocal | null> {
  const fixed = await r.read(at, 30)
  if (fixed.length < 30 || fixed.readUInt32LE(0) !== LFH) return null
  const nameLength = fixed.readUInt16LE(26)
  const extraLength = fixed.readUInt16LE(28)
  const rest = await r.read(at + 30, nameLength + extraLength)
  if (rest.length < nameLength + extraLength) return null
  const rawName = Buffer.from(rest.subarray(0, nameLength))
  let compressedSize = fixed.readUInt32LE(18)
  let uncompressedSize = fixed.readUInt32LE(22)
  if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff) {
    // Zip64 extended information (0x0001): the local header carries both sizes, original first.
    const extra = rest.subarray(nameLength)
    for (let p = 0; p + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(p)
      const len = extra.readUInt16LE(p + 2)
      const body = extra.subarray(p + 4, p + 4 + len)
      if (id === 0x0001) {
        let q = 0
        if ((uncompressedSize === 0xffffffff || body.length >= 16) && q + 8 <= body.length) {
          uncompressedSize = Number(body.readBigUInt64LE(q))
          q += 8
        }
        if (compressedSize === 0xffffffff && q + 8 <= body.length) compressedSize = Number(body.readBigUInt64LE(q))
        break
      }
      p += 4 + len
    }
  }
  return {
    name: rawName.toString('utf8'),
    rawName,
    flags: fixed.readUInt16LE(6),
    method: fixed.readUInt16LE(8),
    compressedSize,
    uncompressedSize,
    dataStart: at + 30 + nameLength + extraLength
  }
}

/** Length of the data descriptor after a bit-3 member: with or without signature, 32- or 64-bit sizes. */
async function descriptorLength(r: HeaderReader, at: number, cdStart: number): Promise<number> {
  const probe = await r.read(at, 28)
  const signed = probe.length >= 4 && probe.readUInt32LE(0) === DESCRIPTOR
  const candidates = signed ? [16, 24] : [12, 20]
  for (const n of candidates) {
    if (at + n === cdStart) return n
    if (n + 4 <= probe.length && probe.readUInt32LE(n) === LFH) return n
  }
  return candidates[0]!
}

const q = (s: string) => `"${truncate(s, 80)}"`

/**
 * Flag bits that decide whether, or where, a reader reads a member's data: encrypted (0),
 * data descriptor (3), patched data (5), strong encryption (6), masked local header (13).
 * No writer sets them differently in the two headers; a difference makes a reader that
 * consults one (PyTorch's miniz and Python's zipfile: the central directory) and one that
 * consults the other (streaming extractors) disagree on whether the member can be read.
 */
const READER_FLAGS = 0x0001 | 0x0008 | 0x0020 | 0x0040 | 0x2000
const FLAG_NAMES: [number, string][] = [[0x0001, 'encrypted'], [0x0008, 'data descriptor'], [0x0020, 'patched data'], [0x0040, 'strong encryption'], [0x2000, 'masked local header']]
const flagText = (f: number) => `0x${f.toString(16).padStart(4, '0')}`
const flagMeaning = (bits: number) => FLAG_NAMES.filter(([b]) => bits & b).map(([, n]) => n).join(', ')

/**
 * Walks the local file headers from offset 0 and compares them with the central
 * directory of `listing` (null when the directory is unreadable: then only the walk).
 */
export async function walkLocalHeaders(src: ByteSource, listing: ZipListing | null, kind: string, maxMembers = ZIP_LIMITS.maxMembers): Promise<ZipLayout> {
  const end = listing ? await findEndRecord(src) : null
  const cdStart = end ? end.cdOffset : src.size
  const central = new Map<number, ZipMember[]>()
  for (const m of listing?.members ?? []) central.set(m.offset, [...(central.get(m.offset) ?? []), m])

  const reader = new HeaderReader(src)
  const details: string[] = []
  const layout: string[] = []
  const locals: LocalMember[] = []
  let pos = 0
  let complete = false
  let capped = false
  for (;;) {
    if (pos === cdStart || (!listing && pos >= src.size)) {
      complete = true
      break
    }
    if (locals.length >= maxMembers) {
      capped = true
      break
    }
    if (pos > cdStart) {
      details.push(`member data before offset ${pos} runs into the central directory at offset ${cdStart}`)
      break
    }
    const h = await readLocalHeader(reader, pos)
    if (!h) {
      const word = await reader.read(pos, 4)
      const sig = word.length === 4 ? word.readUInt32LE(0) : -1
      if (!listing) complete = sig === CDH || sig === EOCD || sig === EOCD64
      else if (pos === 0) {
        const first = Math.min(cdStart, ...central.keys())
        layout.push(`${first} bytes before the first member are not a local file header (prepended data or a polyglot file)`)
      } else details.push(`${cdStart - pos} bytes at offset ${pos}, where the next local file header or the central directory should be, belong to no member`)
      break
    }
    const cd = central.get(pos)?.[0]
    let compressedSize = h.compressedSize
    let uncompressedSize = h.uncompressedSize
    let differs = false
    if (h.flags & 8) {
      // Sizes follow the data: only the central directory can say where it ends.
      if (!cd) {
        locals.push({ offset: pos, ...h, hidden: true, differs: false, sizeKnown: false })
        details.push(`local member ${q(h.name)} at offset ${pos} is in no central directory entry and keeps its size behind its data, so nothing after it could be checked`)
        break
      }
      compressedSize = cd.compressedSize
      uncompressedSize = cd.uncompressedSize
    } else if (cd && (cd.compressedSize !== h.compressedSize || cd.uncompressedSize !== h.uncompressedSize)) {
      differs = true
      details.push(`member ${q(cd.name)} at offset ${pos} is ${cd.compressedSize}/${cd.uncompressedSize} bytes (compressed/uncompressed) in the central directory but ${h.compressedSize}/${h.uncompressedSize} in its local header`)
    }
    if (cd && !cd.rawName.equals(h.rawName)) details.push(`the member at offset ${pos} is ${q(cd.name)} in the central directory but ${q(h.name)} in its local header`)
    if (cd && (cd.flags ^ h.flags) & READER_FLAGS) {
      details.push(`member ${q(cd.name)} at offset ${pos} has general-purpose flags ${flagText(cd.flags)} in the central directory but ${flagText(h.flags)} in its local header (${flagMeaning((cd.flags ^ h.flags) & READER_FLAGS)} differ)`)
    }
    if (cd && cd.method !== h.method) {
      differs = true
      details.push(`member ${q(cd.name)} at offset ${pos} uses compression method ${cd.method} in the central directory but ${h.method} in its local header`)
    }
    if (!cd) details.push(`local member ${q(h.name)} at offset ${pos} is in no central directory entry (hidden from central-directory readers)`)
    locals.push({ offset: pos, ...h, compressedSize, uncompressedSize, hidden: !cd, differs, sizeKnown: true })
    const dataEnd = h.dataStart + compressedSize
    if (dataEnd > src.size) {
      details.push(`member ${q(h.name)} at offset ${pos} runs past the end of the file`)
      break
    }
    pos = h.flags & 8 ? dataEnd + (await descriptorLength(reader, dataEnd, cdStart)) : dataEnd
  }
  if (!listing) return { locals, issues: [], complete }
  const reached = complete ? Infinity : pos

  const seen = new Set(locals.map((l) => l.offset))
  for (const [offset, ms] of [...central].sort((a, b) => a[0] - b[0])) {
    if (ms.length > 1) details.push(`${ms.length} central directory entries (${ms.slice(0, 3).map((m) => q(m.name)).join(', ')}) share the local header at offset ${offset} (overlapping members)`)
    if (!seen.has(offset) && offset < reached) {
      details.push(`central directory member ${q(ms[0]!.name)} points to offset ${offset}, where the sequential walk found no local header (inside another member's data, or nowhere)`)
    }
  }
  if (end) {
    const cdEnd = end.cdOffset + end.cdSize
    if (cdEnd < end.endStart) layout.push(`${end.endStart - cdEnd} bytes between the central directory and its end record belong to no member`)
    const nested = end.comment.includes(LFH_BYTES)
    if (nested || (end.comment.length >= 4 && looksLikePickle(end.comment, true))) {
      layout.push(`the archive comment (${end.comment.length} bytes) holds ${nested ? 'a zip local file header' : 'a pickle'} (a polyglot payload)`)
    }
  }

  const issues: Issue[] = []
  if (capped && !listing.truncated) {
    issues.push({
      rule: 'scan-incomplete',
      severity: 'error',
      message: `${kind}: more than ${maxMembers} local file headers; the ones after offset ${pos} were not compared with the central directory.`,
      fix: 'Split the archive or raise the member limit.'
    })
  }
  const all = [...details, ...layout]
  if (all.length > 0) issues.push(tampering(kind, all))
  return { locals, issues, complete }
}

/** The one finding for an archive whose readers would see different content. */
export function tampering(kind: string, details: string[]): Issue {
  const listed = details.slice(0, DETAILS_LISTED).join('; ') + (details.length > DETAILS_LISTED ? `; and ${details.length - DETAILS_LISTED} more` : '')
  return {
    rule: 'unsafe-serialization',
    severity: 'error',
    message: `${kind}: archive tampering: tools disagree on what is inside: ${listed}. Readers of the central directory (PyTorch, Python's zipfile, most scanners) and of the local file headers (streaming extractors) would see different content, which is how payloads are hidden from scanners.`,
    fix: 'Do not load this archive. Rebuild it with a standard tool (torch.save, model.save, zip) from trusted sources so both tables of contents agree.'
  }
}
