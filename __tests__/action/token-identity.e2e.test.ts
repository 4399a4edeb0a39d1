/**
 * `github-token` set to a personal access token: the built action writes as that person, so its own
 * comments are found by the token's login (GET /user), not by a bot author. Re-runs edit in place.
 */
import { proto0System } from '../pickle/builder.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { commands, writes } from './support/expect.js'
import { pullRequestWorld, type PullRequestWorld } from './support/pr-world.js'
import { disposeBundle, runAction } from './support/run-action.js'

const POLICY = 'licenses:\n  unknown: "off"\n'
const BASE = { 'README.md': '# Hello\n', 'requirements.txt': 'numpy==1.26.4\n', '.modelgate.yml': POLICY }
const MARKER = '<!-- modelgate:sticky-comment -->'
const PAT = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'
const OCTOCAT = { login: 'octocat', id: 583231, type: 'User' as const }

let world: PullRequestWorld
let gh: FakeGitHub

afterAll(disposeBundle)
afterEach(async () => {
  expect(gh.violations).toEqual([])
  await gh.close()
  await world.cleanup()
})

const act = () =>
  runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', token: PAT, inputs: { 'check-run': 'false' } })

test('a personal access token: two runs, one sticky comment edited in place, no duplicate review comments, a pasted marker left alone', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System() })
  // someone else quoted our marker in the PR conversation: not ours to edit
  const pasted = { issue: 2, id: 77, body: `${MARKER}\nI copied this from another PR`, user: { login: 'mallory', id: 4242, type: 'User' as const } }
  gh = await startFakeGitHub({ seed: { ...world.seed, token: PAT, actor: OCTOCAT, issueComments: [pasted] } })

  const r1 = await act()
  expect(r1.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'pulls/list-review-comments', 'pulls/create-review-comment'])
  expect(gh.requests[2]?.status).toBe(200)
  const ours = gh.state.issueComments.find((c) => c.id !== 77)!
  expect(ours.user.login).toBe('octocat')

  // the same commit again: nothing to write
  gh.clearLog()
  const r2 = await act()
  expect(r2.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'pulls/list-review-comments'])

  // a new commit adds a truncated model: our comment is edited, one review comment for the new file only
  await world.push(gh, { 'models/broken.safetensors': f.smallSafetensors().subarray(0, 20) })
  gh.clearLog()
  const r3 = await act()
  expect(r3.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/update-comment', 'pulls/list-review-comments', 'pulls/create-review-comment'])
  expect(gh.requests[4]?.params.comment_id).toBe(String(ours.id))
  expect(writes(gh).map(([op, body]) => [op, (body as { path?: string }).path ?? null])).toEqual([
    ['issues/update-comment', null],
    ['pulls/create-review-comment', 'models/broken.safetensors']
  ])
  expect(gh.state.issueComments.map((c) => [c.id, c.user.login])).toEqual([
    [77, 'mallory'],
    [ours.id, 'octocat']
  ])
  expect(gh.state.issueComments[0]?.body).toBe(pasted.body)
  expect(gh.state.reviewComments.map((c) => [c.path, c.user.login])).toEqual([
    ['models/evil.pkl', 'octocat'],
    ['models/broken.safetensors', 'octocat']
  ])
  for (const r of [r1, r2, r3]) expect(commands(r.stdout, 'warning')).toEqual([])
})

test('a personal access token and check-run left on: GitHub refuses the check run, and the warning says why no permission helps', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System() })
  gh = await startFakeGitHub({ seed: { ...world.seed, token: PAT, actor: OCTOCAT } })
  const r = await runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', token: PAT, inputs: { review: 'false' } })
  expect(r.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'checks/create'])
  expect(gh.requests.at(-1)?.status).toBe(403)
  expect(commands(r.stdout, 'warning')).toEqual([
    '::warning::ModelGate could not create the check run: only GitHub Apps and GITHUB_TOKEN can create check runs, and this token belongs to octocat. The findings are annotated through the log and the exit code still gates; set check-run: false to skip the attempt, or pass GITHUB_TOKEN.'
  ])
  // without a check run the findings still reach the PR as workflow annotations
  expect(commands(r.stdout, 'error').map((c) => c.slice(0, c.indexOf('::', 2) + 2))).toEqual(['::error::', '::error title=ModelGate unsafe-serialization,file=models/evil.pkl::'])
})
