import { Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import yauzl from 'yauzl'
import type { ByteSource } from '../../util/byte-source.js'
import type { Issue } from '../types.js'
import { escapesDirectory, FormatError, issue, PATH_ESCAPE_RULE, truncate } from './common.js'

/** Caps for archives we look inside (npz, .keras). */
export const ZIP_LIMITS = {
  maxMembers: 10_000,
  /** A member whose declared size is over BOMB_BYTES and ratio over BOMB_RATIO is a bomb. */
  bombBytes: 1 << 30,
  bombRatio: 1000
}

/** General-purpose flag bits that mark a member's data encrypted: traditional (bit 0) and strong (bit 6). */
export const ENCRYPTED_FLAGS = 0x0001 | 0x0040
const CDH = 0x02014b50
const CDH_BYTES = 46
const STRONG_ENCRYPTION = 0x0040

/**
 * yauzl reads through the ByteSource: central directory via read(), members via stream().
 * yauzl gives up on the whole archive when one entry sets bit 6 (strong encryption), where
 * PyTorch's miniz and Python's zipfile refuse only that member; so the bit is masked in the
 * copy of each central directory record yauzl reads, and the record's real flags are kept
 * for the listing (`cdFlags`: those of the record read last).
 */
class SourceReader extends yauzl.RandomAccessReader {
  cdFlags = 0
  constructor(private readonly src: ByteSource) {
    super()
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.src.stream(start, end), { objectMode: false })
  }
  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    this.src.read(position, length).then(
      (b) => {
        if (b.length < length) return callback(new Error(`short read at ${position}`))
        b.copy(buffer, offset)
        if (length === CDH_BYTES && buffer.readUInt32LE(offset) === CDH) {
          this.cdFlags = buffer.readUInt16LE(offset + 8)
          buffer.writeUInt16LE(this.cdFlags & ~STRONG_ENCRYPTION, offset + 8)
        }
        callback(null)
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)))
    )
  }
}

export interface ZipMember {
  name: string
  /** The name's bytes as the central directory stores them. */
  rawName: Buffer
  compressedSize: number
  uncompressedSize: number
  /** The central directory marks its data encrypted (ENCRYPTED_FLAGS): PyTorch and Python's zipfile refuse to read it. */
  encrypted: boolean
  /** Offset of the member's local file header, as the central directory says. */
  offset: number
  method: number
  flags: number
  entry: yauzl.Entry
}

export interface ZipListing {
  zip: yauzl.ZipFile
  members: ZipMember[]
  /** More entries than maxMembers: the rest were not listed. */
  truncated: boolean
}

const FIX_ZIP = 'Re-create the archive with a standard zip tool (or numpy.savez / model.save).'

/**
 * Opens a zip from a ByteSource and lists up to maxMembers entries. yauzl validates neither
 * names nor sizes here: one odd entry must not hide the others, and the checks below report it.
 */
export async function listZip(src: ByteSource, maxMembers = ZIP_LIMITS.maxMembers): Promise<ZipListing> {
  let zip: yauzl.ZipFile
  const reader = new SourceReader(src)
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(
        reader,
        src.size,
        { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false },
        (err, z) => (err ? reject(err) : resolve(z))
      )
    )
  } catch (err) {
    throw new FormatError(`Not a readable zip archive (${truncate((err as Error).message, 120)}).`, FIX_ZIP)
  }
  // Late errors (after we stop listening) must not become unhandled 'error' events.
  zip.on('error', () => {})
  const members: ZipMember[] = []
  let truncated = false
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer
        const name = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)
        // yauzl emits an entry right after reading its record: the reader's last flags are its own.
        const flags = reader.cdFlags
        members.push({
          name,
          rawName: Buffer.isBuffer(raw) ? raw : Buffer.from(name, 'utf8'),
          compressedSize: entry.compressedSize,
          uncompressedSize: entry.uncompressedSize,
          encrypted: (flags & ENCRYPTED_FLAGS) !== 0,
          offset: entry.relativeOffsetOfLocalHeader,
          method: entry.compressionMethod,
          flags,
          entry
        })
        if (members.length >= maxMembers && zip.entriesRead < zip.entryCount) {
          truncated = true
          resolve()
        } else zip.readEntry()
      })
      zip.once('end', () => resolve())
      zip.once('error', reject)
      zip.readEntry()
    })
  } catch (err) {
    zip.close()
    throw new FormatError(`Corrupt zip central directory (${truncate((err as Error).message, 120)}).`, FIX_ZIP)
  }
  return { zip, members, truncated }
}

/** Declared size over 1 GB at a ratio over 1000: no real model data compresses like that. */
export function isBomb(m: ZipMember): boolean {
  return m.uncompressedSize > ZIP_LIMITS.bombBytes && m.uncompressedSize > m.compressedSize * ZIP_LIMITS.bombRatio
}

/**
 * Archive-level checks shared by every zip-based format. `readsEncrypted`: the caller reads
 * members marked encrypted itself (and reports those it cannot), so they are not reported here.
 */
export function checkMembers(listing: ZipListing, kind: string, readsEncrypted = false): Issue[] {
  const out: Issue[] = []
  const seen = new Set<string>()
  const dups = new Set<string>()
  for (const m of listing.members) {
    if (seen.has(m.name)) dups.add(m.name)
    seen.add(m.name)
    const why = escapesDirectory(m.name)
    if (why) {
      out.push(
        issue(
          PATH_ESCAPE_RULE,
          'error',
          `${kind} member "${truncate(m.name, 120)}" ${why}; extracting the archive writes outside the target directory (zip slip).`,
          'Rebuild the archive with relative member names inside one directory.'
        )
      )
    }
    if (isBomb(m)) {
      out.push(
        issue(
          'unparseable-artifact',
          'error',
          `${kind} member "${truncate(m.name, 120)}" declares ${m.uncompressedSize} bytes from ${m.compressedSize} compressed (ratio over ${ZIP_LIMITS.bombRatio}): a decompression bomb.`,
          'Remove the member; real model data does not compress that well.'
        )
      )
    }
    if (m.encrypted && !readsEncrypted) {
      out.push(
        issue(
          'scan-incomplete',
          'error',
          `${kind} member "${truncate(m.name, 120)}" is encrypted and cannot be scanned.`,
          'Commit the archive unencrypted so it can be inspected.'
        )
      )
    }
  }
  if (dups.size > 0) {
    out.push(
      issue(
        'unsafe-serialization',
        'error',
        `${kind} has duplicate member names (${truncate([...dups].join(', '), 200)}): tools disagree on which copy they read, which hides content from scanners.`,
        'Rebuild the archive so every member name is unique.'
      )
    )
  }
  if (listing.truncated) {
    out.push(
      issue(
        'scan-incomplete',
        'error',
        `${kind} has more than ${ZIP_LIMITS.maxMembers} members; only the first ${ZIP_LIMITS.maxMembers} were inspected.`,
        'Split the archive or raise the member limit.'
      )
    )
  }
  return out
}

/** Streams a member's decompressed bytes. */
export async function openMember(zip: yauzl.ZipFile, m: ZipMember): Promise<Readable> {
  return new Promise<Readable>((resolve, reject) =>
    zip.openReadStream(m.entry, (err, stream) => (err ? reject(err) : resolve(stream)))
  )
}

/**
 * A member's data as a reader that ignores the encryption flags sees it (yauzl refuses a member
 * marked encrypted): stored bytes as they are, deflated ones inflated. Ciphertext comes out as
 * garbage, or as an inflate error.
 */
export async function openMemberIgnoringFlags(zip: yauzl.ZipFile, m: ZipMember): Promise<Readable> {
  if (m.method !== 0 && m.method !== 8) throw new Error(`compression method ${m.method} is not stored or deflate`)
  const raw = await new Promise<Readable>((resolve, reject) => zip.openReadStream(m.entry, { decodeFileData: false }, (err, stream) => (err ? reject(err) : resolve(stream))))
  if (m.method === 0) return raw
  const inflater = createInflateRaw()
  raw.on('error', (err) => inflater.destroy(err))
  return raw.pipe(inflater)
}

/** Reads at most maxBytes of a member's decompressed content, then stops the inflater. */
export async function readMemberHead(zip: yauzl.ZipFile, m: ZipMember, maxBytes: number, open: typeof openMember = openMember): Promise<Buffer> {
  const stream = await open(zip, m)
  const parts: Buffer[] = []
  let n = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk)
      n += chunk.length
      if (n >= maxBytes) break
    }
  } finally {
    stream.destroy()
  }
  const all = Buffer.concat(parts)
  return all.length > maxBytes ? all.subarray(0, maxBytes) : all
}
