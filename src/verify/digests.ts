import { createHash } from 'node:crypto'
import type { Artifact } from '../types.js'
import { lfsOidOrSha256 } from '../hash/sha256.js'
import { LFS_POINTER_MAX_SIZE, parseLfsPointer } from '../identify/lfs.js'
import type { TreeReader } from './tree-reader.js'

export type FileDigest = { sha256: string; lfs: boolean }

/** Raised when a digest needs the file's content but only a Git LFS pointer is in the tree. */
export class NeedsLfsContent extends Error {}

/**
 * The digests verification needs, computed at most once per file: the scan's own SHA-256 (artifact or
 * `digestOf`) when it has one, the oid of a Git LFS pointer (never its blob), otherwise one streaming
 * pass over the file from the tree. Other algorithms and byte ranges read the file, and fail with
 * `NeedsLfsContent` for pointers.
 */
export class DigestCache {
  private readonly sha = new Map<string, Promise<FileDigest>>()
  private readonly byArtifact = new Map<string, Artifact>()
  /** Files this cache hashed itself (for tests: verification cost). */
  readonly hashed: string[] = []

  constructor(
    private readonly tree: TreeReader,
    artifacts: readonly Artifact[],
    private readonly digestOf?: (relPath: string) => string | undefined
  ) {
    for (const a of artifacts) if (a.change !== 'removed') this.byArtifact.set(a.path, a)
  }

  sha256(relPath: string): Promise<FileDigest> {
    let p = this.sha.get(relPath)
    if (!p) {
      p = this.computeSha256(relPath)
      this.sha.set(relPath, p)
    }
    return p
  }

  private async computeSha256(relPath: string): Promise<FileDigest> {
    const a = this.byArtifact.get(relPath)
    if (a) return { sha256: a.sha256, lfs: a.lfs !== null }
    const known = this.digestOf?.(relPath)
    if (known) return { sha256: known, lfs: false }
    const src = await this.tree.open(relPath)
    try {
      const { sha256, lfs } = await lfsOidOrSha256(src)
      if (!lfs) this.hashed.push(relPath)
      return { sha256, lfs }
    } finally {
      await src.close()
    }
  }

  /** Whether the tree holds a Git LFS pointer rather than the content. */
  async isLfsPointer(relPath: string): Promise<boolean> {
    const a = this.byArtifact.get(relPath)
    if (a) return a.lfs !== null
    const src = await this.tree.open(relPath)
    try {
      return src.size <= LFS_POINTER_MAX_SIZE && parseLfsPointer(await src.read(0, src.size), src.size)?.ok === true
    } finally {
      await src.close()
    }
  }

  /** Digest of the whole file with a Node hash (`blake2b512`, ...), or of byte ranges of it. */
  async digestRanges(relPath: string, algorithm: string, ranges: { start: number; end: number }[] | null): Promise<{ size: number; digests: string[] }> {
    if (await this.isLfsPointer(relPath)) throw new NeedsLfsContent(relPath)
    const src = await this.tree.open(relPath)
    try {
      this.hashed.push(relPath)
      const want = ranges ?? [{ start: 0, end: src.size }]
      const digests: string[] = []
      for (const r of want) {
        const h = createHash(algorithm)
        if (r.end > src.size) {
          digests.push('')
          continue
        }
        for await (const chunk of src.stream(r.start, r.end)) h.update(chunk)
        digests.push(h.digest('hex'))
      }
      return { size: src.size, digests }
    } finally {
      await src.close()
    }
  }

  async size(relPath: string): Promise<number> {
    const src = await this.tree.open(relPath)
    try {
      return src.size
    } finally {
      await src.close()
    }
  }
}
