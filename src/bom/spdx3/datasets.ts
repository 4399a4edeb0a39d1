import path from 'node:path'
import type { Artifact } from '../../types.js'
import { describe, shapeProperties, SHAPE_FACTS, sourceDatasets, type DatasetRef } from '../data.js'
import { scanResult } from '../findings.js'
import { datasetCardFinder } from '../groups.js'
import { fileProperties, NS, type Property } from '../properties.js'
import { datasetRef, sourceRef } from '../refs.js'
import { repoLink } from '../repository.js'
import { vcsRef, type Ctx } from './context.js'
import { addAncestor, verifiedBy } from './hub.js'
import { linkLicense } from './licenses.js'
import { cdxExtension } from './properties.js'

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
 * has none), and the card's `source_datasets` as ancestors. Returns the files and their keys.
 */
export function addDatasets(ctx: Ctx, artifacts: readonly Artifact[]): DatasetRef[] {
  const cardOf = datasetCardFinder(artifacts)
  return artifacts
    .filter((a) => a.kind === 'dataset' && a.change !== 'removed')
    .map((a) => {
      const key = datasetRef(a.path)
      const card = cardOf(a.path)
      const props: Property[] = [...fileProperties(a, scanResult([a], ctx.findings), SHAPE_FACTS), ...shapeProperties(a.facts)]
      if (card) props.push([`${NS}:card`, card.path])
      const link = repoLink(ctx.repo, a.path, 'blob')
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
      for (const s of sourceDatasets(card?.card)) addAncestor(ctx, sourceRef(key, s), s, null, 'dataset', key)
      return { path: a.path, ref: key }
    })
}
