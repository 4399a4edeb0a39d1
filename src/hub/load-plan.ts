import path from 'node:path'
import type { Dependency } from '../types.js'
import type { RepoFile } from './repo-info.js'

/**
 * Which files of a Hub repository a reference in code would load, decided from the
 * call the inventory recorded (`Dependency.loader`) and the repository's file list:
 *
 * - `from_pretrained`, `pipeline`, `SentenceTransformer`, vLLM `LLM`, timm/open_clip
 *   `hf-hub:` names (and any model reference whose call is not recorded): the weights
 *   transformers picks, in its order: `model.safetensors`, the shards of
 *   `model.safetensors.index.json`, `pytorch_model.bin`, the shards of
 *   `pytorch_model.bin.index.json`; a repository with none of these: every weight file
 *   at its root (timm, open_clip, GGUF and sklearn repositories name theirs freely).
 * - `hf_hub_download` / `hf_hub_url` / `downloadFile` with a literal file name: exactly
 *   that file.
 * - `snapshot_download` (and a single-file call whose file name is not a literal):
 *   every weight file in the repository, since any of them may be the one loaded.
 * - datasets: the files that can run code when loaded (pickles, torch files, NumPy);
 *   data files (parquet, csv, json, arrow) cannot and are not read.
 * - Spaces: none (the commit is resolved for the BOM; a Space runs its own code).
 */
export type LoadPlan =
  /** Files to judge, in order; `index` names a shard index to read first, whose shards replace it. */
  | { kind: 'weights' | 'snapshot' | 'file'; files: string[]; index: string | null; truncated: number }
  /** `hf_hub_download(filename=...)` of a file the commit does not have. */
  | { kind: 'missing'; file: string }
  | { kind: 'none' }

/** Files the plan may read: weights and other formats whose loading can run code. */
const WEIGHT_FILE = /\.(safetensors|bin|pt|pth|ckpt|pkl|pickle|joblib|dill|npy|npz|gguf|ggml|onnx|h5|keras|msgpack|tflite)$/i
/** Dataset files that can carry code when loaded (data formats cannot). */
const CODE_CARRYING = /\.(pkl|pickle|joblib|dill|pt|pth|ckpt|bin|npy|npz)$/i
/** Files judged per reference at most; the rest are named in a note. */
export const MAX_FILES_PER_REFERENCE = 64

const TRANSFORMERS_ORDER: [file: string, index: boolean][] = [
  ['model.safetensors', false],
  ['model.safetensors.index.json', true],
  ['pytorch_model.bin', false],
  ['pytorch_model.bin.index.json', true]
]
const FILE_CALLS = new Set(['hf_hub_download', 'hf_hub_url', 'downloadFile', 'downloadFileToCacheDir'])
const SNAPSHOT_CALLS = new Set(['snapshot_download', 'snapshotDownload'])

export function planLoad(dep: Pick<Dependency, 'hubKind' | 'loader'>, files: readonly RepoFile[]): LoadPlan {
  const names = files.map((f) => f.path)
  const has = new Set(names)
  if (dep.hubKind === 'space') return { kind: 'none' }
  const call = dep.loader?.call ?? null
  if (call && FILE_CALLS.has(call) && dep.loader?.file) {
    const file = dep.loader.file.replace(/^\.\//, '')
    return has.has(file) ? { kind: 'file', files: [file], index: null, truncated: 0 } : { kind: 'missing', file }
  }
  if (dep.hubKind === 'dataset') return capped('snapshot', names.filter((n) => CODE_CARRYING.test(n)))
  if (call && (SNAPSHOT_CALLS.has(call) || FILE_CALLS.has(call))) return capped('snapshot', names.filter((n) => WEIGHT_FILE.test(n)))
  for (const [file, index] of TRANSFORMERS_ORDER) {
    if (has.has(file)) return { kind: 'weights', files: index ? [] : [file], index: index ? file : null, truncated: 0 }
  }
  return capped('weights', names.filter((n) => !n.includes('/') && WEIGHT_FILE.test(n)))
}

function capped(kind: 'weights' | 'snapshot', files: string[]): LoadPlan {
  return { kind, files: files.slice(0, MAX_FILES_PER_REFERENCE), index: null, truncated: Math.max(0, files.length - MAX_FILES_PER_REFERENCE) }
}

/**
 * The shard files a `*.index.json` maps tensors to (`weight_map` values), in order of
 * first use, resolved next to the index. A shard the listing lacks or that leaves the
 * repository is returned in `missing` (the loader would fail on it).
 */
export function shardsOf(indexText: string, indexPath: string, files: readonly RepoFile[]): { shards: string[]; missing: string[] } | { invalid: string } {
  let data: unknown
  try {
    data = JSON.parse(indexText)
  } catch {
    return { invalid: 'it is not JSON' }
  }
  const map = typeof data === 'object' && data !== null ? (data as { weight_map?: unknown }).weight_map : undefined
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return { invalid: 'it has no `weight_map` object' }
  const has = new Set(files.map((f) => f.path))
  const dir = path.posix.dirname(indexPath)
  const shards: string[] = []
  const missing: string[] = []
  for (const v of new Set(Object.values(map as Record<string, unknown>))) {
    if (typeof v !== 'string') return { invalid: 'a `weight_map` value is not a file name' }
    const joined = path.posix.normalize(dir === '.' ? v : `${dir}/${v}`)
    if (has.has(joined)) shards.push(joined)
    else missing.push(v)
  }
  return { shards, missing }
}

/** Pickle-based by name, for files that were not (or could not be) read. */
export const PICKLE_NAME = /\.(bin|pt|pth|ckpt|pkl|pickle|joblib|dill)$/i
/** Formats whose loading unpickles (identify's names). */
export const PICKLE_FORMATS = new Set(['pickle', 'pytorch-legacy', 'pytorch-zip', 'torchscript', 'joblib'])
