import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, newResult, readExact } from '../formats/common.js'
import { FlatBuffer } from './flatbuffer.js'
import { ARROW_FIX, HEADER, MAX_ARROW_METADATA, headerName, messagePrefix, readMessage, recordBatchRows, schemaColumns } from './arrow-ipc.js'

const MAGIC = 'ARROW1'
/** Leading magic padded to 8 bytes. */
const LEAD = 8
/** int32 footer length + trailing magic. */
const TAIL = 10
/** Footer.recordBatches entries: struct Block { offset: long; metaDataLength: int; bodyLength: long } with padding. */
const BLOCK = 24
/** Record batch headers read to count rows; past this many, rows are not counted. */
export const MAX_BATCH_READS = 10_000
/**
 * Bytes of record batch headers read in all to count rows; past this, rows are not
 * counted. Footer blocks may overlap, so without it 10,000 blocks could each re-read the
 * same 16 MiB (minutes of reading). Real headers take tens of bytes per column, so
 * 10,000 batches of a hundred-column table fit.
 */
export const MAX_BATCH_METADATA_TOTAL = 64 * 1024 * 1024

/**
 * Arrow IPC file format (and Feather v2, the same bytes): the footer at the end names
 * the schema and where each record batch is; each batch's message header is read for
 * its row count (up to MAX_BATCH_READS of them, MAX_BATCH_METADATA_TOTAL bytes in all).
 * Bodies are never read. Facts: `columnCount`, `columns`, `recordBatches`, `rows` (or
 * `rowsCounted: false` past either bound).
 */
export async function inspectArrowFile(src: ByteSource): Promise<InspectResult> {
  return guarded('Arrow', newResult('arrow'), async (r) => {
    const size = src.size
    if (size < LEAD + TAIL) throw new FormatError(`The file is ${size} bytes, too short for an Arrow IPC file (its magic and footer length alone take ${LEAD + TAIL}).`, ARROW_FIX)
    const tail = await readExact(src, size - TAIL, TAIL, 'the footer length')
    if (tail.toString('latin1', 4) !== MAGIC) throw new FormatError(`The file does not end with the "${MAGIC}" magic, so its footer is missing (truncated file?).`, ARROW_FIX, size - 6)
    const footerLength = tail.readInt32LE(0)
    const dataEnd = size - TAIL - footerLength
    if (footerLength <= 0 || dataEnd < LEAD) {
      throw new FormatError(`The footer length ${footerLength} does not fit the ${size}-byte file (at most ${size - LEAD - TAIL} bytes are there for it): truncated file or corrupt footer length.`, ARROW_FIX, size - TAIL)
    }
    if (footerLength > MAX_ARROW_METADATA) throw new FormatError(`The footer is ${footerLength} bytes, over ModelGate's ${MAX_ARROW_METADATA}-byte bound for Arrow metadata, so it was not read.`, 'Split the table into smaller files, or list the file under `ignore` in .modelgate.yml if it is trusted.', dataEnd)
    const fb = new FlatBuffer(await readExact(src, dataEnd, footerLength, 'the footer'), 'Arrow footer', ARROW_FIX, dataEnd)
    // Footer: version 0, schema 1, dictionaries 2, recordBatches 3.
    const root = fb.root()
    Object.assign(r.facts, schemaColumns(fb, fb.tableField(root, 1)))
    const batches = fb.vectorField(root, 3, BLOCK) ?? { start: 0, length: 0 }
    r.facts.recordBatches = batches.length
    if (batches.length > MAX_BATCH_READS) {
      r.facts.rowsCounted = false
      return
    }
    let rows = 0n
    const budget = { left: MAX_BATCH_METADATA_TOTAL }
    for (let i = 0; i < batches.length; i++) {
      const at = batches.start + BLOCK * i
      const batch = await batchRows(src, i + 1, fb.i64(at, 'block offset'), fb.i32(at + 8, 'block metadata length'), fb.i64(at + 16, 'block body length'), dataEnd, budget)
      if (batch === null) {
        r.facts.rowsCounted = false
        return
      }
      rows += batch
    }
    r.facts.rows = Number(rows)
  })
}

/**
 * Reads one record batch's message header (never its body) for its row count, or
 * returns null when the header would overrun what is left of the `budget` of bytes.
 */
async function batchRows(src: ByteSource, n: number, offset: bigint, metaLength: number, bodyLength: bigint, dataEnd: number, budget: { left: number }): Promise<bigint | null> {
  const end = offset + BigInt(metaLength) + bodyLength
  if (offset < BigInt(LEAD) || metaLength < 8 || bodyLength < 0n || end > BigInt(dataEnd)) {
    throw new FormatError(`Record batch ${n} claims bytes ${offset}..${end} (${metaLength} of metadata, ${bodyLength} of body), outside the ${dataEnd} bytes of data before the footer: truncated file or corrupt footer.`, ARROW_FIX)
  }
  if (metaLength > MAX_ARROW_METADATA) throw new FormatError(`Record batch ${n} has ${metaLength} bytes of metadata, over ModelGate's ${MAX_ARROW_METADATA}-byte bound.`, ARROW_FIX, Number(offset))
  if (metaLength > budget.left) return null
  budget.left -= metaLength
  const at = Number(offset)
  const block = await readExact(src, at, metaLength, `record batch ${n}'s header`)
  const prefix = messagePrefix(block)
  if (!prefix || prefix.length <= 0 || prefix.prefix + prefix.length > metaLength) {
    throw new FormatError(`Record batch ${n} at byte ${at}: its message length does not fit the ${metaLength} bytes the footer gives it.`, ARROW_FIX, at)
  }
  const fb = new FlatBuffer(block.subarray(prefix.prefix, prefix.prefix + prefix.length), `Arrow record batch ${n} header`, ARROW_FIX, at + prefix.prefix)
  const message = readMessage(fb)
  if (message.headerType !== HEADER.recordBatch) throw new FormatError(`Record batch ${n} at byte ${at} holds a ${headerName(message.headerType)} message, not a RecordBatch.`, ARROW_FIX, at)
  return recordBatchRows(fb, message.header)
}
