import path from 'node:path'
import { open, realpath } from 'node:fs/promises'
import { git } from '../util/run-git.js'
import { MAX_MANIFEST_BYTES } from './text.js'

/**
 * Reads other files of the scanned tree for manifests that include them
 * (`-r base.txt`). Paths are repo-relative and already checked to stay inside the
 * tree; null means the file is not there (or is not a regular file).
 */
export interface IncludeReader {
  read(relPath: string): Promise<Buffer | null>
}

/** A repo-relative include target, or why it is not followed. */
export function resolveInclude(fromFile: string, target: string): { path: string } | { refused: string } {
  const t = target.trim().replace(/\\/g, '/')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t) || /^file:/i.test(t)) return { refused: 'it is a URL, which ModelGate does not fetch' }
  if (t.startsWith('/') || /^[a-z]:\//i.test(t) || t.startsWith('~')) return { refused: 'it is an absolute path, outside the repository' }
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), t))
  if (joined === '..' || joined.startsWith('../')) return { refused: 'it leads outside the repository' }
  if (joined === '.' || joined === '') return { refused: 'it is not a file' }
  return { path: joined }
}

/** Reads from a checked-out tree; a symlink that resolves outside `root` is not followed. */
export function treeIncludeReader(root: string): IncludeReader {
  const absRoot = path.resolve(root)
  return {
    async read(relPath) {
      try {
        const real = await realpath(path.join(absRoot, relPath))
        const realRoot = await realpath(absRoot)
        if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null
        const fh = await open(real, 'r')
        try {
          const st = await fh.stat()
          if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) return null
          return await fh.readFile()
        } finally {
          await fh.close()
        }
      } catch {
        return null
      }
    }
  }
}

/** Reads from a commit (change mode), so the include is the version under review. */
export function gitIncludeReader(repo: string, commit: string): IncludeReader {
  return {
    async read(relPath) {
      try {
        // ls-tree gives the mode: a symlink (120000) is not followed, as in the tree walk.
        const entry = (await git(repo, ['--literal-pathspecs', 'ls-tree', '-l', '-z', commit, '--', relPath])).toString('utf8').split('\0')[0] ?? ''
        const m = /^(\d+) blob ([0-9a-f]+)\s+(\d+)\t/.exec(entry)
        if (!m || m[1] === '120000' || Number(m[3]) > MAX_MANIFEST_BYTES) return null
        return await git(repo, ['cat-file', 'blob', m[2]!])
      } catch {
        return null
      }
    }
  }
}
