import path from 'node:path'
// Sub-path imports keep the library's schema validators (which read files at run time) out of the bundle.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import { hubPage } from '../inventory/code/hub-ids.js'
import { huggingfacePurl } from '../inventory/purl.js'
import type { Artifact, Dependency, Finding, HubKind, HubResolution, Report } from '../types.js'
import { TOOL } from '../version.js'
import { contentUuid } from './content-uuid.js'
import { SHAPE_FACTS, sourceDatasets } from './data.js'
import { dependenciesByPurl, dependencyLinks, dependencyRef, hubKey, isHub, libraryRef, pinnedCommit } from './dependencies.js'
import { applyJson, enrichmentFor, type BomIndex, type Enrichment, type ModelEntry } from './enrich.js'
import { findingsByPath, scanResult } from './findings.js'
import { datasetCardFinder, groupModels, modelFiles, modelLicense, type ModelGroup } from './groups.js'
import { hubAccount, isHubId } from './hub-repository.js'
import { cardsByLicense, hubCdxLicense, toCdxLicense } from './license.js'
import { baseModelsOf, configFacts, loaderPackages, modelProperties } from './model-card.js'
import { dependencyProperties, fileProperties, folderProperties, loadedFileProperties, NS, scanProperties, type Property } from './properties.js'
import { baseRef, cardDatasetRef, datasetRef, fileRef, loadedFileRef, sourceRef } from './refs.js'
import { fileLocation, repoLink, repositoryOf, type Account, type Repository } from './repository.js'
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
  const repo = repositoryOf(opts.subject, report.head)
  if (repo.purl) subject.purl = repo.purl
  bom.metadata.component = subject
  for (const [name, value] of scanProperties(report)) bom.metadata.properties.add(new Models.Property(name, value))

  const ctx: Ctx = { repo, findings: findingsByPath(report.findings), licenseCards: cardsByLicense(report.artifacts) }
  const index: BomIndex = { groups: [], models: new Map(), datasets: [], hubData: [], external: [], libraries: [], owner: repo.owner }

  // Libraries and hub references first: models link to them.
  const links = dependencyLinks(report.dependencies)
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
      index.external.push(ref)
      if (d.hubKind === 'dataset') index.hubData.push({ ref, name: d.name, hub: d.ecosystem === 'huggingface' })
    } else index.libraries.push(ref)
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
      const known = links.hub.get(hubKey('dataset', name))
      const ref = known ? bomRefs.get(known.ref)! : cardDataset(name, cardDatasets, bom, index).bomRef
      entry.datasets.push(ref.value!)
      c.dependencies.add(ref)
    }
    for (const base of baseModelsOf(g, config)) {
      const pinned = links.hub.get(hubKey('model', base))
      const ancestor = ancestorComponent(base, baseRef(g.ref, base), pinnedCommit(pinned?.dep))
      entry.bases.push({ name: base, ancestor, hubRef: pinned?.ref ?? null })
      index.external.push(ancestor.bomRef.value!)
    }
    for (const p of loaderPackages(g, config)) {
      const ref = libraryRef(links, p)
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
    const ref = datasetRef(a.path)
    const c = fileComponent(a, Enums.ComponentType.Data, ref, ctx, SHAPE_FACTS)
    if (card) {
      c.properties.add(new Models.Property(`${NS}:card`, card.path))
      // The dataset's license with the card's link (and name, for `license: other`) when the card declares it.
      const license = toCdxLicense(a.license ?? card.license ?? card.card?.license, card)
      c.licenses.clear()
      if (license) c.licenses.add(license)
    }
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
    const ancestors = sourceDatasets(card?.card).map((s) => ancestorComponent(s, sourceRef(ref, s), null, 'dataset'))
    for (const anc of ancestors) index.external.push(anc.bomRef.value!)
    index.datasets.push({ artifact: a, ref, card, url: fileLocation(repo, a.path), ancestors })
  }
  return { bom, groups, enrichment: enrichmentFor(report, index, now) }
}

interface Ctx {
  repo: Repository
  findings: Map<string, Finding[]>
  /** The card that names each custom license (`LicenseRef-*`), so a file under it shows the name and link too. */
  licenseCards: Map<string, Artifact>
}

function modelComponent(g: ModelGroup, ctx: Ctx): Models.Component {
  const c = g.single ? fileComponent(g.weights[0]!, Enums.ComponentType.MachineLearningModel, g.ref, ctx) : new Models.Component(Enums.ComponentType.MachineLearningModel, g.name, { bomRef: g.ref })
  if (!g.single) {
    const files = modelFiles(g)
    for (const f of files) c.components.add(fileComponent(f, Enums.ComponentType.File, fileRef(f.path), ctx))
    addProperties(c, folderProperties(g, files, scanResult(files, ctx.findings)))
    const license = toCdxLicense(modelLicense(g)?.license, g.card)
    if (license) c.licenses.add(license)
    const link = repoLink(ctx.repo, g.path, 'tree')
    if (link) c.externalReferences.add(new Models.ExternalReference(link, Enums.ExternalReferenceType.VCS))
  }
  addProperties(c, modelProperties(g))
  if (ctx.repo.owner) c.supplier = organization(ctx.repo.owner)
  return c
}

function fileComponent(a: Artifact, type: Enums.ComponentType, bomRef: string, ctx: Ctx, skipFacts: readonly string[] = []): Models.Component {
  const c = new Models.Component(type, type === Enums.ComponentType.File ? a.path : path.posix.basename(a.path), { bomRef })
  if (/^[0-9a-f]{64}$/.test(a.sha256)) c.hashes.set(Enums.HashAlgorithm['SHA-256'], a.sha256)
  addProperties(c, fileProperties(a, scanResult([a], ctx.findings), skipFacts))
  const license = toCdxLicense(a.license, a.license ? ctx.licenseCards.get(a.license) : null)
  if (license) c.licenses.add(license)
  if (type !== Enums.ComponentType.File) {
    if (ctx.repo.owner) c.supplier = organization(ctx.repo.owner)
    const link = repoLink(ctx.repo, a.path, 'blob')
    if (link) c.externalReferences.add(new Models.ExternalReference(link, Enums.ExternalReferenceType.VCS))
  }
  return c
}

function organization(o: Account): Models.OrganizationalEntity {
  return new Models.OrganizationalEntity({ name: o.name, url: new Set([o.url]) })
}

function addProperties(c: Models.Component, props: readonly Property[]): void {
  for (const [name, value] of props) c.properties.add(new Models.Property(name, value))
}

/** Libraries from manifests and models/datasets from hub references, one component per purl. */
function dependencyComponents(deps: readonly Dependency[]): Models.Component[] {
  return dependenciesByPurl(deps).map(({ dep, paths }) => {
    const hub = isHub(dep)
    const type = !hub ? Enums.ComponentType.Library : dep.hubKind === 'dataset' ? Enums.ComponentType.Data : Enums.ComponentType.MachineLearningModel
    const c = new Models.Component(type, dep.name, { bomRef: dependencyRef(dep), purl: dep.purl, ...(dep.version ? { version: dep.version } : {}) })
    addProperties(c, dependencyProperties(dep, paths))
    // A reference resolved on the Hub takes the license the Hub reports (with a custom license's name and link).
    const license = dep.resolved ? null : toCdxLicense(dep.license)
    if (license) c.licenses.add(license)
    if (dep.ecosystem === 'huggingface') hubDetails(c, dep.name, dep.hubKind ?? 'model')
    if (dep.resolved) resolvedOnHub(c, dep.resolved)
    return c
  })
}

/** A reference resolved on the Hub (`hub.lookups`, src/hub/): its commit, the card's license, and each file the call loads with its LFS SHA-256. */
function resolvedOnHub(c: Models.Component, r: HubResolution): void {
  c.version = r.commit
  c.purl = r.purl
  const license = hubCdxLicense(r)
  if (license) c.licenses.add(license)
  for (const f of r.files) {
    const file = new Models.Component(Enums.ComponentType.File, f.path, { bomRef: loadedFileRef(c.bomRef.value!, f.path) })
    if (f.sha256) file.hashes.set(Enums.HashAlgorithm['SHA-256'], f.sha256)
    addProperties(file, loadedFileProperties(f))
    c.components.add(file)
  }
}

/**
 * A Hub repository `namespace/name` as CycloneDX's ML example writes one (group
 * `CompVis`, name `stable-diffusion`); the account that publishes it is its
 * supplier, and its page is where it is distributed.
 */
function hubDetails(c: Models.Component, id: string, kind: HubKind): void {
  const account = hubAccount(id)
  if (account) {
    c.group = account.name
    c.name = id.slice(account.name.length + 1)
    c.supplier = organization(account)
  }
  c.externalReferences.add(new Models.ExternalReference(hubPage(id, kind), Enums.ExternalReferenceType.Distribution))
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

/** A dataset a model card names (`datasets:`), as a Hub dataset component shared by every model that names it. */
function cardDataset(name: string, seen: Map<string, Models.Component>, bom: Models.Bom, index: BomIndex): Models.Component {
  const known = seen.get(name.toLowerCase())
  if (known) return known
  const hub = isHubId(name)
  const c = new Models.Component(Enums.ComponentType.Data, name, { bomRef: cardDatasetRef(name, hub), ...(hub ? { purl: huggingfacePurl(name, null, 'dataset') } : {}) })
  if (hub) hubDetails(c, name, 'dataset')
  bom.components.add(c)
  seen.set(name.toLowerCase(), c)
  index.external.push(c.bomRef.value!)
  index.hubData.push({ ref: c.bomRef.value!, name, hub })
  return c
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

/** A UUID derived from the content, so equal scans get equal serials: timestamps are left out of what is hashed. */
export function serialFor(content: string): string {
  const stable = JSON.stringify(JSON.parse(content), (key, value: unknown) => (key === 'timestamp' || key === 'serialNumber' ? undefined : value))
  return `urn:uuid:${contentUuid(stable)}`
}
