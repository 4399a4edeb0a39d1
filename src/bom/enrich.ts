import type { Report } from '../types.js'
import { TOOL } from '../version.js'
import type { ModelGroup } from './groups.js'

type Json = Record<string, unknown>
const NS = 'modelgate'

/**
 * Adds to the library's JSON what its object model lacks: each model's `modelCard`
 * (task, datasets by ref, metrics as text), base models as `pedigree.ancestors`,
 * the datasets a card names as `data` components, `compositions` and findings as
 * `annotations`. Every ref points at a bom-ref in the document.
 */
export function enrichJson(json: Json, report: Report, groups: ModelGroup[]): void {
  const components = (json.components as Json[] | undefined) ?? []
  const byRef = new Map(components.map((c) => [c['bom-ref'] as string, c]))
  const libraries = new Map(components.filter((c) => c.type === 'library').map((c) => [String(c.name).toLowerCase(), c['bom-ref'] as string]))
  const dependencies = ((json.dependencies as { ref: string; dependsOn?: string[] }[] | undefined) ?? []).slice()
  const datasetRefs = new Map<string, Json>()

  for (const g of groups) {
    const c = byRef.get(g.ref)
    if (!c) continue
    const config = configFacts(g)
    const card = g.card?.card ?? emptyCard
    if (!g.card && config.bases.length === 0 && !config.family) continue
    const datasets = card.datasets.map((name) => {
      const ref = `dataset:huggingface:${name}`
      if (!datasetRefs.has(ref)) {
        datasetRefs.set(ref, {
          type: 'data',
          name,
          'bom-ref': ref,
          externalReferences: [{ type: 'distribution', url: `https://huggingface.co/datasets/${encodeURI(name)}` }],
          data: [{ type: 'dataset', name }]
        })
      }
      return { ref }
    })
    const modelParameters: Json = {}
    if (card.pipelineTag) modelParameters.task = card.pipelineTag
    if (config.family) modelParameters.architectureFamily = config.family
    if (config.architecture) modelParameters.modelArchitecture = config.architecture
    if (datasets.length > 0) modelParameters.datasets = datasets
    const modelCard: Json = {}
    if (Object.keys(modelParameters).length > 0) modelCard.modelParameters = modelParameters
    if (card.metrics.length > 0) {
      modelCard.quantitativeAnalysis = {
        performanceMetrics: card.metrics.map((m) => ({ type: m.name && m.name.toLowerCase() !== m.type.toLowerCase() ? `${m.type} (${m.name})` : m.type, value: m.value, ...(m.dataset ? { slice: m.dataset } : {}) }))
      }
    }
    if (g.card) modelCard.properties = [
      { name: `${NS}:card:fields-present`, value: card.fieldsPresent.join(',') || '(none)' },
      { name: `${NS}:card:completeness`, value: `${card.fieldsPresent.length}/${card.fieldsExpected.length}` },
      ...(card.libraryName ? [{ name: `${NS}:card:library`, value: card.libraryName }] : []),
      ...card.languages.map((l) => ({ name: `${NS}:card:language`, value: l }))
    ]
    if (Object.keys(modelCard).length > 0) c.modelCard = modelCard
    const bases = [...new Set([...card.baseModels, ...config.bases])]
    if (bases.length > 0) {
      c.pedigree = {
        ancestors: bases.map((base) => ({
          type: 'machine-learning-model',
          name: base,
          'bom-ref': `${g.ref}#base:${base}`,
          ...(/^[\w.-]+(\/[\w.-]+)?$/.test(base) ? { purl: `pkg:huggingface/${base}` } : {})
        }))
      }
    }
    const uses = [...datasets.map((d) => d.ref), ...(card.libraryName && libraries.has(card.libraryName.toLowerCase()) ? [libraries.get(card.libraryName.toLowerCase())!] : [])]
    if (uses.length > 0) {
      const entry = dependencies.find((d) => d.ref === g.ref)
      if (entry) entry.dependsOn = [...new Set([...(entry.dependsOn ?? []), ...uses])].sort()
      else dependencies.push({ ref: g.ref, dependsOn: [...new Set(uses)].sort() })
    }
  }
  for (const [ref, data] of [...datasetRefs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    components.push(data)
    if (!dependencies.some((d) => d.ref === ref)) dependencies.push({ ref })
  }
  if (components.length > 0) json.components = components
  if (dependencies.length > 0) json.dependencies = dependencies.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))

  // A change-mode BOM lists what the change touched, not the whole repository.
  json.compositions = [{ aggregate: report.mode === 'tree' ? 'complete' : 'incomplete', assemblies: ['subject'] }]

  const subjectOf = subjectIndex(report, groups)
  const timestamp = (json.metadata as Json | undefined)?.timestamp ?? new Date().toISOString()
  const annotations = report.findings.map((f, i) => ({
    'bom-ref': `finding:${i + 1}`,
    subjects: [subjectOf(f.path)],
    annotator: { component: { type: 'application', name: TOOL.name.toLowerCase(), version: TOOL.version } },
    timestamp,
    text: `${f.severity} ${f.rule} in ${f.path}${f.line ? `:${f.line}` : ''}: ${f.message} Fix: ${f.fix}`
  }))
  if (annotations.length > 0) json.annotations = annotations
}

const emptyCard = { datasets: [], metrics: [], baseModels: [], languages: [], fieldsPresent: [], fieldsExpected: [], pipelineTag: null, libraryName: null } as const

/**
 * What the folder's config.json / adapter_config.json say: the architecture, and the
 * base the weights came from (`base_model_name_or_path` of an adapter; `_name_or_path`
 * when it names a hub repository, not a local folder and not this model).
 */
function configFacts(g: ModelGroup): { family: string | null; architecture: string | null; bases: string[] } {
  let family: string | null = null
  let architecture: string | null = null
  const bases: string[] = []
  const hubId = /^[\w.-]+\/[\w.-]+$/
  for (const c of g.configs) {
    const f = c.facts
    if (typeof f.model_type === 'string') family ??= f.model_type
    if (typeof f.architectures === 'string' && f.architectures) architecture ??= f.architectures.split(',')[0]!
    for (const v of [f.base_model_name_or_path, f.name_or_path]) {
      if (typeof v === 'string' && hubId.test(v) && v.split('/')[1] !== g.name) bases.push(v)
    }
  }
  return { family, architecture, bases }
}

/** The bom-ref a finding is about: the model or dataset the file belongs to, else the repository. */
function subjectIndex(report: Report, groups: ModelGroup[]): (path: string) => string {
  const refs = new Map<string, string>()
  for (const g of groups) {
    for (const w of g.weights) refs.set(w.path, g.weights.length === 1 && g.path === w.path ? g.ref : `file:${w.path}`)
    if (g.card) refs.set(g.card.path, g.ref)
    for (const c of g.configs) refs.set(c.path, g.ref)
  }
  for (const a of report.artifacts) if (a.kind === 'dataset' && a.change !== 'removed') refs.set(a.path, `dataset:${a.path}`)
  return (path) => refs.get(path) ?? 'subject'
}
