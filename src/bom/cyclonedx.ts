import { createHash } from 'node:crypto'
import path from 'node:path'
// Sub-path imports keep the library's schema validators (which read files at run time) out of the bundle.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import { huggingfacePurl } from '../inventory/purl.js'
import { normalizePypiName } from '../inventory/ml-packages.js'
import type { Artifact, Dependency, Finding, HubResolution, Report } from '../types.js'
import { TOOL } from '../version.js'
import { SHAPE_FACTS } from './data.js'
import { applyJson, enrichmentFor, type BomIndex, type Enrichment, type ModelEntry } from './enrich.js'
import { datasetCardFinder, groupModels, type ModelGroup } from './groups.js'
import { toCdxLicense } from './license.js'
import { baseModelsOf, configFacts, loaderPackages, vocabularyOnly } from './model-card.js'
import { applyXml } from './xml.js'

export type BomFormat = 'json' | 'xml'

export interface BomOptions {
  /** Name of the scanned repository or folder, for `metadata.component`. */
  subject: string
  format: BomFormat
  /** CycloneDX version: 1.6 (default) or 1.7. */
  specVersion?: '1.6' | '1.7'
  /** Fixed clock for reproducible output (tests); the serial number is derived from content unless given. */
  now?: Date
  serialNumber?: string
}

/** Our own property namespace, for facts the CycloneDX taxonomy has no name for. */
export const NS = 'modelgate'
const HUB = 'https://huggingface.co'

/**
 * The ML-BOM of the scanned state (removed artifacts are not part of it): models
 * (grouped by model folder, each file nested with its SHA-256), datasets, ML
 * libraries and hub references, linked from the repository; plus what the
 * library's object model lacks (modelCard, pedigree, data, formulation,
 * compositions, annotations) as an {@link Enrichment} both serialisers apply.
 */
export function buildBom(report: Report, opts: Pick<BomOptions, 'subject' | 'now'>): { bom: Models.Bom; groups: ModelGroup[]; enrichment: Enrichment } {
  const now = opts.now ?? new Date()
  const bom = new Models.Bom()
  bom.metadata.timestamp = now
  bom.metadata.lifecycles.add(Enums.LifecyclePhase.Build)
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, TOOL.name.toLowerCase(), { version: TOOL.version, group: 'modelgate', bomRef: 'tool:modelgate' }))
  const subject = new Models.Component(Enums.ComponentType.Application, opts.subject, { bomRef: 'subject' })
  const github = /^([\w.-]+)\/[\w.-]+$/.exec(opts.subject)
  if (github) subject.purl = report.head ? `pkg:github/${opts.subject}@${report.head}` : `pkg:github/${opts.subject}`
  bom.metadata.component = subject
  bom.metadata.properties.add(new Models.Property(`${NS}:scan:mode`, report.mode))
  bom.metadata.properties.add(new Models.Property(`${NS}:scan:verdict`, report.verdict))
  if (report.base) bom.metadata.properties.add(new Models.Property(`${NS}:scan:base`, report.base))
  if (report.head) bom.metadata.properties.add(new Models.Property(`${NS}:scan:head`, report.head))

  const ctx: Ctx = {
    owner: github ? { name: github[1]!, url: `https://github.com/${github[1]}` } : null,
    // Links into the repository at the scanned commit, when both are known.
    repoUrl: github && report.head ? `https://github.com/${opts.subject}` : null,
    head: report.head ?? null,
    findings: findingsByPath(report.findings)
  }
  const index: BomIndex = { groups: [], models: new Map(), datasets: [], hubData: [], external: [], libraries: [], owner: ctx.owner }

  // Libraries and hub references first: models link to them.
  const libraries = new Map<string, string>()
  const hub = new Map<string, { ref: string; dep: Dependency }>()
  // The library links dependencies by BomRef object, not by value: keep each component's own.
  const bomRefs = new Map<string, Models.BomRef>()
  for (const c of dependencyComponents(report.dependencies)) {
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
    bomRefs.set(c.bomRef.value!, c.bomRef)
  }
  for (const d of report.dependencies.filter((x) => x.change !== 'removed')) {
    const ref = dependencyRef(d)
    if (isHub(d)) {
      hub.set(hubKey(d.hubKind === 'dataset' ? 'dataset' : 'model', d.name), { ref, dep: d })
      index.external.push(ref)
      if (d.hubKind === 'dataset') index.hubData.push({ ref, name: d.name, hub: d.ecosystem === 'huggingface' })
    } else {
      libraries.set(d.ecosystem === 'npm' ? d.name.toLowerCase() : normalizePypiName(d.name), ref)
      index.libraries.push(ref)
    }
  }

  const groups = groupModels(report.artifacts, opts.subject)
  const cardDatasets = new Map<string, Models.Component>()
  for (const g of groups) {
    const c = modelComponent(g, ctx)
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
    const config = configFacts(g)
    const entry: ModelEntry = { group: g, config, datasets: [], bases: [] }
    for (const name of g.card?.card?.datasets ?? []) {
      const known = hub.get(hubKey('dataset', name))
      const ref = known ? bomRefs.get(known.ref)! : cardDataset(name, cardDatasets, bom, index).bomRef
      entry.datasets.push(ref.value!)
      c.dependencies.add(ref)
    }
    for (const base of baseModelsOf(g, config)) {
      const pinned = hub.get(hubKey('model', base))
      // Pinned when the code that pulls the base names a commit, or hub lookups resolved its revision to one.
      const ancestor = ancestorComponent(base, `${g.ref}#base:${base}`, pinned?.dep.version ?? pinned?.dep.resolved?.commit ?? null)
      entry.bases.push({ name: base, ancestor, hubRef: pinned?.ref ?? null })
      index.external.push(ancestor.bomRef.value!)
    }
    for (const p of loaderPackages(g, config)) {
      const ref = libraries.get(p) ?? libraries.get(normalizePypiName(p))
      if (ref) c.dependencies.add(bomRefs.get(ref)!)
    }
    // An adapter cannot run without its base; a full fine-tune can (its base is only pedigree).
    if (config.peftType) for (const b of entry.bases) if (b.hubRef) c.dependencies.add(bomRefs.get(b.hubRef)!)
    index.models.set(g.ref, entry)
  }
  index.groups = groups

  const cardOf = datasetCardFinder(report.artifacts)
  for (const a of report.artifacts.filter((x) => x.kind === 'dataset' && x.change !== 'removed')) {
    const card = cardOf(a.path)
    const c = fileComponent(a, Enums.ComponentType.Data, `dataset:${a.path}`, ctx, SHAPE_FACTS)
    if (card) {
      c.properties.add(new Models.Property(`${NS}:card`, card.path))
      if (!a.license && card.card?.license) c.licenses.add(toCdxLicense(card.card.license, card.card.licenseLink))
    }
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
    const sources = (card?.card?.sourceDatasets ?? []).map(sourceDataset).filter((s): s is string => s !== null)
    const ancestors = sources.map((s) => ancestorComponent(s, `dataset:${a.path}#source:${s}`, null, 'dataset'))
    for (const anc of ancestors) index.external.push(anc.bomRef.value!)
    index.datasets.push({ artifact: a, ref: c.bomRef.value!, card, url: repoLink(ctx, a.path, 'blob'), ancestors })
  }
  return { bom, groups, enrichment: enrichmentFor(report, index, now) }
}

interface Ctx {
  owner: { name: string; url: string } | null
  repoUrl: string | null
  head: string | null
  findings: Map<string, Finding[]>
}

function modelComponent(g: ModelGroup, ctx: Ctx): Models.Component {
  const c = g.single ? fileComponent(g.weights[0]!, Enums.ComponentType.MachineLearningModel, g.ref, ctx) : new Models.Component(Enums.ComponentType.MachineLearningModel, g.name, { bomRef: g.ref })
  if (!g.single) {
    c.properties.add(new Models.Property(`${NS}:path`, g.path))
    // A folder is signed as a whole: its weights share one verdict.
    for (const p of signatureProperties(g.weights[0]!.signature)) c.properties.add(p)
    const files = [...g.weights, ...g.configs, ...(g.card ? [g.card] : [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    for (const f of files) c.components.add(fileComponent(f, Enums.ComponentType.File, `file:${f.path}`, ctx))
    c.properties.add(new Models.Property(`${NS}:scan:result`, scanResult(files, ctx.findings)))
    // The folder's change: new when all its files are, changed when any is.
    const changes = new Set(files.map((f) => f.change))
    if (changes.size === 1 && changes.has('added')) c.properties.add(new Models.Property(`${NS}:change`, 'added'))
    else if ([...changes].some((x) => x !== 'unchanged')) c.properties.add(new Models.Property(`${NS}:change`, 'modified'))
    const licenses = new Set(g.weights.map((w) => w.license))
    const card = g.card?.card
    if (card?.license) c.licenses.add(toCdxLicense(card.license, card.licenseLink))
    else if (licenses.size === 1 && g.weights[0]!.license) c.licenses.add(toCdxLicense(g.weights[0]!.license))
    const link = repoLink(ctx, g.path, 'tree')
    if (link) c.externalReferences.add(new Models.ExternalReference(link, Enums.ExternalReferenceType.VCS))
  }
  // The taxonomy's name for a component that is a tokenizer.
  if (g.weights.every(vocabularyOnly)) c.properties.add(new Models.Property('cdx:ai-ml:model:tokenizer', 'true'))
  if (g.card?.card?.modelName) c.properties.add(new Models.Property(`${NS}:card:model-name`, g.card.card.modelName))
  if (g.card) c.properties.add(new Models.Property(`${NS}:card`, g.card.path))
  if (ctx.owner) c.supplier = organization(ctx.owner)
  return c
}

function fileComponent(a: Artifact, type: Enums.ComponentType, bomRef: string, ctx: Ctx, skipFacts: readonly string[] = []): Models.Component {
  const c = new Models.Component(type, type === Enums.ComponentType.File ? a.path : path.posix.basename(a.path), { bomRef })
  if (/^[0-9a-f]{64}$/.test(a.sha256)) c.hashes.set(Enums.HashAlgorithm['SHA-256'], a.sha256)
  c.properties.add(new Models.Property(`${NS}:path`, a.path))
  c.properties.add(new Models.Property(`${NS}:format`, a.format))
  c.properties.add(new Models.Property(`${NS}:size`, String(a.size)))
  if (a.lfs) c.properties.add(new Models.Property(`${NS}:git-lfs-pointer`, 'true'))
  if (a.change !== 'unchanged') c.properties.add(new Models.Property(`${NS}:change`, a.change))
  for (const [key, value] of Object.entries(a.facts)) if (!skipFacts.includes(key)) c.properties.add(new Models.Property(`${NS}:fact:${key}`, String(value)))
  if (a.license) c.licenses.add(toCdxLicense(a.license))
  for (const p of signatureProperties(a.signature)) c.properties.add(p)
  if (a.previous && a.previous.sha256 !== a.sha256) c.properties.add(new Models.Property(`${NS}:previous-sha256`, a.previous.sha256))
  c.properties.add(new Models.Property(`${NS}:scan:result`, scanResult([a], ctx.findings)))
  if (type !== Enums.ComponentType.File) {
    if (ctx.owner) c.supplier = organization(ctx.owner)
    const link = repoLink(ctx, a.path, 'blob')
    if (link) c.externalReferences.add(new Models.ExternalReference(link, Enums.ExternalReferenceType.VCS))
  }
  return c
}

/**
 * What the scan found in these files: the worst finding's severity; `not-scanned`
 * when one is a Git LFS pointer (its content was not in the checkout) and nothing
 * was found; else `no-findings`. Never a pass for content that was not read.
 */
function scanResult(files: readonly Artifact[], findings: Map<string, Finding[]>): string {
  const severities = new Set(files.flatMap((f) => (findings.get(f.path) ?? []).map((x) => x.severity)))
  for (const s of ['error', 'warning', 'note'] as const) if (severities.has(s)) return s
  return files.some((f) => f.lfs) ? 'not-scanned' : 'no-findings'
}

function findingsByPath(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>()
  for (const f of findings) out.set(f.path, [...(out.get(f.path) ?? []), f])
  return out
}

function repoLink(ctx: Ctx, p: string, kind: 'tree' | 'blob'): string | null {
  return ctx.repoUrl && ctx.head ? `${ctx.repoUrl}/${kind}/${ctx.head}${p === '.' ? '' : `/${p.split('/').map(encodeURIComponent).join('/')}`}` : null
}

function organization(o: { name: string; url: string }): Models.OrganizationalEntity {
  return new Models.OrganizationalEntity({ name: o.name, url: new Set([o.url]) })
}

/** Signature verification as properties: what a reviewer and `bom diff` need (state, method, signer, log index, root digest). */
function signatureProperties(s: Artifact['signature']): Models.Property[] {
  if (!s) return []
  const out = [new Models.Property(`${NS}:signature`, s.state)]
  if (s.state === 'unsigned') return out
  const add = (name: string, value: string | null) => {
    if (value) out.push(new Models.Property(`${NS}:signature:${name}`, value))
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

const isHub = (d: Dependency) => d.ecosystem === 'huggingface' || d.ecosystem === 'torch-hub'
const hubKey = (kind: 'model' | 'dataset', name: string) => `${kind}:${name.toLowerCase()}`
export const dependencyRef = (d: Dependency) => `${isHub(d) ? 'hub' : 'lib'}:${d.purl}`

/** Libraries from manifests and models/datasets from hub references, one component per purl. */
function dependencyComponents(deps: readonly Dependency[]): Models.Component[] {
  const byPurl = new Map<string, { dep: Dependency; paths: Set<string> }>()
  for (const d of deps) {
    if (d.change === 'removed') continue
    const seen = byPurl.get(d.purl)
    if (seen) seen.paths.add(d.path)
    else byPurl.set(d.purl, { dep: d, paths: new Set([d.path]) })
  }
  return [...byPurl.values()].map(({ dep, paths }) => {
    const hub = isHub(dep)
    const type = !hub ? Enums.ComponentType.Library : dep.hubKind === 'dataset' ? Enums.ComponentType.Data : Enums.ComponentType.MachineLearningModel
    const c = new Models.Component(type, dep.name, { bomRef: dependencyRef(dep), purl: dep.purl, ...(dep.version ? { version: dep.version } : {}) })
    if (dep.specifier && !dep.version) c.properties.add(new Models.Property(`${NS}:specifier`, dep.specifier))
    c.properties.add(new Models.Property(`${NS}:pinned`, String(dep.pinned)))
    if (dep.ml) c.properties.add(new Models.Property(`${NS}:ml`, 'true'))
    for (const p of [...paths].sort()) c.properties.add(new Models.Property(`${NS}:declared-in`, p))
    if (dep.license) c.licenses.add(toCdxLicense(dep.license))
    if (dep.ecosystem === 'huggingface') hubDetails(c, dep.name, dep.hubKind === 'dataset' ? 'dataset' : dep.hubKind === 'space' ? 'space' : 'model')
    if (dep.resolved) resolvedOnHub(c, dep.resolved)
    return c
  })
}

/** A reference resolved on the Hub (`hub.lookups`, src/hub/): its commit, the card's license, and each file the call loads with its LFS SHA-256. */
function resolvedOnHub(c: Models.Component, r: HubResolution): void {
  c.version = r.commit
  c.purl = r.purl
  if (r.license) c.licenses.add(toCdxLicense(r.license))
  if (r.gated) c.properties.add(new Models.Property(`${NS}:hub:gated`, 'true'))
  for (const f of r.files) {
    const file = new Models.Component(Enums.ComponentType.File, f.path, { bomRef: `${c.bomRef.value}#${f.path}` })
    if (f.sha256) file.hashes.set(Enums.HashAlgorithm['SHA-256'], f.sha256)
    if (f.size !== null) file.properties.add(new Models.Property(`${NS}:size`, String(f.size)))
    if (f.format) file.properties.add(new Models.Property(`${NS}:format`, f.format))
    c.components.add(file)
  }
}

/**
 * A Hub repository `namespace/name` as CycloneDX's ML example writes one (group
 * `CompVis`, name `stable-diffusion`); the account that publishes it is its
 * supplier, and its page is where it is distributed.
 */
function hubDetails(c: Models.Component, id: string, kind: 'model' | 'dataset' | 'space'): void {
  const slash = id.indexOf('/')
  if (slash > 0) {
    c.group = id.slice(0, slash)
    c.name = id.slice(slash + 1)
    c.supplier = organization({ name: id.slice(0, slash), url: `${HUB}/${id.slice(0, slash)}` })
  }
  c.externalReferences.add(new Models.ExternalReference(`${HUB}/${kind === 'model' ? '' : `${kind}s/`}${id.split('/').map(encodeURIComponent).join('/')}`, Enums.ExternalReferenceType.Distribution))
}

/** A base model or source dataset as a pedigree ancestor: a Hub repository, pinned to a commit when the repository pins it somewhere. */
function ancestorComponent(id: string, bomRef: string, commit: string | null, kind: 'model' | 'dataset' = 'model'): Models.Component {
  const type = kind === 'model' ? Enums.ComponentType.MachineLearningModel : Enums.ComponentType.Data
  // A card may name its base in any words; only a Hub id becomes a purl and a link.
  if (!isHubId(id)) return new Models.Component(type, id, { bomRef })
  const c = new Models.Component(type, id, { bomRef, purl: huggingfacePurl(id, commit, kind), ...(commit ? { version: commit } : {}) })
  hubDetails(c, id, kind)
  return c
}

/** `name` or `namespace/name` as the Hub spells repository ids. */
const isHubId = (id: string) => /^[\w.-]+(\/[\w.-]+)?$/.test(id) && !/^\.+$|\/\.+$|^\.+\//.test(id)

/** A dataset a model card names (`datasets:`), as a Hub dataset component shared by every model that names it. */
function cardDataset(name: string, seen: Map<string, Models.Component>, bom: Models.Bom, index: BomIndex): Models.Component {
  const known = seen.get(name.toLowerCase())
  if (known) return known
  const hub = isHubId(name)
  const c = new Models.Component(Enums.ComponentType.Data, name, { bomRef: `dataset:${hub ? 'huggingface' : 'card'}:${name}`, ...(hub ? { purl: huggingfacePurl(name, null, 'dataset') } : {}) })
  if (hub) hubDetails(c, name, 'dataset')
  bom.components.add(c)
  seen.set(name.toLowerCase(), c)
  index.external.push(c.bomRef.value!)
  index.hubData.push({ ref: c.bomRef.value!, name, hub })
  return c
}

/** `source_datasets` entries: `original` is no dataset; `extended|squad` names one. */
function sourceDataset(s: string): string | null {
  const id = s.replace(/^extended\|/, '')
  return id !== 'original' && /^[\w.-]+(\/[\w.-]+)?$/.test(id) ? id : null
}

/** Serialises with the library, adds the {@link Enrichment} in each format, and fixes the serial number (one per content, shared by JSON and XML). */
export function serializeBom(report: Report, opts: BomOptions): string {
  const { bom, enrichment } = buildBom(report, opts)
  const spec = opts.specVersion === '1.7' ? Spec.Spec1dot7 : Spec.Spec1dot6
  const json = new EnrichedJson(new Serialize.JSON.Normalize.Factory(spec), enrichment)
  bom.serialNumber = opts.serialNumber ?? serialFor(json.serialize(bom, { sortLists: true }))
  if (opts.format === 'xml') return new EnrichedXml(new Serialize.XML.Normalize.Factory(spec), enrichment).serialize(bom, { sortLists: true, space: 2 }) + '\n'
  return json.serialize(bom, { sortLists: true, space: 2 }) + '\n'
}

class EnrichedJson extends Serialize.JsonSerializer {
  constructor(factory: Serialize.JSON.Normalize.Factory, private readonly enrichment: Enrichment) {
    super(factory)
  }
  protected override _normalize(bom: Models.Bom, options?: Serialize.Types.NormalizerOptions): Serialize.JSON.Types.Normalized.Bom {
    const json = super._normalize(bom, options)
    return applyJson(json as unknown as Record<string, unknown>, this.enrichment, this.normalizerFactory) as unknown as Serialize.JSON.Types.Normalized.Bom
  }
}

class EnrichedXml extends Serialize.XmlSerializer {
  constructor(factory: Serialize.XML.Normalize.Factory, private readonly enrichment: Enrichment) {
    super(factory)
  }
  protected override _normalize(bom: Models.Bom, options?: Serialize.Types.NormalizerOptions): Serialize.XML.Types.SimpleXml.Element {
    return applyXml(super._normalize(bom, options), this.enrichment, this.normalizerFactory)
  }
}

/**
 * A UUID derived from the content (RFC 4122 layout, version 5 style), so equal
 * scans get equal serials: timestamps are left out of what is hashed.
 */
export function serialFor(content: string): string {
  const stable = JSON.stringify(JSON.parse(content), (key, value: unknown) => (key === 'timestamp' || key === 'serialNumber' ? undefined : value))
  const h = createHash('sha256').update(stable).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}
