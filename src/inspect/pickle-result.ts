import { scanPickle, type PickleScanOptions, type PickleScanResult } from './pickle/index.js'
import { sniffPickleBytes } from '../identify/pickle-sniff.js'
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

/**
 * Whether bytes start a pickle (identify/pickle-sniff.ts: a bounded trial parse of the
 * opcodes). `complete`: the bytes are the whole content, not a head of it. Used on member
 * heads and archive comments, whose names say nothing.
 */
export function looksLikePickle(head: Buffer, complete = false): boolean {
  return sniffPickleBytes(head, complete) !== null
}
