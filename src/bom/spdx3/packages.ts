import { normalizePypiName } from '../../inventory/ml-packages.js'
import type { Dependency } from '../../types.js'
import { purlId, type Ctx } from './context.js'
import type { Json } from './graph.js'
import { addResolution, hubFields, type HubKind } from './hub.js'
import { linkLicense } from './licenses.js'
import { cdxExtension, dependencyProperties } from './properties.js'

const isHub = (d: Dependency): boolean => d.ecosystem === 'huggingface' || d.ecosystem === 'torch-hub'

/** The CycloneDX bom-ref of a dependency's component: `hub:<purl>` for what code pulls from a hub, `lib:<purl>` for a library. */
export const dependencyKey = (d: Dependency): string => `${isHub(d) ? 'hub' : 'lib'}:${d.purl}`

/** `model:<id>` / `dataset:<id>` (lower case), as the CycloneDX builder matches cards and configs to hub references. */
export const hubKey = (kind: 'model' | 'dataset', name: string): string => `${kind}:${name.toLowerCase()}`

export interface DependencyIndex {
  /** Every dependency element, for the repository's `dependsOn`. */
  all: string[]
  /** Libraries by normalised name (PyPI rules; npm lower case), to link the packages a model needs to load. */
  libraries: Map<string, string>
  /** Hub references by {@link hubKey}, to link the datasets and base models cards and configs name. */
  hub: Map<string, { key: string; dep: Dependency }>
}

/**
 * One package per purl, as the CycloneDX BOM: libraries as `software_Package`s;
 * Hub references as what they pull, an `ai_AIPackage` (model) or a
 * `dataset_DatasetPackage`, a Space (an application) as a `software_Package`;
 * with the Hub account as supplier, the Hub page as download location, and what
 * hub lookups resolved (commit, license, loaded files with their SHA-256).
 */
export function addDependencies(ctx: Ctx, deps: readonly Dependency[]): DependencyIndex {
  const byPurl = new Map<string, { dep: Dependency; paths: Set<string> }>()
  for (const d of deps) {
    if (d.change === 'removed') continue
    const seen = byPurl.get(d.purl)
    if (seen) seen.paths.add(d.path)
    else byPurl.set(d.purl, { dep: d, paths: new Set([d.path]) })
  }
  const index: DependencyIndex = { all: [], libraries: new Map(), hub: new Map() }
  for (const { dep, paths } of byPurl.values()) {
    const key = dependencyKey(dep)
    const kind: HubKind = dep.hubKind ?? 'model'
    const purl = dep.resolved?.purl ?? dep.purl
    const version = dep.resolved?.commit ?? dep.version
    const hub = dep.ecosystem === 'huggingface' ? hubFields(ctx, dep.name, kind) : {}
    const fields = (purpose: string): Json => ({
      externalIdentifier: [purlId(purl)],
      ...cdxExtension(dependencyProperties(dep, [...paths])),
      ...(hub.suppliedBy ? { suppliedBy: hub.suppliedBy } : {}),
      ...(hub.software_downloadLocation ? { software_downloadLocation: hub.software_downloadLocation } : {}),
      software_primaryPurpose: purpose,
      ...(version ? { software_packageVersion: version } : {}),
      software_packageUrl: purl
    })
    if (!isHub(dep)) ctx.graph.add(key, 'software_Package', dep.name, fields('library'))
    // What a dataset holds is not something a reference in code says.
    else if (kind === 'dataset') ctx.graph.add(key, 'dataset_DatasetPackage', dep.name, { ...fields('data'), dataset_datasetType: ['noAssertion'] })
    else if (kind === 'space') ctx.graph.add(key, 'software_Package', dep.name, fields('application'))
    else ctx.graph.add(key, 'ai_AIPackage', dep.name, fields('model'))
    // The license the package index states (the license check's resolution).
    if (dep.license) linkLicense(ctx.graph, key, 'hasConcludedLicense', dep.license)
    if (dep.resolved) addResolution(ctx, key, dep.resolved, kind)
    index.all.push(key)
  }
  // One entry per name; a later declaration replaces an earlier one, as in the CycloneDX builder.
  for (const d of deps) {
    if (d.change === 'removed') continue
    if (isHub(d)) index.hub.set(hubKey(d.hubKind === 'dataset' ? 'dataset' : 'model', d.name), { key: dependencyKey(d), dep: d })
    else index.libraries.set(d.ecosystem === 'npm' ? d.name.toLowerCase() : normalizePypiName(d.name), dependencyKey(d))
  }
  return index
}
