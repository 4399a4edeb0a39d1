import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, newResult } from '../formats/common.js'
import { maskedCrc32c } from './crc32c.js'
import { ForwardReader } from '../../util/forward-reader.js'

const FIX = 'Re-write the file with tf.io.TFRecordWriter (or re-download it); it is truncated or is not a TFRecord file.'
/** uint64 length, uint32 masked CRC-32C of the length. */
const HEADER = 12
const DATA_CRC = 4

/** A TFRecord file starts with a record whose length field carries its own CRC: a 1-in-4-billion match by chance. */
export function looksLikeTfrecord(head: Buffer): boolean {
  return head.length >= HEADER && maskedCrc32c(head.subarray(0, 8)) === head.readUInt32LE(8)
}

/**
 * TFRecord: records of `uint64 length, uint32 masked_crc32c(length), data, uint32
 * masked_crc32c(data)`. Walks every record header (checking the length's CRC) and passes
 * over the data in the same streaming read that hashes the file; the data CRCs are not
 * checked (that would cost a CRC-32C over every byte). Fact: `records`.
 */
export async function inspectTfrecord(src: ByteSource): Promise<InspectResult> {
  return guarded('TFRecord', newResult('tfrecord'), async (r) => {
    const cur = new ForwardReader(src.stream())
    try {
      let records = 0
      for (;;) {
        const at = cur.position
        const header = await cur.read(HEADER)
        if (header.length === 0) break
        const n = records + 1
        if (header.length < HEADER) throw new FormatError(`TFRecord record ${n} at byte ${at}: the file ends inside the record's ${HEADER}-byte header (truncated file).`, FIX, at)
        if (maskedCrc32c(header.subarray(0, 8)) !== header.readUInt32LE(8)) {
          throw new FormatError(`TFRecord record ${n} at byte ${at}: the checksum of its length field does not match, so the file is corrupted or is not a TFRecord file.`, FIX, at)
        }
        const length = header.readBigUInt64LE(0)
        const left = src.size - cur.position
        if (length + BigInt(DATA_CRC) > BigInt(left)) {
          throw new FormatError(`TFRecord record ${n} at byte ${at} claims ${length} bytes of data, but only ${left} bytes follow its header (truncated file).`, FIX, at)
        }
        await cur.skip(Number(length) + DATA_CRC)
        records = n
      }
      r.facts.records = records
    } finally {
      await cur.close()
    }
  })
}
