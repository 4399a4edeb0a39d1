import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import path from 'node:path'
import ignoreFactory, { type Ignore } from 'ignore'
import { FileByteSource } from '../util/byte-source.js'
import type { Candidate, Discovery, EscapingLink } from './types.js'

interface Level {
  /** Directory of the .gitignore, repo-relative ('' for the root). */
  base: string
  rules: Ignore
}

/**
 * Whole-tree discovery: every regular file under `root`, honouring nested
 * `.gitignore` files and the config's ignore globs. Symlinks are never followed;
 * one that points out of the tree is reported.
 */
export async function discoverTree(root: string, isIgnored: (rel: string) => boolean): Promise<Discovery> {
  const absRoot = path.resolve(root)
  const candidates: Candidate[] = []
  const escapingLinks: EscapingLink[] = []

  const walk = async (rel: string, levels: Level[]): Promise<void> => {
    const dir = path.join(absRoot, rel)
    const own = await readGitignore(dir, rel)
    const active = own ? [...levels, own] : levels
    const entries = await readdir(dir, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (entry.name === '.git') continue
      const childRel = rel ? `${rel}/${entry.name}` : entry.name
      const isDir = entry.isDirectory()
      if (gitIgnored(active, childRel, isDir) || isIgnored(childRel)) continue
      const abs = path.join(absRoot, childRel)
      if (entry.isSymbolicLink()) {
        const target = await readlink(abs)
        const resolved = path.resolve(path.dirname(abs), target)
        if (resolved !== absRoot && !resolved.startsWith(absRoot + path.sep)) escapingLinks.push({ path: childRel, target })
        continue
      }
      if (isDir) await walk(childRel, active)
      else if (entry.isFile()) candidates.push(treeCandidate(abs, childRel))
    }
  }
  await walk('', [])
  return { candidates, escapingLinks }
}

function treeCandidate(abs: string, rel: string): Candidate {
  return {
    path: rel,
    change: 'unchanged',
    open: async () => {
      // Re-check at open time: the file may have been swapped for a symlink since the walk.
      const st = await lstat(abs)
      if (!st.isFile()) throw new Error(`${rel} is no longer a regular file`)
      return FileByteSource.open(abs)
    }
  }
}

async function readGitignore(dir: string, rel: string): Promise<Level | null> {
  let text: string
  try {
    text = await readFile(path.join(dir, '.gitignore'), 'utf8')
  } catch {
    return null
  }
  return { base: rel, rules: ignoreFactory().add(text) }
}

/** Git precedence: the deepest .gitignore with an opinion (ignore or `!` re-include) wins. */
function gitIgnored(levels: Level[], rel: string, isDir: boolean): boolean {
  let ignored = false
  for (const level of levels) {
    const sub = level.base ? rel.slice(level.base.length + 1) : rel
    const verdict = level.rules.test(isDir ? `${sub}/` : sub)
    if (verdict.ignored) ignored = true
    else if (verdict.unignored) ignored = false
  }
  return ignored
}
