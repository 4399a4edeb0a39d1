import type { GitHubClient } from '../github/client.js'
import { CHECK_NAME } from '../report-github/check-run.js'
import { decodeRunKey, encodeRunKey, type RunKey } from './events.js'

export interface OurRun {
  id: number
  key: RunKey
  status: string
  conclusion: string | null
  htmlUrl: string | null
}

export type Claim =
  | { kind: 'skip'; reason: string; runId: number }
  /** We own the scan: `runId` is our in-progress "ModelGate" check run. */
  | { kind: 'mine'; runId: number; htmlUrl: string | null }
  /** Another replica claimed the same scan a moment earlier: wait for it and mirror its result. */
  | { kind: 'mirror'; runId: number; winner: number }

type Repo = { owner: string; repo: string }

/** Our "ModelGate" check runs on a commit (every run, not only the latest), with their keys. */
export async function ourRuns(client: GitHubClient, repo: Repo, sha: string, appId: number): Promise<OurRun[]> {
  const runs = await client.paginate(client.rest.checks.listForRef, { ...repo, ref: sha, check_name: CHECK_NAME, filter: 'all', app_id: appId, per_page: 100 })
  return runs.flatMap((r) => {
    const key = decodeRunKey(r.external_id)
    return key && r.app?.id === appId && r.name === CHECK_NAME ? [{ id: r.id, key, status: r.status, conclusion: r.conclusion, htmlUrl: r.html_url }] : []
  })
}

/** Same scan: the same delivery, or (unless re-requested) the same pull request against the same base. */
function sameScope(a: RunKey, b: RunKey, force: boolean): boolean {
  if (a.kind === 'void' || b.kind === 'void') return false
  if (a.delivery === b.delivery) return true
  return !force && a.kind === b.kind && a.number === b.number && a.base === b.base
}

/**
 * Idempotency without state of our own: the claim is a check run whose external_id carries the
 * delivery id and what was scanned. A redelivery, or another event for a head and base already
 * scanned, finds it and does nothing. Two replicas racing both create a run; the lower id wins and
 * the other mirrors its result, so comments and review comments are written once.
 */
export async function claimScan(client: GitHubClient, repo: Repo, sha: string, appId: number, key: RunKey, force: boolean, title: string, onCreated: (runId: number) => void = () => {}): Promise<Claim> {
  const before = await ourRuns(client, repo, sha, appId)
  const seen = before.find((r) => sameScope(r.key, key, force))
  if (seen) {
    const why = seen.key.delivery === key.delivery ? `delivery ${key.delivery} already has check run ${seen.id}` : `this head and base already have check run ${seen.id}`
    return { kind: 'skip', reason: why, runId: seen.id }
  }
  const { data: mine } = await client.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: sha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    external_id: encodeRunKey(key),
    output: { title, summary: 'ModelGate is reading the change through the API and inspecting every model, dataset and ML manifest in it. Nothing is executed.' }
  })
  onCreated(mine.id)
  // the re-check only resolves races; if it cannot be made, the run we just created is ours
  const after = await ourRuns(client, repo, sha, appId).catch(() => [])
  const rivals = after.filter((r) => r.id < mine.id && sameScope(r.key, key, force)).map((r) => r.id)
  if (rivals.length) return { kind: 'mirror', runId: mine.id, winner: Math.min(...rivals) }
  return { kind: 'mine', runId: mine.id, htmlUrl: mine.html_url }
}

/** Marks a run as no longer a claim (a failed or interrupted scan): a redelivery scans again. */
export function voidKey(key: RunKey): string {
  return encodeRunKey({ ...key, kind: 'void' })
}
