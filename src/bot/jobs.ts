import os from 'node:os'
import path from 'node:path'
import { serializeBom } from '../bom/cyclonedx.js'
import { discoverPullRequest, MAX_API_FILES, type PullFile } from '../discover/pull-request.js'
import type { Candidate } from '../discover/types.js'
import { scan, type ScanOptions } from '../engine/scan.js'
import { apiTreeReader } from '../github/api-tree-reader.js'
import type { GitHubClient } from '../github/client.js'
import { describeFailure } from '../github/errors.js'
import { policyAt } from '../report-github/base-config.js'
import { MAX_CHECK_TEXT, publishCheckRun } from '../report-github/check-run.js'
import { Ladder } from '../report-github/ladder.js'
import type { ReportLog } from '../report-github/log.js'
import { syncReviewComments } from '../report-github/review-comments.js'
import { upsertStickyComment } from '../report-github/sticky-comment.js'
import { renderComment } from '../report/comment.js'
import type { Report } from '../types.js'
import { abandon, claimScan, isStale, leaseMs, type Claim } from './claim.js'
import { formatDuration } from './duration.js'
import { decodeRunKey, encodeRunKey, type Job, type RunKey } from './events.js'
import { failRun } from './fail-run.js'
import type { Logger } from './log.js'

/** The bot never has a checkout: discovery is pointed at a folder that does not exist, so every byte comes from the API. */
const NO_CHECKOUT = path.join(os.tmpdir(), 'modelgate-bot-has-no-checkout')
/** A snapshot reads each file through the API (one request each); above this many files it says so instead. */
export const SNAPSHOT_MAX_FILES = 3000
const MIRROR_POLL_MS = 1000

export interface JobEnv {
  appId: number
  /** A client for the installation; with `signal`, the scan's: its requests stop once the signal aborts. */
  client: (installationId: number, signal?: AbortSignal) => Promise<GitHubClient>
  log: Logger
  scanTimeoutMs: number
  /** true once the job was handed back at shutdown: write nothing more. */
  cancelled: () => boolean
  /** Aborted when the job is handed back at shutdown: the scan stops at once. */
  signal?: AbortSignal
  onScanDuration: (seconds: number) => void
  /** Called once the job holds a check run, with a way to complete it as interrupted (shutdown). */
  onClaimed?: (release: (why: string) => Promise<void>) => void
}

export type JobOutcome = 'scanned' | 'skipped' | 'mirrored' | 'failed' | 'superseded' | 'cancelled'

class ScanTimeout extends Error {}

type Repo = { owner: string; repo: string }

/** Runs one job: claim, scan with a deadline, the reporting ladder, the check run completed whatever happens. */
export async function runJob(job: Job, env: JobEnv): Promise<{ outcome: JobOutcome; runId: number | null }> {
  const fields = { delivery: job.deliveryId, event: job.event, repo: `${job.owner}/${job.repo}`, ...(job.type === 'pull-request' ? { pr: job.number } : { sha: job.sha }) }
  const log: ReportLog = { info: (line) => env.log('info', line, fields), warning: (line) => env.log('warn', line, fields) }
  const client = await env.client(job.installationId)
  const repo = { owner: job.owner, repo: job.repo }

  let headSha: string
  let baseSha: string | null = null
  let changedFiles: number | null = null
  if (job.type === 'pull-request') {
    headSha = job.headSha
    baseSha = job.baseSha
    changedFiles = job.changedFiles
    if (baseSha === null) {
      const { data: pr } = await client.rest.pulls.get({ ...repo, pull_number: job.number })
      if (pr.head.sha !== job.headSha) {
        log.info(`re-run of ${job.headSha.slice(0, 7)} skipped: the pull request is now at ${pr.head.sha.slice(0, 7)}, which has its own check run`)
        return { outcome: 'superseded', runId: null }
      }
      baseSha = pr.base.sha
      changedFiles = pr.changed_files
    }
  } else headSha = job.sha

  const key: RunKey = job.type === 'pull-request' ? { kind: 'pr', number: job.number, base: baseSha, delivery: job.deliveryId } : { kind: 'push', number: null, base: null, delivery: job.deliveryId }
  const lease = leaseMs(env.scanTimeoutMs)
  // from the moment our run exists, shutdown can complete it as interrupted (never left in progress)
  const claim = await claimScan(client, repo, headSha, {
    appId: env.appId,
    key,
    force: job.force,
    title: job.type === 'pull-request' ? 'Scanning the pull request…' : 'Scanning the default branch…',
    lease,
    log,
    onCreated: (id) => env.onClaimed?.((why) => failRun(client, repo, headSha, id, key, why, log))
  })
  if (claim.kind === 'skip') {
    log.info(`nothing to do: ${claim.reason}`)
    return { outcome: 'skipped', runId: claim.runId }
  }
  const runId = claim.runId
  const claimed: Claimed = { job, env, log, client, repo, headSha, baseSha, changedFiles, key, lease, runId }
  try {
    return await scanAndReport(claimed, claim)
  } catch (err) {
    // whatever fails once the run exists (waiting for a rival, an API error) completes it: never left in progress
    if (env.cancelled()) return { outcome: 'cancelled', runId }
    const why = `the job failed: ${describeFailure(err).message}`
    log.warning(why)
    await failRun(client, repo, headSha, runId, key, why, log)
    return { outcome: 'failed', runId }
  }
}

interface Claimed {
  job: Job
  env: JobEnv
  log: ReportLog
  client: GitHubClient
  repo: Repo
  headSha: string
  baseSha: string | null
  changedFiles: number | null
  key: RunKey
  lease: number
  runId: number
}

async function scanAndReport(c: Claimed, claim: Exclude<Claim, { kind: 'skip' }>): Promise<{ outcome: JobOutcome; runId: number }> {
  const { job, env, log, client, repo, headSha, key, runId } = c
  if (claim.kind === 'mirror') {
    const mirrored = await mirror(c, claim.winner)
    if (mirrored) return { outcome: 'mirrored', runId }
    if (env.cancelled()) return { outcome: 'cancelled', runId }
    // our claim starts now: its lease counts from the scan, not from the wait
    await client.rest.checks.update({ ...repo, check_run_id: runId, started_at: new Date().toISOString() })
    log.info(`check run ${claim.winner} did not finish; scanning here instead`)
  }
  if (env.cancelled()) return { outcome: 'cancelled', runId }
  const runUrl = claim.kind === 'mine' ? (claim.htmlUrl ?? undefined) : undefined

  const outcome = await scanWithDeadline(c)
  if (outcome.kind === 'cancelled') return { outcome: 'cancelled', runId }
  if (outcome.kind === 'failed') {
    await failRun(client, repo, headSha, runId, key, outcome.why, log)
    await outcome.stopped
    return { outcome: 'failed', runId }
  }
  if (env.cancelled()) return { outcome: 'cancelled', runId }

  const { report, files, policyNote } = outcome.result
  const ladder = new Ladder(log, (steps, perms) => `ModelGate could not ${steps.join(', ')}: the app's installation lacks ${perms.map((p) => `${p.replace('-', '_')}: write`).join(' and ')}; accept the permissions in the installation's settings.`)
  if (job.type === 'pull-request' && files) {
    const target = { ...repo, number: job.number }
    await ladder.step('post the PR comment', 'pull-requests', () =>
      env.cancelled() ? Promise.resolve() : upsertStickyComment(client, target, 'on-findings', report.findings.length, renderComment(report, runUrl ? { runUrl } : {}), log)
    )
    if (!ladder.isDenied('pull-requests')) {
      await ladder.step('write review comments', 'pull-requests', () => (env.cancelled() ? Promise.resolve() : syncReviewComments(client, { ...target, headSha }, report.findings, files, log)))
    }
  }
  if (!env.cancelled()) {
    const text = [policyNote, job.type === 'snapshot' ? bomText(report, `${job.owner}/${job.repo}`) : ''].filter(Boolean).join('\n\n')
    const done = await ladder.step('complete the check run', 'checks', async () => {
      await publishCheckRun(client, repo, headSha, report, { runId, externalId: encodeRunKey(key), ...(text ? { text } : {}), log })
    })
    if (!done) await failRun(client, repo, headSha, runId, key, 'the check run could not be completed with the result (see the server log)', log)
  }
  ladder.finish()
  log.info(`${report.verdict}: ${report.findings.length} finding(s)`)
  return { outcome: 'scanned', runId }
}

type ScanOutcome =
  | { kind: 'done'; result: ScanResult }
  | { kind: 'cancelled' }
  /** `stopped` settles once the scan has actually stopped (its API calls and file loop aborted). */
  | { kind: 'failed'; why: string; stopped: Promise<void> }

/**
 * The scan under its deadline, on a client of its own: at the deadline (or at shutdown) the scan
 * is aborted, so it makes no further API call and starts no further file. The job, and with it
 * the queue slot, lasts until the scan has stopped: the concurrency bound holds for what runs.
 */
async function scanWithDeadline(c: Claimed): Promise<ScanOutcome> {
  const { job, env, log } = c
  const stop = new AbortController()
  const onShutdown = (): void => stop.abort()
  env.signal?.addEventListener('abort', onShutdown, { once: true })
  let timer: NodeJS.Timeout | undefined
  try {
    if (env.signal?.aborted) return { kind: 'cancelled' }
    const scanClient = await env.client(job.installationId, stop.signal)
    const started = Date.now()
    const work = job.type === 'pull-request' ? scanPullRequest(scanClient, job, c.baseSha as string, c.changedFiles, log, stop.signal) : scanSnapshot(scanClient, job, log, stop.signal)
    const stopped = work.then(
      () => {},
      () => {}
    )
    try {
      const result = await Promise.race([
        work,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ScanTimeout(`the scan did not finish within ${formatDuration(env.scanTimeoutMs)}`)), env.scanTimeoutMs)))
      ])
      env.onScanDuration((Date.now() - started) / 1000)
      return { kind: 'done', result }
    } catch (err) {
      stop.abort()
      if (env.cancelled()) {
        await stopped
        return { kind: 'cancelled' }
      }
      const why = err instanceof ScanTimeout ? err.message : `the scan failed: ${describeFailure(err).message}`
      log.warning(why)
      return { kind: 'failed', why, stopped }
    }
  } finally {
    clearTimeout(timer)
    env.signal?.removeEventListener('abort', onShutdown)
  }
}

interface ScanResult {
  report: Report
  files: PullFile[] | null
  policyNote: string
}

/** A pull request: files, patches and blobs from the API; the policy from the base commit. */
async function scanPullRequest(client: GitHubClient, job: Extract<Job, { type: 'pull-request' }>, baseSha: string, changedFiles: number | null, log: ReportLog, signal: AbortSignal): Promise<ScanResult> {
  if (changedFiles !== null && changedFiles > MAX_API_FILES) {
    throw new Error(`this pull request changes ${changedFiles} files and GitHub's API lists at most ${MAX_API_FILES}; the app cannot see the whole change. Split the pull request, or run the ModelGate action with a checkout (docs/action.md).`)
  }
  const repo = { owner: job.owner, repo: job.repo }
  const policy = await policyAt(client, repo, baseSha)
  log.info(`policy: ${policy.found ? policy.label : `defaults (no ${policy.label})`}`)
  let files: PullFile[] | null = null
  const { report } = await scan({
    root: NO_CHECKOUT,
    config: policy.config,
    failOn: 'error',
    log: (line) => log.info(line),
    // advisories from GitHub's database with the installation token (advisories.source: auto); all of it stoppable
    ...online(client, signal),
    discover: async (isIgnored) => {
      const change = await discoverPullRequest(client, { ...repo, number: job.number, baseSha, headSha: job.headSha }, NO_CHECKOUT, isIgnored, (line) => log.warning(line))
      files = change.files
      return change
    }
  })
  const changed = (files as PullFile[] | null)?.some((f) => f.filename === '.modelgate.yml')
  const policyNote = changed ? `This pull request changes \`.modelgate.yml\`; ModelGate applied the base branch's policy (${baseSha.slice(0, 7)}). The change takes effect once merged.` : ''
  return { report, files, policyNote }
}

/** The default branch's whole tree, read through the API (one tree listing, blobs on demand), with the policy in it. */
async function scanSnapshot(client: GitHubClient, job: Extract<Job, { type: 'snapshot' }>, log: ReportLog, signal: AbortSignal): Promise<ScanResult> {
  const repo = { owner: job.owner, repo: job.repo }
  const policy = await policyAt(client, repo, job.sha)
  log.info(`policy: ${policy.found ? policy.label : `defaults (no ${policy.label})`}`)
  const tree = apiTreeReader(client, repo, job.sha)
  const { report } = await scan({
    root: NO_CHECKOUT,
    config: policy.config,
    failOn: 'error',
    log: (line) => log.info(line),
    // advisories from GitHub's database with the installation token (advisories.source: auto); all of it stoppable
    ...online(client, signal),
    discover: async (isIgnored) => {
      const paths = (await tree.list('')).filter((p) => !isIgnored(p))
      if (paths.length > SNAPSHOT_MAX_FILES) {
        throw new Error(`the default branch has ${paths.length} files; the app reads each through the API and stops at ${SNAPSHOT_MAX_FILES}. Use the ModelGate action's snapshot workflow (a checkout) for this repository, or add ignore globs to .modelgate.yml.`)
      }
      const candidates: Candidate[] = paths.map((p) => ({ path: p, change: 'unchanged', open: () => tree.open(p) }))
      return { candidates, escapingLinks: [], tree, trustTree: tree, head: job.sha }
    }
  })
  // a whole tree, not a change: report it as the CLI and the action's snapshot mode do
  const tree_: Report = { ...report, mode: 'tree' }
  delete tree_.base
  return { report: tree_, files: null, policyNote: '' }
}

/** The CycloneDX BOM in the check run's text (the snapshot's output), when it fits. */
function bomText(report: Report, subject: string): string {
  const bom = serializeBom(report, { subject, format: 'json' })
  const fence = '`'.repeat(Math.max(3, ...[...bom.matchAll(/`+/g)].map((m) => m[0].length + 1)))
  const head = '### CycloneDX 1.6 BOM\n\n'
  const full = `${head}${fence}json\n${bom}\n${fence}\n`
  if (full.length <= MAX_CHECK_TEXT) return full
  return `${head}The BOM is ${Buffer.byteLength(bom)} bytes, more than a check run's output holds (${MAX_CHECK_TEXT} characters). Generate it with \`modelgate scan --bom\` or the ModelGate action's snapshot workflow.\n`
}

/** The network side of a scan, every request stopping with `signal`: GitHub through the scan's client, OSV and the Hub through fetch. */
function online(client: GitHubClient, signal: AbortSignal): Pick<ScanOptions, 'advisories' | 'hub' | 'signal'> {
  const stoppable: typeof fetch = (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal })
  return { advisories: { online: true, github: client, fetch: stoppable }, hub: { fetch: stoppable }, signal }
}

/**
 * Copies the winning run's result onto ours once it completes; false when it never does (then we
 * scan). The winner is waited for as long as its lease: a winner whose server died is completed as
 * abandoned, and this job scans instead.
 */
async function mirror(c: Claimed, winner: number): Promise<boolean> {
  const { client, repo, runId: mine, env, log } = c
  const waitingSince = Date.now()
  while (!env.cancelled()) {
    const { data: w } = await client.rest.checks.get({ ...repo, check_run_id: winner })
    if (w.status === 'completed') {
      if (w.external_id?.startsWith('mg1|void|')) return false
      await client.rest.checks.update({
        ...repo,
        check_run_id: mine,
        status: 'completed',
        conclusion: w.conclusion ?? 'failure',
        output: { title: w.output.title ?? 'ModelGate', summary: w.output.summary ?? '', text: `Same result as check run ${winner}: two deliveries for this commit were handled at the same time.` }
      })
      log.info(`mirrored check run ${winner} onto ${mine}`)
      return true
    }
    const key = decodeRunKey(w.external_id)
    const startedAt = w.started_at ? Date.parse(w.started_at) : waitingSince
    if (isStale({ status: w.status, startedAt: Number.isNaN(startedAt) ? waitingSince : startedAt }, c.lease)) {
      if (key) await abandon(client, repo, c.headSha, { id: winner, key }, c.lease, mine, log)
      return false
    }
    await new Promise((r) => setTimeout(r, MIRROR_POLL_MS))
  }
  return false
}
