import path from 'node:path'
import type { ArtifactKind } from '../types.js'

/**
 * What a file's name promises. Content decides in the end (see sniff.ts); the
 * name only sets what the content is checked against, and names the format of
 * LFS pointers, whose content is elsewhere.
 */
export interface NameHint {
  kind: ArtifactKind
  /** Formats the content may have for the name to be honest; empty = anything. */
  formats: readonly string[]
  /** The format to report when only the name is known (LFS pointers). */
  nominal: string
  /** Content that matches none of `formats` is an `unparseable-artifact`. */
  strict: boolean
}

const PICKLE_FAMILY = ['pickle', 'pytorch-legacy', 'pytorch-zip', 'torchscript', 'joblib', 'zip'] as const

const EXT: Record<string, NameHint> = {
  '.safetensors': { kind: 'model', formats: ['safetensors'], nominal: 'safetensors', strict: true },
  '.gguf': { kind: 'model', formats: ['gguf'], nominal: 'gguf', strict: true },
  '.ggml': { kind: 'model', formats: ['ggml'], nominal: 'ggml', strict: true },
  '.onnx': { kind: 'model', formats: ['onnx'], nominal: 'onnx', strict: true },
  '.ort': { kind: 'model', formats: [], nominal: 'onnx-runtime', strict: false },
  '.tflite': { kind: 'model', formats: ['tflite'], nominal: 'tflite', strict: true },
  '.h5': { kind: 'model', formats: ['keras-h5', 'hdf5'], nominal: 'hdf5', strict: true },
  '.hdf5': { kind: 'model', formats: ['keras-h5', 'hdf5'], nominal: 'hdf5', strict: true },
  '.keras': { kind: 'model', formats: ['keras-v3', 'keras-h5'], nominal: 'keras-v3', strict: true },
  '.pt': { kind: 'model', formats: PICKLE_FAMILY, nominal: 'pytorch', strict: true },
  '.pth': { kind: 'model', formats: PICKLE_FAMILY, nominal: 'pytorch', strict: true },
  '.ckpt': { kind: 'model', formats: PICKLE_FAMILY, nominal: 'pytorch', strict: false },
  '.pkl': { kind: 'model', formats: ['pickle', 'joblib', 'pytorch-legacy'], nominal: 'pickle', strict: true },
  '.pickle': { kind: 'model', formats: ['pickle', 'joblib', 'pytorch-legacy'], nominal: 'pickle', strict: true },
  '.joblib': { kind: 'model', formats: ['joblib', 'pickle'], nominal: 'joblib', strict: true },
  '.dill': { kind: 'model', formats: ['pickle'], nominal: 'pickle', strict: true },
  '.npy': { kind: 'model', formats: ['numpy'], nominal: 'numpy', strict: true },
  '.npz': { kind: 'model', formats: ['numpy-npz'], nominal: 'numpy-npz', strict: true },
  '.mlmodel': { kind: 'model', formats: [], nominal: 'coreml', strict: false },
  '.parquet': { kind: 'dataset', formats: ['parquet'], nominal: 'parquet', strict: true },
  '.arrow': { kind: 'dataset', formats: ['arrow', 'arrow-stream'], nominal: 'arrow', strict: true },
  '.feather': { kind: 'dataset', formats: ['arrow', 'feather-v1'], nominal: 'arrow', strict: true },
  '.csv': { kind: 'dataset', formats: ['csv'], nominal: 'csv', strict: false },
  '.tsv': { kind: 'dataset', formats: ['tsv'], nominal: 'tsv', strict: false },
  '.jsonl': { kind: 'dataset', formats: ['jsonl'], nominal: 'jsonl', strict: false },
  '.ndjson': { kind: 'dataset', formats: ['jsonl'], nominal: 'jsonl', strict: false },
  '.tfrecord': { kind: 'dataset', formats: ['tfrecord'], nominal: 'tfrecord', strict: false },
  '.tfrecords': { kind: 'dataset', formats: ['tfrecord'], nominal: 'tfrecord', strict: false },
  '.arrows': { kind: 'dataset', formats: ['arrow-stream'], nominal: 'arrow-stream', strict: true }
}

/**
 * Zarr metadata, by exact name: v2 arrays, groups, attributes and consolidated metadata; v3
 * nodes (the one list of them; the chunk files beside them have no name of their own and stay
 * unidentified). inspect/datasets/zarr.ts reads each by its name.
 */
const ZARR: NameHint = { kind: 'dataset', formats: ['zarr'], nominal: 'zarr', strict: false }
const NAMES: Record<string, NameHint> = { '.zarray': ZARR, '.zgroup': ZARR, '.zattrs': ZARR, '.zmetadata': ZARR, 'zarr.json': ZARR }

const MANIFEST_NAMES: Record<string, string> = {
  'pyproject.toml': 'pyproject',
  'setup.cfg': 'setup-cfg',
  'setup.py': 'setup-py',
  Pipfile: 'pipfile',
  'Pipfile.lock': 'pipfile-lock',
  'poetry.lock': 'poetry-lock',
  'uv.lock': 'uv-lock',
  'environment.yml': 'conda-environment',
  'environment.yaml': 'conda-environment',
  'conda.yaml': 'mlflow-conda',
  'python_env.yaml': 'mlflow-python-env',
  MLmodel: 'mlflow-model',
  'package.json': 'package-json',
  'package-lock.json': 'package-lock',
  'npm-shrinkwrap.json': 'package-lock',
  'yarn.lock': 'yarn-lock',
  'pnpm-lock.yaml': 'pnpm-lock',
  'dvc.yaml': 'dvc-pipeline',
  'dvc.lock': 'dvc-lock'
}

export function manifestFormat(relPath: string): string | null {
  const base = path.posix.basename(relPath)
  if (/^requirements.*\.(txt|in)$/i.test(base) || /(^|\/)requirements\/[^/]+\.(txt|in)$/i.test(relPath)) return 'requirements'
  return MANIFEST_NAMES[base] ?? null
}

export function signatureFormat(relPath: string): string | null {
  const base = path.posix.basename(relPath)
  if (base.endsWith('.sigstore.json') || base.endsWith('.sigstore')) return 'sigstore-bundle'
  if (base.endsWith('.sig')) return 'signature'
  if (/^(SHA256SUMS|sha256sums)(\.txt)?$/.test(base) || base.endsWith('.sha256')) return 'checksum-manifest'
  return null
}

/** Names with no extension, or one that says only "model data" (or pickle): weights are often saved so. */
const OPAQUE_NAME = /^[^.]+$|\.(bin|model|dat|data|weights|ckpt|pth?|pkl|pickle|mdl|sav)$/i

/** Whether a file name says nothing about its content, or promises a pickle (`model.bin`, `last.ckpt`, `storages`). */
export function isOpaqueName(relPath: string): boolean {
  return OPAQUE_NAME.test(path.posix.basename(relPath))
}

/** `model.pth.tar` and friends: the hint of the innermost meaningful extension. */
export function hintFor(relPath: string): NameHint | null {
  const base = path.posix.basename(relPath).toLowerCase()
  if (NAMES[base]) return NAMES[base]!
  const ext = path.posix.extname(base)
  if (EXT[ext]) return EXT[ext]!
  if (ext === '.tar' || ext === '.gz') return EXT[path.posix.extname(base.slice(0, -ext.length))] ?? null
  if (ext === '.bin' && /^pytorch_model.*\.bin$/.test(base)) return { kind: 'model', formats: PICKLE_FAMILY, nominal: 'pytorch', strict: true }
  return null
}

/** Folders whose files are data, so an ambiguous container (HDF5, NumPy, pickle) there is a dataset. */
export function inDataFolder(relPath: string): boolean {
  return relPath.split('/').slice(0, -1).some((d) => /^(data|datasets?|corpus|corpora)$/i.test(d))
}
