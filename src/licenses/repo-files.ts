import path from 'node:path'
import type { TreeReader } from '../verify/tree-reader.js'

/** LICENSE files and metadata are small; anything bigger is read only in part. */
export const MAX_READ = 512 * 1024

/**
 * The scanned tree as license resolution needs it: the files of one directory
 * (not recursive) and small text files, each read once per run. A directory that
 * cannot be listed reads as empty, so resolution degrades to what the artifacts
 * themselves carry.
 */
export class RepoFiles {
  private dirs = new Map<string, Promise<string[]>>()
  private texts = new Map<string, Promise<{ text: string; size: number } | null>>()

  constructor(private readonly tree: TreeReader) {}

  /** Base names of the regular files directly in `dir` ('' = root), sorted. */
  filesIn(dir: string): Promise<string[]> {
    let names = this.dirs.get(dir)
    if (!names) {
      names = this.tree.children(dir).then(
        (paths) => paths.map((p) => path.posix.basename(p)),
        () => []
      )
      this.dirs.set(dir, names)
    }
    return names
  }

  /** UTF-8 text of a file (its first 512 KiB), null when it cannot be read. */
  async text(relPath: string): Promise<string | null> {
    return (await this.sized(relPath))?.text ?? null
  }

  /** The text (its first 512 KiB) and the file's whole size in bytes: a caller that must see all of a file can tell it was cut. */
  sized(relPath: string): Promise<{ text: string; size: number } | null> {
    let t = this.texts.get(relPath)
    if (!t) {
      t = this.read(relPath)
      this.texts.set(relPath, t)
    }
    return t
  }

  private async read(relPath: string): Promise<{ text: string; size: number } | null> {
    try {
      const src = await this.tree.open(relPath)
      try {
        return { text: (await src.read(0, Math.min(src.size, MAX_READ))).toString('utf8'), size: src.size }
      } finally {
        await src.close()
      }
    } catch {
      return null
    }
  }
}

/** `a/b/c` → ['a/b', 'a', '']: the directories from a file's own up to the root. */
export function ancestors(relPath: string): string[] {
  const out: string[] = []
  let d = path.posix.dirname(relPath)
  for (;;) {
    out.push(d === '.' ? '' : d)
    if (d === '.' || d === '' || d === '/') return out
    d = path.posix.dirname(d)
  }
}

export function joinPath(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name
}
