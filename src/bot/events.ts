/** Which deliveries the bot acts on, read defensively from the payload (it is data, not a contract). */

export type Job =
  | {
      type: 'pull-request'
      deliveryId: string
      event: string
      installationId: number
      owner: string
      repo: string
      number: number
      headSha: string
      /** null for a re-run: read from pulls.get when the job starts. */
      baseSha: string | null
      changedFiles: number | null
      /** check_run.rerequested: scan again even if this head and base were scanned. */
      force: boolean
    }
  | {
      type: 'snapshot'
      deliveryId: string
      event: string
      installationId: number
      owner: string
      repo: string
      sha: string
      ref: string
      force: boolean
    }

export type Routing =
  | { kind: 'job'; job: Job }
  | { kind: 'logged'; msg: string; fields: Record<string, unknown> }
  | { kind: 'ignored'; reason: string }
  /** An event the bot acts on, signed, but without what acting on it takes: answered 400 with `reason`. */
  | { kind: 'invalid'; reason: string }

export const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review']
const SHA = /^[0-9a-f]{40}$/

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined)

/** The job key: jobs for one pull request (or one repository's default branch) run one after another. */
export function jobKey(job: Job): string {
  return job.type === 'pull-request' ? `${job.owner}/${job.repo}#${job.number}` : `${job.owner}/${job.repo}@${job.ref}`
}

function repoOf(payload: Obj): { owner: string; repo: string; defaultBranch: string | undefined } | undefined {
  const r = obj(payload.repository)
  const full = str(r?.full_name)
  const [owner, repo] = full?.split('/') ?? []
  if (!owner || !repo) return undefined
  return { owner, repo, defaultBranch: str(r?.default_branch) }
}

/** The check-run external_id the bot writes: `mg1|pr|<number>|<base sha>|<delivery>` or `mg1|push|-|-|<delivery>`. */
export interface RunKey {
  kind: 'pr' | 'push' | 'void'
  number: number | null
  base: string | null
  delivery: string
}

export function encodeRunKey(k: RunKey): string {
  return ['mg1', k.kind, k.number ?? '-', k.base ?? '-', k.delivery].join('|')
}

export function decodeRunKey(s: string | null | undefined): RunKey | null {
  const parts = (s ?? '').split('|')
  if (parts.length !== 5 || parts[0] !== 'mg1') return null
  const [, kind, n, base, delivery] = parts as [string, string, string, string, string]
  if (kind !== 'pr' && kind !== 'push' && kind !== 'void') return null
  return { kind, number: /^\d+$/.test(n) ? Number(n) : null, base: SHA.test(base) ? base : null, delivery }
}

/** Decides what a delivery means. `appId` tells our check runs from other apps'. */
export function route(event: string, deliveryId: string, payload: unknown, appId: number): Routing {
  const p = obj(payload)
  if (!p) return { kind: 'ignored', reason: 'payload is not an object' }
  const action = str(p.action)
  if (event === 'ping') return { kind: 'logged', msg: 'ping', fields: { zen: str(p.zen), hook: num(obj(p.hook)?.id) } }
  if (event === 'installation' || event === 'installation_repositories') {
    const inst = obj(p.installation)
    const repos = (v: unknown) => (Array.isArray(v) ? v.map((r) => str(obj(r)?.full_name)).filter(Boolean) : undefined)
    return {
      kind: 'logged',
      msg: `${event}.${action ?? ''}`,
      fields: { installation: num(inst?.id), account: str(obj(inst?.account)?.login), added: repos(p.repositories_added ?? p.repositories), removed: repos(p.repositories_removed) }
    }
  }
  const installationId = num(obj(p.installation)?.id)
  const r = repoOf(p)
  if (event === 'pull_request') {
    if (!action || !PULL_REQUEST_ACTIONS.includes(action)) return { kind: 'ignored', reason: `pull_request.${action ?? '?'} is not scanned` }
    const pr = obj(p.pull_request)
    const number = num(pr?.number)
    const head = str(obj(pr?.head)?.sha)
    const base = str(obj(pr?.base)?.sha)
    const bad = missing(installationId, r, [
      ['pull_request.number (a positive integer)', !!number && number > 0],
      ['pull_request.head.sha (a 40-hex commit id)', !!head && SHA.test(head)],
      ['pull_request.base.sha (a 40-hex commit id)', !!base && SHA.test(base)]
    ])
    if (bad || !installationId || !r || !number || !head || !base) return invalid(`pull_request.${action}`, bad)
    return {
      kind: 'job',
      job: { type: 'pull-request', deliveryId, event: `pull_request.${action}`, installationId, ...r2(r), number, headSha: head, baseSha: base, changedFiles: num(pr?.changed_files) ?? null, force: false }
    }
  }
  if (event === 'push') {
    const ref = str(p.ref)
    const after = str(p.after)
    const bad = missing(installationId, r, [
      ['ref', !!ref],
      ['after (a 40-hex commit id)', !!after && SHA.test(after)]
    ])
    if (bad || !installationId || !r || !ref || !after) return invalid('push', bad)
    if (!r.defaultBranch || ref !== `refs/heads/${r.defaultBranch}`) return { kind: 'ignored', reason: `push to ${ref}, not the default branch` }
    if (p.deleted === true || /^0+$/.test(after)) return { kind: 'ignored', reason: 'branch deleted' }
    return { kind: 'job', job: { type: 'snapshot', deliveryId, event: 'push', installationId, ...r2(r), sha: after, ref, force: false } }
  }
  if (event === 'check_run') {
    if (action !== 'rerequested') return { kind: 'ignored', reason: `check_run.${action ?? '?'} is not handled` }
    const run = obj(p.check_run)
    if (num(obj(run?.app)?.id) !== appId) return { kind: 'ignored', reason: 'check run of another app' }
    const head = str(run?.head_sha)
    const bad = missing(installationId, r, [['check_run.head_sha (a 40-hex commit id)', !!head && SHA.test(head)]])
    if (bad || !installationId || !r || !head) return invalid('check_run.rerequested', bad)
    const key = decodeRunKey(str(run?.external_id))
    const linked = Array.isArray(run?.pull_requests) ? num(obj(run.pull_requests[0])?.number) : undefined
    const number = key?.number ?? linked
    if (key?.kind === 'push' || (!number && r.defaultBranch)) {
      return { kind: 'job', job: { type: 'snapshot', deliveryId, event: 'check_run.rerequested', installationId, ...r2(r), sha: head, ref: `refs/heads/${r.defaultBranch ?? ''}`, force: true } }
    }
    if (!number) return { kind: 'ignored', reason: 'check run not linked to a pull request' }
    return { kind: 'job', job: { type: 'pull-request', deliveryId, event: 'check_run.rerequested', installationId, ...r2(r), number, headSha: head, baseSha: null, changedFiles: null, force: true } }
  }
  return { kind: 'ignored', reason: `event ${event || '(none)'} is not handled` }
}

const r2 = (r: { owner: string; repo: string }) => ({ owner: r.owner, repo: r.repo })

/** The fields a delivery lacks (installation and repository first), or null when it has them all. */
function missing(installationId: number | undefined, repo: unknown, fields: Array<[string, boolean]>): string[] | null {
  const bad = [
    ...(installationId ? [] : ['installation.id (GitHub sends it to an app; is this a repository webhook?)']),
    ...(repo ? [] : ['repository.full_name (owner/name)']),
    ...fields.filter(([, ok]) => !ok).map(([name]) => name)
  ]
  return bad.length ? bad : null
}

function invalid(what: string, bad: string[] | null): Routing {
  return { kind: 'invalid', reason: `${what} payload is missing or has an invalid ${(bad ?? ['field']).join(', ')}` }
}
