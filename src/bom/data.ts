import path from 'node:path'
import type { Artifact, CardData } from '../types.js'
import { NS, type Property } from './properties.js'
import type { Account } from './repository.js'

type Json = Record<string, unknown>

/** Facts about a dataset's shape (tables, record files, media folders); they describe the data, so they go to `data[]`. */
export const SHAPE_FACTS = ['rows', 'columnCount', 'columns', 'records', 'rowGroups', 'recordBatches', 'files', 'totalBytes', 'extensions'] as const

/** A dataset file of the BOM and its ref (`dataset:<path>`). */
export interface DatasetRef {
  path: string
  ref: string
}

/** Shape facts as the properties of a dataset's contents: one per fact, one per column. */
export function shapeProperties(f: Artifact['facts']): Property[] {
  const out: Property[] = []
  for (const key of SHAPE_FACTS) {
    const v = f[key]
    if (v === undefined || key === 'columns') continue
    out.push([`${NS}:dataset:${key}`, String(v)])
  }
  if (typeof f.columns === 'string' && f.columns) for (const c of f.columns.split(',')) out.push([`${NS}:dataset:column`, c.trim()])
  return out
}

/** The datasets a dataset card's `source_datasets` names: `original` is no dataset; `extended|squad` names one. */
export function sourceDatasets(card: CardData | undefined): string[] {
  return (card?.sourceDatasets ?? []).map((s) => s.replace(/^extended\|/, '')).filter((id) => id !== 'original' && /^[\w.-]+(\/[\w.-]+)?$/.test(id))
}

/**
 * The `data[]` entry of a dataset file: where it is, what is in it (shape facts as
 * properties, one per column), a one-line description, the dataset card's name and
 * size category, and who holds it. No classification: no card field states one.
 */
export function localDataEntry(a: Artifact, card: CardData | null, url: string, custodian: Account | null): Json {
  const f = a.facts
  const props = shapeProperties(f).map(([name, value]) => ({ name, value }))
  const entry: Json = {
    type: 'dataset',
    name: card?.prettyName ?? path.posix.basename(a.path),
    contents: { url, ...(props.length > 0 ? { properties: props } : {}) }
  }
  const description = describe(f, card?.sizeCategories ?? [])
  if (description) entry.description = description
  if (custodian) entry.governance = governance(custodian)
  return entry
}

/** A dataset on the Hugging Face Hub, named by a card or pulled by code: its page and the account that hosts it. */
export function hubDataEntry(name: string, url: string | null, custodian: Account | null): Json {
  return { type: 'dataset', name, ...(url ? { contents: { url } } : {}), ...(custodian ? { governance: governance(custodian) } : {}) }
}

/**
 * Custodians keep data safe in storage and transit: the Hub account or the GitHub
 * owner whose repository holds it. Owners and stewards (who decide about the
 * data) are not something a repository states.
 */
function governance(c: Account): Json {
  return { custodians: [{ organization: { name: c.name, url: [c.url] } }] }
}

/** `10000 rows, 14 columns in 2 row groups`, `512 records`, `1200 files, 53687091 bytes (jpg,png)`; null when the facts say nothing. */
export function describe(f: Artifact['facts'], sizeCategories: string[]): string | null {
  const count = (k: string, unit: string) => (typeof f[k] === 'number' ? `${f[k]} ${unit}${f[k] === 1 ? '' : 's'}` : null)
  let text = [count('rows', 'row'), count('columnCount', 'column'), count('records', 'record'), count('files', 'file'), count('totalBytes', 'byte')].filter(Boolean).join(', ')
  if (typeof f.extensions === 'string' && f.extensions) text += ` (${f.extensions})`
  for (const [k, unit] of [['rowGroups', 'row group'], ['recordBatches', 'record batch']] as const) {
    const c = count(k, unit)
    if (c) text += ` in ${c.replace(/batchs$/, 'batches')}`
  }
  if (sizeCategories.length > 0) text += `${text ? '; ' : ''}size category ${sizeCategories.join(', ')}`
  return text.trim() || null
}
