import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { FileByteSource } from '../util/byte-source.js'
import { git, writeBlob } from '../util/run-git.js'
import { UsageError } from '../util/errors.js'
import type { ChangeType } from '../types.js'
import type { Candidate, Discovery, EscapingLink } from './types.js'

const SYMLINK_MODE = '120000'
const SUBMODULE_MODE = '160000'
const ZERO_SHA = /^0+$/

export interface ChangeDiscovery extends Discovery {
  base: string
  head: string
  /** Removes the temporary blobs written while scanning. */
  cleanup(): Promise<void>
}

/**
 * Change discovery: the files that differ between the merge base of `base` and
 * `head` (GitHub's three-dot pull-request diff), with renames. Content is read
 * from git objects, so the working tree does not have to match `head`.
 *
 * `repo` may be a folder inside the work tree: then only changes under it count (a file
 * renamed out of it is removed from it). Paths stay repository-relative, as in pull requests;
 * `isIgnored` sees them relative to `repo`, where the config and its `ignore` globs live.
 */
export async function discoverChange(repo: string, base: string, head: string, isIgnored: (rel: string) => boolean): Promise<ChangeDiscovery> {
  const top = (await git(repo, ['rev-parse', '--show-toplevel'])).toString('utf8').trim()
  // `models/` for a folder inside the repository, '' at its top (only the line break goes: names may end in spaces).
  const prefix = (await git(repo, ['rev-parse', '--show-prefix'])).toString('utf8').replace(/\n$/, '')
  const baseSha = await resolve(top, base, '--base')
  const headSha = await resolve(top, head, '--head')
  const raw = await git(top, ['diff', '--raw', '-z', '-M', '--no-abbrev', '--no-ext-diff', '--no-textconv', `${baseSha}...${headSha}`])
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'modelgate-blobs-'))
  let counter = 0
  const blobOpener = (sha: string) => async () => {
    const dest = path.join(tmp, `${counter++}`)
    await writeBlob(top, sha, dest)
    return FileByteSource.open(dest, () => rm(dest, { force: true }))
  }

  const candidates: Candidate[] = []
  const escapingLinks: EscapingLink[] = []
  for (const entry of scopeTo(parseRawDiff(raw), prefix)) {
    if (isIgnored(entry.path.slice(prefix.length))) continue
    const live = entry.change === 'removed' ? { mode: entry.oldMode, sha: entry.oldSha } : { mode: entry.newMode, sha: entry.newSha }
    if (live.mode === SUBMODULE_MODE) continue
    if (live.mode === SYMLINK_MODE) {
      if (entry.change !== 'removed') {
        const target = (await git(top, ['cat-file', 'blob', live.sha])).toString('utf8')
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(entry.path), target))
        if (path.posix.isAbsolute(target) || resolved === '..' || resolved.startsWith('../')) escapingLinks.push({ path: entry.path, target })
      }
      continue
    }
    const hasBase = (entry.change === 'modified' || entry.change === 'renamed') && !ZERO_SHA.test(entry.oldSha) && entry.oldMode !== SYMLINK_MODE && entry.oldMode !== SUBMODULE_MODE
    candidates.push({
      path: entry.path,
      change: entry.change,
      ...(entry.oldPath ? { oldPath: entry.oldPath } : {}),
      open: blobOpener(live.sha),
      ...(hasBase ? { openBase: blobOpener(entry.oldSha) } : {})
    })
  }
  return { candidates, escapingLinks, base: baseSha, head: headSha, cleanup: () => rm(tmp, { recursive: true, force: true }) }
}

async function resolve(top: string, ref: string, flag: string): Promise<string> {
  if (ref.startsWith('-')) throw new UsageError(`${flag} ${ref}: a ref cannot start with '-'`)
  try {
    return (await git(top, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`])).toString('utf8').trim()
  } catch {
    throw new UsageError(`${flag} ${ref}: not a commit in ${top}; fetch it first (e.g. actions/checkout with fetch-depth: 0)`)
  }
}

/**
 * The entries under `prefix` (`dir/`, or '' for the whole repository). A rename into the folder
 * stays a rename (its old path is outside); a rename out of it is, seen from the folder, a removal.
 */
export function scopeTo(entries: RawEntry[], prefix: string): RawEntry[] {
  if (prefix === '') return entries
  const out: RawEntry[] = []
  for (const e of entries) {
    if (e.path.startsWith(prefix)) out.push(e)
    else if (e.change === 'renamed' && e.oldPath?.startsWith(prefix)) {
      out.push({ oldMode: e.oldMode, newMode: '000000', oldSha: e.oldSha, newSha: '0'.repeat(e.oldSha.length), change: 'removed', path: e.oldPath })
    }
  }
  return out
}

export interface RawEntry {
  oldMode: string
  newMode: string
  oldSha: string
  newSha: string
  change: ChangeType
  path: string
  oldPath?: string
}

/** Parses `git diff --raw -z` output: `:old new oldsha newsha STATUS\0path\0[newpath\0]`. */
export function parseRawDiff(raw: Buffer): RawEntry[] {
  const fields = raw.toString('utf8').split('\0')
  const out: RawEntry[] = []
  for (let i = 0; i < fields.length; ) {
    const meta = fields[i++]
    if (!meta) continue
    const [oldMode, newMode, oldSha, newSha, status] = meta.slice(1).split(' ') as [string, string, string, string, string]
    const letter = status[0]
    if (letter === 'R' || letter === 'C') {
      const from = fields[i++]!
      const to = fields[i++]!
      out.push({ oldMode, newMode, oldSha, newSha, change: letter === 'R' ? 'renamed' : 'added', path: to, ...(letter === 'R' ? { oldPath: from } : {}) })
      continue
    }
    const p = fields[i++]!
    const change: ChangeType = letter === 'A' ? 'added' : letter === 'D' ? 'removed' : 'modified'
    if (change === 'added' && ZERO_SHA.test(newSha)) continue
    out.push({ oldMode, newMode, oldSha, newSha, change, path: p })
  }
  return out
}
