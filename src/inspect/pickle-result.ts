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

/**
 * Tensor facts from a torch pickle's persistent ids (pickle/torch-storages.ts), only when the
 * whole stream was read: `parameters` counts every element stored (parameters and buffers alike).
 */
export function torchStorageFacts(r: PickleScanResult): Facts {
  const s = r.storages
  const facts: Facts = {}
  if (!r.complete) return facts
  if (s.storages !== null && s.elements !== null && s.dtypes !== null) {
    facts.storages = s.storages
    facts.parameters = s.elements
    if (s.dtypes.length > 0) facts.dtypes = s.dtypes.join(',')
  }
  if (s.tensors !== null) facts.tensors = s.tensors
  return facts
}

/** A legacy (non-zip) torch.save file: its pickles, version and tensors. */
export async function inspectLegacyTorch(chunks: AsyncIterable<Uint8Array>): Promise<InspectResult> {
  const r = await scanPickle(chunks, { framework: 'torch' })
  const out = pickleResult(r)
  const version: Facts = r.legacyTorchVersion !== null ? { format_version: String(r.legacyTorchVersion) } : {}
  return { facts: { framework: 'pytorch', ...version, ...out.facts, ...torchStorageFacts(r) }, issues: out.issues }
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
