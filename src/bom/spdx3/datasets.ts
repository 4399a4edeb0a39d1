import path from 'node:path'
import type { Artifact } from '../../types.js'
import { describe, SHAPE_FACTS } from '../data.js'
import { datasetCardFinder } from '../groups.js'
import { repoLink, scanResult, vcsRef, type Ctx } from './context.js'
import { addAncestor, verifiedBy } from './hub.js'
import { linkLicense } from './licenses.js'
import { cdxExtension, fileProperties, NS, type Property } from './properties.js'

/**
 * What the container format says about the data, as SPDX's DatasetType: tables
 * are `structured`, NumPy arrays `numeric`. A format that holds anything (JSON
 * lines, TFRecord, HDF5, media folders, a DVC pointer) is `noAssertion`: the type
 * is required, and guessing it from a file name would be a claim the scan cannot back.
 */
const DATASET_TYPES: Readonly<Record<string, 'structured' | 'numeric'>> = {
  csv: 'structured',
  tsv: 'structured',
  parquet: 'structured',
  arrow: 'structured',
  'arrow-stream': 'structured',
  'feather-v1': 'structured',
  numpy: 'numeric',
  'numpy-npz': 'numeric'
}

/**
 * Each dataset file in the tree: a `dataset_DatasetPackage` with its SHA-256, its
 * size in bytes, its shape facts, the description the CycloneDX `data` entry has,
 * the licenses (concluded for the file; declared by its dataset card when the file
 * has none), and the card's `source_datasets` as ancestors. Returns the keys.
 */
export function addDatasets(ctx: Ctx, artifacts: readonly Artifact[]): string[] {
  const cardOf = datasetCardFinder(artifacts)
  return artifacts
    .filter((a) => a.kind === 'dataset' && a.change !== 'removed')
    .map((a) => {
      const key = `dataset:${a.path}`
      const card = cardOf(a.path)
      const props: Property[] = [...fileProperties(a, scanResult([a], ctx.findings), SHAPE_FACTS), ...shapeProperties(a)]
      if (card) props.push([`${NS}:card`, card.path])
      const link = repoLink(ctx, a.path, 'blob')
      const description = describe(a.facts, card?.card?.sizeCategories ?? [])
      ctx.graph.add(key, 'dataset_DatasetPackage', path.posix.basename(a.path), {
        ...(card?.card?.prettyName ? { summary: card.card.prettyName } : {}),
        ...(description ? { description } : {}),
        ...(link ? { externalRef: [vcsRef(link)] } : {}),
        ...verifiedBy(a.sha256),
        ...cdxExtension(props),
        ...(ctx.owner ? { suppliedBy: ctx.owner } : {}),
        software_primaryPurpose: 'data',
        dataset_datasetSize: a.size,
        dataset_datasetType: [DATASET_TYPES[a.format] ?? 'noAssertion']
      })
      if (a.license) linkLicense(ctx.graph, key, 'hasConcludedLicense', a.license)
      else if (card?.card?.license) linkLicense(ctx.graph, key, 'hasDeclaredLicense', card.card.license)
      for (const s of (card?.card?.sourceDatasets ?? []).map(sourceDataset).filter((x): x is string => x !== null)) addAncestor(ctx, `${key}#source:${s}`, s, null, 'dataset', key)
      return key
    })
}

/** Shape facts as the CycloneDX `data[].contents` properties: one per fact, one per column. */
function shapeProperties(a: Artifact): Property[] {
  const out: Property[] = []
  for (const k of SHAPE_FACTS) {
    const v = a.facts[k]
    if (v === undefined || k === 'columns') continue
    out.push([`${NS}:dataset:${k}`, String(v)])
  }
  const columns = a.facts.columns
  if (typeof columns === 'string' && columns) for (const c of columns.split(',')) out.push([`${NS}:dataset:column`, c.trim()])
  return out
}

/** `source_datasets` entries: `original` is no dataset; `extended|squad` names one. */
function sourceDataset(s: string): string | null {
  const id = s.replace(/^extended\|/, '')
  return id !== 'original' && /^[\w.-]+(\/[\w.-]+)?$/.test(id) ? id : null
}
