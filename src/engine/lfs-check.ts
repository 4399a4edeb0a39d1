import path from 'node:path'
import type { Artifact, Finding } from '../types.js'
import { checkLfs, parseGitattributes, type LfsRule } from '../inventory/lfs-rules.js'
import type { TreeReader } from '../verify/tree-reader.js'
import { formatSize } from '../report/format-size.js'
import { MEDIA_FOLDER_FORMAT } from './media-folders.js'

const MAX_GITATTRIBUTES = 256 * 1024

/**
 * Git LFS hygiene for the scanned artifacts, from the `.gitattributes` files on
 * their paths. "Promised to LFS but committed whole" is judged only in change
 * mode, where content comes from git objects: a working tree checked out with
 * `lfs: true` holds the real bytes and would look like a broken pointer.
 */
export async function checkLfsRules(artifacts: readonly Artifact[], tree: TreeReader, mode: 'tree' | 'change'): Promise<Finding[]> {
  // A media folder record is no file of its own: `.gitattributes` speaks about its files.
  const live = artifacts.filter((a) => a.change !== 'removed' && a.format !== MEDIA_FOLDER_FORMAT)
  if (live.length === 0) return []
  const dirs = new Set<string>([''])
  for (const a of live) for (let d = path.posix.dirname(a.path); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d)
  const rules: LfsRule[] = []
  // Shallow files first: deeper .gitattributes override shallower ones, as in git.
  for (const dir of [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))) {
    const file = dir ? `${dir}/.gitattributes` : '.gitattributes'
    const text = await readSmall(tree, file)
    if (text !== null) rules.push(...parseGitattributes(text, file))
  }
  const problems = checkLfs(rules, live.map((a) => ({ path: a.path, pointer: a.lfs !== null, size: a.size, kind: a.kind })))
  const bySize = new Map(live.map((a) => [a.path, a.size]))
  return problems
    .filter((p) => p.rule === 'lfs-untracked' || mode === 'change')
    .map((p): Finding =>
      p.rule === 'lfs-pointer-missing'
        ? {
            rule: 'lfs-pointer-missing',
            severity: 'warning',
            path: p.path,
            line: null,
            message: `${p.matched ? `\`${p.matched.pattern}\` in ${p.matched.file}:${p.matched.line}` : '.gitattributes'} sends this file to Git LFS, but the commit holds its ${formatSize(bySize.get(p.path) ?? 0)} of content instead of an LFS pointer.`,
            fix: `Run \`git lfs install\`, then \`git rm --cached ${p.path}\` and \`git add ${p.path}\` so it is committed as a pointer.`
          }
        : {
            rule: 'lfs-untracked',
            severity: 'note',
            path: p.path,
            line: null,
            message: `This ${formatSize(bySize.get(p.path) ?? 0)} file is committed to plain Git; no .gitattributes rule sends it to Git LFS.`,
            fix: `Track it with \`git lfs track "*${path.posix.extname(p.path) || path.posix.basename(p.path)}"\`, commit .gitattributes, and re-add the file.`
          }
    )
}

async function readSmall(tree: TreeReader, file: string): Promise<string | null> {
  try {
    const src = await tree.open(file)
    try {
      return src.size > MAX_GITATTRIBUTES ? null : (await src.read(0, src.size)).toString('utf8')
    } finally {
      await src.close()
    }
  } catch {
    return null
  }
}
