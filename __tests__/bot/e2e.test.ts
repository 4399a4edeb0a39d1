/**
 * The GitHub App end to end: real webhook payloads (@octokit/webhooks-examples) signed with a test
 * secret, posted to the server on loopback; the server reads the PR through the fake GitHub (which
 * validates every request against @octokit/openapi) and reports with the action's ladder.
 */
import { readFile } from 'node:fs/promises'
import { proto0System } from '../pickle/builder.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { writes } from '../action/support/expect.js'
import { pullRequestWorld, webhookExample, type PullRequestWorld } from '../action/support/pr-world.js'
import type { BotServer } from '../../src/bot/server.js'
import { APP_ID, appSeed, botEnv, deliver, forApp, gate, spawnSourceServer, startBot, until, type LogLine } from './support/bot-world.js'

const POLICY = 'licenses:\n  unknown: "off"\n'
const BASE = { 'README.md': '# Hello\n', 'requirements.txt': 'numpy==1.26.4\n', '.modelgate.yml': POLICY }
const EVIL = { 'models/evil.pkl': proto0System(), 'requirements.txt': 'numpy==1.26.4\ntorch==2.2.0\n' }
const MARKER = '<!-- modelgate:sticky-comment -->'

let world: PullRequestWorld
let gh: FakeGitHub
const servers: BotServer[] = []
let logs: LogLine[]

async function setup(base: Record<string, string | Buffer>, head: Record<string, Buffer | string | null>, deliveries: Parameters<typeof appSeed>[0] = []): Promise<string> {
  // the workspace is only the fixture's source of truth: the bot never sees it, it reads the fake
  world = await pullRequestWorld(base, head)
  gh = await startFakeGitHub({ seed: { ...world.seed, ...appSeed(deliveries) } })
  return boot(deliveries.length ? { shutdownGraceMs: 0 } : {})
}

async function boot(overrides: Parameters<typeof startBot>[1] = {}): Promise<string> {
  const bot = await startBot(gh.url, overrides)
  servers.push(bot.server)
  logs = bot.logs
  return bot.server.url
}

async function prPayload(action = 'opened'): Promise<Record<string, unknown>> {
  const p = JSON.parse(await readFile(world.eventPath, 'utf8')) as Record<string, unknown>
  return forApp({ ...p, action })
}

/** `want` appears in `ops` in this order (other operations may come between). */
function subsequence(ops: string[], want: string[]): boolean {
  let i = 0
  for (const op of ops) if (op === want[i]) i++
  return i === want.length
}

const idle = () => Promise.all(servers.map((s) => s.idle()))
const runs = () => gh.state.checkRuns.filter((r) => r.name === 'ModelGate')

afterEach(async () => {
  for (const s of servers.splice(0)) await s.shutdown('test')
  // every request the bot made is one GitHub accepts
  expect(gh.violations).toEqual([])
  // the installation token never reaches the log
  expect(JSON.stringify(logs)).not.toContain(world.seed.token as string)
  await gh.close()
  await world.cleanup()
})

test('pull_request.opened: 202 before any work, then check run, sticky comment and review comment through the ladder', async () => {
  const url = await setup(BASE, EVIL)
  // GitHub holds the job's first answer (the installation token): no work can finish before it comes
  const token = gate()
  gh.failNext({ route: 'apps/create-installation-access-token', kind: 'slow', hold: token.promise })
  const r = await deliver(url, 'pull_request', await prPayload(), { delivery: 'd-1' })
  expect(r.status).toBe(202)
  expect(JSON.parse(r.body)).toEqual({ queued: 'd-1' })
  // the answer came while the job waits on the held request: it is running, nothing is written yet
  await until(() => gh.requests.length === 1, 10_000, 'the token request')
  expect(gh.operations()).toEqual(['apps/create-installation-access-token'])
  expect(servers[0]?.queue.active).toBe(1)
  expect(runs()).toEqual([])
  token.open()
  await idle()
  // reads in between (blobs, trees, base sides) are the engine's business; the ladder's order is not
  expect(subsequence(gh.operations(), [
    'apps/create-installation-access-token',
    'checks/list-for-ref',
    'checks/create',
    'checks/list-for-ref',
    'repos/get-content',
    'pulls/get',
    'pulls/list-files',
    'git/get-blob',
    'issues/list-comments',
    'issues/create-comment',
    'pulls/list-review-comments',
    'pulls/create-review-comment',
    'checks/update'
  ])).toBe(true)
  expect(gh.operations()[0]).toBe('apps/create-installation-access-token')
  expect(writes(gh).map(([op]) => op)).toEqual(['apps/create-installation-access-token', 'checks/create', 'issues/create-comment', 'pulls/create-review-comment', 'checks/update'])
  const [claim, comment, review, done] = writes(gh).filter(([op]) => op !== 'apps/create-installation-access-token')
  expect(claim).toEqual(['checks/create', expect.objectContaining({ name: 'ModelGate', head_sha: world.head, status: 'in_progress', external_id: `mg1|pr|2|${world.base}|d-1` })])
  expect((comment?.[1] as { body: string }).body.split('\n').slice(0, 2)).toEqual([MARKER, '### ❌ **ModelGate: fail**'])
  expect(review).toEqual(['pulls/create-review-comment', expect.objectContaining({ commit_id: world.head, path: 'models/evil.pkl', subject_type: 'file' })])
  expect(done).toEqual([
    'checks/update',
    expect.objectContaining({ status: 'completed', conclusion: 'failure', external_id: `mg1|pr|2|${world.base}|d-1`, output: expect.objectContaining({ title: 'Fail: 1 error(s), 0 warning(s), 1 model(s)' }) })
  ])
  expect(runs()).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure', head_sha: world.head })])
  expect(runs()[0]?.annotations).toEqual([expect.objectContaining({ path: 'models/evil.pkl', annotation_level: 'failure', title: 'unsafe-serialization' })])
  // the policy was read from the base commit, never the head
  const policyRead = gh.requests.find((q) => q.operationId === 'repos/get-content')
  expect(policyRead?.query.ref).toBe(world.base)
})

test('a redelivered event, a second event for the same head and a second replica never post twice; a new commit updates in place', async () => {
  const url = await setup(BASE, EVIL)
  const payload = await prPayload()
  expect((await deliver(url, 'pull_request', payload, { delivery: 'd-1' })).status).toBe(202)
  await idle()
  const after1 = { comments: gh.state.issueComments.length, reviews: gh.state.reviewComments.length, runs: runs().length }
  expect(after1).toEqual({ comments: 1, reviews: 1, runs: 1 })

  // GitHub redelivers d-1 (same GUID), to this replica and to another one
  const url2 = await boot()
  gh.clearLog()
  const [a, b] = await Promise.all([deliver(url, 'pull_request', payload, { delivery: 'd-1' }), deliver(url2, 'pull_request', payload, { delivery: 'd-1' })])
  expect([a.status, b.status]).toEqual([202, 202])
  // ready_for_review for the same head and base: nothing new to judge
  expect((await deliver(url, 'pull_request', await prPayload('ready_for_review'), { delivery: 'd-2' })).status).toBe(202)
  await idle()
  expect(writes(gh).filter(([op]) => op !== 'apps/create-installation-access-token')).toEqual([])
  expect({ comments: gh.state.issueComments.length, reviews: gh.state.reviewComments.length, runs: runs().length }).toEqual(after1)

  // a new commit: a new check run, the same comment edited
  await world.push(gh, { 'models/broken.safetensors': f.smallSafetensors().subarray(0, 20) })
  gh.clearLog()
  expect((await deliver(url2, 'pull_request', await prPayload('synchronize'), { delivery: 'd-3' })).status).toBe(202)
  await idle()
  expect(writes(gh).map(([op]) => op).filter((op) => op !== 'apps/create-installation-access-token')).toEqual(['checks/create', 'issues/update-comment', 'pulls/create-review-comment', 'checks/update'])
  expect(gh.state.issueComments).toHaveLength(1)
  expect(runs().map((r) => [r.head_sha === world.head, r.status, r.conclusion])).toEqual([
    [false, 'completed', 'failure'],
    [true, 'completed', 'failure']
  ])
})

test('two replicas receiving the same new delivery at once: one scans, the other mirrors; one comment', async () => {
  const url = await setup(BASE, EVIL)
  const url2 = await boot()
  const payload = await prPayload()
  const [a, b] = await Promise.all([deliver(url, 'pull_request', payload, { delivery: 'race' }), deliver(url2, 'pull_request', payload, { delivery: 'race' })])
  expect([a.status, b.status]).toEqual([202, 202])
  await idle()
  expect(gh.state.issueComments).toHaveLength(1)
  expect(gh.state.reviewComments).toHaveLength(1)
  // a race leaves at most one extra run, and it carries the same verdict: the gate is never open or stuck
  expect(runs().length).toBeGreaterThanOrEqual(1)
  expect(runs().length).toBeLessThanOrEqual(2)
  for (const r of runs()) expect([r.status, r.conclusion]).toEqual(['completed', 'failure'])
})

test('a pull request that drops required-for from .modelgate.yml is judged by the base policy', async () => {
  const base = { ...BASE, '.modelgate.yml': `${POLICY}signatures:\n  required-for: ["models/**"]\n` }
  const url = await setup(base, { 'models/new.safetensors': f.smallSafetensors(), '.modelgate.yml': POLICY })
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'policy-1' })).status).toBe(202)
  await idle()
  const [run] = runs()
  expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' })
  expect(run?.annotations).toEqual([expect.objectContaining({ path: 'models/new.safetensors', title: 'unsigned-model', annotation_level: 'failure' })])
  expect(run?.output.text).toContain("This pull request changes `.modelgate.yml`; ModelGate applied the base branch's policy")
  expect(gh.state.issueComments[0]?.body).toContain('`unsigned-model`')
  // the head's policy file was never read
  expect(gh.requests.filter((q) => q.operationId === 'repos/get-content' && q.params.path === '.modelgate.yml').map((q) => q.query.ref)).toEqual([world.base])
})

test('a scan that fails or times out still completes the check run with a failure that says why; a redelivery then scans again', async () => {
  const url = await setup({ ...BASE, '.modelgate.yml': 'signatures: [oops\n' }, EVIL)
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'bad-policy' })).status).toBe(202)
  await idle()
  expect(runs()).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure', external_id: `mg1|void|2|${world.base}|bad-policy` })])
  expect(runs()[0]?.output.title).toBe('ModelGate could not finish the scan')
  expect(runs()[0]?.output.summary).toMatch(/^\*\*ModelGate could not finish the scan:\*\* the scan failed: .*\.modelgate\.yml at [0-9a-f]{7}/)
  expect(gh.state.issueComments).toHaveLength(0)

  // fixed policy on the base, GitHub redelivers: the voided claim does not block a fresh scan
  gh.state.setFiles(world.base, { ...BASE, '.modelgate.yml': POLICY })
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'bad-policy' })).status).toBe(202)
  await idle()
  expect(runs().map((r) => r.conclusion)).toEqual(['failure', 'failure'])
  expect(runs()[1]?.output.title).toBe('Fail: 1 error(s), 0 warning(s), 1 model(s)')

  // a deadline the scan cannot meet
  for (const s of servers.splice(0)) await s.shutdown('test')
  const slow = await boot({ scanTimeoutMs: 5 })
  expect((await deliver(slow, 'pull_request', await prPayload(), { delivery: 'too-slow', }).then((d) => d.status))).toBe(202)
  await idle()
  // same head and base already judged: a plain redelivery is a no-op, a re-run is forced
  const rerun = forApp({ ...webhookExample('check_run', 'rerequested'), repository: (await prPayload()).repository }) as Record<string, unknown>
  const cr = rerun.check_run as Record<string, unknown>
  Object.assign(cr, { head_sha: world.head, external_id: `mg1|pr|2|${world.base}|bad-policy`, app: { ...(cr.app as object), id: APP_ID }, pull_requests: [] })
  expect((await deliver(slow, 'check_run', rerun, { delivery: 'rerun-1' })).status).toBe(202)
  await idle()
  const last = runs().at(-1)
  expect(last).toMatchObject({ status: 'completed', conclusion: 'failure', external_id: `mg1|void|2|${world.base}|rerun-1` })
  expect(last?.output.summary).toContain('the scan did not finish within 5 ms.')
})

test('check_run.rerequested scans again even though the head was judged', async () => {
  const url = await setup(BASE, EVIL)
  await deliver(url, 'pull_request', await prPayload(), { delivery: 'first' })
  await idle()
  const rerun = forApp({ ...webhookExample('check_run', 'rerequested'), repository: (await prPayload()).repository }) as Record<string, unknown>
  const cr = rerun.check_run as Record<string, unknown>
  Object.assign(cr, { head_sha: world.head, external_id: runs()[0]?.external_id, app: { ...(cr.app as object), id: APP_ID }, pull_requests: [] })
  gh.clearLog()
  expect((await deliver(url, 'check_run', rerun, { delivery: 'rerun' })).status).toBe(202)
  await idle()
  expect(writes(gh).map(([op]) => op).filter((op) => op !== 'apps/create-installation-access-token')).toEqual(['checks/create', 'checks/update'])
  expect(runs().map((r) => r.conclusion)).toEqual(['failure', 'failure'])
  // a check run of another app is not ours to re-run
  ;(cr.app as { id: number }).id = 15368
  expect((await deliver(url, 'check_run', rerun, { delivery: 'other-app' })).status).toBe(204)
})

test('push to the default branch: a snapshot check run with the CycloneDX BOM in its output; other pushes are ignored', async () => {
  const url = await setup(BASE, EVIL)
  const push = forApp({ ...webhookExample('push'), ref: 'refs/heads/main', after: world.head, deleted: false, repository: { ...((await prPayload()).repository as object), default_branch: 'main' } })
  expect((await deliver(url, 'push', push, { delivery: 'push-1' })).status).toBe(202)
  expect((await deliver(url, 'push', { ...push, ref: 'refs/heads/feature' }, { delivery: 'push-2' })).status).toBe(204)
  await idle()
  const [run] = runs()
  expect(run).toMatchObject({ head_sha: world.head, status: 'completed', conclusion: 'failure', external_id: 'mg1|push|-|-|push-1' })
  const bom = JSON.parse(/```json\n([\s\S]*)\n```/.exec(run?.output.text ?? '')?.[1] ?? 'null') as { bomFormat: string; components: Array<{ name: string; hashes?: unknown[] }> }
  expect(bom.bomFormat).toBe('CycloneDX')
  expect(bom.components.map((c) => c.name)).toEqual(expect.arrayContaining(['evil.pkl']))
  expect(gh.state.issueComments).toHaveLength(0)
})

test('bad input gets a clear answer: 401 bad or missing signature, 400 malformed, 413 oversized, 204 unhandled, 200 installation; health and metrics', async () => {
  const url = await setup(BASE, EVIL)
  const payload = await prPayload()
  expect((await deliver(url, 'pull_request', payload, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401)
  expect((await deliver(url, 'pull_request', payload, { signature: null })).status).toBe(401)
  const tampered = JSON.stringify(payload)
  expect((await deliver(url, 'pull_request', payload, { raw: tampered.replace('"opened"', '"closed"'), signature: (await import('./support/bot-world.js')).sign(tampered) })).status).toBe(401)
  expect((await deliver(url, 'pull_request', null, { raw: '{"action": "opened",' })).status).toBe(400)
  expect((await deliver(url, 'pull_request', null, { raw: '[1,2]' })).status).toBe(400)
  // signed, but not a pull request the bot can act on: 400 naming what is missing, never a silent 204
  const headless = { ...payload, pull_request: { ...(payload.pull_request as object), head: { ref: 'feature' } } }
  const malformed = await deliver(url, 'pull_request', headless, { delivery: 'no-head' })
  expect([malformed.status, JSON.parse(malformed.body)]).toEqual([400, { error: 'pull_request.opened payload is missing or has an invalid pull_request.head.sha (a 40-hex commit id)' }])
  expect(logs).toContainEqual({ level: 'warn', msg: 'rejected: pull_request.opened payload is missing or has an invalid pull_request.head.sha (a 40-hex commit id)', fields: { delivery: 'no-head', event: 'pull_request' } })
  expect((await deliver(url, 'pull_request', null, { raw: Buffer.alloc(26 * 1024 * 1024, 0x20) })).status).toBe(413)
  expect((await deliver(url, 'issues', forApp(webhookExample('issues', 'opened')))).status).toBe(204)
  expect((await deliver(url, 'pull_request', forApp(webhookExample('pull_request', 'closed')))).status).toBe(204)
  const inst = await deliver(url, 'installation', webhookExample('installation', 'created'), { delivery: 'inst-1' })
  expect(inst.status).toBe(200)
  expect(logs).toContainEqual(expect.objectContaining({ msg: 'installation.created', fields: expect.objectContaining({ delivery: 'inst-1', installation: expect.any(Number) }) }))
  expect((await fetch(`${url}/api/github/webhooks`)).status).toBe(405)
  expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', queue: 0 })
  const metrics = await (await fetch(`${url}/metrics`)).text()
  expect(metrics).toContain('modelgate_queue_depth 0')
  expect(metrics).toMatch(/modelgate_webhook_deliveries_total\{status="401"\} 3/)
  expect(metrics).toMatch(/modelgate_webhook_deliveries_total\{status="400"\} 3/)
  expect(metrics).toContain('modelgate_webhook_body_bytes_in_flight 0\n')
  expect(metrics).toContain('modelgate_scan_duration_seconds_count 0')
  expect(metrics).toMatch(/^nodejs_external_memory_bytes \d+$/m)
  // the server's own peak, never below what it holds now
  expect(Number(/^modelgate_max_resident_memory_bytes (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(Number(/^process_resident_memory_bytes (\d+)$/m.exec(metrics)?.[1]))
  // nothing reached GitHub: unauthenticated input is not acted on
  expect(gh.requests).toEqual([])
})

test('shutdown while the check run is being created: once GitHub answers, the run is completed as interrupted, never left in progress', async () => {
  const url = await setup(BASE, EVIL, [{ id: 5002, guid: 'stop-2', event: 'pull_request', action: 'opened' }])
  const bot = servers[0] as BotServer
  // the run exists on GitHub at once; the bot hears about it only 1.5 s later
  gh.failNext({ route: 'checks/create', kind: 'slow', delayMs: 1500 })
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'stop-2' })).status).toBe(202)
  await until(() => runs().length === 1, 10_000, 'the run on GitHub')
  const stopping = bot.shutdown('SIGTERM')
  servers.splice(0)
  await stopping
  expect(runs()).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure', external_id: `mg1|void|2|${world.base}|stop-2` })])
  expect(gh.state.redeliveries.map((r) => r.guid)).toEqual(['stop-2'])
})

test('graceful shutdown: healthz turns 503, work that cannot finish in the grace period is completed as interrupted and handed back for redelivery', async () => {
  const url = await setup(BASE, EVIL, [{ id: 5001, guid: 'stop-1', event: 'pull_request', action: 'opened' }])
  const bot = servers[0] as BotServer
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'stop-1' })).status).toBe(202)
  await until(() => runs().length === 1, 10_000, 'the claim')
  const stopping = bot.shutdown('SIGTERM')
  servers.splice(0)
  await stopping
  // the test server has no grace period, so the scan was cut short
  expect(runs()).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure', external_id: `mg1|void|2|${world.base}|stop-1` })])
  expect(runs()[0]?.output.summary).toContain('the server stopped (shutdown) before the scan finished')
  expect(gh.state.redeliveries.map((r) => r.guid)).toEqual(['stop-1'])
  // the redelivery reaches another replica and is scanned from scratch
  const other = await boot()
  expect((await deliver(other, 'pull_request', await prPayload(), { delivery: 'stop-1' })).status).toBe(202)
  await idle()
  expect(runs().map((r) => r.conclusion)).toEqual(['failure', 'failure'])
  expect(runs()[1]?.output.title).toBe('Fail: 1 error(s), 0 warning(s), 1 model(s)')
  expect(gh.state.issueComments).toHaveLength(1)
})

test('pull_request.reopened scans like opened, request for request; the scan duration reaches /metrics', async () => {
  const url = await setup(BASE, { 'models/evil.pkl': proto0System() })
  expect((await deliver(url, 'pull_request', await prPayload('reopened'), { delivery: 'reopen-1' })).status).toBe(202)
  await idle()
  expect(gh.operations()).toEqual([
    'apps/create-installation-access-token',
    'checks/list-for-ref',
    'checks/create',
    'checks/list-for-ref',
    'repos/get-content',
    'pulls/get',
    'pulls/list-files',
    'git/get-tree',
    'git/get-blob',
    'git/get-blob',
    'issues/list-comments',
    'issues/create-comment',
    'pulls/list-review-comments',
    'pulls/create-review-comment',
    'checks/update'
  ])
  expect(runs()).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure', external_id: `mg1|pr|2|${world.base}|reopen-1` })])
  expect(logs).toContainEqual(expect.objectContaining({ msg: 'job scanned', fields: expect.objectContaining({ delivery: 'reopen-1', event: 'pull_request.reopened' }) }))
  const metrics = await (await fetch(`${url}/metrics`)).text()
  const summary = metrics.split('\n').filter((l) => l.startsWith('modelgate_scan_duration_seconds'))
  expect(summary.map((l) => l.replace(/ \d+\.\d{3}$/, ' <s>'))).toEqual([
    'modelgate_scan_duration_seconds{quantile="0.5"} <s>',
    'modelgate_scan_duration_seconds{quantile="0.9"} <s>',
    'modelgate_scan_duration_seconds{quantile="0.99"} <s>',
    'modelgate_scan_duration_seconds_sum <s>',
    'modelgate_scan_duration_seconds_count 1'
  ])
  // one scan: every quantile and the sum are its duration, which is not zero
  const values = new Set(summary.slice(0, 4).map((l) => l.split(' ')[1]))
  expect(values.size).toBe(1)
  expect(Number([...values][0])).toBeGreaterThan(0)
  expect(metrics).toContain('modelgate_jobs_total{outcome="scanned"} 1\n')
  expect(metrics).toContain('modelgate_webhook_deliveries_total{status="202"} 1\n')
})

test('a replica that dies mid-scan: its claim holds for its lease, then a redelivery completes it as abandoned and scans again, each run completed once', async () => {
  const url = await setup(BASE, { 'models/evil.pkl': proto0System() })
  // replica A, a process of its own, claims the scan and waits on the file list GitHub holds; then it is killed outright
  const held = gate()
  gh.failNext({ route: 'pulls/list-files', kind: 'slow', hold: held.promise })
  const a = spawnSourceServer(botEnv(gh.url))
  try {
    expect((await deliver(await a.url, 'pull_request', await prPayload(), { delivery: 'd-1' })).status).toBe(202)
    await until(() => gh.operations().includes('pulls/list-files'), 60_000, 'replica A to ask for the file list')
  } finally {
    a.proc.kill('SIGKILL')
  }
  await a.exit
  const [claim] = runs()
  expect(runs()).toEqual([expect.objectContaining({ status: 'in_progress', conclusion: null, external_id: `mg1|pr|2|${world.base}|d-1` })])
  const id = claim?.id as number

  // GitHub redelivers d-1 to replica B at once: within its lease the claim may be a live server's, so B leaves it
  gh.clearLog()
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'd-1' })).status).toBe(202)
  await idle()
  expect(gh.operations()).toEqual(['apps/create-installation-access-token', 'checks/list-for-ref'])
  expect(logs.map((l) => l.msg)).toContain(`nothing to do: delivery d-1 already has check run ${id} (in progress; if it has no result 20 min after it started, a redelivery takes it over)`)

  // the lease (scan timeout 10 min + 10 min for reporting) runs out; the next redelivery takes over
  ;(claim as { started_at: string }).started_at = new Date(Date.now() - 21 * 60_000).toISOString()
  gh.clearLog()
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'd-1' })).status).toBe(202)
  await idle()
  expect(gh.operations()).toEqual([
    'checks/list-for-ref',
    'checks/create',
    'checks/list-for-ref',
    'checks/update',
    'repos/get-content',
    'pulls/get',
    'pulls/list-files',
    'git/get-tree',
    'git/get-blob',
    'git/get-blob',
    'issues/list-comments',
    'issues/create-comment',
    'pulls/list-review-comments',
    'pulls/create-review-comment',
    'checks/update'
  ])
  const [create, abandoned, comment, review, done] = writes(gh)
  expect(create).toEqual(['checks/create', expect.objectContaining({ status: 'in_progress', external_id: `mg1|pr|2|${world.base}|d-1` })])
  expect(abandoned).toEqual([
    'checks/update',
    {
      status: 'completed',
      conclusion: 'failure',
      external_id: `mg1|void|2|${world.base}|d-1`,
      output: {
        title: 'ModelGate could not finish the scan',
        summary: `**ModelGate could not finish the scan:** the ModelGate server scanning this stopped without a result (none within 20 min, longer than a scan may take); check run ${id + 1} takes over.\n\nNothing was judged, so this check fails closed. Re-run the check to try again.`
      }
    }
  ])
  expect([comment?.[0], review?.[0]]).toEqual(['issues/create-comment', 'pulls/create-review-comment'])
  expect(done).toEqual(['checks/update', expect.objectContaining({ status: 'completed', conclusion: 'failure', external_id: `mg1|pr|2|${world.base}|d-1` })])
  // each run completed exactly once: the abandoned claim by B's takeover, B's own by its result
  expect(gh.requests.filter((q) => q.operationId === 'checks/update').map((q) => Number(q.params.check_run_id))).toEqual([id, id + 1])
  expect(runs().map((r) => [r.id, r.status, r.conclusion, r.external_id])).toEqual([
    [id, 'completed', 'failure', `mg1|void|2|${world.base}|d-1`],
    [id + 1, 'completed', 'failure', `mg1|pr|2|${world.base}|d-1`]
  ])

  // a later event for the same head and base finds the result
  gh.clearLog()
  expect((await deliver(url, 'pull_request', await prPayload('ready_for_review'), { delivery: 'd-2' })).status).toBe(202)
  await idle()
  expect(gh.operations()).toEqual(['checks/list-for-ref'])
  expect(gh.state.issueComments).toHaveLength(1)
  held.open()
}, 120_000)

test("a replica mirroring a rival whose server died takes over once the rival's lease runs out", async () => {
  const url = await setup(BASE, { 'models/evil.pkl': proto0System() })
  // B's first look at the commit is held; meanwhile another replica claims the same delivery
  const look = gate()
  gh.failNext({ route: 'checks/list-for-ref', kind: 'slow', hold: look.promise })
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'd-m' })).status).toBe(202)
  await until(() => gh.operations().includes('checks/list-for-ref'), 10_000, 'the first look')
  const rival = rivalClaim('d-m')
  look.open()
  // B created its run after the rival's, so it waits for the rival's result to mirror it
  await until(() => gh.operations().includes('checks/get'), 10_000, 'B waiting for the rival')
  expect(runs().map((r) => [r.id, r.status])).toEqual([
    [rival.id, 'in_progress'],
    [rival.id + 1, 'in_progress']
  ])
  // the rival's lease runs out: its server died
  rival.started_at = new Date(Date.now() - 21 * 60_000).toISOString()
  await idle()
  const out = writes(gh).filter(([op]) => op !== 'apps/create-installation-access-token')
  expect(out.map(([op]) => op)).toEqual(['checks/create', 'checks/update', 'checks/update', 'issues/create-comment', 'pulls/create-review-comment', 'checks/update'])
  expect(out[1]?.[1]).toEqual(expect.objectContaining({ external_id: `mg1|void|2|${world.base}|d-m`, conclusion: 'failure' }))
  // B's claim is renewed: its lease counts from its own scan, not from the wait
  expect(Object.keys(out[2]?.[1] as object)).toEqual(['started_at'])
  expect(gh.requests.filter((q) => q.operationId === 'checks/update').map((q) => Number(q.params.check_run_id))).toEqual([rival.id, rival.id + 1, rival.id + 1])
  expect(runs().map((r) => [r.id, r.status, r.conclusion, r.external_id])).toEqual([
    [rival.id, 'completed', 'failure', `mg1|void|2|${world.base}|d-m`],
    [rival.id + 1, 'completed', 'failure', `mg1|pr|2|${world.base}|d-m`]
  ])
  expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining([`check run ${rival.id} was abandoned by its server; completing it`, `check run ${rival.id} did not finish; scanning here instead`]))
})

test('an error while waiting for a rival still completes the run as failed (never left in progress)', async () => {
  const url = await setup(BASE, { 'models/evil.pkl': proto0System() })
  const look = gate()
  gh.failNext({ route: 'checks/list-for-ref', kind: 'slow', hold: look.promise })
  gh.failNext({ route: 'checks/get', kind: 'validation-failed' })
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 'd-e' })).status).toBe(202)
  await until(() => gh.operations().includes('checks/list-for-ref'), 10_000, 'the first look')
  const rival = rivalClaim('d-e')
  look.open()
  await idle()
  const out = writes(gh).filter(([op]) => op !== 'apps/create-installation-access-token')
  expect(out).toEqual([
    ['checks/create', expect.objectContaining({ status: 'in_progress', external_id: `mg1|pr|2|${world.base}|d-e` })],
    [
      'checks/update',
      {
        status: 'completed',
        conclusion: 'failure',
        external_id: `mg1|void|2|${world.base}|d-e`,
        output: {
          title: 'ModelGate could not finish the scan',
          summary: '**ModelGate could not finish the scan:** the job failed: Validation Failed.\n\nNothing was judged, so this check fails closed. Re-run the check to try again.'
        }
      }
    ]
  ])
  expect(gh.requests.filter((q) => q.operationId === 'checks/update').map((q) => Number(q.params.check_run_id))).toEqual([rival.id + 1])
  expect(logs).toContainEqual(expect.objectContaining({ msg: 'job failed', fields: expect.objectContaining({ delivery: 'd-e', checkRun: rival.id + 1 }) }))
})

test('a scan past its deadline is stopped: its run fails at once, it makes no further request, and the next job starts only once it has stopped', async () => {
  await setup({ '.modelgate.yml': POLICY }, { 'models/evil.pkl': proto0System() })
  for (const s of servers.splice(0)) await s.shutdown('test')
  const url = await boot({ scanTimeoutMs: 1000, concurrency: 1 })
  // the scan's first request (the base policy) is held by GitHub past the deadline
  const held = gate()
  gh.failNext({ route: 'repos/get-content', kind: 'slow', hold: held.promise })
  // a push of the base commit (only the policy file in it)
  const push = forApp({ ...webhookExample('push'), ref: 'refs/heads/main', after: world.base, deleted: false, repository: { ...((await prPayload()).repository as object), default_branch: 'main' } })
  expect((await deliver(url, 'pull_request', await prPayload(), { delivery: 't-1' })).status).toBe(202)
  // a second job (another key), waiting for the only slot
  expect((await deliver(url, 'push', push, { delivery: 't-2' })).status).toBe(202)
  await until(() => runs().length === 2, 30_000, 'the second job to claim')
  // GitHub answers the held request only now: the stopped scan no longer listens
  held.open()
  await idle()
  const ops = gh.operations()
  const first = [
    'apps/create-installation-access-token',
    'checks/list-for-ref',
    'checks/create',
    'checks/list-for-ref',
    'repos/get-content',
    'checks/update'
  ]
  expect(ops.slice(0, first.length)).toEqual(first)
  // then only the snapshot's own requests: nothing more from the stopped scan
  expect(ops.slice(first.length)).toEqual(['checks/list-for-ref', 'checks/create', 'checks/list-for-ref', 'repos/get-content', 'git/get-tree', 'git/get-blob', 'checks/update'])
  expect(runs().map((r) => [r.status, r.conclusion, r.external_id])).toEqual([
    ['completed', 'failure', `mg1|void|2|${world.base}|t-1`],
    ['completed', 'success', 'mg1|push|-|-|t-2']
  ])
  expect(runs()[0]?.output.summary).toBe('**ModelGate could not finish the scan:** the scan did not finish within 1 s.\n\nNothing was judged, so this check fails closed. Re-run the check to try again.')
  const metrics = await (await fetch(`${url}/metrics`)).text()
  expect(metrics).toContain('modelgate_jobs_running 0\n')
  expect(metrics).toContain('modelgate_jobs_total{outcome="failed"} 1\nmodelgate_jobs_total{outcome="scanned"} 1\n')
})

/** An in-progress claim another replica made a moment ago (same delivery), straight into GitHub's state. */
function rivalClaim(delivery: string): FakeGitHub['state']['checkRuns'][number] {
  const run = {
    id: gh.state.id(),
    name: 'ModelGate',
    head_sha: world.head,
    status: 'in_progress',
    conclusion: null,
    started_at: new Date().toISOString(),
    completed_at: null,
    details_url: null,
    external_id: `mg1|pr|2|${world.base}|${delivery}`,
    output: { title: 'Scanning the pull request…', summary: 'another replica', text: null },
    annotations: []
  }
  gh.state.checkRuns.push(run)
  return run
}
