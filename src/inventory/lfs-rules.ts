import path from 'node:path'
import { minimatch } from 'minimatch'
import { splitLines } from './text.js'

/** One `.gitattributes` line that sets or unsets `filter=lfs`. */
export interface LfsRule {
  /** The `.gitattributes` file (repo-relative). */
  file: string
  line: number
  pattern: string
  /** true for `filter=lfs`; false for `-filter`, `!filter` or another filter (an override). */
  lfs: boolean
}

export interface TreeFile {
  path: string
  /** The committed content is a Git LFS pointer. */
  pointer: boolean
  size: number
  /** Identification's kind, when the file is an artifact. */
  kind: string | null
}

/**
 * What tree-level LFS checks find; the proposed rule ids are `lfs-pointer-missing`
 * (warning: LFS is promised but the blob is the file itself, e.g. committed
 * without git-lfs installed) and `lfs-untracked` (note: a model in plain Git).
 */
export interface LfsProblem {
  rule: 'lfs-pointer-missing' | 'lfs-untracked'
  path: string
  /** The rule that sends the file to LFS (for `lfs-pointer-missing`). */
  matched?: LfsRule
}

export function parseGitattributes(text: string, file: string): LfsRule[] {
  const rules: LfsRule[] = []
  splitLines(text).forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    // Quoted patterns (C-style) are rare; a pattern runs to the first whitespace otherwise.
    const m = /^("(?:[^"\\]|\\.)*"|\S+)\s+(.*)$/.exec(line)
    if (!m) return
    const pattern = m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/\\(.)/g, '$1') : m[1]!
    if (pattern.startsWith('!')) return // negative patterns are not allowed in .gitattributes
    for (const attr of m[2]!.split(/\s+/)) {
      if (attr === 'filter=lfs') rules.push({ file, line: i + 1, pattern, lfs: true })
      else if (attr === '-filter' || attr === '!filter' || (attr.startsWith('filter=') && attr !== 'filter=lfs')) rules.push({ file, line: i + 1, pattern, lfs: false })
    }
  })
  return rules
}

/** Git's precedence: deeper `.gitattributes` files, then later lines, win. Null when no rule matches. */
export function lfsRuleFor(rules: LfsRule[], relPath: string): LfsRule | null {
  let best: { rule: LfsRule; depth: number } | null = null
  for (const rule of rules) {
    const dir = path.posix.dirname(rule.file)
    const base = dir === '.' ? '' : `${dir}/`
    if (base && !relPath.startsWith(base)) continue
    if (!matches(rule.pattern, relPath.slice(base.length))) continue
    const depth = base ? base.split('/').length : 0
    if (!best || depth >= best.depth) best = { rule, depth }
  }
  return best?.rule ?? null
}

/** gitattributes patterns: without a slash, the file name at any depth; with one, anchored to the file's directory. */
function matches(pattern: string, rel: string): boolean {
  const opts = { dot: true, nocomment: true, nonegate: true }
  const p = pattern.replace(/\/$/, '')
  if (!p.includes('/')) return minimatch(path.posix.basename(rel), p, opts)
  return minimatch(rel, p.replace(/^\//, ''), opts)
}

/**
 * A file that an LFS rule covers but that is not a pointer; a model over
 * `minModelSize` (or any artifact over `minUntrackedSize`) that no rule sends to LFS.
 */
export function checkLfs(rules: LfsRule[], files: TreeFile[], minModelSize = 1024 * 1024, minUntrackedSize = 10 * 1024 * 1024): LfsProblem[] {
  const out: LfsProblem[] = []
  for (const f of files) {
    if (path.posix.basename(f.path) === '.gitattributes') continue
    const rule = lfsRuleFor(rules, f.path)
    if (rule?.lfs && !f.pointer) out.push({ rule: 'lfs-pointer-missing', path: f.path, matched: rule })
    else if (!rule?.lfs && !f.pointer && ((f.kind === 'model' && f.size >= minModelSize) || (f.kind !== null && f.size >= minUntrackedSize))) out.push({ rule: 'lfs-untracked', path: f.path })
  }
  return out
}
