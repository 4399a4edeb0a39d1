import { FlatBuffer } from './flatbuffer.js'
import { columnList, columnName, MAX_LISTED_COLUMNS } from './columns.js'

/**
 * The parts of Arrow's IPC flatbuffers (format/Schema.fbs, Message.fbs, File.fbs) that
 * dataset facts need: top-level fields with their types, message headers, record batch
 * lengths. Field indexes below are the vtable slots of those schemas.
 */
export const ARROW_FIX = 'Re-write the file with pyarrow or the `datasets` library (or re-download it); it is truncated or corrupted.'
/** Metadata bigger than this (a footer, a schema message) is not read. */
export const MAX_ARROW_METADATA = 16 * 1024 * 1024
export const CONTINUATION = 0xffffffff

export const HEADER = { schema: 1, dictionaryBatch: 2, recordBatch: 3 } as const
const HEADER_NAMES = ['none', 'Schema', 'DictionaryBatch', 'RecordBatch', 'Tensor', 'SparseTensor']
/** MetadataVersion V1..V5 are 0..4. */
const MAX_METADATA_VERSION = 4

export interface ArrowMessage {
  headerType: number
  /** The header table (Schema or RecordBatch), or null when absent. */
  header: number | null
  bodyLength: bigint
}

export function headerName(type: number): string {
  return HEADER_NAMES[type] ?? `unknown header type ${type}`
}

/** Message: version 0, header_type 1, header 2, bodyLength 3. */
export function readMessage(fb: FlatBuffer): ArrowMessage {
  const root = fb.root()
  const version = fb.i16Field(root, 0, 0)
  if (version < 0 || version > MAX_METADATA_VERSION) throw fb.error(`metadata version ${version} is not one Arrow defines (V1..V5)`, root)
  const headerType = fb.u8Field(root, 1, 0)
  const header = fb.tableField(root, 2)
  const bodyLength = fb.i64Field(root, 3, 0n)
  if (bodyLength < 0n) throw fb.error(`the body length is negative (${bodyLength})`, root)
  return { headerType, header, bodyLength }
}

/** RecordBatch.length (slot 0): the rows in the batch. */
export function recordBatchRows(fb: FlatBuffer, header: number | null): bigint {
  if (header === null) throw fb.error('the RecordBatch header is missing', 0)
  const rows = fb.i64Field(header, 0, 0n)
  if (rows < 0n) throw fb.error(`the record batch claims a negative row count (${rows})`, header)
  return rows
}

/** Schema.fields (slot 1), top level only: the count and the first names with their types. */
export function schemaColumns(fb: FlatBuffer, schema: number | null): { columnCount: number; columns?: string } {
  if (schema === null) throw fb.error('the schema is missing', 0)
  const fields = fb.vectorField(schema, 1, 4)
  const count = fields?.length ?? 0
  const shown: string[] = []
  for (let i = 0; fields && i < Math.min(count, MAX_LISTED_COLUMNS); i++) {
    const field = fb.tableAt(fields, i)
    shown.push(`${columnName(fb.stringField(field, 0, 256) ?? '')}:${fieldType(fb, field)}`)
  }
  return count === 0 ? { columnCount: 0 } : { columnCount: count, columns: columnList(shown, count) }
}

/** Field: name 0, nullable 1, type_type 2, type 3, dictionary 4. Names follow pyarrow's. */
function fieldType(fb: FlatBuffer, field: number): string {
  const valueType = typeName(fb, fb.u8Field(field, 2, 0), fb.tableField(field, 3))
  return fb.field(field, 4) === null ? valueType : `dictionary<${valueType}>`
}

const SIMPLE: Record<number, string> = {
  1: 'null', 4: 'binary', 5: 'string', 6: 'bool', 7: 'decimal', 9: 'time', 11: 'interval', 12: 'list', 13: 'struct',
  14: 'union', 15: 'fixed_size_binary', 16: 'fixed_size_list', 17: 'map', 19: 'large_binary', 20: 'large_string',
  21: 'large_list', 22: 'run_end_encoded', 23: 'binary_view', 24: 'string_view', 25: 'list_view', 26: 'large_list_view'
}
const UNITS = ['s', 'ms', 'us', 'ns']

function typeName(fb: FlatBuffer, type: number, table: number | null): string {
  if (SIMPLE[type]) return SIMPLE[type]!
  switch (type) {
    case 2: {
      // Int: bitWidth 0, is_signed 1
      const bits = table === null ? 0 : fb.i32Field(table, 0, 0)
      return `${table !== null && fb.boolField(table, 1, false) ? 'int' : 'uint'}${bits}`
    }
    case 3: {
      // FloatingPoint: precision 0 (HALF, SINGLE, DOUBLE)
      const precision = table === null ? 0 : fb.i16Field(table, 0, 0)
      return ['halffloat', 'float', 'double'][precision] ?? 'float'
    }
    case 8:
      // Date: unit 0 (DAY, MILLISECOND; default MILLISECOND)
      return (table === null ? 1 : fb.i16Field(table, 0, 1)) === 0 ? 'date32' : 'date64'
    case 10:
    case 18: {
      // Timestamp / Duration: unit 0 (SECOND .. NANOSECOND)
      const unit = UNITS[table === null ? 0 : fb.i16Field(table, 0, 0)] ?? '?'
      return `${type === 10 ? 'timestamp' : 'duration'}[${unit}]`
    }
    default:
      return `type${type}`
  }
}

/**
 * An encapsulated message's prefix: `0xFFFFFFFF, int32 length` (Arrow ≥ 0.15) or a bare
 * `int32 length` (older writers). Returns the prefix size and the metadata length; a
 * length of 0 is the end-of-stream marker.
 */
export function messagePrefix(bytes: Buffer): { prefix: number; length: number } | null {
  if (bytes.length < 4) return null
  if (bytes.readUInt32LE(0) !== CONTINUATION) return { prefix: 4, length: bytes.readInt32LE(0) }
  return bytes.length < 8 ? null : { prefix: 8, length: bytes.readInt32LE(4) }
}
