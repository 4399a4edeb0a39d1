import path from 'node:path'
import { minimatch } from 'minimatch'
import type { OmsManifest } from './oms.js'
import { DigestCache, NeedsLfsContent } from './digests.js'
import type { TreeReader } from './tree-reader.js'

/** Paths `model_signing` leaves out of every model folder unless told otherwise. */
export const GIT_DEFAULT_IGNORES = ['.git', '.gitattributes', '.github', '.gitignore']

export interface ModelTarget {
  /** Repo-relative folder the resource names are relative to ('' = repository root). */
  dir: string
  /** Set when the model is one file (resource name `.`): its repo-relative path. */
  file: string | null
}

export type Comparison =
  | {
      kind: 'compared'
      /** Repo-relative paths of the model's files that are in the tree (signed or extra). */
      files: string[]
      changed: string[]
      extra: string[]
      /** Resource names (model-relative) that are not in the tree, and their repo-relative paths. */
      missing: { name: string; path: string }[]
    }
  | { kind: 'unverifiable'; files: string[]; reason: string }

export function repoPath(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel
}

/** `p` is `ignore` or lies under it (path-segment prefix, as pathlib's `is_relative_to`). */
function under(p: string, ignore: string): boolean {
  const norm = path.posix.normalize(ignore).replace(/\/+$/, '')
  if (norm === '.' || norm === '') return true
  return p === norm || p.startsWith(`${norm}/`)
}

const DIGEST_NAMES: Record<string, string> = { sha256: 'sha256', blake2: 'blake2b512' }

/** The model's files in the tree: model-relative name → repo-relative path (`.` for a one-file model). */
export async function listModelFiles(
  signedIgnores: string[],
  target: ModelTarget,
  signatureFile: string,
  tree: TreeReader,
  configIgnores: string[]
): Promise<Map<string, string>> {
  if (target.file !== null) return new Map([['.', target.file]])
  const ignored = (repoRel: string): boolean => configIgnores.some((g) => minimatch(repoRel, g, { dot: true }))
  const listed = await tree.list(target.dir)
  const sigRel = target.dir ? signatureFile.slice(target.dir.length + 1) : signatureFile
  const ignores = [...GIT_DEFAULT_IGNORES, ...signedIgnores, sigRel]
  const actual = new Map<string, string>()
  for (const p of listed) {
    const rel = target.dir ? p.slice(target.dir.length + 1) : p
    if (ignores.some((i) => under(rel, i)) || ignored(p)) continue
    actual.set(rel, p)
  }
  return actual
}

/**
 * Compares a verified manifest with the model in the tree as an exact set: every file under the model
 * folder except the signature itself, git's files at the model root, the signed `ignore_paths` and the
 * configured `signatures.ignore-paths`.
 */
export async function compareModel(
  manifest: OmsManifest,
  target: ModelTarget,
  signatureFile: string,
  tree: TreeReader,
  digests: DigestCache,
  configIgnores: string[]
): Promise<Comparison> {
  const actual = await listModelFiles(manifest.ignorePaths, target, signatureFile, tree, configIgnores)
  const files = [...actual.values()]
  const expected = new Map<string, { start: number; end: number; digest: string; name: string }[]>()
  for (const r of manifest.resources) {
    const list = expected.get(r.path) ?? []
    list.push({ start: r.range?.start ?? 0, end: r.range?.end ?? 0, digest: r.digest, name: r.name })
    expected.set(r.path, list)
  }
  const algorithm = DIGEST_NAMES[manifest.hashType]
  if (!algorithm) return { kind: 'unverifiable', files, reason: `the signature uses ${manifest.hashType} digests, which ModelGate cannot compute` }
  const allowed = manifest.method === 'shards' ? new RegExp(`^${manifest.hashType === 'blake2' ? 'blake2b?' : 'sha256'}(-sharded-\\d+)?$`) : new RegExp(`^${manifest.hashType === 'blake2' ? 'blake2b?' : 'sha256'}$`)
  const odd = manifest.resources.find((r) => !allowed.test(r.algorithm))
  if (odd) return { kind: 'unverifiable', files, reason: `resource '${odd.name}' uses the digest algorithm '${odd.algorithm}', which ModelGate does not check` }

  const changed: string[] = []
  const extra: string[] = []
  const missing: { name: string; path: string }[] = []
  try {
    for (const [rel, p] of actual) {
      const want = expected.get(rel)
      if (!want) {
        // Shards serialization records no shard for an empty file.
        if (manifest.method === 'shards' && (await digests.size(p)) === 0 && !(await digests.isLfsPointer(p))) continue
        extra.push(p)
        continue
      }
      if (manifest.method === 'files') {
        const got = algorithm === 'sha256' ? (await digests.sha256(p)).sha256 : (await digests.digestRanges(p, algorithm, null)).digests[0]
        if (got !== want[0]!.digest) changed.push(p)
        continue
      }
      const size = (await digests.isLfsPointer(p)) ? -1 : await digests.size(p)
      if (size < 0) throw new NeedsLfsContent(p)
      const shardSize = manifest.shardSize!
      const layout: { start: number; end: number }[] = []
      for (let s = 0; s < size; s += shardSize) layout.push({ start: s, end: Math.min(size, s + shardSize) })
      const sorted = [...want].sort((a, b) => a.start - b.start)
      const sameLayout = sorted.length === layout.length && sorted.every((w, i) => w.start === layout[i]!.start && w.end === layout[i]!.end)
      if (!sameLayout) {
        changed.push(p)
        continue
      }
      const got = await digests.digestRanges(p, algorithm, layout)
      if (got.digests.some((d, i) => d !== sorted[i]!.digest)) changed.push(p)
    }
  } catch (err) {
    if (err instanceof NeedsLfsContent) {
      return {
        kind: 'unverifiable',
        files,
        reason: `'${err.message}' is a Git LFS pointer and the signature uses ${manifest.method === 'shards' ? 'sharded' : manifest.hashType} digests: not verifiable without LFS content`
      }
    }
    throw err
  }
  for (const rel of expected.keys()) {
    if (!actual.has(rel)) missing.push({ name: rel, path: rel === '.' ? (target.file ?? target.dir) : repoPath(target.dir, rel) })
  }
  return { kind: 'compared', files, changed: changed.sort(), extra: extra.sort(), missing: missing.sort((a, b) => (a.name < b.name ? -1 : 1)) }
}
