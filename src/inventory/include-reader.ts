import path from 'node:path'
import { fsTreeReader, type TreeReader } from '../verify/tree-reader.js'
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

/**
 * Includes are read through the scan's view of the head state (fs, git or API), so
 * a `-r` file is the same bytes the scan sees; size-capped, never following links.
 */
export function includeReaderOf(tree: TreeReader): IncludeReader {
  return {
    async read(relPath) {
      try {
        const src = await tree.open(relPath)
        try {
          return src.size > MAX_MANIFEST_BYTES ? null : await src.read(0, src.size)
        } finally {
          await src.close()
        }
      } catch {
        return null
      }
    }
  }
}

/** Convenience for a directory on disk. */
export function treeIncludeReader(root: string): IncludeReader {
  return includeReaderOf(fsTreeReader(root))
}
