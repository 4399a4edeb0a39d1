import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import type * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import { hubPage } from '../inventory/code/hub-ids.js'
import type { Artifact, Report } from '../types.js'
import { byCodeUnit } from '../util/compare.js'
import { TOOL } from '../version.js'
import { hubDataEntry, localDataEntry } from './data.js'
import { findingSubjects, findingText } from './findings.js'
import { formulationOf, pathResolver, pipelinesOf, type Training } from './formulation.js'
import type { ModelGroup } from './groups.js'
import { hubAccount } from './hub-repository.js'
import { modelCardFor, type ConfigFacts } from './model-card.js'
import { findingRef } from './refs.js'
import type { Account } from './repository.js'

type Json = Record<string, unknown>

/** One model of the BOM with what its card and configs say, and the refs they resolve to. */
export interface ModelEntry {
  group: ModelGroup
  config: ConfigFacts
  /** Refs of the datasets its card names. */
  datasets: string[]
  /** Base models: the pedigree ancestor, and the hub reference component when the repository pulls the base too. */
  bases: { name: string; ancestor: Models.Component; hubRef: string | null }[]
}

/** What `buildBom` knows about the components it made, for the parts the library cannot express. */
export interface BomIndex {
  groups: ModelGroup[]
  models: Map<string, ModelEntry>
  /** `url`: on GitHub at the scanned commit when known, else the path in the repository. */
  datasets: { artifact: Artifact; ref: string; card: Artifact | null; url: string; ancestors: Models.Component[] }[]
  /** Hub datasets (named by cards or pulled by code); `hub` false when a card's name is no Hub id. */
  hubData: { ref: string; name: string; hub: boolean }[]
  /** Components described only by name: hub references, card datasets, pedigree ancestors. */
  external: string[]
  libraries: string[]
  owner: Account | null
}

export interface ComponentExtras {
  /** `pedigree.ancestors`, normalised by the library in each format. */
  ancestors?: Models.Component[]
  modelCard?: Json
  data?: Json[]
}

/**
 * What the library's object model lacks, in CycloneDX JSON shape (components as
 * library objects): JSON and XML output apply the same enrichment, so they carry
 * the same content.
 */
export interface Enrichment {
  /** By bom-ref. */
  components: Map<string, ComponentExtras>
  /** `dependsOn` the library cannot express: links to pedigree ancestors. */
  dependencies: Map<string, string[]>
  compositions: Json[]
  annotations: { 'bom-ref': string; subjects: string[]; timestamp: string; text: string }[]
  annotator: Models.Component
  formulation: Json[]
}

export function enrichmentFor(report: Report, index: BomIndex, now: Date): Enrichment {
  const components = new Map<string, ComponentExtras>()
  const dependencies = new Map<string, string[]>()
  const trainings: Training[] = []
  for (const m of index.models.values()) {
    const g = m.group
    const extras: ComponentExtras = {}
    const modelCard = modelCardFor(g, m.config, m.datasets)
    if (modelCard) extras.modelCard = modelCard
    if (m.bases.length > 0) extras.ancestors = m.bases.map((b) => b.ancestor)
    if (Object.keys(extras).length > 0) components.set(g.ref, extras)
    // An adapter needs its base to run; when the repository does not pull it as a hub reference, the pedigree entry is the base.
    const unpulled = m.bases.filter((b) => !b.hubRef).map((b) => b.ancestor.bomRef.value!)
    if (m.config.peftType && unpulled.length > 0) dependencies.set(g.ref, unpulled)
    const inputs = [...m.bases.map((b) => b.hubRef ?? b.ancestor.bomRef.value!), ...m.datasets]
    if (inputs.length > 0) trainings.push({ ref: g.ref, name: g.name, path: g.path, inputs, sources: trainingSources(m) })
  }
  for (const d of index.datasets) {
    const extras: ComponentExtras = { data: [localDataEntry(d.artifact, d.card?.card ?? null, d.url, index.owner)] }
    if (d.ancestors.length > 0) extras.ancestors = d.ancestors
    components.set(d.ref, extras)
  }
  for (const h of index.hubData) components.set(h.ref, { data: [hubDataEntry(h.name, h.hub ? hubPage(h.name, 'dataset') : null, h.hub ? hubAccount(h.name) : null)] })

  const compositions: Json[] = [
    // A change-mode BOM lists what the change touched, not the whole repository.
    { aggregate: report.mode === 'tree' ? 'complete' : 'incomplete', assemblies: ['subject'] }
  ]
  // Named, not scanned: what hub repositories and base models contain, and what libraries depend on, is not known here.
  const external = [...new Set(index.external)].sort(byCodeUnit)
  const libraries = [...new Set(index.libraries)].sort(byCodeUnit)
  if (external.length + libraries.length > 0) {
    compositions.push({ aggregate: 'unknown', ...(external.length > 0 ? { assemblies: external } : {}), ...(libraries.length > 0 ? { dependencies: libraries } : {}) })
  }

  const datasets = index.datasets.map((d) => ({ path: d.artifact.path, ref: d.ref }))
  const subjectOf = findingSubjects(report, index.groups, datasets)
  const timestamp = now.toISOString()
  const annotations = report.findings.map((f, i) => ({ 'bom-ref': findingRef(i), subjects: [subjectOf(f.path, f.line)], timestamp, text: findingText(f) }))
  const annotator = new Models.Component(Enums.ComponentType.Application, TOOL.name.toLowerCase(), { version: TOOL.version })

  const formulation = formulationOf(trainings, pipelinesOf(report.artifacts), pathResolver(index.groups, datasets))
  return { components, dependencies, compositions, annotations, annotator, formulation }
}

/** The files that name a model's training inputs. */
function trainingSources(m: ModelEntry): string[] {
  const card = m.group.card
  const fromCard = card && ((card.card?.datasets.length ?? 0) > 0 || (card.card?.baseModels.length ?? 0) > 0)
  const configs = m.config.bases.length > 0 ? m.group.configs.filter((c) => typeof c.facts.name_or_path === 'string' || typeof c.facts.base_model_name_or_path === 'string').map((c) => c.path) : []
  return [...(fromCard ? [card.path] : []), ...configs]
}

const byLocale = (a: string, b: string) => a.localeCompare(b)
const OPTIONS = { sortLists: true }

/** Adds the enrichment to the library's JSON: component fields by bom-ref, extra dependency links, then compositions, annotations and formulation. */
export function applyJson(json: Json, e: Enrichment, factory: Serialize.JSON.Normalize.Factory): Json {
  const normalize = (c: Models.Component) => factory.makeForComponent().normalize(c, OPTIONS) as unknown as Json
  const visit = (list: unknown): Json[] | undefined => {
    if (!Array.isArray(list)) return undefined
    return (list as Json[]).map((c) => {
      const out: Json = {}
      const extras = e.components.get(c['bom-ref'] as string)
      for (const [k, v] of Object.entries(c)) {
        // Schema order: pedigree comes before external references, properties and nested components.
        if (extras?.ancestors && !('pedigree' in out) && ['externalReferences', 'properties', 'components'].includes(k)) out.pedigree = { ancestors: extras.ancestors.map(normalize) }
        out[k] = k === 'components' ? visit(v) : v
      }
      if (extras?.ancestors && !('pedigree' in out)) out.pedigree = { ancestors: extras.ancestors.map(normalize) }
      if (extras?.modelCard) out.modelCard = extras.modelCard
      if (extras?.data) out.data = extras.data
      return out
    })
  }
  const components = visit(json.components)
  if (components) json.components = components
  const deps = (json.dependencies as { ref: string; dependsOn?: string[] }[] | undefined) ?? []
  for (const [ref, extra] of e.dependencies) {
    const entry = deps.find((d) => d.ref === ref)
    if (entry) entry.dependsOn = [...new Set([...(entry.dependsOn ?? []), ...extra])].sort(byLocale)
  }
  // CycloneDX's customary key order at the top level, for readable diffs.
  const out: Json = {}
  for (const k of ['$schema', 'bomFormat', 'specVersion', 'serialNumber', 'version']) if (k in json) out[k] = json[k]
  for (const [k, v] of Object.entries(json)) if (!(k in out)) out[k] = v
  out.compositions = e.compositions
  if (e.annotations.length > 0) out.annotations = e.annotations.map((a) => ({ 'bom-ref': a['bom-ref'], subjects: a.subjects, annotator: { component: normalize(e.annotator) }, timestamp: a.timestamp, text: a.text }))
  if (e.formulation.length > 0) out.formulation = e.formulation
  return out
}
