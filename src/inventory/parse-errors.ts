import { parse as parseToml } from 'smol-toml'
import { parseDocument, LineCounter, type Document } from 'yaml'
import type { Issue } from '../inspect/types.js'
import { unparseableManifest } from './issues.js'
import { LineIndex } from './text.js'

export type Parsed<T> = { ok: true; value: T } | { ok: false; issue: Issue }

export function tomlOf(text: string, kind: string): Parsed<Record<string, unknown>> {
  try {
    return { ok: true, value: parseToml(text) as Record<string, unknown> }
  } catch (err) {
    const e = err as { message?: string; line?: number }
    return { ok: false, issue: unparseableManifest(kind, firstLine(e.message ?? String(err)).replace(/^Invalid TOML document: /, ''), e.line ?? null) }
  }
}

/** JSON.parse, with the line of the error (Node 20 says "position N", newer Nodes "line L column C"). */
export function jsonOf(text: string, kind: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    const message = (err as Error).message
    const lineCol = /line (\d+) column \d+/.exec(message)
    const pos = /position (\d+)/.exec(message)
    const line = lineCol ? Number(lineCol[1]) : pos ? new LineIndex(text).lineOf(Number(pos[1])) : null
    return { ok: false, issue: unparseableManifest(kind, firstLine(message).replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+.*$/, ''), line) }
  }
}

export interface YamlParsed {
  doc: Document
  lines: LineCounter
  value: unknown
}

/** YAML with positions kept, so every node can name its line. Aliases are capped (billion laughs). */
export function yamlOf(text: string, kind: string): Parsed<YamlParsed> {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent', uniqueKeys: false })
  const e = doc.errors[0]
  if (e) return { ok: false, issue: unparseableManifest(kind, firstLine(e.message), lines.linePos(e.pos[0]).line) }
  try {
    return { ok: true, value: { doc, lines, value: doc.toJS({ maxAliasCount: 100 }) as unknown } }
  } catch (err) {
    return { ok: false, issue: unparseableManifest(kind, firstLine((err as Error).message), null) }
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim()
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
