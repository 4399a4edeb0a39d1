/**
 * Real git object ids for seeded files, so blob/tree shas the fake returns equal what
 * `git hash-object` / `git write-tree` give for the same content in a fixture workspace.
 */
import crypto from 'node:crypto'

export interface GitFile {
  content: Buffer
  mode: string
  sha: string
  /** The size GitHub reports when it differs from `content` (a stand-in for a file too large to build in a test). */
  size?: number
}

/** The size GitHub reports for a file: its declared size, else its content's. */
export const sizeOf = (f: GitFile): number => f.size ?? f.content.length

export interface TreeEntry {
  path: string
  mode: string
  type: 'blob' | 'tree'
  sha: string
  size?: number
}

export interface Tree {
  sha: string
  /** direct children, names relative to this tree */
  entries: TreeEntry[]
}

export function gitObjectSha(type: 'blob' | 'tree', body: Buffer): string {
  return crypto.createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex')
}

export function toGitFile(content: string | Buffer, mode = '100644'): GitFile {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  return { content: buf, mode, sha: gitObjectSha('blob', buf) }
}

/** Builds every (sub)tree of a flat path → file map; returns the root sha and all trees by sha. */
export function buildTrees(files: Map<string, GitFile>): { root: string; trees: Map<string, Tree> } {
  interface Dir {
    dirs: Map<string, Dir>
    files: Map<string, GitFile>
  }
  const root: Dir = { dirs: new Map(), files: new Map() }
  for (const [p, f] of files) {
    const parts = p.split('/')
    const name = parts.pop() as string
    let d = root
    for (const part of parts) {
      let next = d.dirs.get(part)
      if (!next) d.dirs.set(part, (next = { dirs: new Map(), files: new Map() }))
      d = next
    }
    d.files.set(name, f)
  }
  const trees = new Map<string, Tree>()
  const write = (d: Dir): string => {
    const entries: TreeEntry[] = [
      ...[...d.dirs].map(([name, sub]): TreeEntry => ({ path: name, mode: '040000', type: 'tree', sha: write(sub) })),
      ...[...d.files].map(([name, f]): TreeEntry => ({ path: name, mode: f.mode, type: 'blob', sha: f.sha, size: sizeOf(f) }))
    ]
    // git orders entries by name, comparing a tree's name as if it ended in "/"
    const sortKey = (e: TreeEntry): string => (e.type === 'tree' ? `${e.path}/` : e.path)
    entries.sort((a, b) => Buffer.compare(Buffer.from(sortKey(a)), Buffer.from(sortKey(b))))
    const body = Buffer.concat(
      entries.flatMap((e) => [Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.path}\0`), Buffer.from(e.sha, 'hex')])
    )
    const sha = gitObjectSha('tree', body)
    trees.set(sha, { sha, entries })
    return sha
  }
  return { root: write(root), trees }
}

/** Flattens a tree recursively into GitHub's `tree[]` shape (paths relative to the requested tree). */
export function flattenTree(trees: Map<string, Tree>, sha: string, prefix = ''): TreeEntry[] {
  const out: TreeEntry[] = []
  for (const e of trees.get(sha)?.entries ?? []) {
    const p = prefix + e.path
    out.push({ ...e, path: p })
    if (e.type === 'tree') out.push(...flattenTree(trees, e.sha, `${p}/`))
  }
  return out
}
