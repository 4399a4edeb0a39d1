import { Bool, Field, Float64, Int32, List, Struct, Table, TimestampMillisecond, Uint8, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow'
import { inspectArrowFile, MAX_BATCH_METADATA_TOTAL, MAX_BATCH_READS } from '../../src/inspect/datasets/arrow.js'
import { inspectArrowStream, looksLikeArrowStream } from '../../src/inspect/datasets/arrow-stream.js'
import { inspectFeatherV1 } from '../../src/inspect/datasets/feather-v1.js'
import { identify } from '../../src/identify/identify.js'
import { BufferByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { ARROW_EOS, ARROW_INT64, ARROW_STRUCT, arrowBlock, arrowField, arrowFile, arrowMessage, chunkedSource, flatbuffer, sparseSource, type FbTable } from './fixtures.js'

const FIX = 'Re-write the file with pyarrow or the `datasets` library (or re-download it); it is truncated or corrupted.'
const src = (b: Buffer | Uint8Array) => new BufferByteSource(Buffer.from(b))
const error = (message: string, offset?: number, fix = FIX) => ({ rule: 'unparseable-artifact', severity: 'error', message, fix, ...(offset !== undefined ? { offset } : {}) })

/** A source that adds up the bytes its reads return. */
function countingSource(buf: Buffer): { src: ByteSource; bytesRead: () => number } {
  const inner = new BufferByteSource(buf)
  let total = 0
  const src: ByteSource = {
    size: inner.size,
    read: async (offset, length) => {
      const b = await inner.read(offset, length)
      total += b.length
      return b
    },
    stream: () => {
      throw new Error('an Arrow IPC file is read by range, never streamed')
    }
  }
  return { src, bytesRead: () => total }
}

/** Five rows in two record batches, with plain, nested, temporal and dictionary columns. */
function table(): Table {
  const batch = (ids: number[]) =>
    new Table({
      id: vectorFromArray(ids, new Int32()),
      score: vectorFromArray(ids.map((i) => i / 2), new Float64()),
      text: vectorFromArray(ids.map(String), new Utf8()),
      ok: vectorFromArray(ids.map((i) => i % 2 === 0), new Bool()),
      at: vectorFromArray(ids.map((i) => i * 1000), new TimestampMillisecond()),
      tags: vectorFromArray(
        ids.map((i) => [i]),
        new List(new Field('item', new Int32(), true))
      ),
      pos: vectorFromArray(
        ids.map((i) => ({ x: i, y: i })),
        new Struct([new Field('x', new Int32(), true), new Field('y', new Int32(), true)])
      ),
      small: vectorFromArray(ids, new Uint8())
    })
  return batch([1, 2, 3]).concat(batch([4, 5]))
}
const COLUMNS = 'id:int32,score:double,text:string,ok:bool,at:timestamp[ms],tags:list,pos:struct,small:uint8'

describe('arrow facts', () => {
  test('IPC file (and Feather v2): schema from the footer, rows from each record batch header', async () => {
    const file = tableToIPC(table(), 'file')
    expect(await inspectArrowFile(src(file))).toEqual({ facts: { format: 'arrow', columnCount: 8, columns: COLUMNS, recordBatches: 2, rows: 5 }, issues: [] })
    expect((await identify('data/train.feather', src(file)))?.format).toBe('arrow')
  })

  test('IPC stream (Hugging Face datasets cache): messages walked, bodies passed over', async () => {
    const stream = Buffer.from(tableToIPC(table(), 'stream'))
    const expected = { facts: { format: 'arrow-stream', columnCount: 8, columns: COLUMNS, recordBatches: 2, rows: 5 }, issues: [] }
    expect(await inspectArrowStream(src(stream))).toEqual(expected)
    // Message boundaries across tiny chunks change nothing.
    expect(await inspectArrowStream(chunkedSource(stream, 7))).toEqual(expected)
    expect(looksLikeArrowStream(stream)).toBe(true)
    expect((await identify('cache/data-00000-of-00001.arrow', src(stream)))?.format).toBe('arrow-stream')
    expect((await identify('data/train.arrows', src(stream)))?.format).toBe('arrow-stream')
  })

  test('dictionary-encoded columns and their dictionary batches', async () => {
    const stream = tableToIPC(new Table({ label: vectorFromArray(['cat', 'dog', 'cat']) }), 'stream')
    expect(await inspectArrowStream(src(stream))).toEqual({
      facts: { format: 'arrow-stream', columnCount: 1, columns: 'label:dictionary<string>', recordBatches: 1, rows: 3, dictionaryBatches: 1 },
      issues: []
    })
  })

  test('a huge schema lists 64 columns; a deep one is read at the top level only', async () => {
    const wide: FbTable = [{ i16: 4 }, { table: [null, { tables: Array.from({ length: 1000 }, (_, i) => arrowField(`f${i}`, ...ARROW_INT64)) }] }, null, { structs: [] }]
    const r = await inspectArrowFile(src(arrowFile(wide)))
    expect(r.issues).toEqual([])
    expect(r.facts.columnCount).toBe(1000)
    expect(r.facts.columns).toBe(`${Array.from({ length: 64 }, (_, i) => `f${i}:int64`).join(',')},…(+936 more)`)

    let deep = arrowField('leaf', ...ARROW_INT64)
    for (let i = 0; i < 500; i++) deep = arrowField(`level${i}`, ...ARROW_STRUCT, [deep])
    const schema: FbTable = [null, { tables: [deep] }]
    expect(await inspectArrowFile(src(arrowFile([{ i16: 4 }, { table: schema }, null, { structs: [] }])))).toEqual({
      facts: { format: 'arrow', columnCount: 1, columns: 'level499:struct', recordBatches: 0, rows: 0 },
      issues: []
    })
  })

  test(`more than ${MAX_BATCH_READS} record batches: rows are not counted, and the facts say so`, async () => {
    const blocks = Array.from({ length: MAX_BATCH_READS + 1 }, () => arrowBlock(8n, 8, 0n))
    const footer: FbTable = [{ i16: 4 }, { table: [null, { tables: [arrowField('id', ...ARROW_INT64)] }] }, null, { structs: blocks }]
    expect(await inspectArrowFile(src(arrowFile(footer, Buffer.alloc(8))))).toEqual({
      facts: { format: 'arrow', columnCount: 1, columns: 'id:int64', recordBatches: MAX_BATCH_READS + 1, rowsCounted: false },
      issues: []
    })
  })

  test('overlapping footer blocks re-reading one big header: reads stop at the metadata total, rows are not counted', async () => {
    expect(MAX_BATCH_METADATA_TOTAL).toBe(64 * 1024 * 1024)
    // One 1 MiB record batch header (a 5-row batch, padded), and blocks that all point at it.
    const header = 1 << 20
    const batch = arrowMessage(3, [{ i64: 5n }], 0n)
    const data = Buffer.concat([batch, Buffer.alloc(header - batch.length)])
    const withBlocks = (count: number) => {
      const footer: FbTable = [{ i16: 4 }, { table: [null, { tables: [arrowField('id', ...ARROW_INT64)] }] }, null, { structs: Array.from({ length: count }, () => arrowBlock(8n, header, 0n)) }]
      const file = arrowFile(footer, data)
      return { file, footerBytes: file.length - 8 - data.length - 10 }
    }
    const fits = MAX_BATCH_METADATA_TOTAL / header

    // Exactly at the bound: every header is read and the rows add up.
    const atBound = withBlocks(fits)
    const counted = countingSource(atBound.file)
    expect(await inspectArrowFile(counted.src)).toEqual({
      facts: { format: 'arrow', columnCount: 1, columns: 'id:int64', recordBatches: fits, rows: 5 * fits },
      issues: []
    })
    expect(counted.bytesRead()).toBe(10 + atBound.footerBytes + MAX_BATCH_METADATA_TOTAL)

    // Past it (here 1,000 blocks, 1000 MiB of headers): the read stops before the header that would overrun.
    const hostile = withBlocks(1000)
    const bounded = countingSource(hostile.file)
    expect(await inspectArrowFile(bounded.src)).toEqual({
      facts: { format: 'arrow', columnCount: 1, columns: 'id:int64', recordBatches: 1000, rowsCounted: false },
      issues: []
    })
    expect(bounded.bytesRead()).toBe(10 + hostile.footerBytes + MAX_BATCH_METADATA_TOTAL)
  })

  test('Feather v1: rows and typed columns from the metadata at the end', async () => {
    const column = (name: string, type: number, offset: bigint, bytes: bigint, logical = 0): FbTable => [
      { str: name },
      { table: [{ u8: type }, null, { i64: offset }, { i64: 3n }, { i64: 0n }, { i64: bytes }] },
      { u8: logical }
    ]
    const meta = flatbuffer([null, { i64: 3n }, { tables: [column('id', 4, 8n, 24n), column('name', 11, 32n, 16n), column('kind', 1, 48n, 3n, 1)] }, { i32: 2 }])
    const len = Buffer.alloc(4)
    len.writeInt32LE(meta.length)
    const file = Buffer.concat([Buffer.from('FEA1\0\0\0\0'), Buffer.alloc(48), meta, len, Buffer.from('FEA1')])
    expect(await inspectFeatherV1(src(file))).toEqual({
      facts: { format: 'feather-v1', rows: 3, columnCount: 3, columns: 'id:int64,name:string,kind:category', featherVersion: 2 },
      issues: []
    })
    expect((await identify('old/table.feather', src(file)))?.format).toBe('feather-v1')
    // A column claiming more bytes than the file holds.
    const forged = flatbuffer([null, { i64: 3n }, { tables: [column('id', 4, 8n, 200_000_000n)] }, { i32: 2 }])
    len.writeInt32LE(forged.length)
    const bad = Buffer.concat([Buffer.from('FEA1\0\0\0\0'), Buffer.alloc(48), forged, len, Buffer.from('FEA1')])
    expect((await inspectFeatherV1(src(bad))).issues).toEqual([
      error('Feather v1 column 1 claims bytes 8..200000008, outside the 56 bytes of data before the metadata (truncated file).', undefined, 'Re-write the table as Feather v2 (pyarrow.feather.write_feather) or Parquet; this Feather v1 file is truncated or corrupted.')
    ])
  })
})

describe('hostile arrow files: an exact finding, never a throw', () => {
  const file = Buffer.from(tableToIPC(table(), 'file'))
  const footerLength = file.readInt32LE(file.length - 10)
  const footerStart = file.length - 10 - footerLength

  test('truncated: the trailing magic is gone', async () => {
    const cut = file.subarray(0, file.length - 100)
    expect((await inspectArrowFile(src(cut))).issues).toEqual([error('The file does not end with the "ARROW1" magic, so its footer is missing (truncated file?).', cut.length - 6)])
  })

  test('a footer length larger than the file', async () => {
    const bad = Buffer.from(file)
    bad.writeInt32LE(1 << 30, bad.length - 10)
    expect((await inspectArrowFile(src(bad))).issues).toEqual([
      error(`The footer length 1073741824 does not fit the ${bad.length}-byte file (at most ${bad.length - 18} bytes are there for it): truncated file or corrupt footer length.`, bad.length - 10)
    ])
  })

  test('a footer over the 16 MiB bound in a 200 MB file is not read', async () => {
    const tail = Buffer.alloc(10)
    tail.writeInt32LE(20 << 20)
    tail.write('ARROW1', 4, 'latin1')
    const size = 200 * 1024 * 1024
    expect((await inspectArrowFile(sparseSource(size, tail))).issues).toEqual([
      error("The footer is 20971520 bytes, over ModelGate's 16777216-byte bound for Arrow metadata, so it was not read.", size - 10 - (20 << 20), 'Split the table into smaller files, or list the file under `ignore` in .modelgate.yml if it is trusted.')
    ])
  })

  test('a flatbuffer root offset pointing outside the footer', async () => {
    const bad = Buffer.from(file)
    bad.writeUInt32LE(0x7fffffff, footerStart)
    expect((await inspectArrowFile(src(bad))).issues).toEqual([
      error(`Malformed Arrow footer: the root table offset at offset 0 points to 2147483647, outside the ${footerLength}-byte buffer.`, footerStart)
    ])
  })

  test('a vtable offset pointing outside the footer', async () => {
    const bad = Buffer.from(file)
    const root = bad.readUInt32LE(footerStart)
    bad.writeInt32LE(-0x10000, footerStart + root)
    expect((await inspectArrowFile(src(bad))).issues).toEqual([
      error(`Malformed Arrow footer: the vtable size at offset ${root + 0x10000} lies outside the ${footerLength}-byte buffer.`, footerStart + footerLength)
    ])
  })

  test('a record batch claiming a 200 MB body in a tiny file', async () => {
    const footer: FbTable = [{ i16: 4 }, { table: [null, { tables: [arrowField('id', ...ARROW_INT64)] }] }, null, { structs: [arrowBlock(8n, 64, 200_000_000n)] }]
    expect((await inspectArrowFile(src(arrowFile(footer, Buffer.alloc(64))))).issues).toEqual([
      error('Record batch 1 claims bytes 8..200000072 (64 of metadata, 200000000 of body), outside the 72 bytes of data before the footer: truncated file or corrupt footer.')
    ])
  })

  test('a record batch block that points at something else than a RecordBatch message', async () => {
    const schemaMessage = arrowMessage(1, [null, { tables: [arrowField('id', ...ARROW_INT64)] }], 0n)
    const footer: FbTable = [{ i16: 4 }, { table: [null, { tables: [arrowField('id', ...ARROW_INT64)] }] }, null, { structs: [arrowBlock(8n, schemaMessage.length, 0n)] }]
    expect((await inspectArrowFile(src(arrowFile(footer, schemaMessage)))).issues).toEqual([error('Record batch 1 at byte 8 holds a Schema message, not a RecordBatch.', 8)])
  })

  test('a record batch with a negative row count', async () => {
    const batch = arrowMessage(3, [{ i64: -7n }], 0n)
    const footer: FbTable = [{ i16: 4 }, { table: [null, { tables: [arrowField('id', ...ARROW_INT64)] }] }, null, { structs: [arrowBlock(8n, batch.length, 0n)] }]
    // Offset 57: the RecordBatch table inside the message (file byte 8 + prefix 8 + its position in the flatbuffer).
    expect(await inspectArrowFile(src(arrowFile(footer, batch)))).toEqual({
      facts: { format: 'arrow', columnCount: 1, columns: 'id:int64', recordBatches: 1 },
      issues: [error('Malformed Arrow record batch 1 header: the record batch claims a negative row count (-7).', 57)]
    })
  })

  describe('streams', () => {
    const schema = arrowMessage(1, [null, { tables: [arrowField('id', ...ARROW_INT64)] }], 0n)

    test('truncated inside a record batch body', async () => {
      const batch = arrowMessage(3, [{ i64: 2n }], 64n, Buffer.alloc(64))
      const cut = Buffer.concat([schema, batch]).subarray(0, schema.length + batch.length - 40)
      expect(await inspectArrowStream(src(cut))).toEqual({
        facts: { format: 'arrow-stream', columnCount: 1, columns: 'id:int64' },
        issues: [error(`Arrow message 2 at byte ${schema.length} claims a 64-byte body, but only 24 bytes follow (truncated file).`, schema.length)]
      })
      // Whole, the same stream counts.
      expect((await inspectArrowStream(src(Buffer.concat([schema, batch, ARROW_EOS])))).facts).toEqual({ format: 'arrow-stream', columnCount: 1, columns: 'id:int64', recordBatches: 1, rows: 2 })
    })

    test('a metadata length larger than the file', async () => {
      const bad = Buffer.concat([schema, Buffer.from('ffffffff00000010', 'hex')])
      expect((await inspectArrowStream(src(bad))).issues).toEqual([error(`Arrow message 2 at byte ${schema.length} claims 268435456 bytes of metadata, but only 0 bytes follow (truncated file or not an Arrow stream).`, schema.length)])
    })

    test('a body length of 200 MB in a tiny file', async () => {
      const bad = Buffer.concat([schema, arrowMessage(3, [{ i64: 1n }], 200_000_000n), ARROW_EOS])
      expect((await inspectArrowStream(src(bad))).issues).toEqual([error(`Arrow message 2 at byte ${schema.length} claims a 200000000-byte body, but only 8 bytes follow (truncated file).`, schema.length)])
    })

    test('a stream that does not start with its schema', async () => {
      const bad = Buffer.concat([arrowMessage(3, [{ i64: 1n }], 0n), ARROW_EOS])
      expect((await inspectArrowStream(src(bad))).issues).toEqual([error('Arrow message 1 at byte 0 is a RecordBatch; a stream has exactly one Schema, first.', 0)])
      expect(looksLikeArrowStream(bad)).toBe(false)
    })

    test('a message table offset pointing outside the message', async () => {
      const bad = Buffer.from(schema)
      bad.writeUInt32LE(0x10000, 8)
      expect((await inspectArrowStream(src(Buffer.concat([bad, ARROW_EOS])))).issues).toEqual([
        error(`Malformed Arrow message 1: the root table offset at offset 0 points to 65536, outside the ${schema.length - 8}-byte buffer.`, 8)
      ])
    })

    test('an unknown metadata version', async () => {
      const bad = Buffer.concat([arrowMessage(1, [null, { tables: [] }], 0n), ARROW_EOS])
      const fb = bad.subarray(8)
      const root = fb.readUInt32LE(0)
      const vtable = root - fb.readInt32LE(root)
      bad.writeInt16LE(99, 8 + root + fb.readUInt16LE(vtable + 4))
      expect((await inspectArrowStream(src(bad))).issues).toEqual([error(`Malformed Arrow message 1: metadata version 99 is not one Arrow defines (V1..V5).`, 8 + root)])
    })

    test('a file that ends inside a length prefix', async () => {
      const bad = Buffer.concat([schema, Buffer.from('ffffffff00', 'hex')])
      expect((await inspectArrowStream(src(bad))).issues).toEqual([error(`Arrow message 2 at byte ${schema.length}: the file ends inside the message's length prefix (truncated file).`, schema.length)])
    })
  })
})
