/**
 * The built server as deployed: `node dist/server.js` from a folder with no node_modules. Start-up
 * errors, 50 concurrent deliveries with bounded memory, SIGTERM.
 */
import crypto from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startFakeGitHub, type FakeGitHub, type PullSeed } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { proto0System } from '../pickle/builder.js'
import { webhookExample } from '../action/support/pr-world.js'
import { appSeed, botEnv, deliver, forApp, PRIVATE_KEY, spawnDistServer, until } from './support/bot-world.js'

const OWNER = 'Codertocat'
const REPO = 'Hello-World'
const TOKEN = 'ghs_botDistTestToken'

async function startupError(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const s = await spawnDistServer(env)
  const code = await s.exit
  return { code, stderr: s.stderr(), stdout: s.stdout() }
}

describe('start-up settings: exit 2 with one line naming the setting', () => {
  const base = botEnv('http://127.0.0.1:1')
  const without = (k: string) => Object.fromEntries(Object.entries(base).filter(([n]) => n !== k))
  test.each([
    ['APP_ID missing', without('APP_ID'), "modelgate serve: APP_ID is not set: give the GitHub App ID (a number, on the app's settings page)\n"],
    ['APP_ID not a number', { ...base, APP_ID: 'my-app' }, "modelgate serve: APP_ID: 'my-app' is not a GitHub App ID (a positive number)\n"],
    ['no key', without('PRIVATE_KEY'), "modelgate serve: PRIVATE_KEY is not set: give the app's private key (PEM text) in PRIVATE_KEY or its file in PRIVATE_KEY_PATH\n"],
    ['key not PEM', { ...base, PRIVATE_KEY: 'hunter2' }, "modelgate serve: PRIVATE_KEY: not an RSA private key in PEM format (download one from the app's settings page)\n"],
    ['key file missing', { ...without('PRIVATE_KEY'), PRIVATE_KEY_PATH: '/nonexistent/key.pem' }, 'modelgate serve: PRIVATE_KEY_PATH: cannot read /nonexistent/key.pem (ENOENT)\n'],
    ['both key settings', { ...base, PRIVATE_KEY_PATH: '/x.pem' }, 'modelgate serve: PRIVATE_KEY and PRIVATE_KEY_PATH are both set: give one\n'],
    ['secret missing', without('WEBHOOK_SECRET'), "modelgate serve: WEBHOOK_SECRET is not set: give the app's webhook secret\n"],
    ['port', { ...base, PORT: '70000' }, "modelgate serve: PORT: '70000' is not a TCP port (0–65535)\n"],
    ['api url', { ...base, GITHUB_API_URL: 'api.github.com' }, "modelgate serve: GITHUB_API_URL: 'api.github.com' is not a URL (e.g. https://api.github.com or https://github.example.com/api/v3)\n"],
    ['concurrency', { ...base, MODELGATE_CONCURRENCY: '0' }, "modelgate serve: MODELGATE_CONCURRENCY: '0' is not a number of concurrent scans (1–64)\n"]
  ])('%s', async (_name, env, message) => {
    const r = await startupError(env)
    expect(r).toEqual({ code: 2, stderr: message, stdout: '' })
    // a secret is never echoed
    expect(r.stderr).not.toContain('BEGIN RSA')
  })

  test('PRIVATE_KEY_PATH with a real key starts; SIGTERM stops with exit 0', async () => {
    const keyFile = path.join(os.tmpdir(), `modelgate-key-${process.pid}.pem`)
    await writeFile(keyFile, PRIVATE_KEY, { mode: 0o600 })
    const env = { ...botEnv('http://127.0.0.1:1'), PRIVATE_KEY: '', PRIVATE_KEY_PATH: keyFile }
    const s = await spawnDistServer(env)
    const url = await s.url
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' })
    s.proc.kill('SIGTERM')
    expect(await s.exit).toBe(0)
    expect(s.stdout()).toContain('"msg":"stopped"')
    expect(s.stderr()).toBe('')
  })
})

describe('50 concurrent deliveries', () => {
  let gh: FakeGitHub
  afterAll(() => gh?.close())

  test('all complete, none twice, memory stays bounded', async () => {
    const N = 50
    const sha = (s: string) => crypto.createHash('sha1').update(s).digest('hex')
    const baseSha = sha('base')
    const pulls: PullSeed[] = []
    const files: Record<string, Record<string, string | Buffer>> = { [baseSha]: { 'README.md': '# hi\n', '.modelgate.yml': 'licenses:\n  unknown: "off"\n' } }
    // each PR brings an 8 MiB model (downloaded, hashed and inspected in full) and a pickle with a
    // finding: 400 MiB in all, so a server that kept or buffered models could not stay under the bound
    const weights = crypto.randomBytes(2048 * 1024 * 4)
    for (let i = 1; i <= N; i++) {
      const head = sha(`head-${i}`)
      weights.writeUInt32LE(i, 0) // a distinct digest per PR
      const model = f.safetensors({ w: { dtype: 'F32', shape: [2048, 1024], data: weights } })
      files[head] = { ...files[baseSha], [`models/m${i}.safetensors`]: model, [`models/p${i}.pkl`]: proto0System() }
      pulls.push({ number: i, head: { sha: head, ref: `feature-${i}` }, base: { sha: baseSha, ref: 'main' }, files: [{ filename: `models/m${i}.safetensors`, status: 'added' }, { filename: `models/p${i}.pkl`, status: 'added' }] })
    }
    // ten installations, five PRs each: writes are paced one a second per installation, as GitHub asks
    const installations = Array.from({ length: 10 }, (_, i) => 1000 + i)
    const seed = appSeed()
    gh = await startFakeGitHub({ seed: { owner: OWNER, repo: REPO, token: TOKEN, pulls, files, ...seed, app: { ...seed.app!, moreInstallations: installations } } })
    const s = await spawnDistServer(botEnv(gh.url, { MODELGATE_CONCURRENCY: '8' }))
    try {
    const url = await s.url
    const rss = async () => {
      const m = await (await fetch(`${url}/metrics`)).text()
      return { rss: Number(/^process_resident_memory_bytes (\d+)/m.exec(m)?.[1]), peak: Number(/^modelgate_max_resident_memory_bytes (\d+)/m.exec(m)?.[1]), m }
    }
    const before = await rss()
    const template = webhookExample('pull_request', 'opened') as Record<string, unknown> & { pull_request: Record<string, unknown> }
    const payloads = pulls.map((p, i) => ({
      ...forApp({
        ...template,
        number: p.number,
        pull_request: { ...template.pull_request, number: p.number, changed_files: 2, head: { ...(template.pull_request.head as object), sha: p.head.sha, ref: p.head.ref }, base: { ...(template.pull_request.base as object), sha: baseSha, ref: 'main' } }
      }),
      installation: { id: installations[i % installations.length] }
    }))
    const started = Date.now()
    const answers = await Promise.all(payloads.map((p, i) => deliver(url, 'pull_request', p, { delivery: `bulk-${i}` })))
    const accepted = Date.now() - started
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(202))
    await until(() => gh.state.checkRuns.filter((r) => r.status === 'completed').length === N && gh.state.issueComments.length === N, 240_000, 'every check run completed')
    const m = await rss()
    const elapsed = Date.now() - started
    expect(gh.state.checkRuns).toHaveLength(N)
    expect(new Set(gh.state.checkRuns.map((r) => r.head_sha)).size).toBe(N)
    expect(gh.state.checkRuns.every((r) => r.conclusion === 'failure')).toBe(true)
    expect(gh.state.issueComments).toHaveLength(N)
    expect(new Set(gh.state.issueComments.map((c) => c.issue)).size).toBe(N)
    expect(gh.violations).toEqual([])
    const growth = m.peak - before.rss
    process.stderr.write(
      `[bot memory] ${N} deliveries: accepted in ${accepted} ms (slowest answer ${Math.max(...answers.map((a) => a.ms))} ms), all scanned in ${elapsed} ms; ` +
        `RSS ${(before.rss / 2 ** 20).toFixed(1)} MiB at rest → peak ${(m.peak / 2 ** 20).toFixed(1)} MiB (growth ${(growth / 2 ** 20).toFixed(1)} MiB), ${(m.rss / 2 ** 20).toFixed(1)} MiB after; ` +
        `${N * 8} MiB of models scanned\n`
    )
    // 400 MiB of models went through; blobs stream to disk, so the server holds no more than a few
    // scans' working sets at a time. The peak is the server's own (VmHWM), not the test runner's
    // that it was forked from (getrusage's maxrss, which survives execve).
    expect(before.peak).toBeLessThan(before.rss + 64 * 2 ** 20)
    expect(growth).toBeLessThan(200 * 2 ** 20)
    s.proc.kill('SIGTERM')
    expect(await s.exit).toBe(0)
    } finally {
      s.proc.kill('SIGKILL')
    }
  }, 300_000)
})
