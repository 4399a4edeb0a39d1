import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { downloadBlob, type RepoCoords } from '../github/api-tree-reader.js'
import type { GitHubClient } from '../github/client.js'
import { describeFailure, type RequestFailure } from '../github/errors.js'
import type { ProvidedChange } from '../engine/scan.js'
import type { ChangeType } from '../types.js'
import { FileByteSource } from '../util/byte-source.js'
import { git, writeBlob } from '../util/run-git.js'
import { gitTreeReader, type TreeReader } from '../verify/tree-reader.js'
import { discoverChange } from './change.js'
import type { Candidate } from './types.js'

/** pulls.listFiles stops at this many files; a larger PR is compared with a local git diff. */
export const MAX_API_FILES = 3000
/** GitHub serves blobs up to 100 MB through the API. */
export const MAX_API_BLOB = 100 * 1024 * 1024

/** One entry of pulls.listFiles, as much of it as the action uses. */
export interface PullFile {
  filename: string
  status: string
  sha: string | null
  previous_filename?: string
  /** Unified diff hunks; absent for binary files and very large diffs. */
  patch?: string
}

export interface PullRequestChange extends ProvidedChange {
  /** The PR's files with their patches (for placing review comments); empty patches after a fallback. */
  files: PullFile[]
  /** Where the file list came from: the API, or a local git diff (over 3,000 files, or the API refused to list them). */
  source: 'api' | 'git'
  changedFiles: number
}

export interface PullRequestTarget {
  owner: string
  repo: string
  number: number
  baseSha: string
  headSha: string
}

export interface PullRequestOptions {
  /**
   * Makes `base...head` comparable in the workspace's git (the action fetches what a shallow
   * checkout lacks). With it, a pull request the API cannot list (over 3,000 files, or a 403 on
   * reading it) is compared locally; without it (the bot has no checkout) those cases throw.
   */
  prepareLocal?: (base: string, head: string) => Promise<void>
}

const STATUS: Record<string, ChangeType | undefined> = {
  added: 'added',
  copied: 'added',
  removed: 'removed',
  modified: 'modified',
  changed: 'modified',
  renamed: 'renamed'
}

/**
 * The files a pull request changes, from the API (paginated, with renames and removals). Content is
 * read by blob id: from the workspace's git objects when the checkout has them (the PR head or its
 * merge commit), otherwise from the API as data, up to GitHub's 100 MB (the commit's tree listing
 * gives the size first, so a larger file is reported, never requested). A Git LFS pointer is read as
 * the pointer it is; the LFS object is never downloaded. Nothing is ever executed.
 */
export async function discoverPullRequest(
  client: GitHubClient,
  pr: PullRequestTarget,
  workspace: string,
  isIgnored: (rel: string) => boolean,
  log: (line: string) => void,
  opts: PullRequestOptions = {}
): Promise<PullRequestChange> {
  const { owner, repo, number } = pr
  let listing: { changedFiles: number; files: PullFile[] | null }
  try {
    listing = await listPullFiles(client, pr)
  } catch (err) {
    const f = describeFailure(err)
    if (!f.forbidden || !opts.prepareLocal) throw err
    const denied = `GitHub answered 403 to reading pull request #${number} (${f.message}${f.acceptedPermissions ? `; it accepts ${f.acceptedPermissions}` : ''}): grant \`pull-requests: read\` in the workflow's permissions (private repositories need it)`
    const local = await localChange(workspace, pr, isIgnored, opts.prepareLocal).catch((e: Error) => {
      throw new Error(`${denied}. Comparing the commits in the checkout instead failed too: ${e.message}`)
    })
    log(`${denied}. ModelGate compared ${short(pr.baseSha)}...${short(pr.headSha)} in the local git checkout instead, so review comments can only be file-level.`)
    return { ...local, changedFiles: local.files.length }
  }
  if (listing.files === null) {
    // the bot has no checkout: it checks the size itself and never gets here
    if (!opts.prepareLocal) throw new Error(`pull request #${number} changes ${listing.changedFiles} files, more than the API lists, and there is no checkout to compare in`)
    log(`This pull request changes ${listing.changedFiles} files; GitHub lists at most ${MAX_API_FILES}, so ModelGate compares ${short(pr.baseSha)}...${short(pr.headSha)} with the local git checkout instead.`)
    return { ...(await localChange(workspace, pr, isIgnored, opts.prepareLocal)), changedFiles: listing.changedFiles }
  }

  const listed = listing.files
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'modelgate-pr-'))
  const hasCommit = (sha: string) =>
    git(workspace, ['cat-file', '-e', `${sha}^{commit}`]).then(
      () => true,
      () => false
    )
  // each side's tree through the API, listed once and only when something asks: the head state for
  // directory-wide checks (a signature covers a whole model folder), the base state for keys and
  // certificates the policy names (the PR cannot swap what it is checked against), and both for sizes
  const headTree = (await hasCommit(pr.headSha)) ? null : new ApiCommitTree(client, { owner, repo }, pr.headSha, tmp)
  const baseTree = (await hasCommit(pr.baseSha)) ? null : new ApiCommitTree(client, { owner, repo }, pr.baseSha, tmp)
  const blobs = new BlobReader(client, { owner, repo }, workspace, tmp)
  const candidates: Candidate[] = []
  for (const f of listed) {
    const change = STATUS[f.status]
    if (!change || isIgnored(f.filename) || !f.sha) continue
    const sha = f.sha
    // GitHub lists a removed file with its base blob
    const tree = change === 'removed' ? baseTree : headTree
    const basePath = change === 'renamed' && f.previous_filename ? f.previous_filename : f.filename
    candidates.push({
      path: f.filename,
      change,
      ...(change === 'renamed' && f.previous_filename ? { oldPath: f.previous_filename } : {}),
      open: () => blobs.open(sha, async () => tree?.size(f.filename)),
      // the base side, for changed pins and replaced models; looked up only when a stage asks
      ...(change === 'modified' || change === 'renamed' ? { openBase: () => openBase(blobs, client, pr, workspace, baseTree, basePath) } : {})
    })
  }
  return {
    candidates,
    escapingLinks: [],
    tree: headTree ?? gitTreeReader(workspace, pr.headSha),
    trustTree: baseTree ?? gitTreeReader(workspace, pr.baseSha),
    base: pr.baseSha,
    head: pr.headSha,
    files: listed,
    source: 'api',
    changedFiles: listing.changedFiles,
    cleanup: () => rm(tmp, { recursive: true, force: true })
  }
}

/** pulls.get, then pulls.listFiles (paginated) unless the PR is larger than the API lists (`files: null`). */
async function listPullFiles(client: GitHubClient, pr: PullRequestTarget): Promise<{ changedFiles: number; files: PullFile[] | null }> {
  const { owner, repo, number } = pr
  const { data } = await client.rest.pulls.get({ owner, repo, pull_number: number })
  if (data.changed_files > MAX_API_FILES) return { changedFiles: data.changed_files, files: null }
  const files = (await client.paginate(client.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 })) as PullFile[]
  return { changedFiles: data.changed_files, files }
}

/** The change from a local `git diff base...head`; review comments on its files can only be file-level (no patches). */
async function localChange(workspace: string, pr: PullRequestTarget, isIgnored: (rel: string) => boolean, prepare: (base: string, head: string) => Promise<void>): Promise<Omit<PullRequestChange, 'changedFiles'>> {
  await prepare(pr.baseSha, pr.headSha)
  const local = await discoverChange(workspace, pr.baseSha, pr.headSha, isIgnored)
  const files = local.candidates.map((c) => ({ filename: c.path, status: c.change, sha: null }))
  return { ...local, files, source: 'git', tree: gitTreeReader(workspace, local.head), trustTree: gitTreeReader(workspace, local.base) }
}

/** The base side of a path: its blob id from the checkout's git objects, the base tree listing, or the contents API. */
async function openBase(blobs: BlobReader, client: GitHubClient, pr: PullRequestTarget, workspace: string, baseTree: ApiCommitTree | null, relPath: string): Promise<FileByteSource> {
  if (!baseTree) {
    const local = await git(workspace, ['rev-parse', '--verify', '--quiet', `${pr.baseSha}:${relPath}`]).then(
      (out) => out.toString('utf8').trim(),
      () => ''
    )
    if (!local) throw new Error(`${relPath} is not a file on the base commit ${short(pr.baseSha)}`)
    return blobs.open(local, async () => undefined)
  }
  const listed = await baseTree.entry(relPath)
  if (listed) return blobs.open(listed.sha, async () => listed.size)
  if (!(await baseTree.truncated())) throw new Error(`${relPath} is not a file on the base commit ${short(pr.baseSha)}`)
  // a listing GitHub cut short: ask for this one file (a file over 100 MB answers 403 too large)
  try {
    const { data } = await client.rest.repos.getContent({ owner: pr.owner, repo: pr.repo, path: relPath, ref: pr.baseSha })
    if (Array.isArray(data) || data.type !== 'file') throw new Error(`${relPath} is not a file on the base commit ${short(pr.baseSha)}`)
    return blobs.open(data.sha, async () => data.size)
  } catch (err) {
    throw isTooLarge(describeFailure(err)) ? tooLarge(null) : err
  }
}

interface Entry {
  sha: string
  size: number
}

/**
 * A commit's regular files (blob id and size) from one recursive tree listing, read lazily: the
 * tree reader for a side the checkout does not have, and the sizes that keep a file over the API's
 * limit from being requested. Symlinks and submodules are not files here and are never followed.
 */
class ApiCommitTree implements TreeReader {
  private listing: Promise<{ files: Map<string, Entry>; truncated: boolean }> | undefined

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: RepoCoords,
    private readonly commit: string,
    private readonly tmp: string
  ) {}

  private load() {
    this.listing ??= this.client.rest.git.getTree({ ...this.repo, tree_sha: this.commit, recursive: '1' }).then(({ data }) => ({
      truncated: data.truncated,
      files: new Map(data.tree.filter((e) => e.type === 'blob' && e.mode !== '120000' && e.path && e.sha).map((e) => [e.path as string, { sha: e.sha as string, size: e.size ?? 0 }]))
    }))
    return this.listing
  }

  /** The whole listing, for directory-wide checks that must not miss a file. */
  private async complete(): Promise<Map<string, Entry>> {
    const { files, truncated } = await this.load()
    if (truncated) throw new Error(`the tree of ${short(this.commit)} is too large for the API; check out the pull request (actions/checkout)`)
    return files
  }

  async entry(relPath: string): Promise<Entry | undefined> {
    return (await this.load()).files.get(relPath)
  }

  async truncated(): Promise<boolean> {
    return (await this.load()).truncated
  }

  /** The size GitHub lists for a file, undefined when the listing does not have it (cut short). */
  async size(relPath: string): Promise<number | undefined> {
    return (await this.entry(relPath))?.size
  }

  async list(dir: string): Promise<string[]> {
    return [...(await this.complete()).keys()].filter((p) => under(dir, p)).sort()
  }

  async children(dir: string): Promise<string[]> {
    return [...(await this.complete()).keys()].filter((p) => under(dir, p) && !p.slice(dir ? dir.length + 1 : 0).includes('/')).sort()
  }

  async open(relPath: string): Promise<FileByteSource> {
    const e = (await this.complete()).get(relPath)
    if (!e) throw new Error(`${relPath} is not a regular file at ${short(this.commit)}`)
    if (e.size > MAX_API_BLOB) throw tooLarge(e.size)
    // one temporary file per open, deleted on close
    const dest = path.join(this.tmp, `tree-${randomUUID()}`)
    try {
      await downloadBlob(this.client, this.repo, e.sha, dest)
      return await FileByteSource.open(dest, () => rm(dest, { force: true }))
    } catch (err) {
      await rm(dest, { force: true })
      throw isTooLarge(describeFailure(err)) ? tooLarge(null) : err
    }
  }
}

const under = (dir: string, p: string): boolean => dir === '' || p.startsWith(`${dir}/`)

/** Opens blobs by id, preferring the local object database over the API. */
class BlobReader {
  private counter = 0
  private local: Promise<boolean> | undefined

  constructor(
    private readonly client: GitHubClient,
    private readonly repo: RepoCoords,
    private readonly workspace: string,
    private readonly tmp: string
  ) {}

  /** `size`: what GitHub lists for the blob, asked only when it has to come from the API. */
  async open(sha: string, size: () => Promise<number | undefined>): Promise<FileByteSource> {
    const dest = path.join(this.tmp, String(this.counter++))
    if (await this.hasLocal(sha)) await writeBlob(this.workspace, sha, dest)
    else await this.fetch(sha, await size(), dest)
    return FileByteSource.open(dest, () => rm(dest, { force: true }))
  }

  private async hasLocal(sha: string): Promise<boolean> {
    this.local ??= git(this.workspace, ['rev-parse', '--git-dir']).then(
      () => true,
      () => false
    )
    if (!(await this.local)) return false
    return git(this.workspace, ['cat-file', '-e', `${sha}^{blob}`]).then(
      () => true,
      () => false
    )
  }

  private async fetch(sha: string, size: number | undefined, dest: string): Promise<void> {
    if (size !== undefined && size > MAX_API_BLOB) throw tooLarge(size)
    try {
      await downloadBlob(this.client, this.repo, sha, dest)
    } catch (err) {
      throw isTooLarge(describeFailure(err)) ? tooLarge(size ?? null) : err
    }
  }
}

/** GitHub's 403 for a blob or file over 100 MB. */
function isTooLarge(f: RequestFailure): boolean {
  return f.status === 403 && /too large/i.test(f.message)
}

function tooLarge(size: number | null): Error {
  return new Error(
    `${size !== null ? `it is ${size} bytes, ` : 'it is '}more than the ${MAX_API_BLOB / 1024 / 1024} MB the GitHub API serves, and the checkout does not have it, so ModelGate did not download it; ` +
      'check out the pull request (actions/checkout) so ModelGate reads it from git'
  )
}

function short(sha: string): string {
  return sha.slice(0, 12)
}
