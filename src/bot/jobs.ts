import os from 'node:os'
import path from 'node:path'
import { serializeBom } from '../bom/cyclonedx.js'
import { discoverPullRequest, MAX_API_FILES, type PullFile } from '../discover/pull-request.js'
import type { Candidate } from '../discover/types.js'
import { scan } from '../engine/scan.js'
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
import { claimScan, voidKey } from './claim.js'
import { encodeRunKey, type Job, type RunKey } from './events.js'
import type { Logger } from './log.js'

/** The bot never has a checkout: discovery is pointed at a folder that does not exist, so every byte comes from the API. */
const NO_CHECKOUT = path.join(os.tmpdir(), 'modelgate-bot-has-no-checkout')
/** A snapshot reads each file through the API (one request each); above this many files it says so instead. */
export const SNAPSHOT_MAX_FILES = 3000
const MIRROR_POLL_MS = 1000

export interface JobEnv {
  appId: number
  client: (installationId: number) => Promise<GitHubClient>
  log: Logger
  scanTimeoutMs: number
  /** true once the job was handed back at shutdown: write nothing more. */
  cancelled: () => boolean
  onScanDuration: (seconds: number) => void
  /** Called once the job holds a check run, with a way to complete it as interrupted (shutdown). */
  onClaimed?: (release: (why: string) => Promise<void>) => void
}

export type JobOutcome = 'scanned' | 'skipped' | 'mirrored' | 'failed' | 'superseded' | 'cancelled'

class ScanTimeout extends Error {}

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
  // from the moment our run exists, shutdown can complete it as interrupted (never left in progress)
  const claim = await claimScan(client, repo, headSha, env.appId, key, job.force, job.type === 'pull-request' ? 'Scanning the pull request…' : 'Scanning the default branch…', (id) =>
    env.onClaimed?.((why) => failRun(client, repo, headSha, id, key, why, log))
  )
  if (claim.kind === 'skip') {
    log.info(`nothing to do: ${claim.reason}`)
    return { outcome: 'skipped', runId: claim.runId }
  }
  if (claim.kind === 'mirror') {
    const mirrored = await mirror(client, repo, claim.runId, claim.winner, env, log)
    if (mirrored) return { outcome: 'mirrored', runId: claim.runId }
    log.info(`check run ${claim.winner} did not finish; scanning here instead`)
  }
  const runId = claim.runId
  if (env.cancelled()) return { outcome: 'cancelled', runId }
  const runUrl = claim.kind === 'mine' ? (claim.htmlUrl ?? undefined) : undefined

  const started = Date.now()
  let timer: NodeJS.Timeout | undefined
  const work = job.type === 'pull-request' ? scanPullRequest(client, job, baseSha as string, changedFiles, log) : scanSnapshot(client, job, log)
  work.catch(() => {}) // a timed-out scan may still fail later; nobody is waiting for it then
  let result: Awaited<typeof work>
  try {
    result = await Promise.race([
      work,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ScanTimeout(`the scan did not finish within ${Math.round(env.scanTimeoutMs / 1000)} s`)), env.scanTimeoutMs)))
    ])
  } catch (err) {
    const why = err instanceof ScanTimeout ? err.message : `the scan failed: ${describeFailure(err).message}`
    log.warning(why)
    if (!env.cancelled()) await failRun(client, repo, headSha, runId, key, why, log)
    return { outcome: env.cancelled() ? 'cancelled' : 'failed', runId }
  } finally {
    clearTimeout(timer)
  }
  env.onScanDuration((Date.now() - started) / 1000)
  if (env.cancelled()) return { outcome: 'cancelled', runId }

  const { report, files, policyNote } = result
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
      await publishCheckRun(client, repo, headSha, report, { ...(runId !== null ? { runId } : {}), externalId: encodeRunKey(key), ...(text ? { text } : {}), log })
    })
    if (!done && runId !== null) await failRun(client, repo, headSha, runId, key, 'the check run could not be completed with the result (see the server log)', log)
  }
  ladder.finish()
  log.info(`${report.verdict}: ${report.findings.length} finding(s)`)
  return { outcome: 'scanned', runId }
}

interface ScanResult {
  report: Report
  files: PullFile[] | null
  policyNote: string
}

/** A pull request: files, patches and blobs from the API; the policy from the base commit. */
async function scanPullRequest(client: GitHubClient, job: Extract<Job, { type: 'pull-request' }>, baseSha: string, changedFiles: number | null, log: ReportLog): Promise<ScanResult> {
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
    // GitHub's advisory database with the installation token (advisories.source: auto)
    advisories: { online: true, github: client },
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
async function scanSnapshot(client: GitHubClient, job: Extract<Job, { type: 'snapshot' }>, log: ReportLog): Promise<ScanResult> {
  const repo = { owner: job.owner, repo: job.repo }
  const policy = await policyAt(client, repo, job.sha)
  log.info(`policy: ${policy.found ? policy.label : `defaults (no ${policy.label})`}`)
  const tree = apiTreeReader(client, repo, job.sha)
  const { report } = await scan({
    root: NO_CHECKOUT,
    config: policy.config,
    failOn: 'error',
    log: (line) => log.info(line),
    // GitHub's advisory database with the installation token (advisories.source: auto)
    advisories: { online: true, github: client },
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

/** Never leaves a run in progress: a failure conclusion that says why, and a key that no longer counts as a claim. */
async function failRun(client: GitHubClient, repo: { owner: string; repo: string }, sha: string, runId: number | null, key: RunKey, why: string, log: ReportLog): Promise<void> {
  const output = {
    title: 'ModelGate could not finish the scan',
    summary: `**ModelGate could not finish the scan:** ${why}.\n\nNothing was judged, so this check fails closed. Re-run the check to try again.`
  }
  try {
    if (runId !== null) await client.rest.checks.update({ ...repo, check_run_id: runId, status: 'completed', conclusion: 'failure', external_id: voidKey(key), output })
    else await client.rest.checks.create({ ...repo, name: 'ModelGate', head_sha: sha, status: 'completed', conclusion: 'failure', external_id: voidKey(key), output })
  } catch (err) {
    log.warning(`could not complete the check run as failed: ${describeFailure(err).message}`)
  }
}

/** Copies the winning run's result onto ours once it completes; false when it never does (then we scan). */
async function mirror(client: GitHubClient, repo: { owner: string; repo: string }, mine: number, winner: number, env: JobEnv, log: ReportLog): Promise<boolean> {
  const deadline = Date.now() + env.scanTimeoutMs + 30_000
  while (Date.now() < deadline && !env.cancelled()) {
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
    await new Promise((r) => setTimeout(r, MIRROR_POLL_MS))
  }
  return false
}
