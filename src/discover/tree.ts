import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import path from 'node:path'
import ignoreFactory, { type Ignore } from 'ignore'
import { FileByteSource } from '../util/byte-source.js'
import type { Candidate, Discovery, EscapingLink } from './types.js'

interface Level {
  /** Directory of the .gitignore, relative to the scanned root ('' for the root and for folders above it). */
  base: string
  /** For a .gitignore above the scanned root: the path from its folder down to the root (`sub/dir`). */
  above?: string
  rules: Ignore
}

/**
 * Whole-tree discovery: every regular file under `root`, honouring nested
 * `.gitignore` files and the config's ignore globs. Symlinks are never followed;
 * one that points out of the tree is reported.
 *
 * A root inside a git work tree also honours the .gitignore files between the work tree's
 * top and the root, as git does. If those ignore the root itself, it was named on purpose:
 * it is scanned under its own .gitignore files only.
 */
export async function discoverTree(root: string, isIgnored: (rel: string) => boolean): Promise<Discovery> {
  const absRoot = path.resolve(root)
  const candidates: Candidate[] = []
  const escapingLinks: EscapingLink[] = []
  const inherited = await parentLevels(absRoot)

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
  await walk('', inherited)
  return { candidates, escapingLinks }
}

/** The .gitignore files from the git work tree's top down to (not including) `absRoot`, outermost first. */
async function parentLevels(absRoot: string): Promise<Level[]> {
  const top = await workTreeTop(absRoot)
  if (top === null || top === absRoot) return []
  const steps = path.relative(top, absRoot).split(path.sep)
  const found: { depth: number; rules: Ignore }[] = []
  for (let depth = 0; depth < steps.length; depth++) {
    const own = await readGitignore(path.join(top, ...steps.slice(0, depth)), '')
    if (own) found.push({ depth, rules: own.rules })
    // Each folder on the way down, the root last, as git sees it from the .gitignore files above it.
    const below = found.map(({ depth: d, rules }) => ({ base: '', above: steps.slice(d, depth + 1).join('/'), rules }))
    if (gitIgnored(below, '', true)) return []
  }
  return found.map(({ depth, rules }) => ({ base: '', above: steps.slice(depth).join('/'), rules }))
}

/** The nearest folder at or above `dir` holding `.git` (a folder, or a file for worktrees and submodules), or null. */
async function workTreeTop(dir: string): Promise<string | null> {
  for (let at = dir; ; at = path.dirname(at)) {
    if (await lstat(path.join(at, '.git')).then(() => true, () => false)) return at
    if (path.dirname(at) === at) return null
  }
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
    const sub = level.above !== undefined ? (rel ? `${level.above}/${rel}` : level.above) : level.base ? rel.slice(level.base.length + 1) : rel
    const verdict = level.rules.test(isDir ? `${sub}/` : sub)
    if (verdict.ignored) ignored = true
    else if (verdict.unignored) ignored = false
  }
  return ignored
}
