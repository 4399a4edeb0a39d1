import type { Artifact, Dependency, HubResolution, Report } from '../types.js'
import { byCodeUnit } from '../util/compare.js'
import { folderChange, type ModelGroup } from './groups.js'

/**
 * A BOM property: a name (`modelgate:*` or the CycloneDX taxonomy's `cdx:ai-ml:*`)
 * and a text value. CycloneDX writes it to `properties`, SPDX 3 to its CycloneDX
 * properties extension, so both BOMs state the same facts under the same names.
 */
export type Property = readonly [name: string, value: string]

/** Our own property namespace, for facts the CycloneDX taxonomy has no name for. */
export const NS = 'modelgate'

/** The scan itself, on the BOM as a whole: mode, verdict, and the commits compared. */
export function scanProperties(report: Report): Property[] {
  return [
    [`${NS}:scan:mode`, report.mode],
    [`${NS}:scan:verdict`, report.verdict],
    ...(report.base ? [[`${NS}:scan:base`, report.base] as const] : []),
    ...(report.head ? [[`${NS}:scan:head`, report.head] as const] : [])
  ]
}

/** What the BOM says about one file (weight, config, card, single-file model or dataset); `skipFacts` go elsewhere. */
export function fileProperties(a: Artifact, scanResult: string, skipFacts: readonly string[] = []): Property[] {
  const out: Property[] = [
    [`${NS}:path`, a.path],
    [`${NS}:format`, a.format],
    [`${NS}:size`, String(a.size)]
  ]
  if (a.lfs) out.push([`${NS}:git-lfs-pointer`, 'true'])
  if (a.change !== 'unchanged') out.push([`${NS}:change`, a.change])
  for (const [key, value] of Object.entries(a.facts)) if (!skipFacts.includes(key)) out.push([`${NS}:fact:${key}`, String(value)])
  out.push(...signatureProperties(a.signature))
  if (a.previous && a.previous.sha256 !== a.sha256) out.push([`${NS}:previous-sha256`, a.previous.sha256])
  out.push([`${NS}:scan:result`, scanResult])
  return out
}

/**
 * A model folder as a whole: its path, the signature verdict of its weights (a
 * folder is signed as a whole, so they share one), what the scan found in all its
 * files, and its change.
 */
export function folderProperties(g: ModelGroup, files: readonly Artifact[], scanResult: string): Property[] {
  const change = folderChange(files)
  return [[`${NS}:path`, g.path], ...signatureProperties(g.weights[0]!.signature), [`${NS}:scan:result`, scanResult], ...(change ? [[`${NS}:change`, change] as const] : [])]
}

/** Signature verification, what a reviewer and `bom diff` need: state, method, signer, issuer, key hint, log index, root digest. */
export function signatureProperties(s: Artifact['signature']): Property[] {
  if (!s) return []
  const out: Property[] = [[`${NS}:signature`, s.state]]
  if (s.state === 'unsigned') return out
  const add = (name: string, value: string | null) => {
    if (value) out.push([`${NS}:signature:${name}`, value])
  }
  add('file', s.signatureFile)
  add('method', s.method)
  add('signer', s.signer)
  add('issuer', s.issuer)
  add('key-hint', s.keyHint)
  add('rekor-log-index', s.rekorLogIndex)
  add('root-digest', s.rootDigest)
  return out
}

/** A file a hub reference loads, as the Hub lists it: its format and size. */
export function loadedFileProperties(f: HubResolution['files'][number]): Property[] {
  return [...(f.size !== null ? [[`${NS}:size`, String(f.size)] as const] : []), ...(f.format ? [[`${NS}:format`, f.format] as const] : [])]
}

/** A dependency (one per purl): the specifier when it is not an exact version, pinned, ML, every file that declares it, and whether the Hub gates it. */
export function dependencyProperties(dep: Dependency, declaredIn: Iterable<string>): Property[] {
  const out: Property[] = []
  if (dep.specifier && !dep.version) out.push([`${NS}:specifier`, dep.specifier])
  out.push([`${NS}:pinned`, String(dep.pinned)])
  if (dep.ml) out.push([`${NS}:ml`, 'true'])
  for (const p of [...declaredIn].sort(byCodeUnit)) out.push([`${NS}:declared-in`, p])
  if (dep.resolved?.gated) out.push([`${NS}:hub:gated`, 'true'])
  return out
}
