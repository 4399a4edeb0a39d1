import type { Artifact, Dependency } from '../../types.js'
import { byCodePoint, type Json } from './graph.js'

/** A CycloneDX property: the same `modelgate:*` name and text value the CycloneDX BOM writes. */
export type Property = readonly [name: string, value: string]

const NS = 'modelgate'

/**
 * SPDX 3.0.1's own carrier for CycloneDX properties (`extension_CdxPropertiesExtension`):
 * every CycloneDX property keeps its name and value here (facts SPDX has a field
 * for are written to that field too), sorted by name. `{ extension }` to spread
 * into an element, or nothing when there are no properties.
 */
export function cdxExtension(props: readonly Property[]): Json {
  if (props.length === 0) return {}
  // Stable: values of one name keep their order (a table's columns).
  const sorted = [...props].sort(([an], [bn]) => byCodePoint(an, bn))
  return {
    extension: [
      {
        type: 'extension_CdxPropertiesExtension',
        extension_cdxProperty: sorted.map(([name, value]) => ({ type: 'extension_CdxPropertyEntry', extension_cdxPropName: name, extension_cdxPropValue: value }))
      }
    ]
  }
}

/** What the CycloneDX BOM says about one file (weight, config, card, single-file model or dataset); `skipFacts` go elsewhere. */
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

/** Signature verification: state, method, signer, issuer, key hint, log index, root digest. */
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

/** A dependency (one per purl): the specifier when it is not an exact version, pinned, ML, and every file that declares it. */
export function dependencyProperties(dep: Dependency, declaredIn: readonly string[]): Property[] {
  const out: Property[] = []
  if (dep.specifier && !dep.version) out.push([`${NS}:specifier`, dep.specifier])
  out.push([`${NS}:pinned`, String(dep.pinned)])
  if (dep.ml) out.push([`${NS}:ml`, 'true'])
  for (const p of [...declaredIn].sort(byCodePoint)) out.push([`${NS}:declared-in`, p])
  if (dep.resolved?.gated) out.push([`${NS}:hub:gated`, 'true'])
  return out
}

export { NS }
