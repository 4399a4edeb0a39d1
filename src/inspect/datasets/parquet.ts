import { parquetMetadata, type FileMetaData, type SchemaElement } from 'hyparquet'
import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, newResult, readExact, truncate } from '../formats/common.js'
import { columnList, columnName, MAX_LISTED_COLUMNS } from './columns.js'
import { thriftBoundsProblem } from './thrift-bounds.js'

const FIX = 'Re-write the file with pyarrow, pandas or polars (or re-download it); it is truncated or its footer is corrupted.'
const BOUND_FIX = 'Split the table into files with fewer row groups or columns, or list the file under `ignore` in .modelgate.yml if it is trusted.'
/** Footers bigger than this are not read. */
const MAX_PARQUET_FOOTER = 16 * 1024 * 1024
/** Thrift values a footer may hold (a 50,000-column-chunk file has about a million). */
const MAX_PARQUET_VALUES = 1_000_000
const MAX_DEPTH = 32
/** `PAR1` at both ends, the footer length before the last. */
const MAGIC = 'PAR1'

/**
 * Parquet: only the footer is read (last 8 bytes → footer length → footer), checked for
 * size, nesting and value count, then decoded by hyparquet. Facts: `rows`, `rowGroups`,
 * `columnCount`, `columns` (top-level `name:type`), `createdBy`, `compression`. Row-group
 * row counts must add up and every column chunk must lie inside the file.
 */
export async function inspectParquet(src: ByteSource): Promise<InspectResult> {
  return guarded('Parquet', newResult('parquet'), async (r) => {
    const size = src.size
    if (size < 12) throw new FormatError(`The file is ${size} bytes, too short for a Parquet file (its magic and footer length alone take 12).`, FIX)
    const tail = await readExact(src, size - 8, 8, 'the footer length')
    if (tail.toString('latin1', 4) !== MAGIC) throw new FormatError(`The file does not end with the "${MAGIC}" magic, so its footer is missing (truncated file?).`, FIX, size - 4)
    const length = tail.readUInt32LE(0)
    const start = size - 8 - length
    if (length === 0 || start < 4) {
      throw new FormatError(`The footer length ${length} does not fit the ${size}-byte file (at most ${size - 12} bytes are there for it): truncated file or corrupt footer length.`, FIX, size - 8)
    }
    if (length > MAX_PARQUET_FOOTER) throw new FormatError(`The footer is ${length} bytes, over ModelGate's ${MAX_PARQUET_FOOTER}-byte bound for Parquet metadata, so it was not read.`, BOUND_FIX, start)
    const footer = await readExact(src, start, length + 8, 'the footer')
    const problem = thriftBoundsProblem(footer.subarray(0, length), { maxValues: MAX_PARQUET_VALUES, maxDepth: MAX_DEPTH })
    if (problem) throw new FormatError(`The footer cannot be read within ModelGate's bounds: ${problem}.`, problem.startsWith('it holds more') ? BOUND_FIX : FIX, start)
    let md: FileMetaData
    try {
      md = parquetMetadata(footer, { geoparquet: false })
    } catch (err) {
      throw new FormatError(`The footer is not valid Parquet metadata (${truncate((err as Error).message, 200)}).`, FIX, start)
    }
    Object.assign(r.facts, describe(md, start))
  })
}

type Facts = Record<string, string | number | boolean>

function describe(md: FileMetaData, dataEnd: number): Facts {
  const facts: Facts = {}
  const rows = big(md.num_rows)
  if (rows === null || rows < 0n) throw new FormatError(`The footer gives an invalid row count (${String(md.num_rows)}).`, FIX, dataEnd)
  const groups = Array.isArray(md.row_groups) ? md.row_groups : []
  let sum = 0n
  const codecs = new Set<string>()
  groups.forEach((group, g) => {
    const groupRows = big(group.num_rows)
    if (groupRows === null || groupRows < 0n) throw new FormatError(`Row group ${g + 1} gives an invalid row count (${String(group.num_rows)}).`, FIX, dataEnd)
    sum += groupRows
    for (const chunk of Array.isArray(group.columns) ? group.columns : []) {
      const meta = chunk.meta_data
      if (!meta) continue
      if (typeof meta.codec === 'string') codecs.add(meta.codec)
      if (chunk.file_path) continue // the data lives in another file
      checkExtent(meta.path_in_schema, g + 1, big(meta.dictionary_page_offset), big(meta.data_page_offset), big(meta.total_compressed_size), dataEnd)
    }
  })
  if (sum !== rows) throw new FormatError(`The footer says the file has ${rows} rows, but its row groups add up to ${sum}.`, FIX, dataEnd)
  facts.rows = Number(rows)
  facts.rowGroups = groups.length
  Object.assign(facts, topLevelColumns(Array.isArray(md.schema) ? md.schema : [], dataEnd))
  if (typeof md.created_by === 'string' && md.created_by) facts.createdBy = truncate(md.created_by, 200)
  if (codecs.size > 0) facts.compression = [...codecs].sort().join(',')
  return facts
}

/** A column chunk must lie between the leading magic and the footer: a chunk claiming 200 MB of a 2 KB file is forged or truncated. */
function checkExtent(pathInSchema: unknown, group: number, dictionary: bigint | null, data: bigint | null, compressed: bigint | null, dataEnd: number): void {
  // Some writers store a dictionary offset of 0 for "none"; the data page offset bounds the chunk then.
  const start = dictionary !== null && dictionary > 0n && (data === null || dictionary < data) ? dictionary : data
  const name = Array.isArray(pathInSchema) ? pathInSchema.map(String).join('.') : '?'
  if (start === null || compressed === null || start < 4n || compressed < 0n || start + compressed > BigInt(dataEnd)) {
    throw new FormatError(
      `Column chunk "${truncate(name, 100)}" of row group ${group} claims bytes ${start ?? '?'}..${start !== null && compressed !== null ? start + compressed : '?'}, outside the data (bytes 4..${dataEnd}): the file is truncated or its footer is corrupt.`,
      FIX
    )
  }
}

/** The root's children with their types; nested fields are skipped, not listed. */
function topLevelColumns(schema: SchemaElement[], dataEnd: number): { columnCount: number; columns: string } {
  const root = schema[0]
  const count = typeof root?.num_children === 'number' && root.num_children > 0 ? root.num_children : 0
  const shown: string[] = []
  let at = 1
  for (let c = 0; c < count; c++) {
    const element = schema[at]
    if (!element) throw new FormatError(`The schema lists ${count} top-level columns but ends after ${c}.`, FIX, dataEnd)
    if (c < MAX_LISTED_COLUMNS) shown.push(`${columnName(String(element.name ?? ''))}:${parquetType(element)}`)
    // Skip the element and its subtree: each element adds its children to what is left to pass.
    for (let pending = 1; pending > 0; at++) {
      const e = schema[at]
      if (!e) throw new FormatError(`The schema's column "${truncate(String(element.name), 100)}" lists more nested fields than the schema holds.`, FIX, dataEnd)
      pending += (typeof e.num_children === 'number' && e.num_children > 0 ? e.num_children : 0) - 1
    }
  }
  return { columnCount: count, columns: columnList(shown, count) }
}

/** The logical type when there is one (STRING, TIMESTAMP, INT8, ...), else the physical one; groups are LIST, MAP or STRUCT. */
function parquetType(e: SchemaElement): string {
  const logical = e.logical_type
  const converted = e.converted_type as string | undefined
  if ((typeof e.num_children === 'number' && e.num_children > 0) || e.type === undefined) {
    const t = logical?.type ?? converted
    return t === 'LIST' ? 'LIST' : t === 'MAP' || t === 'MAP_KEY_VALUE' ? 'MAP' : 'STRUCT'
  }
  if (logical?.type === 'INTEGER') return `${logical.isSigned ? 'INT' : 'UINT'}${logical.bitWidth}`
  if (logical?.type) return logical.type
  if (converted) return converted === 'UTF8' ? 'STRING' : converted.replace(/^(U?INT)_(\d+)$/, '$1$2').replace(/^(TIMESTAMP|TIME)_(MILLIS|MICROS)$/, '$1')
  return String(e.type)
}

/** Thrift integers arrive as numbers (i32) or bigints (i64); a hostile footer may put anything there. */
function big(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  return null
}
