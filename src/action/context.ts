import { readFile } from 'node:fs/promises'
import { UsageError } from '../util/errors.js'

export interface RepoRef {
  owner: string
  repo: string
}

export interface PullRequestInfo {
  number: number
  baseSha: string
  headSha: string
  baseRef: string
  /** Head lives in another repository (a fork): the token is read-only. */
  fromFork: boolean
}

/** Everything the action needs from the runner's environment and the event payload. */
export interface RunContext {
  eventName: string
  repo: RepoRef
  /** GITHUB_SHA: the commit the workflow runs on (a PR's merge commit, a push's head). */
  sha: string
  /** GITHUB_REF, e.g. refs/heads/main or refs/pull/7/merge. */
  ref: string
  workspace: string
  apiUrl: string
  serverUrl: string
  runId: string
  workflow: string
  job: string
  pullRequest: PullRequestInfo | null
  /** merge_group: the queue's merge commit and the branch it merges into. */
  mergeGroup: { baseSha: string; headSha: string } | null
}

export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target', 'merge_group']
export const SNAPSHOT_EVENTS = ['push', 'schedule', 'workflow_dispatch']

/** Reads GITHUB_* variables and the event payload; the payload is the only source of PR refs. */
export async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  let payload: unknown = {}
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'))
    } catch (err) {
      throw new UsageError(`cannot read the event payload ${env.GITHUB_EVENT_PATH}: ${(err as Error).message}`)
    }
  }
  return {
    eventName,
    repo: { owner, repo },
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    runId: env.GITHUB_RUN_ID ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    job: env.GITHUB_JOB ?? '',
    pullRequest: pullRequestOf(payload),
    mergeGroup: mergeGroupOf(payload)
  }
}

export function pullRequestOf(payload: unknown): PullRequestInfo | null {
  const pr = (payload as { pull_request?: Record<string, unknown> }).pull_request
  if (!pr || typeof pr !== 'object') return null
  const base = pr.base as { sha?: unknown; ref?: unknown; repo?: { full_name?: unknown } } | undefined
  const head = pr.head as { sha?: unknown; repo?: { full_name?: unknown } | null } | undefined
  if (typeof pr.number !== 'number' || typeof base?.sha !== 'string' || typeof head?.sha !== 'string') return null
  return {
    number: pr.number,
    baseSha: base.sha,
    headSha: head.sha,
    baseRef: typeof base.ref === 'string' ? base.ref : '',
    fromFork: head.repo?.full_name !== base.repo?.full_name
  }
}

function mergeGroupOf(payload: unknown): RunContext['mergeGroup'] {
  const mg = (payload as { merge_group?: { base_sha?: unknown; head_sha?: unknown } }).merge_group
  if (typeof mg?.base_sha !== 'string' || typeof mg.head_sha !== 'string') return null
  return { baseSha: mg.base_sha, headSha: mg.head_sha }
}
