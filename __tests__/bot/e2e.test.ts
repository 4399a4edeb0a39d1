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
import { APP_ID, appSeed, deliver, forApp, startBot, until, type LogLine } from './support/bot-world.js'

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

test('pull_request.opened: 202 at once, then check run, sticky comment and review comment through the ladder', async () => {
  const url = await setup(BASE, EVIL)
  const r = await deliver(url, 'pull_request', await prPayload(), { delivery: 'd-1' })
  expect(r.status).toBe(202)
  expect(r.ms).toBeLessThan(1000)
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
  expect(last?.output.summary).toContain('the scan did not finish within 0 s')
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
