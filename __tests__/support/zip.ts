import { crc32, deflateRawSync } from 'node:zlib'

export interface ZipEntrySpec {
  name: string
  data: Buffer | string
  deflate?: boolean
  /** Overrides the declared uncompressed size (bomb headers). */
  declaredSize?: number
  flags?: number
}

export interface ZipMember {
  name: string
  data: Buffer
}

/**
 * A minimal zip writer for tests: stored or deflated members, with the sizes and
 * flags a test wants to lie about, enough for PyTorch-, Keras- and npz-shaped
 * archives and for hostile ones (bombs, encrypted flags).
 */
export function writeZip(entries: ZipEntrySpec[], baseFlags = 0): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data
    const body = e.deflate ? deflateRawSync(raw) : raw
    const name = Buffer.from(e.name, 'utf8')
    const crc = crc32(raw)
    const size = e.declaredSize ?? raw.length
    const flags = (e.flags ?? 0) | baseFlags
    const lh = Buffer.alloc(30)
    lh.writeUInt32LE(0x04034b50, 0)
    lh.writeUInt16LE(20, 4)
    lh.writeUInt16LE(flags, 6)
    lh.writeUInt16LE(e.deflate ? 8 : 0, 8)
    lh.writeUInt32LE(crc, 14)
    lh.writeUInt32LE(body.length, 18)
    lh.writeUInt32LE(size, 22)
    lh.writeUInt16LE(name.length, 26)
    const ch = Buffer.alloc(46)
    ch.writeUInt32LE(0x02014b50, 0)
    ch.writeUInt16LE(20, 4)
    ch.writeUInt16LE(20, 6)
    ch.writeUInt16LE(flags, 8)
    ch.writeUInt16LE(e.deflate ? 8 : 0, 10)
    ch.writeUInt32LE(crc, 16)
    ch.writeUInt32LE(body.length, 20)
    ch.writeUInt32LE(size, 24)
    ch.writeUInt16LE(name.length, 28)
    ch.writeUInt32LE(offset, 42)
    locals.push(lh, name, body)
    centrals.push(ch, name)
    offset += 30 + name.length + body.length
  }
  const cd = Buffer.concat(centrals)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(entries.length, 8)
  eocd.writeUInt16LE(entries.length, 10)
  eocd.writeUInt32LE(cd.length, 12)
  eocd.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, eocd])
}

/** A stored zip of the given members. */
export function makeZip(members: ZipMember[]): Buffer {
  return writeZip(members)
}
