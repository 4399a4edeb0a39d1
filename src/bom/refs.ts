import type { PipelineStage } from '../types.js'

/*
 * The refs of what both BOMs describe. An SPDX 3 element's key (its IRI fragment)
 * is the CycloneDX bom-ref of the same thing, so the two documents join by ref;
 * dependencies are `dependencyRef` (src/bom/dependencies.ts).
 */

/** A model: its folder, or its weight file when it is a single file. */
export const modelRef = (path: string): string => `model:${path}`

/** A file of a model folder. */
export const fileRef = (path: string): string => `file:${path}`

/** A dataset file (or media folder) in the repository. */
export const datasetRef = (path: string): string => `dataset:${path}`

/** A dataset a model card names that no code pulls: a Hub dataset, or only a name when it is no Hub id. */
export const cardDatasetRef = (name: string, hub: boolean): string => `dataset:${hub ? 'huggingface' : 'card'}:${name}`

/** A base model of a model, its pedigree ancestor. */
export const baseRef = (model: string, base: string): string => `${model}#base:${base}`

/** A source dataset of a dataset, its pedigree ancestor. */
export const sourceRef = (dataset: string, source: string): string => `${dataset}#source:${source}`

/** A file a hub reference loads, as hub lookups resolved it. */
export const loadedFileRef = (reference: string, path: string): string => `${reference}#${path}`

/** A stage of a pipeline file (`dvc.yaml`). */
export const stageRef = (file: string, s: PipelineStage): string => `task:${file}:${s.name}`

/** The n-th finding of the report (from 0), as an annotation. */
export const findingRef = (n: number): string => `finding:${n + 1}`
