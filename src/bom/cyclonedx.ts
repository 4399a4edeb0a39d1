import { createHash } from 'node:crypto'
import path from 'node:path'
// Sub-path imports keep the library's schema validators (which read files at run time) out of the bundle.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import type { Artifact, Dependency, Report } from '../types.js'
import { TOOL } from '../version.js'
import { groupModels, type ModelGroup } from './groups.js'
import { toCdxLicense } from './license.js'
import { enrichJson } from './enrich.js'

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

/**
 * The ML-BOM of the scanned state (removed artifacts are not part of it): models
 * (grouped by model folder, each weight file nested with its SHA-256), datasets,
 * ML libraries and hub references, linked from the repository.
 */
export function buildBom(report: Report, opts: Pick<BomOptions, 'subject' | 'now'>): { bom: Models.Bom; groups: ModelGroup[] } {
  const bom = new Models.Bom()
  bom.metadata.timestamp = opts.now ?? new Date()
  bom.metadata.lifecycles.add(Enums.LifecyclePhase.Build)
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, TOOL.name.toLowerCase(), { version: TOOL.version, group: 'modelgate', bomRef: 'tool:modelgate' }))
  const subject = new Models.Component(Enums.ComponentType.Application, opts.subject, { bomRef: 'subject' })
  if (/^[\w.-]+\/[\w.-]+$/.test(opts.subject)) subject.purl = report.head ? `pkg:github/${opts.subject}@${report.head}` : `pkg:github/${opts.subject}`
  bom.metadata.component = subject
  bom.metadata.properties.add(new Models.Property(`${NS}:scan:mode`, report.mode))
  if (report.base) bom.metadata.properties.add(new Models.Property(`${NS}:scan:base`, report.base))
  if (report.head) bom.metadata.properties.add(new Models.Property(`${NS}:scan:head`, report.head))

  const groups = groupModels(report.artifacts, opts.subject)
  for (const g of groups) {
    const c = modelComponent(g)
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
  }
  for (const a of report.artifacts.filter((x) => x.kind === 'dataset' && x.change !== 'removed')) {
    const c = fileComponent(a, Enums.ComponentType.Data, `dataset:${a.path}`)
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
  }
  for (const c of dependencyComponents(report.dependencies)) {
    bom.components.add(c)
    subject.dependencies.add(c.bomRef)
  }
  return { bom, groups }
}

function modelComponent(g: ModelGroup): Models.Component {
  const single = g.weights.length === 1 && g.path === g.weights[0]!.path
  const c = single ? fileComponent(g.weights[0]!, Enums.ComponentType.MachineLearningModel, g.ref) : new Models.Component(Enums.ComponentType.MachineLearningModel, g.name, { bomRef: g.ref })
  if (!single) {
    c.properties.add(new Models.Property(`${NS}:path`, g.path))
    // A folder is signed as a whole: its weights share one verdict.
    for (const p of signatureProperties(g.weights[0]!.signature)) c.properties.add(p)
    for (const w of g.weights) c.components.add(fileComponent(w, Enums.ComponentType.File, `file:${w.path}`))
  }
  const card = g.card?.card
  if (card?.license) c.licenses.add(toCdxLicense(card.license, card.licenseLink))
  if (card?.modelName) c.properties.add(new Models.Property(`${NS}:card:model-name`, card.modelName))
  if (g.card) c.properties.add(new Models.Property(`${NS}:card`, g.card.path))
  return c
}

function fileComponent(a: Artifact, type: Enums.ComponentType, bomRef: string): Models.Component {
  const c = new Models.Component(type, type === Enums.ComponentType.File ? a.path : path.posix.basename(a.path), { bomRef })
  c.hashes.set(Enums.HashAlgorithm['SHA-256'], a.sha256)
  c.properties.add(new Models.Property(`${NS}:path`, a.path))
  c.properties.add(new Models.Property(`${NS}:format`, a.format))
  c.properties.add(new Models.Property(`${NS}:size`, String(a.size)))
  if (a.lfs) c.properties.add(new Models.Property(`${NS}:git-lfs-pointer`, 'true'))
  if (a.change !== 'unchanged') c.properties.add(new Models.Property(`${NS}:change`, a.change))
  for (const [key, value] of Object.entries(a.facts)) c.properties.add(new Models.Property(`${NS}:fact:${key}`, String(value)))
  if (a.license) c.licenses.add(toCdxLicense(a.license))
  for (const p of signatureProperties(a.signature)) c.properties.add(p)
  if (a.previous && a.previous.sha256 !== a.sha256) c.properties.add(new Models.Property(`${NS}:previous-sha256`, a.previous.sha256))
  return c
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
    const hub = dep.ecosystem === 'huggingface' || dep.ecosystem === 'torch-hub'
    const type = !hub ? Enums.ComponentType.Library : dep.hubKind === 'dataset' ? Enums.ComponentType.Data : Enums.ComponentType.MachineLearningModel
    const c = new Models.Component(type, dep.name, { bomRef: `${hub ? 'hub' : 'lib'}:${dep.purl}`, purl: dep.purl, ...(dep.version ? { version: dep.version } : {}) })
    if (dep.specifier && !dep.version) c.properties.add(new Models.Property(`${NS}:specifier`, dep.specifier))
    c.properties.add(new Models.Property(`${NS}:pinned`, String(dep.pinned)))
    if (dep.ml) c.properties.add(new Models.Property(`${NS}:ml`, 'true'))
    for (const p of [...paths].sort()) c.properties.add(new Models.Property(`${NS}:declared-in`, p))
    return c
  })
}

/** Serialises, enriches the JSON with what the library does not model (modelCard, pedigree, annotations), and fixes the serial number. */
export function serializeBom(report: Report, opts: BomOptions): string {
  const { bom, groups } = buildBom(report, opts)
  const spec = opts.specVersion === '1.7' ? Spec.Spec1dot7 : Spec.Spec1dot6
  if (opts.format === 'xml') {
    bom.serialNumber = opts.serialNumber ?? serialFor(new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec)).serialize(bom, { sortLists: true }))
    return new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec)).serialize(bom, { sortLists: true, space: 2 }) + '\n'
  }
  const json = JSON.parse(new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec)).serialize(bom, { sortLists: true })) as Record<string, unknown>
  enrichJson(json, report, groups)
  json.serialNumber = opts.serialNumber ?? serialFor(JSON.stringify({ ...json, metadata: { ...(json.metadata as object), timestamp: undefined } }))
  return JSON.stringify(reorder(json), null, 2) + '\n'
}

/** A UUID derived from the content (RFC 4122 layout, version 5 style), so equal scans get equal serials. */
export function serialFor(content: string): string {
  const h = createHash('sha256').update(content).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

/** CycloneDX's customary key order at the top level, for readable diffs. */
function reorder(json: Record<string, unknown>): Record<string, unknown> {
  const order = ['$schema', 'bomFormat', 'specVersion', 'serialNumber', 'version', 'metadata', 'components', 'dependencies', 'compositions', 'annotations']
  const out: Record<string, unknown> = {}
  for (const k of order) if (k in json) out[k] = json[k]
  for (const k of Object.keys(json)) if (!(k in out)) out[k] = json[k]
  return out
}
