import path from 'node:path'
import type { Artifact } from '../types.js'
import { byCodeUnit } from '../util/compare.js'
import { modelRef } from './refs.js'

/** One model as the BOM lists it: a folder of weight files with its card and configs, or a single file. */
export interface ModelGroup {
  ref: string
  /** Folder for a Hugging Face-style model folder, else the weight file's path. */
  path: string
  name: string
  weights: Artifact[]
  card: Artifact | null
  configs: Artifact[]
  /** A lone weight file (no card, no config.json beside it): the file is the model component. */
  single: boolean
}

/**
 * Groups weights into models. A folder with a model card or a `config.json` is one
 * model (as on the Hub: `model.safetensors` and `pytorch_model.bin` are two
 * serialisations of it); elsewhere each weight file is a model of its own, so a
 * folder of unrelated checkpoints does not collapse into one.
 */
export function groupModels(artifacts: readonly Artifact[], rootName: string): ModelGroup[] {
  const live = artifacts.filter((a) => a.change !== 'removed')
  const dirOf = (a: Artifact) => path.posix.dirname(a.path)
  const cards = new Map(live.filter((a) => a.kind === 'model-card').map((a) => [dirOf(a), a]))
  const configs = new Map<string, Artifact[]>()
  for (const a of live.filter((x) => x.kind === 'model-config')) configs.set(dirOf(a), [...(configs.get(dirOf(a)) ?? []), a])
  const groups = new Map<string, ModelGroup>()
  for (const w of live.filter((a) => a.kind === 'model')) {
    const dir = dirOf(w)
    const card = cards.get(dir) ?? null
    const folder = card !== null || (configs.get(dir) ?? []).some((c) => path.posix.basename(c.path) === 'config.json' || path.posix.basename(c.path) === 'adapter_config.json')
    const key = folder ? dir : w.path
    const group = groups.get(key) ?? {
      ref: modelRef(key),
      path: key,
      // Identity from the path, never from what a config claims (`_name_or_path` names the base model).
      name: folder ? (dir === '.' ? rootName : path.posix.basename(dir)) : path.posix.basename(w.path),
      weights: [],
      card: folder ? card : null,
      configs: folder ? (configs.get(dir) ?? []) : [],
      single: !folder
    }
    group.weights.push(w)
    groups.set(key, group)
  }
  return [...groups.values()]
}

/** A model's files in path order: a folder's weights, configs and card; a single-file model's weight file. */
export function modelFiles(g: ModelGroup): Artifact[] {
  return [...g.weights, ...g.configs, ...(g.card ? [g.card] : [])].sort((a, b) => byCodeUnit(a.path, b.path))
}

/** A model folder's change: new when all its files are, changed when any is; null when none changed. */
export function folderChange(files: readonly Artifact[]): 'added' | 'modified' | null {
  const changes = new Set(files.map((f) => f.change))
  if (changes.size === 1 && changes.has('added')) return 'added'
  return [...changes].some((x) => x !== 'unchanged') ? 'modified' : null
}

/**
 * A model's license: what its card declares (with the card's link), else what was concluded for its weights when they agree.
 * The card's as the license check read it (an SPDX expression, null when unreadable); the text as written only when there is
 * no reading (reports built without the license check).
 */
export function modelLicense(g: ModelGroup): { license: string; link: string | null; declared: boolean } | null {
  const card = g.card?.card
  const declared = g.card?.license ?? card?.license
  if (declared) return { license: declared, link: card?.licenseLink ?? null, declared: true }
  const concluded = new Set(g.weights.map((w) => w.license))
  return concluded.size === 1 && g.weights[0]!.license ? { license: g.weights[0]!.license, link: null, declared: false } : null
}

/**
 * The dataset card that describes a dataset file: the nearest one in its folder or
 * a parent folder (Hugging Face dataset repositories keep the card at the top and
 * the data in `data/` below it).
 */
export function datasetCardFinder(artifacts: readonly Artifact[]): (file: string) => Artifact | null {
  const cards = new Map(artifacts.filter((a) => a.kind === 'dataset-card' && a.change !== 'removed' && a.card).map((a) => [path.posix.dirname(a.path), a]))
  return (file) => {
    for (let dir = path.posix.dirname(file); ; dir = path.posix.dirname(dir)) {
      const card = cards.get(dir)
      if (card) return card
      if (dir === '.' || dir === '/' || dir === '') return null
    }
  }
}
