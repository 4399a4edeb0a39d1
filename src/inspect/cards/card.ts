import type { ByteSource } from '../../util/byte-source.js'
import type { CardData } from '../../types.js'
import { readFrontMatter } from '../../identify/front-matter.js'
import type { InspectResult, Issue } from '../types.js'

const MAX_CARD_BYTES = 256 * 1024
const MAX_LIST = 100
const MODEL_FIELDS = ['license', 'base_model', 'datasets', 'pipeline_tag', 'library_name', 'language', 'tags', 'model-index'] as const
const DATASET_FIELDS = ['license', 'pretty_name', 'task_categories', 'size_categories', 'source_datasets', 'language'] as const

/**
 * A Hugging Face card's metadata (https://huggingface.co/docs/hub/model-cards),
 * tolerant of the shapes real cards use: a string or a list where a list is
 * meant, numbers where strings are meant, `license: other` with a name and link.
 */
export async function inspectCard(src: ByteSource, kind: 'model' | 'dataset'): Promise<InspectResult> {
  const text = (await src.read(0, Math.min(src.size, MAX_CARD_BYTES))).toString('utf8')
  const parsed = readFrontMatter(text)
  const issues: Issue[] = []
  if (parsed.error) {
    issues.push({
      rule: 'unparseable-artifact',
      severity: 'warning',
      message: `The card's YAML metadata cannot be parsed (${parsed.error}), so its license, base model and datasets are unknown.`,
      fix: 'Fix the YAML between the two `---` lines at the top of the card (the Hugging Face Hub rejects it too).',
      ...(parsed.errorLine ? { line: parsed.errorLine } : {})
    })
  }
  const meta = parsed.data ?? {}
  const card = cardData(meta, kind)
  return { facts: { card_fields: `${card.fieldsPresent.length}/${card.fieldsExpected.length}` }, issues, card }
}

export function cardData(meta: Record<string, unknown>, kind: 'model' | 'dataset'): CardData {
  // `license: [mit]` is written often enough; several licenses in a list stay unknown (which one applies is for a human)
  const license = Array.isArray(meta.license) && meta.license.length === 1 ? str(meta.license[0]) : str(meta.license)
  const name = str(meta.license_name)
  const expected = kind === 'model' ? MODEL_FIELDS : DATASET_FIELDS
  return {
    license: license === 'other' && name ? name : license,
    licenseLink: str(meta.license_link),
    baseModels: list(meta.base_model),
    datasets: list(meta.datasets),
    pipelineTag: str(meta.pipeline_tag),
    libraryName: str(meta.library_name),
    languages: list(meta.language),
    tags: list(meta.tags),
    modelName: modelIndexName(meta['model-index']),
    metrics: metricsOf(meta['model-index']),
    prettyName: str(meta.pretty_name),
    taskCategories: list(meta.task_categories),
    sizeCategories: list(meta.size_categories),
    sourceDatasets: list(meta.source_datasets),
    fieldsPresent: expected.filter((f) => present(meta[f])),
    fieldsExpected: [...expected]
  }
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return null
}

function list(v: unknown): string[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]
  return items.map(str).filter((x): x is string => x !== null).slice(0, MAX_LIST)
}

function modelIndexName(v: unknown): string | null {
  return Array.isArray(v) && v[0] && typeof v[0] === 'object' ? str((v[0] as Record<string, unknown>).name) : null
}

function metricsOf(v: unknown): CardData['metrics'] {
  const out: CardData['metrics'] = []
  if (!Array.isArray(v)) return out
  for (const entry of v.slice(0, MAX_LIST)) {
    const results = (entry as Record<string, unknown> | null)?.results
    if (!Array.isArray(results)) continue
    for (const r of results.slice(0, MAX_LIST)) {
      const rec = (r ?? {}) as Record<string, unknown>
      const task = (rec.task ?? {}) as Record<string, unknown>
      const dataset = (rec.dataset ?? {}) as Record<string, unknown>
      const metrics = Array.isArray(rec.metrics) ? rec.metrics : []
      for (const m of metrics.slice(0, MAX_LIST)) {
        const metric = (m ?? {}) as Record<string, unknown>
        const type = str(metric.type)
        const value = str(metric.value)
        if (!type || value === null) continue
        out.push({ type, value, name: str(metric.name), task: str(task.type) ?? str(task.name), dataset: str(dataset.type) ?? str(dataset.name) })
        if (out.length >= MAX_LIST) return out
      }
    }
  }
  return out
}
