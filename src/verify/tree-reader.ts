import { lstat, readdir, realpath } from 'node:fs/promises'
import path from 'node:path'
import type { ByteSource } from '../util/byte-source.js'
import { FileByteSource } from '../util/byte-source.js'
import { git, writeBlob } from '../util/run-git.js'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'

/**
 * Read access to the scanned state of the repository (the head side in change
 * mode), for checks that look beyond the changed files: a model signature covers a
 * whole directory, unchanged files included.
 */
export interface TreeReader {
  /** Every regular file under `dir` (repo-relative, '' = root), recursively, `/`-separated, sorted. */
  list(dir: string): Promise<string[]>
  /** The regular files directly in `dir` (not in its subfolders), repo-relative, sorted. */
  children(dir: string): Promise<string[]>
  open(relPath: string): Promise<ByteSource & { close(): Promise<void> }>
}

/** The working tree on disk. Symlinks are not followed (and not listed). */
export function fsTreeReader(root: string): TreeReader {
  const abs = path.resolve(root)
  return {
    async list(dir) {
      const out: string[] = []
      const walk = async (rel: string): Promise<void> => {
        const entries = await readdir(path.join(abs, rel), { withFileTypes: true }).catch(() => [])
        for (const e of entries) {
          if (e.name === '.git') continue
          const child = rel ? `${rel}/${e.name}` : e.name
          if (e.isDirectory()) await walk(child)
          else if (e.isFile()) out.push(child)
        }
      }
      await walk(dir)
      return out.sort()
    },
    async children(dir) {
      const entries = await readdir(path.join(abs, dir), { withFileTypes: true }).catch(() => [])
      return entries
        .filter((e) => e.isFile())
        .map((e) => (dir ? `${dir}/${e.name}` : e.name))
        .sort()
    },
    async open(relPath) {
      const file = path.join(abs, relPath)
      if (!(await lstat(file)).isFile()) throw new Error(`${relPath} is not a regular file`)
      // A symlinked folder on the way must not lead out of the tree.
      const [real, realRoot] = await Promise.all([realpath(file), realpath(abs)])
      if (!real.startsWith(realRoot + path.sep)) throw new Error(`${relPath} resolves outside the repository`)
      return FileByteSource.open(file)
    }
  }
}

/** A commit's tree, read from git objects. */
export function gitTreeReader(repo: string, commit: string): TreeReader {
  let tmp: Promise<string> | null = null
  let n = 0
  return {
    list: (dir) => lsTree(repo, ['-r', '--full-tree', commit, ...(dir ? ['--', dir] : [])]),
    children: (dir) => lsTree(repo, ['--full-tree', commit, ...(dir ? ['--', `${dir}/`] : [])]),
    async open(relPath) {
      tmp ??= mkdtemp(path.join(os.tmpdir(), 'modelgate-tree-'))
      const dest = path.join(await tmp, String(n++))
      await writeBlob(repo, `${commit}:${relPath}`, dest)
      return FileByteSource.open(dest, () => rm(dest, { force: true }))
    }
  }
}

async function lsTree(repo: string, args: string[]): Promise<string[]> {
  const out = await git(repo, ['ls-tree', '-z', ...args])
  return out
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t')
      return { mode: line.slice(0, tab).split(' ')[0], name: line.slice(tab + 1) }
    })
    .filter((e) => e.mode === '100644' || e.mode === '100755')
    .map((e) => e.name)
    .sort()
}
