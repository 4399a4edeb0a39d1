import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { guarded, issue, newResult } from '../formats/common.js'
import { columnList, MAX_LISTED_COLUMNS } from './columns.js'

const LF = 0x0a
/** Lines up to this long are parsed as JSON; longer ones are only checked to open and close like a JSON value. */
export const MAX_PARSED_LINE = 1024 * 1024
const MAX_PARSED_LINE_TEXT = `${MAX_PARSED_LINE / (1024 * 1024)} MiB`

/**
 * JSON Lines, in the one streaming pass that also hashes the file: `rows` (non-empty
 * lines), the first record's top-level keys as `columns`, and every line up to
 * MAX_PARSED_LINE parsed as JSON. A longer line is not held in memory: one that opens and
 * closes like a JSON object, array or string is counted in `uncheckedLines` (its inside
 * was not checked), any other is broken. A broken line is a warning naming the first one,
 * with `invalidLines` counting them.
 */
export async function inspectJsonl(src: ByteSource): Promise<InspectResult> {
  return guarded('JSON Lines', newResult('jsonl'), async (r) => {
    const scanner = new JsonlScanner()
    for await (const chunk of src.stream()) scanner.push(chunk)
    const out = scanner.end()
    r.facts.rows = out.rows
    if (out.keys) {
      r.facts.columnCount = out.keys.count
      r.facts.columns = columnList(out.keys.names, out.keys.count)
    }
    if (out.firstInvalidLine !== null) {
      r.facts.invalidLines = out.invalidLines
      r.issues.push({
        ...issue(
          'unparseable-artifact',
          'warning',
          `Line ${out.firstInvalidLine} is not valid JSON${tally(out)}: every line of a JSON Lines file must be one complete JSON value.`,
          `Fix or remove line ${out.firstInvalidLine} (a value may not span lines), or re-export the file.`
        ),
        line: out.firstInvalidLine
      })
    }
    if (out.uncheckedLines > 0) r.facts.uncheckedLines = out.uncheckedLines
  })
}

/** How many lines are broken, claiming a total only when every line was parsed. */
function tally(out: JsonlSummary): string {
  if (out.uncheckedLines > 0) {
    return ` (${plural(out.invalidLines, 'line')} found broken; ${plural(out.uncheckedLines, 'line')} over ${MAX_PARSED_LINE_TEXT} not parsed, only checked to open and close like a JSON value)`
  }
  return out.invalidLines > 1 ? ` (${out.invalidLines} lines are broken in all)` : ''
}

export interface JsonlSummary {
  rows: number
  keys: { count: number; names: string[] } | null
  invalidLines: number
  firstInvalidLine: number | null
  /** Lines over MAX_PARSED_LINE that look like a JSON value at their ends but were not parsed. */
  uncheckedLines: number
}

/** Splits the stream into lines with a bounded buffer: a line over MAX_PARSED_LINE keeps only its first and last non-blank bytes. */
class JsonlScanner {
  private parts: Buffer[] = []
  private partBytes = 0
  private oversized = false
  private firstByte = -1
  private lastByte = -1
  private line = 0
  private rows = 0
  private keys: JsonlSummary['keys'] = null
  private invalid = 0
  private firstInvalid: number | null = null
  private unchecked = 0

  push(chunk: Buffer): void {
    let start = 0
    for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
      this.add(chunk.subarray(start, nl))
      this.endLine()
      start = nl + 1
    }
    if (start < chunk.length) this.add(chunk.subarray(start))
  }

  end(): JsonlSummary {
    if (this.partBytes > 0 || this.oversized) this.endLine()
    return { rows: this.rows, keys: this.keys, invalidLines: this.invalid, firstInvalidLine: this.firstInvalid, uncheckedLines: this.unchecked }
  }

  private add(piece: Buffer): void {
    if (piece.length === 0) return
    if (!this.oversized && this.partBytes + piece.length <= MAX_PARSED_LINE) {
      this.parts.push(piece)
      this.partBytes += piece.length
      return
    }
    if (!this.oversized) {
      this.oversized = true
      for (const p of this.parts) this.edges(p)
      this.parts = []
      this.partBytes = 0
    }
    this.edges(piece)
  }

  /** Tracks the first and last non-blank bytes of an oversized line. */
  private edges(piece: Buffer): void {
    for (let i = 0; this.firstByte < 0 && i < piece.length; i++) if (!blank(piece[i]!)) this.firstByte = piece[i]!
    for (let i = piece.length - 1; i >= 0; i--) {
      if (!blank(piece[i]!)) {
        this.lastByte = piece[i]!
        break
      }
    }
  }

  private endLine(): void {
    this.line++
    if (this.oversized) {
      this.rows++
      if (CLOSERS.get(this.firstByte) === this.lastByte) this.unchecked++
      else this.bad()
    } else {
      let text = (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes)).toString('utf8')
      if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      if (text.trim() !== '') {
        this.rows++
        try {
          const value: unknown = JSON.parse(text)
          if (this.rows === 1 && typeof value === 'object' && value !== null && !Array.isArray(value)) {
            const names = Object.keys(value)
            this.keys = { count: names.length, names: names.slice(0, MAX_LISTED_COLUMNS) }
          }
        } catch {
          this.bad()
        }
      }
    }
    this.parts = []
    this.partBytes = 0
    this.oversized = false
    this.firstByte = -1
    this.lastByte = -1
  }

  private bad(): void {
    this.invalid++
    this.firstInvalid ??= this.line
  }
}

/** What an oversized line's first non-blank byte must be matched by at its end: `{…}`, `[…]`, `"…"`. */
const CLOSERS = new Map([
  [0x7b, 0x7d],
  [0x5b, 0x5d],
  [0x22, 0x22]
])

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

function blank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d
}
