import type { Dependency, HubKind } from '../../types.js'
import { dependenciesByPurl, dependencyLinks, dependencyRef, isHub, type DependencyLinks } from '../dependencies.js'
import { dependencyProperties } from '../properties.js'
import { purlId, type Ctx } from './context.js'
import type { Json } from './graph.js'
import { addResolution, hubFields } from './hub.js'
import { linkLicense } from './licenses.js'
import { cdxExtension } from './properties.js'

export interface DependencyIndex extends DependencyLinks {
  /** Every dependency element, for the repository's `dependsOn`. */
  all: string[]
}

/**
 * One package per purl, as the CycloneDX BOM: libraries as `software_Package`s;
 * Hub references as what they pull, an `ai_AIPackage` (model) or a
 * `dataset_DatasetPackage`, a Space (an application) as a `software_Package`;
 * with the Hub account as supplier, the Hub page as download location, and what
 * hub lookups resolved (commit, license, loaded files with their SHA-256).
 */
export function addDependencies(ctx: Ctx, deps: readonly Dependency[]): DependencyIndex {
  const all: string[] = []
  for (const { dep, paths } of dependenciesByPurl(deps)) {
    const key = dependencyRef(dep)
    const kind: HubKind = dep.hubKind ?? 'model'
    const purl = dep.resolved?.purl ?? dep.purl
    const version = dep.resolved?.commit ?? dep.version
    const hub = dep.ecosystem === 'huggingface' ? hubFields(ctx, dep.name, kind) : {}
    const fields = (purpose: string): Json => ({
      externalIdentifier: [purlId(purl)],
      ...cdxExtension(dependencyProperties(dep, paths)),
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
    all.push(key)
  }
  return { all, ...dependencyLinks(deps) }
}
