import { truncate } from '../formats/common.js'

/** How many columns a `columns` fact lists before it says how many more there are. */
export const MAX_LISTED_COLUMNS = 64
const MAX_CHARS = 2000
const MAX_NAME = 64

/**
 * The `columns` fact: `name` or `name:type` entries joined by commas, bounded in count
 * and length so a table with 100,000 columns (or one 1 MB name) cannot bloat the report.
 * `total` is the real number of columns when only the first few were read.
 */
export function columnList(entries: readonly string[], total = entries.length): string {
  const shown: string[] = []
  let chars = 0
  for (const entry of entries) {
    const e = columnName(entry)
    if (shown.length >= MAX_LISTED_COLUMNS || chars + e.length > MAX_CHARS) break
    shown.push(e)
    chars += e.length + 1
  }
  if (total > shown.length) shown.push(`…(+${total - shown.length} more)`)
  return shown.join(',')
}

/** A column name as a fact shows it: the name cut at 64 characters, since the type follows it. */
export function columnName(name: string): string {
  return truncate(name, MAX_NAME)
}
