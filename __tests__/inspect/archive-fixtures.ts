import { crc32, deflateRawSync } from 'node:zlib'

/**
 * Byte-exact writers for archive tests: zips whose local headers and central directory
 * can be made to disagree, and tar archives (ustar, GNU long names, pax) written by hand.
 */

export interface CraftEntry {
  name: string
  data: Buffer
  deflate?: boolean
  /** General-purpose flags; bit 3 writes zero local sizes and a data descriptor (with signature), as torch does. */
  flags?: number
  /** The local header's flags, when they should differ from the central directory's. */
  localFlags?: number
  /** The uncompressed size both headers declare, when it should differ from the data's (e.g. an encryption header in the data). */
  declaredSize?: number
  /** The local header's name, when it should differ from the central directory's. */
  localName?: string
  /** The local header's [compressed, uncompressed] sizes, when they should differ. */
  localSizes?: [number, number]
  /** Only a local header and data: no central directory entry. */
  hidden?: boolean
  /** Central directory only, pointing at this offset instead of its own local header (no local header written). */
  pointAt?: number
}

export interface CraftOptions {
  prepend?: Buffer
  /** Bytes between the last member and the central directory. */
  beforeCd?: Buffer
  /** Bytes between the central directory and the end record. */
  afterCd?: Buffer
  comment?: Buffer
  append?: Buffer
}

export function craftZip(entries: CraftEntry[], o: CraftOptions = {}): Buffer {
  const parts: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  const push = (b: Buffer) => {
    parts.push(b)
    offset += b.length
  }
  if (o.prepend) push(o.prepend)
  for (const e of entries) {
    const body = e.deflate ? deflateRawSync(e.data) : e.data
    const crc = crc32(e.data)
    const flags = e.flags ?? 0
    const method = e.deflate ? 8 : 0
    const at = e.pointAt ?? offset
    if (e.pointAt === undefined) {
      const lname = Buffer.from(e.localName ?? e.name, 'utf8')
      const lfh = Buffer.alloc(30)
      lfh.writeUInt32LE(0x04034b50, 0)
      lfh.writeUInt16LE(20, 4)
      lfh.writeUInt16LE(e.localFlags ?? flags, 6)
      lfh.writeUInt16LE(method, 8)
      const [lc, lu] = e.localSizes ?? (flags & 8 ? [0, 0] : [body.length, e.declaredSize ?? e.data.length])
      lfh.writeUInt32LE(flags & 8 ? 0 : crc, 14)
      lfh.writeUInt32LE(lc, 18)
      lfh.writeUInt32LE(lu, 22)
      lfh.writeUInt16LE(lname.length, 26)
      push(Buffer.concat([lfh, lname, body]))
      if (flags & 8) {
        const dd = Buffer.alloc(16)
        dd.writeUInt32LE(0x08074b50, 0)
        dd.writeUInt32LE(crc, 4)
        dd.writeUInt32LE(body.length, 8)
        dd.writeUInt32LE(e.data.length, 12)
        push(dd)
      }
    }
    if (e.hidden) continue
    const name = Buffer.from(e.name, 'utf8')
    const cdh = Buffer.alloc(46)
    cdh.writeUInt32LE(0x02014b50, 0)
    cdh.writeUInt16LE(20, 4)
    cdh.writeUInt16LE(20, 6)
    cdh.writeUInt16LE(flags, 8)
    cdh.writeUInt16LE(method, 10)
    cdh.writeUInt32LE(crc, 16)
    cdh.writeUInt32LE(body.length, 20)
    cdh.writeUInt32LE(e.declaredSize ?? e.data.length, 24)
    cdh.writeUInt16LE(name.length, 28)
    cdh.writeUInt32LE(at, 42)
    centrals.push(cdh, name)
  }
  if (o.beforeCd) push(o.beforeCd)
  const cd = Buffer.concat(centrals)
  const cdOffset = offset
  push(cd)
  if (o.afterCd) push(o.afterCd)
  const comment = o.comment ?? Buffer.alloc(0)
  const end = Buffer.alloc(22)
  const count = entries.filter((e) => !e.hidden).length
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(count, 8)
  end.writeUInt16LE(count, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(cdOffset, 16)
  end.writeUInt16LE(comment.length, 20)
  push(Buffer.concat([end, comment]))
  if (o.append) push(o.append)
  return Buffer.concat(parts)
}

export interface TarEntrySpec {
  name: string
  data?: Buffer
  /** '0' file (default), '1' hard link, '2' symlink, '5' directory, 'S' sparse, ... */
  type?: string
  linkname?: string
  /** Size field override (e.g. a symlink that declares data). */
  size?: number
  /** Write the name as a GNU `././@LongLink` record first. */
  gnuLongName?: boolean
  /** pax `x` record fields written before the member. */
  pax?: Record<string, string>
  /** Corrupt the header checksum. */
  badChecksum?: boolean
}

function octal(n: number, width: number): Buffer {
  return Buffer.from(n.toString(8).padStart(width - 1, '0') + '\0', 'latin1')
}

export function tarHeader(name: string, size: number, type: string, linkname = '', badChecksum = false): Buffer {
  const h = Buffer.alloc(512)
  Buffer.from(name, 'utf8').copy(h, 0, 0, 100)
  octal(0o644, 8).copy(h, 100)
  octal(0, 8).copy(h, 108)
  octal(0, 8).copy(h, 116)
  octal(size, 12).copy(h, 124)
  octal(0, 12).copy(h, 136)
  h.write(type, 156, 'latin1')
  Buffer.from(linkname, 'utf8').copy(h, 157, 0, 100)
  h.write('ustar\x0000', 257, 'latin1')
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  octal(badChecksum ? sum + 1 : sum, 7).copy(h, 148)
  h[155] = 0x20
  return h
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)])

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let len = body.length + 1
  while (`${len}${body}`.length !== len) len++
  return `${len}${body}`
}

export function makeTar(entries: TarEntrySpec[], trailer: Buffer = Buffer.alloc(1024)): Buffer {
  const out: Buffer[] = []
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0)
    const type = e.type ?? '0'
    if (e.gnuLongName) {
      const n = Buffer.from(`${e.name}\0`, 'utf8')
      out.push(tarHeader('././@LongLink', n.length, 'L'), pad(n))
    }
    if (e.pax) {
      const p = Buffer.from(Object.entries(e.pax).map(([k, v]) => paxRecord(k, v)).join(''), 'utf8')
      out.push(tarHeader('PaxHeaders/x', p.length, 'x'), pad(p))
    }
    const name = e.gnuLongName ? e.name.slice(0, 99) : e.name
    out.push(tarHeader(name, e.size ?? data.length, type, e.linkname ?? '', e.badChecksum ?? false), pad(data))
  }
  out.push(trailer)
  return Buffer.concat(out)
}
