import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { guarded, issue, newResult } from '../formats/common.js'
import { columnList, MAX_LISTED_COLUMNS } from './columns.js'

const QUOTE = 0x22
const LF = 0x0a
const CR = 0x0d
const TAB = 0x09
const DELIMITERS: [number, string][] = [
  [0x2c, 'comma'],
  [0x3b, 'semicolon'],
  [TAB, 'tab'],
  [0x7c, 'pipe']
]
/** Bytes of a header cell kept for its name (the fact shows 64 characters). */
const MAX_CELL_BYTES = 256
/** Bytes of the first line looked at to choose a CSV file's delimiter. */
const SNIFF_BYTES = 64 * 1024

/** Scanner states. */
const S = { FieldStart: 0, Unquoted: 1, Quoted: 2, QuoteInQuoted: 3 } as const
type State = (typeof S)[keyof typeof S]

/**
 * CSV and TSV, in the one streaming pass that also hashes the file: the header's columns,
 * the data records (RFC 4180: quoted fields may hold delimiters, doubled quotes and line
 * breaks; empty lines are skipped), and the delimiter (TSV: tab; CSV: whichever of comma,
 * semicolon, tab and pipe the header uses most). Memory: the header's names only.
 */
export async function inspectDelimited(src: ByteSource, format: 'csv' | 'tsv'): Promise<InspectResult> {
  return guarded(format.toUpperCase(), newResult(format), async (r) => {
    let scanner: DelimitedScanner | null = null
    let first = true
    for await (let chunk of src.stream()) {
      if (first) {
        first = false
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3)
        scanner = new DelimitedScanner(format === 'tsv' ? TAB : chooseDelimiter(chunk))
      }
      scanner!.push(chunk)
    }
    scanner ??= new DelimitedScanner(format === 'tsv' ? TAB : DELIMITERS[0]![0])
    const out = scanner.end()
    r.facts.delimiter = DELIMITERS.find(([b]) => b === scanner!.delimiter)![1]
    r.facts.columnCount = out.columnCount
    if (out.columns.length > 0) r.facts.columns = columnList(out.columns, out.columnCount)
    if (out.unterminatedQuoteLine !== null) {
      r.issues.push(
        issue(
          'unparseable-artifact',
          'warning',
          `The quoted field that opens on line ${out.unterminatedQuoteLine} is never closed, so the rest of the file reads as one field and its rows cannot be counted.`,
          `Close the quote on line ${out.unterminatedQuoteLine} (a quote inside a quoted field is written twice: ""), or re-export the file.`
        )
      )
    } else r.facts.rows = out.rows
  })
}

/** The candidate delimiter seen most often outside quotes on the first line; comma on a tie. */
function chooseDelimiter(head: Buffer): number {
  const counts = new Map<number, number>(DELIMITERS.map(([b]) => [b, 0]))
  let quoted = false
  for (let i = 0; i < Math.min(head.length, SNIFF_BYTES); i++) {
    const b = head[i]!
    if (b === QUOTE) quoted = !quoted
    else if (!quoted && (b === LF || b === CR)) break
    else if (!quoted && counts.has(b)) counts.set(b, counts.get(b)! + 1)
  }
  let best = DELIMITERS[0]![0]
  for (const [b] of DELIMITERS) if (counts.get(b)! > counts.get(best)!) best = b
  return best
}

export interface DelimitedSummary {
  /** Columns in the header record. */
  columnCount: number
  /** The first header names (at most MAX_LISTED_COLUMNS). */
  columns: string[]
  /** Records after the header. */
  rows: number
  /** 1-based line of a quote still open at the end of the file, else null. */
  unterminatedQuoteLine: number | null
}

/** Byte-at-a-time RFC 4180 state machine; only delimiters, quotes and line breaks matter, so UTF-8 needs no decoding. */
class DelimitedScanner {
  private state: State = S.FieldStart
  private inHeader = true
  private recordHasContent = false
  private afterCR = false
  private line = 1
  private quoteLine = 0
  private rows = 0
  private columnCount = 0
  private readonly columns: string[] = []
  private cell: number[] = []

  constructor(readonly delimiter: number) {}

  push(chunk: Buffer): void {
    const delim = this.delimiter
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!
      if (b === LF) {
        this.line++
        if (this.afterCR) {
          this.afterCR = false
          continue
        }
      }
      this.afterCR = false
      switch (this.state) {
        case S.Quoted:
          if (b === QUOTE) this.state = S.QuoteInQuoted
          else this.keep(b)
          continue
        case S.QuoteInQuoted:
          if (b === QUOTE) {
            this.state = S.Quoted
            this.keep(b)
            continue
          }
          break
        case S.FieldStart:
          if (b === QUOTE) {
            this.state = S.Quoted
            this.quoteLine = this.line
            this.recordHasContent = true
            continue
          }
          break
        case S.Unquoted:
          break
      }
      // Outside quotes: field and record boundaries.
      if (b === delim) {
        this.recordHasContent = true
        this.endCell()
        this.state = S.FieldStart
      } else if (b === LF || b === CR) {
        this.afterCR = b === CR
        this.endRecord()
      } else {
        this.recordHasContent = true
        this.state = S.Unquoted
        this.keep(b)
      }
    }
  }

  end(): DelimitedSummary {
    const open = this.state === S.Quoted
    if (!open) this.endRecord()
    return { columnCount: this.columnCount, columns: this.columns, rows: this.rows, unterminatedQuoteLine: open ? this.quoteLine : null }
  }

  private keep(b: number): void {
    if (this.inHeader && this.cell.length < MAX_CELL_BYTES) this.cell.push(b)
  }

  private endCell(): void {
    if (!this.inHeader) return
    if (this.columns.length < MAX_LISTED_COLUMNS) this.columns.push(Buffer.from(this.cell).toString('utf8'))
    this.columnCount++
    this.cell = []
  }

  private endRecord(): void {
    if (this.recordHasContent) {
      if (this.inHeader) {
        this.endCell()
        this.inHeader = false
      } else this.rows++
    }
    this.recordHasContent = false
    this.state = S.FieldStart
  }
}
