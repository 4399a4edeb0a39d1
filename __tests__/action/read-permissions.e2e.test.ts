/**
 * Tokens that may not read the pull request (the fork-scan example without `pull-requests: read`
 * on a private repository) or may not write (Dependabot, missing permissions): the built action
 * falls back or degrades with one warning that names the permission, and never loses the summary.
 */
import { readFile } from 'node:fs/promises'
import { proto0System } from '../pickle/builder.js'
import { READ_ONLY, startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import { commands } from './support/expect.js'
import { pullRequestWorld, shallowCheckout, type PullRequestWorld } from './support/pr-world.js'
import { disposeBundle, runAction } from './support/run-action.js'

const POLICY = 'licenses:\n  unknown: "off"\n'
const BASE = { 'README.md': '# Hello\n', 'requirements.txt': 'numpy==1.26.4\n', '.modelgate.yml': POLICY }
/** What examples/workflows/modelgate-fork-scan.yml grants before this fix: contents only. */
const CONTENTS_ONLY = { contents: 'read', metadata: 'read', issues: 'none', pull_requests: 'none', checks: 'none', security_events: 'none' } as const
/** The inputs of the fork-scan example. */
const FORK_SCAN = { comment: 'never', review: 'false', 'check-run': 'false' }
const EVIL_FINDING = ['unsafe-serialization', 'error', 'models/evil.pkl']

let world: PullRequestWorld
let gh: FakeGitHub

afterAll(disposeBundle)
afterEach(async () => {
  expect(gh.violations).toEqual([])
  await gh.close()
  await world.cleanup()
})

const short = (sha: string) => sha.slice(0, 12)
const denied = `GitHub answered 403 to reading pull request #2 (Resource not accessible by integration; it accepts pull_requests=read): grant \`pull-requests: read\` in the workflow's permissions (private repositories need it)`

test('pulls.get answers 403: the change is compared in the checkout (fetching what a depth-1 clone lacks) with one warning naming pull-requests: read', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System() }, { fork: true })
  gh = await startFakeGitHub({ seed: { ...world.seed, permissions: CONTENTS_ONLY } })
  const checkout = shallowCheckout(world)
  const r = await runAction({ apiUrl: gh.url, workspace: checkout, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', inputs: FORK_SCAN })

  expect(r.code).toBe(1)
  // the base policy from the API (the clone has only the head), then the one PR read that was refused
  expect(gh.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual(['repos/get-content 200', 'pulls/get 403'])
  expect(commands(r.stdout, 'warning')).toEqual([
    `::warning::${denied}. ModelGate compared ${short(world.base)}...${short(world.head)} in the local git checkout instead, so review comments can only be file-level.`
  ])
  expect(r.stdout).toContain(`fetched the base commit ${short(world.base)} from origin (the checkout did not have it)`)
  expect(commands(r.stdout, 'error')).toEqual([
    '::error::ModelGate: 1 error(s), 0 warning(s) at fail-on=error; see the job summary',
    expect.stringMatching(/^::error title=ModelGate unsafe-serialization,file=models\/evil.pkl::Loading this pickle runs code/)
  ])
  const report = JSON.parse(await readFile(r.outputs['report-path'] as string, 'utf8'))
  expect([report.base, report.head]).toEqual([world.base, world.head])
  expect(report.findings.map((x: { rule: string; severity: string; path: string }) => [x.rule, x.severity, x.path])).toEqual([EVIL_FINDING])
  expect(r.summary).toContain('`unsafe-serialization` in `models/evil.pkl`')
})

test('pulls.get answers 403 and there is no checkout to compare in: one clear error naming both fixes, and the job summary', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System() }, { fork: true, checkout: 'none' })
  gh = await startFakeGitHub({ seed: { ...world.seed, permissions: CONTENTS_ONLY } })
  const r = await runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', inputs: FORK_SCAN })

  expect(r.code).toBe(1)
  expect(gh.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual(['repos/get-content 200', 'pulls/get 403'])
  const message = `${denied}. Comparing the commits in the checkout instead failed too: comparing ${short(world.base)}...${short(world.head)} needs a git checkout, and ${world.workspace} is not one: add actions/checkout before ModelGate, with \`fetch-depth: 0\``
  expect(commands(r.stdout)).toEqual([`::error::ModelGate could not run: ${message}`])
  expect(r.summary).toBe(
    [
      '### ❌ **ModelGate could not run**',
      '',
      message.replace(/#2/, '#\u20602').replace('it accepts pull_requests=read', 'it accepts pull\\_requests=read'),
      '',
      'Nothing was scanned, so this run does not pass. The message above says what to change; see docs/action.md.',
      ''
    ].join('\n')
  )
})

test('a read-only token on a pull request from the same repository (Dependabot): one warning naming the write permissions to grant', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System() })
  gh = await startFakeGitHub({ seed: { ...world.seed, permissions: READ_ONLY } })
  const r = await runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', inputs: {} })

  expect(r.code).toBe(1)
  expect(gh.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
    'pulls/get 200',
    'pulls/list-files 200',
    'users/get-authenticated 403',
    'issues/list-comments 200',
    'issues/create-comment 403',
    'checks/create 403'
  ])
  expect(commands(r.stdout, 'warning')).toEqual([
    "::warning::ModelGate could not post the PR comment, create the check run: the token is read-only (a Dependabot pull request, or missing permissions). The results are in the job summary, the annotations and the exit code. To get comments and checks, grant `checks: write` and `pull-requests: write` in the workflow's permissions."
  ])
})
