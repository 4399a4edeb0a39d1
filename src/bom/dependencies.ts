import { normalizePypiName } from '../inventory/ml-packages.js'
import type { Dependency } from '../types.js'

/** What code pulls from a model hub (Hugging Face, PyTorch Hub), as opposed to a library from a package manifest. */
export const isHub = (d: Dependency): boolean => d.ecosystem === 'huggingface' || d.ecosystem === 'torch-hub'

/** The bom-ref (SPDX 3: the element key) of a dependency: `hub:<purl>` for what code pulls from a hub, `lib:<purl>` for a library. */
export const dependencyRef = (d: Dependency): string => `${isHub(d) ? 'hub' : 'lib'}:${d.purl}`

/** `model:<id>` / `dataset:<id>` (lower case): how cards and configs that name a Hub repository find the reference that pulls it. */
export const hubKey = (kind: 'model' | 'dataset', name: string): string => `${kind}:${name.toLowerCase()}`

/** The dependencies the scanned state declares (removed ones are not part of the BOM), one per purl with every file that declares it; the first declaration describes it. */
export function dependenciesByPurl(deps: readonly Dependency[]): { dep: Dependency; paths: Set<string> }[] {
  const byPurl = new Map<string, { dep: Dependency; paths: Set<string> }>()
  for (const d of deps) {
    if (d.change === 'removed') continue
    const seen = byPurl.get(d.purl)
    if (seen) seen.paths.add(d.path)
    else byPurl.set(d.purl, { dep: d, paths: new Set([d.path]) })
  }
  return [...byPurl.values()]
}

/** How models link to what the repository declares: libraries by normalised name, hub references by {@link hubKey}. */
export interface DependencyLinks {
  /** Libraries by normalised name (PyPI rules; npm lower case), to link the packages a model needs to load. */
  libraries: Map<string, string>
  /** Hub references, to link the datasets and base models cards and configs name. */
  hub: Map<string, { ref: string; dep: Dependency }>
}

/** One entry per name; a later declaration replaces an earlier one. */
export function dependencyLinks(deps: readonly Dependency[]): DependencyLinks {
  const links: DependencyLinks = { libraries: new Map(), hub: new Map() }
  for (const d of deps) {
    if (d.change === 'removed') continue
    if (isHub(d)) links.hub.set(hubKey(d.hubKind === 'dataset' ? 'dataset' : 'model', d.name), { ref: dependencyRef(d), dep: d })
    else links.libraries.set(d.ecosystem === 'npm' ? d.name.toLowerCase() : normalizePypiName(d.name), dependencyRef(d))
  }
  return links
}

/** The library a package name (as `loaderPackages` gives it) links to, if the repository declares it. */
export function libraryRef(links: DependencyLinks, pkg: string): string | undefined {
  return links.libraries.get(pkg) ?? links.libraries.get(normalizePypiName(pkg))
}

/** The commit a base model is pinned to: named by the code that pulls it, or resolved by hub lookups. */
export function pinnedCommit(pulled: Dependency | undefined): string | null {
  return pulled?.version ?? pulled?.resolved?.commit ?? null
}
