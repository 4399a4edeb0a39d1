import { inspectTfrecord, looksLikeTfrecord } from '../../src/inspect/datasets/tfrecord.js'
import { crc32c, maskedCrc32c } from '../../src/inspect/datasets/crc32c.js'
import { identify } from '../../src/identify/identify.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { chunkedSource, crc32cBitwise, maskedCrc, sparseSource, tfrecord, tfrecordRecord } from './fixtures.js'

const FIX = 'Re-write the file with tf.io.TFRecordWriter (or re-download it); it is truncated or is not a TFRecord file.'
const inspect = (b: Buffer) => inspectTfrecord(new BufferByteSource(b))
const error = (message: string, offset: number) => ({ rule: 'unparseable-artifact', severity: 'error', message, fix: FIX, offset })
const records = [Buffer.from('first example'), Buffer.alloc(0), Buffer.alloc(3000, 7)]

test('CRC-32C: the check value, and the table-driven code agrees with a bitwise reference', () => {
  expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  for (const b of [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(8, 0xff), Buffer.from('TFRecord length')]) {
    expect(crc32c(b)).toBe(crc32cBitwise(b))
    expect(maskedCrc32c(b)).toBe(maskedCrc(b))
  }
})

test('records are counted, including empty ones, across chunk boundaries', async () => {
  const file = tfrecord(records)
  expect(await inspect(file)).toEqual({ facts: { format: 'tfrecord', records: 3 }, issues: [] })
  expect(await inspectTfrecord(chunkedSource(file, 5))).toEqual({ facts: { format: 'tfrecord', records: 3 }, issues: [] })
})

test('identified by content under any name (sharded files have no extension)', async () => {
  const file = new BufferByteSource(tfrecord(records))
  expect(await identify('data/train-00000-of-00004', file)).toEqual({ kind: 'dataset', format: 'tfrecord', lfs: null, facts: {}, issues: [] })
  expect((await identify('data/train.tfrecord', file))?.format).toBe('tfrecord')
  expect(looksLikeTfrecord(Buffer.from('not a tfrecord file at all'))).toBe(false)
})

test('a pickle crafted to pass the length checksum is still identified as a pickle, so the pickle scanner sees it', async () => {
  // BINUNICODE of 16 bytes whose bytes 5..11 complete a TFRecord length and its CRC, then os.system.
  const head = Buffer.from([0x58, 0x10, 0, 0, 0, 0, 0, 0])
  const crc = Buffer.alloc(4)
  crc.writeUInt32LE(maskedCrc(head))
  const pickle = Buffer.concat([head, crc, Buffer.alloc(9, 0x41), Buffer.from('cos\nsystem\nX\x02\x00\x00\x00id\x85R.', 'latin1')])
  expect(looksLikeTfrecord(pickle)).toBe(true)
  expect((await identify('data/model', new BufferByteSource(pickle)))?.format).toBe('pickle')
})

describe('hostile tfrecord files: an exact finding, never a throw', () => {
  const file = tfrecord(records)
  const third = tfrecordRecord(records[0]!).length + tfrecordRecord(records[1]!).length

  test('truncated inside a record', async () => {
    expect((await inspect(file.subarray(0, file.length - 100))).issues).toEqual([error(`TFRecord record 3 at byte ${third} claims 3000 bytes of data, but only 2904 bytes follow its header (truncated file).`, third)])
  })

  test('truncated inside a header', async () => {
    expect((await inspect(file.subarray(0, third + 5))).issues).toEqual([error(`TFRecord record 3 at byte ${third}: the file ends inside the record's 12-byte header (truncated file).`, third)])
  })

  test('a record claiming 200 MB in a tiny file', async () => {
    const bad = tfrecordRecord(Buffer.from('x'))
    bad.writeBigUInt64LE(200_000_000n)
    bad.writeUInt32LE(maskedCrc(bad.subarray(0, 8)), 8)
    expect((await inspect(bad)).issues).toEqual([error('TFRecord record 1 at byte 0 claims 200000000 bytes of data, but only 5 bytes follow its header (truncated file).', 0)])
  })

  test('a length whose checksum does not match', async () => {
    const bad = Buffer.from(file)
    const second = tfrecordRecord(records[0]!).length
    bad.writeUInt8(bad.readUInt8(second) ^ 1, second)
    expect((await inspect(bad)).issues).toEqual([error(`TFRecord record 2 at byte ${second}: the checksum of its length field does not match, so the file is corrupted or is not a TFRecord file.`, second)])
  })

  test('a 200 MB record is passed over in the streaming read, not held', async () => {
    const size = 200 * 1024 * 1024
    const header = tfrecordRecord(Buffer.alloc(0)).subarray(0, 12)
    header.writeBigUInt64LE(BigInt(size - 16))
    header.writeUInt32LE(maskedCrc(header.subarray(0, 8)), 8)
    const src = sparseSource(size, Buffer.alloc(0))
    const big = { ...src, stream: async function* () {
      yield Buffer.from(header)
      for await (const c of src.stream(12)) yield c
    } }
    expect(await inspectTfrecord(big)).toEqual({ facts: { format: 'tfrecord', records: 1 }, issues: [] })
  })
})
