import type { GitHubClient } from '../github/client.js'
import type { ReportLog } from '../report-github/log.js'
import { CHECK_NAME } from '../report-github/check-run.js'
import { formatDuration } from './duration.js'
import { decodeRunKey, encodeRunKey, type RunKey } from './events.js'
import { failRun } from './fail-run.js'

export interface OurRun {
  id: number
  key: RunKey
  status: string
  conclusion: string | null
  htmlUrl: string | null
  /** When the claim was made (or renewed), ms since the epoch; null if GitHub has none. */
  startedAt: number | null
}

export type Claim =
  | { kind: 'skip'; reason: string; runId: number }
  /** We own the scan: `runId` is our in-progress "ModelGate" check run. */
  | { kind: 'mine'; runId: number; htmlUrl: string | null }
  /** Another replica claimed the same scan a moment earlier: wait for it and mirror its result. */
  | { kind: 'mirror'; runId: number; winner: number }

type Repo = { owner: string; repo: string }

/**
 * How long past the scan deadline a live server may still hold a run in progress: the reporting
 * ladder after the scan (comments, review comments, annotations, paced at one write a second and
 * waiting out rate limits) and the requests around the scan.
 */
export const LEASE_MARGIN_MS = 10 * 60_000

/** A claim lives this long: a run still in progress after it was abandoned (its server died). */
export function leaseMs(scanTimeoutMs: number): number {
  return scanTimeoutMs + LEASE_MARGIN_MS
}

/** In progress for longer than any live server keeps a run so: its server died (crash, OOM kill, lost node). */
export function isStale(run: Pick<OurRun, 'status' | 'startedAt'>, lease: number, now = Date.now()): boolean {
  return run.status !== 'completed' && run.startedAt !== null && now - run.startedAt > lease
}

/** Our "ModelGate" check runs on a commit (every run, not only the latest), with their keys. */
export async function ourRuns(client: GitHubClient, repo: Repo, sha: string, appId: number): Promise<OurRun[]> {
  const runs = await client.paginate(client.rest.checks.listForRef, { ...repo, ref: sha, check_name: CHECK_NAME, filter: 'all', app_id: appId, per_page: 100 })
  return runs.flatMap((r) => {
    const key = decodeRunKey(r.external_id)
    const started = r.started_at ? Date.parse(r.started_at) : NaN
    return key && r.app?.id === appId && r.name === CHECK_NAME
      ? [{ id: r.id, key, status: r.status, conclusion: r.conclusion, htmlUrl: r.html_url, startedAt: Number.isNaN(started) ? null : started }]
      : []
  })
}

/** Same scan: the same delivery, or (unless re-requested) the same pull request against the same base. */
function sameScope(a: RunKey, b: RunKey, force: boolean): boolean {
  if (a.kind === 'void' || b.kind === 'void') return false
  if (a.delivery === b.delivery) return true
  return !force && a.kind === b.kind && a.number === b.number && a.base === b.base
}

export interface ClaimRequest {
  appId: number
  key: RunKey
  /** check_run.rerequested: a run for the same pull request and base does not make this one redundant. */
  force: boolean
  title: string
  /** See leaseMs: older in-progress claims are abandoned and taken over. */
  lease: number
  log: ReportLog
  /** Called as soon as our run exists (shutdown can then complete it). */
  onCreated?: (runId: number) => void
}

/**
 * Idempotency without state of our own: the claim is a check run whose external_id carries the
 * delivery id and what was scanned. A redelivery, or another event for a head and base already
 * scanned, finds it and does nothing. Two replicas racing both create a run; the lower id wins and
 * the other mirrors its result, so comments and review comments are written once. A claim still in
 * progress after its lease belongs to a server that died: it is completed as abandoned (void) and
 * this delivery scans again, so a crash never leaves the gate "in progress" for good.
 */
export async function claimScan(client: GitHubClient, repo: Repo, sha: string, req: ClaimRequest): Promise<Claim> {
  const { key, force, lease } = req
  const now = Date.now()
  // runs of this scan, re-run or not (a re-run also completes a claim abandoned by a dead server)
  const before = (await ourRuns(client, repo, sha, req.appId)).filter((r) => sameScope(r.key, key, false))
  const seen = before.find((r) => sameScope(r.key, key, force) && !isStale(r, lease, now))
  if (seen) {
    const what = seen.key.delivery === key.delivery ? `delivery ${key.delivery} already has check run ${seen.id}` : `this head and base already have check run ${seen.id}`
    const pending = seen.status === 'completed' ? '' : ` (in progress; if it has no result ${formatDuration(lease)} after it started, a redelivery takes it over)`
    return { kind: 'skip', reason: what + pending, runId: seen.id }
  }
  const { data: mine } = await client.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: sha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    external_id: encodeRunKey(key),
    output: { title: req.title, summary: 'ModelGate is reading the change through the API and inspecting every model, dataset and ML manifest in it. Nothing is executed.' }
  })
  req.onCreated?.(mine.id)
  // the re-check only resolves races; if it cannot be made, the run we just created is ours
  const after = await ourRuns(client, repo, sha, req.appId).catch(() => [])
  const rivals = after.filter((r) => r.id < mine.id && sameScope(r.key, key, force) && !isStale(r, lease, now)).map((r) => r.id)
  // a same-scope claim whose lease ran out (seen before or after ours) is completed once, here
  const latest = new Map([...before, ...after].map((r) => [r.id, r]))
  const abandoned = [...latest.values()].filter((r) => r.id !== mine.id && sameScope(r.key, key, false) && isStale(r, lease, now))
  for (const r of abandoned) {
    await abandon(client, repo, sha, r, lease, mine.id, req.log)
  }
  if (rivals.length) return { kind: 'mirror', runId: mine.id, winner: Math.min(...rivals) }
  return { kind: 'mine', runId: mine.id, htmlUrl: mine.html_url }
}

/** Completes an abandoned claim as a void failure that says what happened and which run took over. */
export async function abandon(client: GitHubClient, repo: Repo, sha: string, run: Pick<OurRun, 'id' | 'key'>, lease: number, takenOverBy: number, log: ReportLog): Promise<void> {
  log.info(`check run ${run.id} was abandoned by its server; completing it`)
  const why = `the ModelGate server scanning this stopped without a result (none within ${formatDuration(lease)}, longer than a scan may take); check run ${takenOverBy} takes over`
  await failRun(client, repo, sha, run.id, run.key, why, log)
}
