import type { Report } from '../../types.js'
import { groupModels } from '../groups.js'
import { scanProperties } from '../properties.js'
import { addFindings } from './annotations.js'
import { addPipelineBuilds } from './builds.js'
import { contextFor, purlId } from './context.js'
import { addDatasets } from './datasets.js'
import { CREATION_INFO, Graph, iriIn, type Json } from './graph.js'
import { namespaceFor } from './ids.js'
import { addModels } from './models.js'
import { addDependencies } from './packages.js'
import { cdxExtension } from './properties.js'
import { addVulnerabilities } from './vulnerabilities.js'

export const SPDX_CONTEXT = 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld'

export interface Spdx3Options {
  /** Name of the scanned repository (`owner/repo`) or folder: the root package. */
  subject: string
  /** Fixed clock for reproducible output (tests). */
  now?: Date
}

/**
 * The ML-BOM as an SPDX 3.0.1 JSON-LD document: an `SpdxDocument` whose root is a
 * `software_Sbom` of the repository (a `software_Package` that `contains` its
 * models and datasets and `dependsOn` its libraries and Hub references), built
 * from the same report and the same fact helpers as the CycloneDX BOM, with the
 * same facts; docs/spdx3.md has the mapping. Deterministic: elements sorted,
 * ids derived from the content (src/bom/spdx3/ids.ts).
 */
export function buildSpdx3(report: Report, opts: Spdx3Options): Json {
  const graph = new Graph()
  const ctx = contextFor(graph, report, opts.subject)
  // Libraries and hub references first: models link to them.
  const deps = addDependencies(ctx, report.dependencies)
  const groups = groupModels(report.artifacts, opts.subject)
  const models = addModels(ctx, groups, deps)
  const datasets = addDatasets(ctx, report.artifacts)
  addPipelineBuilds(ctx, report.artifacts, groups, datasets)
  addVulnerabilities(ctx, report)

  const purl = ctx.repo.purl
  graph.add('subject', 'software_Package', opts.subject, {
    ...(purl ? { externalIdentifier: [purlId(purl)] } : {}),
    software_primaryPurpose: 'application',
    ...(report.head ? { software_packageVersion: report.head } : {}),
    ...(purl ? { software_packageUrl: purl } : {})
  })
  // A change-mode BOM lists what the change touched, not the whole repository.
  const completeness = report.mode === 'tree' ? 'complete' : 'incomplete'
  graph.relate('subject', 'contains', [...models, ...datasets.map((d) => d.ref)], completeness)
  graph.relate('subject', 'dependsOn', deps.all, completeness)
  addFindings(graph, report, groups, datasets)

  graph.add('sbom', 'software_Sbom', `ML-BOM of ${opts.subject}`, {
    ...cdxExtension(scanProperties(report)),
    rootElement: ['subject'],
    element: graph.keys(),
    // As the CycloneDX BOM's lifecycle.
    software_sbomType: ['build']
  })
  graph.add('agent:modelgate', 'SoftwareAgent', report.tool.name)
  graph.add('tool:modelgate', 'Tool', `${report.tool.name.toLowerCase()} ${report.tool.version}`)
  graph.add('document', 'SpdxDocument', `ModelGate scan of ${opts.subject}`, {
    rootElement: ['sbom'],
    element: graph.keys(),
    profileConformance: profiles(graph.finish((k) => k))
  })

  const creation = (created: string | null, iri: (key: string) => string): Json => ({
    type: 'CreationInfo',
    '@id': CREATION_INFO,
    ...(created ? { created } : {}),
    createdBy: [iri('agent:modelgate')],
    createdUsing: [iri('tool:modelgate')],
    specVersion: '3.0.1'
  })
  const namespace = namespaceFor(JSON.stringify([creation(null, (k) => k), ...graph.finish((k) => k)]))
  const iri = iriIn(namespace)
  const elements = graph.finish(iri)
  const document = elements.find((e) => e.type === 'SpdxDocument')!
  return {
    '@context': SPDX_CONTEXT,
    '@graph': [creation(timestamp(opts.now ?? new Date()), iri), document, ...elements.filter((e) => e !== document)]
  }
}

export function serializeSpdx3(report: Report, opts: Spdx3Options): string {
  return JSON.stringify(buildSpdx3(report, opts), null, 2) + '\n'
}

/** SPDX 3 dateTime: UTC to the second (the schema rejects fractions). */
const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The profiles whose classes the document uses (Core and Software always). */
function profiles(elements: readonly Json[]): string[] {
  const types = new Set(elements.map((e) => String(e.type)))
  const uses = (prefix: string) => [...types].some((t) => t.startsWith(prefix))
  const out = ['core', 'software']
  if (uses('ai_')) out.push('ai')
  if (uses('dataset_')) out.push('dataset')
  if (uses('build_')) out.push('build')
  if (uses('security_')) out.push('security')
  if (uses('simplelicensing_')) out.push('simpleLicensing')
  if (elements.some((e) => 'extension' in e)) out.push('extension')
  return out
}
