/**
 * The built action on the checkout actions/checkout makes by default (one commit, fetch-depth 1):
 * a merge queue's base is fetched from origin by id, and when it cannot be, the run says to add
 * `fetch-depth: 0` and still writes the job summary.
 */
import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { proto0System } from '../pickle/builder.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { commands } from './support/expect.js'
import { pullRequestWorld, shallowCheckout, webhookExample, type PullRequestWorld } from './support/pr-world.js'
import { disposeBundle, runAction } from './support/run-action.js'

// the base's policy: missing licenses are not this suite's business, and the pickle only warns
const POLICY = 'licenses:\n  unknown: "off"\nseverity:\n  unsafe-serialization: warning\n'
const BASE = { 'README.md': '# Hello\n', 'requirements.txt': 'numpy==1.26.4\n', '.modelgate.yml': POLICY }

let world: PullRequestWorld
let gh: FakeGitHub

afterAll(disposeBundle)
afterEach(async () => {
  expect(gh.violations).toEqual([])
  await gh.close()
  await world.cleanup()
})

async function mergeGroup(workspace: string, baseSha: string) {
  const payload = webhookExample('merge_group') as { merge_group: Record<string, unknown> }
  Object.assign(payload.merge_group, { base_sha: baseSha, head_sha: world.head })
  const eventPath = `${world.workspace}.merge_group.json`
  await writeFile(eventPath, JSON.stringify(payload))
  return runAction({ apiUrl: gh.url, workspace, eventName: 'merge_group', eventPath, sha: world.head, ref: 'refs/heads/gh-readonly-queue/main/pr-2', inputs: {} })
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()

test('merge_group on a depth-1 checkout: the base is fetched from origin, the policy read from it, the queue commit compared', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System(), 'models/ok.safetensors': f.smallSafetensors() })
  gh = await startFakeGitHub({ seed: world.seed })
  const checkout = shallowCheckout(world)
  expect(() => git(checkout, 'cat-file', '-e', `${world.base}^{commit}`)).toThrow()

  const r = await mergeGroup(checkout, world.base)
  expect(r.code).toBe(0)
  const short = (sha: string) => sha.slice(0, 12)
  expect(r.stdout.split('\n').filter((l) => /^(fetched|deepened|policy:)/.test(l))).toEqual([
    `fetched the base commit ${short(world.base)} from origin (the checkout did not have it)`,
    `deepened the shallow checkout by 1 commit(s) to find the merge base of ${short(world.base)} and ${short(world.head)}`,
    `policy: .modelgate.yml at base ${world.base.slice(0, 7)}`
  ])
  // the policy came from git, not the API; the queue commit gets its check run
  expect(gh.operations()).toEqual(['checks/create'])
  expect(gh.requests[0]?.body).toMatchObject({ head_sha: world.head, conclusion: 'success' })
  const report = JSON.parse(await readFile(r.outputs['report-path'] as string, 'utf8'))
  expect([report.mode, report.base, report.head]).toEqual(['change', world.base, world.head])
  expect(report.artifacts.map((a: { path: string; change: string }) => [a.path, a.change])).toEqual([
    ['models/evil.pkl', 'added'],
    ['models/ok.safetensors', 'added']
  ])
  expect(report.findings.map((x: { rule: string; severity: string; path: string }) => [x.rule, x.severity, x.path])).toEqual([['unsafe-serialization', 'warning', 'models/evil.pkl']])
  expect(commands(r.stdout, 'error')).toEqual([])
})

test('merge_group whose base origin does not have: the error says to add fetch-depth: 0, and the job summary says so too', async () => {
  world = await pullRequestWorld(BASE, { 'models/ok.safetensors': f.smallSafetensors() })
  gh = await startFakeGitHub({ seed: world.seed })
  const checkout = shallowCheckout(world)
  const missing = 'f'.repeat(40)

  const r = await mergeGroup(checkout, missing)
  expect(r.code).toBe(1)
  expect(gh.operations()).toEqual([])
  const errors = commands(r.stdout, 'error')
  expect(errors).toHaveLength(1)
  // git words its own part of the message; ours is exact around it
  expect(errors[0]).toMatch(
    new RegExp(
      `^::error::ModelGate could not run: the base commit ${missing} is not in the checkout and fetching it from origin failed \\(git fetch --no-tags --no-recurse-submodules --quiet --depth=1 origin ${missing} failed: .+\\); add \`fetch-depth: 0\` to the actions/checkout step \\(\`with: fetch-depth: 0\`\\)$`
    )
  )
  const message = (errors[0] as string).slice('::error::ModelGate could not run: '.length)
  expect(r.summary).toBe(
    [
      '### ❌ **ModelGate could not run**',
      '',
      message,
      '',
      'Nothing was scanned, so this run does not pass. The message above says what to change; see docs/action.md.',
      ''
    ].join('\n')
  )
  expect(r.outputs).toEqual({})
})
