import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { apiTreeReader, downloadBlob } from '../github/api-tree-reader.js'
import type { GitHubClient } from '../github/client.js'
import type { ProvidedChange } from '../engine/scan.js'
import type { ChangeType } from '../types.js'
import { FileByteSource } from '../util/byte-source.js'
import { git, writeBlob } from '../util/run-git.js'
import { gitTreeReader } from '../verify/tree-reader.js'
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
  /** Where the file list came from: the API, or a local git diff for PRs over 3,000 files. */
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
 * merge commit), otherwise from the API as data (≤ 100 MB). A Git LFS pointer is read as the pointer
 * it is; the LFS object is never downloaded. Nothing is ever executed.
 */
export async function discoverPullRequest(
  client: GitHubClient,
  pr: PullRequestTarget,
  workspace: string,
  isIgnored: (rel: string) => boolean,
  log: (line: string) => void
): Promise<PullRequestChange> {
  const { owner, repo, number } = pr
  const { data } = await client.rest.pulls.get({ owner, repo, pull_number: number })
  const changedFiles = data.changed_files
  if (changedFiles > MAX_API_FILES) {
    log(`This pull request changes ${changedFiles} files; GitHub lists at most ${MAX_API_FILES}, so ModelGate compares ${short(pr.baseSha)}...${short(pr.headSha)} with the local git checkout instead.`)
    const local = await discoverChange(workspace, pr.baseSha, pr.headSha, isIgnored)
    // file-level review comments still work on any file of the PR; lines need the API's patches
    const files = local.candidates.map((c) => ({ filename: c.path, status: c.change, sha: null }))
    return { ...local, files, source: 'git', changedFiles, tree: gitTreeReader(workspace, local.head), trustTree: gitTreeReader(workspace, local.base) }
  }

  const listed = (await client.paginate(client.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 })) as PullFile[]
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'modelgate-pr-'))
  const blobs = new BlobReader(client, owner, repo, workspace, tmp)
  const candidates: Candidate[] = []
  for (const f of listed) {
    const change = STATUS[f.status]
    if (!change || isIgnored(f.filename) || !f.sha) continue
    const sha = f.sha
    const basePath = change === 'renamed' && f.previous_filename ? f.previous_filename : f.filename
    candidates.push({
      path: f.filename,
      change,
      ...(change === 'renamed' && f.previous_filename ? { oldPath: f.previous_filename } : {}),
      open: () => blobs.open(sha),
      // the base side, for changed pins and replaced models; looked up only when a stage asks
      ...(change === 'modified' || change === 'renamed' ? { openBase: async () => blobs.open(await baseBlobSha(client, pr, workspace, basePath)) } : {})
    })
  }
  // the head state for directory-wide checks (a signature covers a whole model folder)
  const headLocal = await git(workspace, ['cat-file', '-e', `${pr.headSha}^{commit}`]).then(
    () => true,
    () => false
  )
  // the base state, for keys and certificates the policy names: the PR cannot swap what it is checked against
  const baseLocal = await git(workspace, ['cat-file', '-e', `${pr.baseSha}^{commit}`]).then(
    () => true,
    () => false
  )
  return {
    candidates,
    escapingLinks: [],
    tree: headLocal ? gitTreeReader(workspace, pr.headSha) : apiTreeReader(client, { owner, repo }, pr.headSha),
    trustTree: baseLocal ? gitTreeReader(workspace, pr.baseSha) : apiTreeReader(client, { owner, repo }, pr.baseSha),
    base: pr.baseSha,
    head: pr.headSha,
    files: listed,
    source: 'api',
    changedFiles,
    cleanup: () => rm(tmp, { recursive: true, force: true })
  }
}

/** Opens blobs by id, preferring the local object database over the API. */
/** The blob id of a path on the base commit: from the checkout's git objects if present, else the contents API. */
async function baseBlobSha(client: GitHubClient, pr: PullRequestTarget, workspace: string, relPath: string): Promise<string> {
  const local = await git(workspace, ['rev-parse', '--verify', '--quiet', `${pr.baseSha}:${relPath}`]).then(
    (out) => out.toString('utf8').trim(),
    () => ''
  )
  if (/^[0-9a-f]{40}$/.test(local)) return local
  const { data } = await client.rest.repos.getContent({ owner: pr.owner, repo: pr.repo, path: relPath, ref: pr.baseSha })
  if (Array.isArray(data) || data.type !== 'file') throw new Error(`${relPath} is not a file on the base commit`)
  return data.sha
}

class BlobReader {
  private counter = 0
  private local: Promise<boolean> | undefined

  constructor(
    private readonly client: GitHubClient,
    private readonly owner: string,
    private readonly repo: string,
    private readonly workspace: string,
    private readonly tmp: string
  ) {}

  async open(sha: string): Promise<FileByteSource> {
    const dest = path.join(this.tmp, String(this.counter++))
    if (await this.hasLocal(sha)) await writeBlob(this.workspace, sha, dest)
    else await this.fetch(sha, dest)
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

  private async fetch(sha: string, dest: string): Promise<void> {
    try {
      await downloadBlob(this.client, { owner: this.owner, repo: this.repo }, sha, dest)
    } catch (err) {
      if ((err as { status?: number }).status === 403 && /too large/i.test(String((err as Error).message))) {
        throw new Error(`the file is larger than the ${MAX_API_BLOB / 1024 / 1024} MB the GitHub API serves; check out the pull request (actions/checkout) so ModelGate reads it from git`)
      }
      throw err
    }
  }
}

function short(sha: string): string {
  return sha.slice(0, 12)
}
