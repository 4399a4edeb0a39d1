/**
 * Byte-exact dataset fixtures the libraries cannot make: hand-built flatbuffers (hostile
 * Arrow footers, Feather v1), Thrift compact structs (hostile Parquet footers), TFRecord
 * files with their CRC-32C computed bit by bit (independently of src/inspect/datasets/crc32c.ts).
 */
import type { ByteSource } from '../../src/util/byte-source.js'

// ---------------------------------------------------------------- CRC-32C, TFRecord

/** Bitwise CRC-32C (no table), the reference the table-driven one is checked against. */
export function crc32cBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

export function maskedCrc(bytes: Uint8Array): number {
  const c = crc32cBitwise(bytes)
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0
}

/** One TFRecord record: length, masked CRC of the length, data, masked CRC of the data. */
export function tfrecordRecord(data: Buffer): Buffer {
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(data.length))
  const crcs = Buffer.alloc(8)
  crcs.writeUInt32LE(maskedCrc(len), 0)
  crcs.writeUInt32LE(maskedCrc(data), 4)
  return Buffer.concat([len, crcs.subarray(0, 4), data, crcs.subarray(4)])
}

export function tfrecord(records: Buffer[]): Buffer {
  return Buffer.concat(records.map(tfrecordRecord))
}

// ---------------------------------------------------------------- flatbuffers

export type FbValue =
  | { u8: number }
  | { bool: boolean }
  | { i16: number }
  | { i32: number }
  | { i64: bigint }
  | { str: string }
  | { table: FbTable }
  | { tables: FbTable[] }
  /** A vector of structs, each given as its bytes. */
  | { structs: Buffer[] }
/** Fields by vtable slot; null = absent. */
export type FbTable = (FbValue | null)[]

/**
 * Lays a flatbuffer out front to back (every offset points forward, as uoffsets must):
 * root offset, then each table as vtable + inline fields, its strings, vectors and
 * sub-tables after it. Little-endian, no alignment padding (readers here need none).
 */
export function flatbuffer(root: FbTable): Buffer {
  const w = new Writer()
  const at = w.reserve(4)
  w.patchOffset(at, writeTable(w, root))
  return w.done()
}

class Writer {
  private buf = Buffer.alloc(1 << 16)
  length = 0
  reserve(n: number): number {
    while (this.length + n > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2)
      this.buf.copy(bigger)
      this.buf = bigger
    }
    const at = this.length
    this.length += n
    return at
  }
  write(bytes: Buffer): number {
    const at = this.reserve(bytes.length)
    bytes.copy(this.buf, at)
    return at
  }
  /** A uoffset at `at` pointing to `target`. */
  patchOffset(at: number, target: number): void {
    this.buf.writeUInt32LE(target - at, at)
  }
  view(): Buffer {
    return this.buf
  }
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length))
  }
}

function inlineSize(v: FbValue): number {
  if ('u8' in v || 'bool' in v) return 1
  if ('i16' in v) return 2
  if ('i64' in v) return 8
  return 4
}

function writeTable(w: Writer, fields: FbTable): number {
  const vtSize = 4 + 2 * fields.length
  const offsets: number[] = []
  let inline = 4
  for (const f of fields) {
    offsets.push(f ? inline : 0)
    if (f) inline += inlineSize(f)
  }
  const vt = Buffer.alloc(vtSize)
  vt.writeUInt16LE(vtSize, 0)
  vt.writeUInt16LE(inline, 2)
  offsets.forEach((o, i) => vt.writeUInt16LE(o, 4 + 2 * i))
  const vtAt = w.write(vt)
  const tableAt = w.reserve(inline)
  w.view().writeInt32LE(tableAt - vtAt, tableAt)
  const later: [number, FbValue][] = []
  fields.forEach((f, i) => {
    if (!f) return
    const pos = tableAt + offsets[i]!
    const b = w.view()
    if ('u8' in f) b.writeUInt8(f.u8, pos)
    else if ('bool' in f) b.writeUInt8(f.bool ? 1 : 0, pos)
    else if ('i16' in f) b.writeInt16LE(f.i16, pos)
    else if ('i32' in f) b.writeInt32LE(f.i32, pos)
    else if ('i64' in f) b.writeBigInt64LE(f.i64, pos)
    else later.push([pos, f])
  })
  for (const [pos, f] of later) w.patchOffset(pos, writeReferenced(w, f))
  return tableAt
}

function writeReferenced(w: Writer, v: FbValue): number {
  if ('str' in v) {
    const s = Buffer.from(v.str)
    const head = Buffer.alloc(4)
    head.writeUInt32LE(s.length)
    return w.write(Buffer.concat([head, s, Buffer.alloc(1)]))
  }
  if ('table' in v) return writeTable(w, v.table)
  if ('structs' in v) {
    const head = Buffer.alloc(4)
    head.writeUInt32LE(v.structs.length)
    return w.write(Buffer.concat([head, ...v.structs]))
  }
  if ('tables' in v) {
    const head = Buffer.alloc(4 + 4 * v.tables.length)
    head.writeUInt32LE(v.tables.length)
    const at = w.write(head)
    v.tables.forEach((t, i) => w.patchOffset(at + 4 + 4 * i, writeTable(w, t)))
    return at
  }
  throw new Error('scalar written as a reference')
}

/** Arrow Footer.recordBatches entry: struct Block { offset: long; metaDataLength: int; pad; bodyLength: long }. */
export function arrowBlock(offset: bigint, metaDataLength: number, bodyLength: bigint): Buffer {
  const b = Buffer.alloc(24)
  b.writeBigInt64LE(offset, 0)
  b.writeInt32LE(metaDataLength, 8)
  b.writeBigInt64LE(bodyLength, 16)
  return b
}

/** An Arrow Field table: name, nullable, type_type, type, dictionary, children. */
export function arrowField(name: string, typeType: number, type: FbTable, children: FbTable[] = []): FbTable {
  return [{ str: name }, { bool: true }, { u8: typeType }, { table: type }, null, { tables: children }]
}

export const ARROW_INT64: [number, FbTable] = [2, [{ i32: 64 }, { bool: true }]]
export const ARROW_STRUCT: [number, FbTable] = [13, []]

/** `ARROW1\0\0`, body bytes, a footer flatbuffer, its length and `ARROW1`. */
export function arrowFile(footer: FbTable, body: Buffer = Buffer.alloc(0)): Buffer {
  const fb = flatbuffer(footer)
  const len = Buffer.alloc(4)
  len.writeInt32LE(fb.length)
  return Buffer.concat([Buffer.from('ARROW1\0\0', 'latin1'), body, fb, len, Buffer.from('ARROW1', 'latin1')])
}

/** An encapsulated stream message: continuation marker, padded metadata length, Message flatbuffer, body. */
export function arrowMessage(headerType: number, header: FbTable, bodyLength: bigint, body: Buffer = Buffer.alloc(0)): Buffer {
  const fb = flatbuffer([{ i16: 4 }, { u8: headerType }, { table: header }, { i64: bodyLength }])
  const padded = Buffer.concat([fb, Buffer.alloc((8 - (fb.length % 8)) % 8)])
  const prefix = Buffer.alloc(8)
  prefix.writeUInt32LE(0xffffffff, 0)
  prefix.writeInt32LE(padded.length, 4)
  return Buffer.concat([prefix, padded, body])
}

export const ARROW_EOS = Buffer.from('ffffffff00000000', 'hex')

// ---------------------------------------------------------------- Thrift compact protocol

export type Thrift =
  | { i32: number }
  | { i64: bigint }
  | { bin: string }
  | { bool: boolean }
  | { list: { elem: number; items: Thrift[] } }
  | { struct: ThriftStruct }
/** Fields as [id, value]; ids ascending. */
export type ThriftStruct = [number, Thrift][]

export const T_I32 = 5
export const T_I64 = 6
export const T_BIN = 8
export const T_STRUCT = 12

function varint(n: bigint): number[] {
  const out: number[] = []
  let v = n
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}
const zigzag = (n: bigint): bigint => (n >= 0n ? n * 2n : -n * 2n - 1n)

function typeOf(v: Thrift): number {
  if ('i32' in v) return T_I32
  if ('i64' in v) return T_I64
  if ('bin' in v) return T_BIN
  if ('bool' in v) return v.bool ? 1 : 2
  if ('list' in v) return 9
  return T_STRUCT
}

function value(v: Thrift, inList: boolean): number[] {
  if ('i32' in v) return varint(zigzag(BigInt(v.i32)))
  if ('i64' in v) return varint(zigzag(v.i64))
  if ('bin' in v) {
    const b = Buffer.from(v.bin)
    return [...varint(BigInt(b.length)), ...b]
  }
  if ('bool' in v) return inList ? [v.bool ? 1 : 0] : []
  if ('list' in v) {
    const n = v.list.items.length
    const head = n < 15 ? [(n << 4) | v.list.elem] : [0xf0 | v.list.elem, ...varint(BigInt(n))]
    return [...head, ...v.list.items.flatMap((i) => value(i, true))]
  }
  return struct(v.struct)
}

export function struct(fields: ThriftStruct): number[] {
  const out: number[] = []
  let last = 0
  for (const [id, v] of fields) {
    const delta = id - last
    out.push(...(delta > 0 && delta <= 15 ? [(delta << 4) | typeOf(v)] : [typeOf(v), ...varint(zigzag(BigInt(id)))]), ...value(v, false))
    last = id
  }
  out.push(0)
  return out
}

/** SchemaElement: type 1, repetition 3, name 4, num_children 5, converted_type 6. */
export function schemaElement(name: string, opts: { type?: number; children?: number; converted?: number; repetition?: number } = {}): Thrift {
  const f: ThriftStruct = []
  if (opts.type !== undefined) f.push([1, { i32: opts.type }])
  f.push([3, { i32: opts.repetition ?? 1 }], [4, { bin: name }])
  if (opts.children !== undefined) f.push([5, { i32: opts.children }])
  if (opts.converted !== undefined) f.push([6, { i32: opts.converted }])
  return { struct: f }
}

/** ColumnChunk { file_offset 2, meta_data 3: ColumnMetaData { type 1, encodings 2, path 3, codec 4, num_values 5, sizes 6/7, data_page_offset 9 } }. */
export function columnChunk(path: string, opts: { type: number; codec: number; rows: bigint; offset: bigint; bytes: bigint }): Thrift {
  return {
    struct: [
      [2, { i64: opts.offset }],
      [
        3,
        {
          struct: [
            [1, { i32: opts.type }],
            [2, { list: { elem: T_I32, items: [{ i32: 0 }] } }],
            [3, { list: { elem: T_BIN, items: [{ bin: path }] } }],
            [4, { i32: opts.codec }],
            [5, { i64: opts.rows }],
            [6, { i64: opts.bytes }],
            [7, { i64: opts.bytes }],
            [9, { i64: opts.offset }]
          ]
        }
      ]
    ]
  }
}

/** RowGroup { columns 1, total_byte_size 2, num_rows 3 }. */
export function rowGroup(columns: Thrift[], rows: bigint, bytes: bigint): Thrift {
  return { struct: [[1, { list: { elem: T_STRUCT, items: columns } }], [2, { i64: bytes }], [3, { i64: rows }]] }
}

/** FileMetaData { version 1, schema 2, num_rows 3, row_groups 4, created_by 6 }. */
export function fileMetaData(opts: { schema: Thrift[]; rows: bigint; rowGroups: Thrift[]; createdBy?: string }): Buffer {
  const f: ThriftStruct = [
    [1, { i32: 2 }],
    [2, { list: { elem: T_STRUCT, items: opts.schema } }],
    [3, { i64: opts.rows }],
    [4, { list: { elem: T_STRUCT, items: opts.rowGroups } }]
  ]
  if (opts.createdBy) f.push([6, { bin: opts.createdBy }])
  return Buffer.from(struct(f))
}

/** `PAR1`, `data`, footer, footer length, `PAR1`. */
export function parquetFile(footer: Buffer, data: Buffer = Buffer.alloc(0)): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32LE(footer.length)
  return Buffer.concat([Buffer.from('PAR1'), data, footer, len, Buffer.from('PAR1')])
}

// ---------------------------------------------------------------- sources

/**
 * A file of `size` bytes that is all zeros but for `tail` at its end, without the memory:
 * for "a 200 MB file" checks. Streams in 1 MiB chunks like a real one.
 */
export function sparseSource(size: number, tail: Buffer): ByteSource {
  const tailStart = size - tail.length
  const read = async (offset: number, length: number): Promise<Buffer> => {
    const end = Math.min(size, offset + length)
    const out = Buffer.alloc(Math.max(0, end - offset))
    if (end > tailStart) tail.copy(out, Math.max(0, tailStart - offset), Math.max(0, offset - tailStart), end - tailStart)
    return out
  }
  return {
    size,
    read,
    async *stream(start = 0, end = size) {
      for (let at = start; at < end; at += 1 << 20) yield await read(at, Math.min(1 << 20, end - at))
    }
  }
}

/** The same bytes, streamed `chunk` bytes at a time: record boundaries fall across chunks. */
export function chunkedSource(buf: Buffer, chunk: number): ByteSource {
  return {
    size: buf.length,
    read: async (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)),
    async *stream(start = 0, end = buf.length) {
      for (let at = start; at < end; at += chunk) yield buf.subarray(at, Math.min(end, at + chunk))
    }
  }
}
