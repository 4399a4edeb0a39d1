import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, newResult, readExact } from '../formats/common.js'
import { FlatBuffer } from './flatbuffer.js'
import { columnList, columnName, MAX_LISTED_COLUMNS } from './columns.js'
import { MAX_ARROW_METADATA } from './arrow-ipc.js'

const FIX = 'Re-write the table as Feather v2 (pyarrow.feather.write_feather) or Parquet; this Feather v1 file is truncated or corrupted.'
const MAGIC = 'FEA1'
/** Feather v1 Type enum (feather/metadata.fbs). */
const TYPES = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float', 'double', 'string', 'binary', 'category', 'timestamp', 'date', 'time', 'large_string', 'large_binary']
/** Column.metadata_type: the logical type over the stored values. */
const LOGICAL = [null, 'category', 'timestamp', 'date', 'time']

/**
 * Feather v1 (`FEA1 … metadata, int32 metadata length, FEA1`): the CTable metadata at the
 * end gives `rows` and the columns; each column's stored extent is checked against the file.
 */
export async function inspectFeatherV1(src: ByteSource): Promise<InspectResult> {
  return guarded('Feather v1', newResult('feather-v1'), async (r) => {
    const size = src.size
    if (size < 16) throw new FormatError(`The file is ${size} bytes, too short for a Feather v1 file.`, FIX)
    const tail = await readExact(src, size - 8, 8, 'the metadata length')
    if (tail.toString('latin1', 4) !== MAGIC) throw new FormatError(`The file does not end with the "${MAGIC}" magic, so its metadata is missing (truncated file?).`, FIX, size - 4)
    const length = tail.readInt32LE(0)
    const start = size - 8 - length
    if (length <= 0 || start < 8) throw new FormatError(`The metadata length ${length} does not fit the ${size}-byte file: truncated file or corrupt length.`, FIX, size - 8)
    if (length > MAX_ARROW_METADATA) throw new FormatError(`The metadata is ${length} bytes, over ModelGate's ${MAX_ARROW_METADATA}-byte bound, so it was not read.`, FIX, start)
    const fb = new FlatBuffer(await readExact(src, start, length, 'the metadata'), 'Feather v1 metadata', FIX, start)
    // CTable: description 0, num_rows 1, columns 2, version 3.
    const table = fb.root()
    const rows = fb.i64Field(table, 1, 0n)
    if (rows < 0n) throw fb.error(`the row count is negative (${rows})`, table)
    const columns = fb.vectorField(table, 2, 4)
    const count = columns?.length ?? 0
    const shown: string[] = []
    for (let i = 0; columns && i < count; i++) {
      const column = fb.tableAt(columns, i)
      const values = fb.tableField(column, 1)
      if (values === null) throw fb.error(`column ${i + 1} has no values array`, column)
      // PrimitiveArray: type 0, offset 2, total_bytes 5.
      const offset = fb.i64Field(values, 2, 0n)
      const bytes = fb.i64Field(values, 5, 0n)
      if (offset < 0n || bytes < 0n || offset + bytes > BigInt(start)) {
        throw new FormatError(`Feather v1 column ${i + 1} claims bytes ${offset}..${offset + bytes}, outside the ${start} bytes of data before the metadata (truncated file).`, FIX)
      }
      if (i < MAX_LISTED_COLUMNS) {
        const type = LOGICAL[fb.u8Field(column, 2, 0)] ?? TYPES[fb.u8Field(values, 0, 0)] ?? 'unknown'
        shown.push(`${columnName(fb.stringField(column, 0, 256) ?? '')}:${type}`)
      }
    }
    r.facts.rows = Number(rows)
    r.facts.columnCount = count
    r.facts.columns = columnList(shown, count)
    r.facts.featherVersion = fb.i32Field(table, 3, 1)
  })
}
