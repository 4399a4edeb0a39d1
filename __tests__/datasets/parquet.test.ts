import { parquetWriteBuffer } from 'hyparquet-writer'
import { inspectParquet } from '../../src/inspect/datasets/parquet.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { columnChunk, fileMetaData, parquetFile, rowGroup, schemaElement, sparseSource, struct, type Thrift } from './fixtures.js'

const FIX = 'Re-write the file with pyarrow, pandas or polars (or re-download it); it is truncated or its footer is corrupted.'
const BOUND_FIX = 'Split the table into files with fewer row groups or columns, or list the file under `ignore` in .modelgate.yml if it is trusted.'
const inspect = (buf: Buffer) => inspectParquet(new BufferByteSource(buf))
const INT64 = 2
const BYTE_ARRAY = 6
const SNAPPY = 1
const ZSTD = 6

/** A hand-made file: `data` bytes of column data, one INT64 column chunk per row group covering them. */
function handMade(opts: { rows?: bigint; groupRows?: bigint[]; chunkBytes?: bigint; schema?: Thrift[]; createdBy?: string }): Buffer {
  const data = Buffer.alloc(64, 1)
  const groupRows = opts.groupRows ?? [3n]
  const groups = groupRows.map((n, i) => rowGroup([columnChunk('id', { type: INT64, codec: i === 0 ? SNAPPY : ZSTD, rows: n, offset: 4n + 32n * BigInt(i), bytes: opts.chunkBytes ?? 32n })], n, 32n))
  const schema = opts.schema ?? [schemaElement('schema', { children: 1 }), schemaElement('id', { type: INT64 })]
  return parquetFile(fileMetaData({ schema, rows: opts.rows ?? groupRows.reduce((a, b) => a + b, 0n), rowGroups: groups, ...(opts.createdBy ? { createdBy: opts.createdBy } : {}) }), data)
}

function error(message: string, offset?: number, fix = FIX) {
  return { rule: 'unparseable-artifact', severity: 'error', message, fix, ...(offset !== undefined ? { offset } : {}) }
}

describe('parquet facts', () => {
  test('a file hyparquet-writer made: rows, row groups, typed top-level columns, writer, codecs', async () => {
    const buf = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: new Int32Array([1, 2, 3, 4, 5]), type: 'INT32' },
          { name: 'text', data: ['a', 'b', 'c', 'd', 'e'], type: 'STRING' },
          { name: 'score', data: new Float64Array([0.5, 1, 1.5, 2, 2.5]), type: 'DOUBLE', codec: 'UNCOMPRESSED' },
          { name: 'ok', data: [true, false, true, true, false], type: 'BOOLEAN' }
        ],
        rowGroupSize: 2
      })
    )
    expect(await inspect(buf)).toEqual({
      facts: { format: 'parquet', rows: 5, rowGroups: 3, columnCount: 4, columns: 'id:INT32,text:STRING,score:DOUBLE,ok:BOOLEAN', createdBy: 'hyparquet', compression: 'SNAPPY,UNCOMPRESSED' },
      issues: []
    })
  })

  test('nested columns are listed by their top-level name and kind; codecs over all row groups', async () => {
    const schema = [
      schemaElement('schema', { children: 3 }),
      schemaElement('tags', { children: 1, converted: 3 /* LIST */ }),
      schemaElement('list', { children: 1, repetition: 2 }),
      schemaElement('element', { type: BYTE_ARRAY, converted: 0 /* UTF8 */ }),
      schemaElement('meta', { children: 2 }),
      schemaElement('a', { type: INT64 }),
      schemaElement('b', { type: INT64, converted: 15 /* INT_64 */ }),
      schemaElement('id', { type: INT64 })
    ]
    expect(await inspect(handMade({ schema, groupRows: [2n, 1n], createdBy: 'parquet-cpp-arrow version 17.0.0' }))).toEqual({
      facts: { format: 'parquet', rows: 3, rowGroups: 2, columnCount: 3, columns: 'tags:LIST,meta:STRUCT,id:INT64', createdBy: 'parquet-cpp-arrow version 17.0.0', compression: 'SNAPPY,ZSTD' },
      issues: []
    })
  })

  test('a wide table lists 64 columns and says how many more there are', async () => {
    const schema = [schemaElement('schema', { children: 100 }), ...Array.from({ length: 100 }, (_, i) => schemaElement(`c${i}`, { type: INT64 }))]
    const r = await inspect(handMade({ schema }))
    expect(r.facts.columnCount).toBe(100)
    expect(r.facts.columns).toBe(`${Array.from({ length: 64 }, (_, i) => `c${i}:INT64`).join(',')},…(+36 more)`)
    expect(r.issues).toEqual([])
  })
})

describe('hostile parquet files: an exact finding, never a throw', () => {
  const good = handMade({})

  test('truncated: the footer magic is gone', async () => {
    const cut = good.subarray(0, good.length - 20)
    expect((await inspect(cut)).issues).toEqual([error('The file does not end with the "PAR1" magic, so its footer is missing (truncated file?).', cut.length - 4)])
  })

  test('a footer length larger than the file', async () => {
    const bad = Buffer.from(good)
    bad.writeUInt32LE(5000, bad.length - 8)
    expect((await inspect(bad)).issues).toEqual([
      error(`The footer length 5000 does not fit the ${bad.length}-byte file (at most ${bad.length - 12} bytes are there for it): truncated file or corrupt footer length.`, bad.length - 8)
    ])
  })

  test('a footer over the 16 MiB bound in a 200 MB file is not read', async () => {
    const tail = Buffer.alloc(8)
    tail.writeUInt32LE(20 * 1024 * 1024)
    tail.write('PAR1', 4)
    const src = sparseSource(200 * 1024 * 1024, tail)
    expect((await inspectParquet(src)).issues).toEqual([
      error("The footer is 20971520 bytes, over ModelGate's 16777216-byte bound for Parquet metadata, so it was not read.", 200 * 1024 * 1024 - 8 - 20 * 1024 * 1024, BOUND_FIX)
    ])
  })

  test('a row count its row groups do not add up to', async () => {
    const bad = handMade({ rows: 1n << 40n, groupRows: [3n] })
    expect((await inspect(bad)).issues).toEqual([error('The footer says the file has 1099511627776 rows, but its row groups add up to 3.', 68)])
  })

  test('a negative row count', async () => {
    const bad = handMade({ rows: -5n })
    expect((await inspect(bad)).issues).toEqual([error('The footer gives an invalid row count (-5).', 68)])
  })

  test('a column chunk claiming 200 MB of a tiny file', async () => {
    const bad = handMade({ chunkBytes: 200_000_000n })
    expect((await inspect(bad)).issues).toEqual([error('Column chunk "id" of row group 1 claims bytes 4..200000004, outside the data (bytes 4..68): the file is truncated or its footer is corrupt.')])
  })

  test('a list claiming a billion elements is refused before any parser allocates it', async () => {
    const footer = Buffer.from([0x15, 0x04, 0x19, 0xfc, ...[0x80, 0x94, 0xeb, 0xdc, 0x03], 0, 0])
    expect((await inspect(parquetFile(footer))).issues).toEqual([error('The footer cannot be read within ModelGate\'s bounds: a list at byte 9 claims 1000000000 elements, more than the 2 bytes left.', 4)])
  })

  test('nesting deeper than 32 levels', async () => {
    // field 1 of each struct is a struct, 40 deep
    const footer = Buffer.from([...Array(40).fill(0x1c), ...Array(41).fill(0)])
    expect((await inspect(parquetFile(footer))).issues).toEqual([error("The footer cannot be read within ModelGate's bounds: it nests deeper than 32 levels.", 4)])
  })

  test('more than a million metadata values (a footer of empty structs) is over the bound', async () => {
    const n = 1_100_000 // varint bytes of n: e0 91 43
    const footer = Buffer.concat([Buffer.from([0x29, 0xfc, 0xe0, 0x91, 0x43]), Buffer.alloc(n), Buffer.from([0])])
    expect((await inspect(parquetFile(footer))).issues).toEqual([error("The footer cannot be read within ModelGate's bounds: it holds more than 1000000 metadata values.", 4, BOUND_FIX)])
  })

  test('a footer that is Thrift but not Parquet metadata', async () => {
    const footer = Buffer.from(struct([[1, { i32: 2 }]]))
    expect((await inspect(parquetFile(footer))).issues).toEqual([error("The footer is not valid Parquet metadata (Cannot read properties of undefined (reading 'map')).", 4)])
  })

  test('a schema that lists more columns than it holds', async () => {
    const bad = handMade({ schema: [schemaElement('schema', { children: 3 }), schemaElement('id', { type: INT64 })] })
    expect((await inspect(bad)).issues).toEqual([error('The schema lists 3 top-level columns but ends after 1.', 68)])
  })

  test('a list of an element type Parquet never uses', async () => {
    const footer = Buffer.from([0x19, 0x1b, 0x00, 0x00])
    expect((await inspect(parquetFile(footer))).issues).toEqual([error("The footer cannot be read within ModelGate's bounds: a list at byte 2 has element type 11, which Parquet metadata does not use.", 4)])
  })

  test('a file too short to be Parquet', async () => {
    expect((await inspect(Buffer.from('PAR1PAR1'))).issues).toEqual([error('The file is 8 bytes, too short for a Parquet file (its magic and footer length alone take 12).')])
  })

})
