import { scanPickle, scanPickleBuffer, type PickleScanOptions, type PickleScanResult } from './pickle/index.js'
import type { Facts, InspectResult, Issue } from './types.js'

const MAX_IMPORTS_LISTED = 40

/** A pickle scan as facts and issues; `where` prefixes messages for pickles inside containers. */
export function pickleResult(r: PickleScanResult, where?: string): InspectResult {
  const facts: Facts = { pickles: r.pickles, pickle_imports: r.globals.length }
  if (r.protocol !== null) facts.pickle_protocol = r.protocol
  if (r.globals.length > 0) {
    const names = [...new Set(r.globals.map((g) => `${g.module}.${g.name}`))]
    facts.pickle_globals = names.slice(0, MAX_IMPORTS_LISTED).join(',') + (names.length > MAX_IMPORTS_LISTED ? ',…' : '')
  }
  const issues: Issue[] = where ? r.issues.map((i) => ({ ...i, message: `${where}: ${i.message}` })) : r.issues
  return { facts, issues }
}

export async function inspectPickleStream(chunks: AsyncIterable<Uint8Array>, opts: PickleScanOptions = {}, where?: string): Promise<InspectResult> {
  return pickleResult(await scanPickle(chunks, opts), where)
}

const PROTO_HEADER = (b: Buffer) => b.length >= 2 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5

const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

/**
 * Whether bytes start a pickle: a protocol 2+ header, or a protocol 0/1 stream
 * that imports a well-formed dotted name, or parses to STOP, within the bytes
 * given. Text such as Python source also parses as a few protocol 0 opcodes
 * (`c` is GLOBAL), so a malformed import name rules the bytes out. Used on file
 * and member heads whose names say nothing.
 */
export function looksLikePickle(head: Buffer): boolean {
  if (PROTO_HEADER(head)) return true
  if (head.length < 4) return false
  const r = scanPickleBuffer(head.subarray(0, 4096), { maxOpcodes: 2000 })
  const wellFormed = r.globals.every((g) => DOTTED_NAME.test(g.module) && DOTTED_NAME.test(g.name))
  return wellFormed && (r.pickles > 0 || r.globals.length > 0)
}
