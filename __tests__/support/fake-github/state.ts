/**
 * The repository world a test seeds (repo, pull requests, files by ref, comments, permissions)
 * and the records the fake's write routes append to. Tests may read and mutate it between runs.
 */
import { buildTrees, toGitFile, type GitFile, type Tree } from './git.js'

/**
 * A file's content, or an object with its mode and, for files too large to build in a test, the
 * `size` GitHub reports (trees and contents list it; blob and contents reads over 100 MB answer 403).
 */
export type FileSeed = string | Buffer | { content: string | Buffer; mode?: string; size?: number }
export type FileStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
export type Permission = 'none' | 'read' | 'write'
export type PermissionName = 'contents' | 'issues' | 'pull_requests' | 'checks' | 'metadata' | 'security_events'

export interface UserSeed {
  login: string
  id: number
  type?: 'User' | 'Bot' | 'Organization'
}

export interface PullFileSeed {
  filename: string
  status: FileStatus
  previous_filename?: string
  /** unified diff hunks as GitHub returns them (starting at "@@"); omit for binary files */
  patch?: string
  additions?: number
  deletions?: number
}

export interface PullSeed {
  number: number
  title?: string
  body?: string | null
  state?: 'open' | 'closed'
  draft?: boolean
  user?: UserSeed
  head: { sha: string; ref?: string; repoFullName?: string }
  base: { sha: string; ref?: string }
  files?: PullFileSeed[]
  /** other commit shas of the PR a review may name as commit_id (head is always allowed) */
  commits?: string[]
}

export interface IssueCommentSeed {
  issue: number
  body: string
  user?: UserSeed
  id?: number
}

export interface FakeGitHubSeed {
  owner?: string
  repo?: string
  repoId?: number
  private?: boolean
  defaultBranch?: string
  /** when set, any other token is answered 401 Bad credentials */
  token?: string
  /** the identity behind the token; default github-actions[bot] */
  actor?: UserSeed
  /** GITHUB_TOKEN-style permissions; default write on everything */
  permissions?: Partial<Record<PermissionName, Permission>>
  pulls?: PullSeed[]
  /** files by ref (branch name or commit sha) then path */
  files?: Record<string, Record<string, FileSeed>>
  /** branch/tag name → commit sha (PR head/base refs are added automatically) */
  refs?: Record<string, string>
  issueComments?: IssueCommentSeed[]
  advisories?: Array<Record<string, unknown>>
  /** GitHub truncates recursive trees above 100,000 entries; lower it to test the fallback */
  treeEntryLimit?: number
  /** answer POST dependency-graph/snapshots with this result */
  snapshotResult?: 'SUCCESS' | 'ACCEPTED' | 'INVALID'
  /**
   * A GitHub App: `/app/*` routes take its JWT (RS256, checked with `publicKey`), installation
   * `installationId` gets `token` from POST /app/installations/{id}/access_tokens, and the check
   * runs it creates carry its id and slug.
   */
  app?: AppSeed
}

export interface AppSeed {
  id: number
  slug: string
  /** PEM (SPKI or PKCS#1) of the app's key pair */
  publicKey: string
  installationId: number
  /** more installations that get the same token (several accounts' load in one fake) */
  moreInstallations?: number[]
  /** recent webhook deliveries the app can list and redeliver (GET /app/hook/deliveries) */
  deliveries?: HookDeliverySeed[]
}

export interface HookDeliverySeed {
  id: number
  guid: string
  event: string
  action?: string | null
  redelivery?: boolean
}

export const ACTIONS_BOT: UserSeed = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
/** The token of a fork or Dependabot pull request: every write answers 403. */
export const READ_ONLY: Record<PermissionName, Permission> = {
  contents: 'read',
  issues: 'read',
  pull_requests: 'read',
  checks: 'read',
  metadata: 'read',
  security_events: 'read'
}

export interface IssueCommentRecord {
  id: number
  issue: number
  body: string
  user: UserSeed
  created_at: string
  updated_at: string
}

export interface ReviewRecord {
  id: number
  pull: number
  body: string
  event: 'APPROVE' | 'REQUEST_CHANGES' | 'COMMENT' | 'PENDING'
  commit_id: string
  user: UserSeed
  submitted_at: string
}

export interface ReviewCommentRecord {
  id: number
  pull: number
  review_id: number | null
  path: string
  body: string
  commit_id: string
  line: number | null
  side: 'LEFT' | 'RIGHT' | null
  start_line: number | null
  start_side: 'LEFT' | 'RIGHT' | null
  position: number | null
  subject_type: 'line' | 'file'
  diff_hunk: string
  in_reply_to_id?: number
  user: UserSeed
  created_at: string
  updated_at: string
}

export interface CheckRunRecord {
  id: number
  name: string
  head_sha: string
  status: string
  conclusion: string | null
  started_at: string
  completed_at: string | null
  details_url: string | null
  external_id: string | null
  output: { title: string | null; summary: string | null; text: string | null }
  annotations: Array<Record<string, unknown>>
}

export interface RedeliveryRecord {
  deliveryId: number
  guid: string
  at: string
}

export interface SnapshotRecord {
  id: number
  body: Record<string, unknown>
  created_at: string
  result: string
}

interface RefFiles {
  files: Map<string, GitFile>
  root: string
}

export class FakeState {
  readonly owner: string
  readonly repo: string
  readonly repoId: number
  readonly private: boolean
  readonly defaultBranch: string
  readonly token: string | undefined
  readonly actor: UserSeed
  permissions: Record<PermissionName, Permission>
  treeEntryLimit: number
  snapshotResult: 'SUCCESS' | 'ACCEPTED' | 'INVALID'
  readonly pulls = new Map<number, PullSeed>()
  readonly refs = new Map<string, string>()
  readonly issueComments: IssueCommentRecord[] = []
  readonly reviews: ReviewRecord[] = []
  readonly reviewComments: ReviewCommentRecord[] = []
  readonly checkRuns: CheckRunRecord[] = []
  readonly snapshots: SnapshotRecord[] = []
  readonly app: AppSeed | undefined
  /** installation tokens handed out (POST /app/installations/{id}/access_tokens) */
  installationTokens = 0
  readonly hookDeliveries: HookDeliverySeed[]
  readonly redeliveries: RedeliveryRecord[] = []
  advisories: Array<Record<string, unknown>>
  private readonly byRef = new Map<string, RefFiles>()
  private readonly blobs = new Map<string, GitFile>()
  private readonly trees = new Map<string, Tree>()
  private nextId = 1000
  private tick = Date.parse('2024-05-01T12:00:00Z')

  constructor(seed: FakeGitHubSeed = {}) {
    this.owner = seed.owner ?? 'octo-org'
    this.repo = seed.repo ?? 'models'
    this.repoId = seed.repoId ?? 123456789
    this.private = seed.private ?? false
    this.defaultBranch = seed.defaultBranch ?? 'main'
    this.token = seed.token
    this.actor = seed.actor ?? ACTIONS_BOT
    this.permissions = { contents: 'write', issues: 'write', pull_requests: 'write', checks: 'write', metadata: 'read', security_events: 'write', ...seed.permissions }
    this.treeEntryLimit = seed.treeEntryLimit ?? 100_000
    this.snapshotResult = seed.snapshotResult ?? 'SUCCESS'
    this.advisories = seed.advisories ?? []
    this.app = seed.app
    this.hookDeliveries = [...(seed.app?.deliveries ?? [])]
    for (const [name, sha] of Object.entries(seed.refs ?? {})) this.refs.set(name, sha)
    for (const p of seed.pulls ?? []) this.addPull(p)
    for (const [ref, files] of Object.entries(seed.files ?? {})) this.setFiles(ref, files)
    for (const c of seed.issueComments ?? []) {
      const at = this.now()
      this.issueComments.push({ id: c.id ?? this.id(), issue: c.issue, body: c.body, user: c.user ?? this.actor, created_at: at, updated_at: at })
    }
  }

  /** Deterministic clock: every write is one second after the previous one. */
  now(): string {
    this.tick += 1000
    return new Date(this.tick).toISOString().replace('.000Z', 'Z')
  }

  id(): number {
    return ++this.nextId
  }

  addPull(p: PullSeed): void {
    this.pulls.set(p.number, p)
    if (p.head.ref && !p.head.repoFullName) this.refs.set(p.head.ref, p.head.sha)
    if (p.base.ref) this.refs.set(p.base.ref, p.base.sha)
    this.refs.set(`refs/pull/${p.number}/head`, p.head.sha)
  }

  /** Replaces the whole tree at `ref` (a branch or a commit sha). */
  setFiles(ref: string, files: Record<string, FileSeed>): void {
    const map = new Map<string, GitFile>()
    for (const [p, f] of Object.entries(files)) {
      const gf = typeof f === 'string' || Buffer.isBuffer(f) ? toGitFile(f) : { ...toGitFile(f.content, f.mode), ...(f.size !== undefined ? { size: f.size } : {}) }
      map.set(p.replace(/^\/+/, ''), gf)
      this.blobs.set(gf.sha, gf)
    }
    const { root, trees } = buildTrees(map)
    for (const [sha, t] of trees) this.trees.set(sha, t)
    this.byRef.set(ref, { files: map, root })
  }

  /** A ref the way GitHub resolves `?ref=`: sha, branch, `heads/x`, `refs/heads/x`, `refs/pull/N/head`. */
  resolveRef(ref: string | undefined): string | undefined {
    const name = ref ?? this.defaultBranch
    const candidates = [name, name.replace(/^refs\/(heads|tags)\//, ''), name.replace(/^(heads|tags)\//, '')]
    for (const c of candidates) {
      if (this.byRef.has(c)) return c
      const sha = this.refs.get(c)
      if (sha && this.byRef.has(sha)) return sha
      if (sha && this.byRef.has(c)) return c
    }
    return undefined
  }

  filesAt(ref: string | undefined): Map<string, GitFile> | undefined {
    const key = this.resolveRef(ref)
    return key === undefined ? undefined : this.byRef.get(key)?.files
  }

  rootTreeAt(ref: string): string | undefined {
    const key = this.resolveRef(ref)
    return key === undefined ? undefined : this.byRef.get(key)?.root
  }

  blob(sha: string): GitFile | undefined {
    return this.blobs.get(sha)
  }

  tree(sha: string): Tree | undefined {
    return this.trees.get(sha)
  }

  treeMap(): Map<string, Tree> {
    return this.trees
  }

  /** Commits the fake knows about: check runs and reviews must name one. */
  knowsCommit(sha: string): boolean {
    if (this.byRef.has(sha)) return true
    for (const v of this.refs.values()) if (v === sha) return true
    for (const p of this.pulls.values()) if (p.head.sha === sha || p.base.sha === sha || p.commits?.includes(sha)) return true
    return false
  }

  can(name: PermissionName, level: 'read' | 'write'): boolean {
    const have = this.permissions[name]
    return have === 'write' || (level === 'read' && have === 'read')
  }
}
