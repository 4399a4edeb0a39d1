/** Injected rate limits and 5xx: each fires once (or `times`), then the route answers normally. */
import { getOctokit } from '@actions/github'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import { HEAD, seed, TOKEN } from './seed.js'

let gh: FakeGitHub
const repo = { owner: 'octo-org', repo: 'models' }
afterEach(() => gh.close())

test('secondary rate limit once: 403 with retry-after, then the retry succeeds', async () => {
  gh = await startFakeGitHub({ seed: seed(), faults: [{ route: 'issues/create-comment', kind: 'secondary-rate-limit', retryAfter: 2 }] })
  const octokit = getOctokit(TOKEN, { baseUrl: gh.url })
  const create = () => octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'hello' })
  await expect(create()).rejects.toMatchObject({
    status: 403,
    message: expect.stringContaining('secondary rate limit'),
    response: { headers: { 'retry-after': '2' } }
  })
  expect((await create()).status).toBe(201)
  expect(gh.requests.map((r) => [r.operationId, r.status, r.fault])).toEqual([
    ['issues/create-comment', 403, 'secondary-rate-limit'],
    ['issues/create-comment', 201, undefined]
  ])
  expect(gh.state.issueComments).toHaveLength(1)
  expect(gh.violations).toEqual([])
})

test('primary rate limit (x-ratelimit-remaining: 0), 429, and a 5xx twice, each on a chosen route', async () => {
  gh = await startFakeGitHub({ seed: seed() })
  const octokit = getOctokit(TOKEN, { baseUrl: gh.url })
  gh.failNext({ route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', kind: 'rate-limit', retryAfter: 30 })
  gh.failNext({ route: 'checks/create', kind: 'secondary-rate-limit', status: 429 })
  gh.failNext({ route: 'pulls/get', kind: 'server-error', times: 2 })

  const err = await octokit.rest.pulls.listFiles({ ...repo, pull_number: 7 }).catch((e: { status: number; response: { headers: Record<string, string> } }) => e)
  expect(err).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } })
  const reset = Number((err as { response: { headers: Record<string, string> } }).response.headers['x-ratelimit-reset'])
  expect(reset - Date.now() / 1000).toBeGreaterThan(25)

  await expect(octokit.rest.checks.create({ ...repo, name: 'ModelGate', head_sha: HEAD })).rejects.toMatchObject({ status: 429 })
  await expect(octokit.rest.pulls.get({ ...repo, pull_number: 7 })).rejects.toMatchObject({ status: 502 })
  await expect(octokit.rest.pulls.get({ ...repo, pull_number: 7 })).rejects.toMatchObject({ status: 502 })
  expect((await octokit.rest.pulls.get({ ...repo, pull_number: 7 })).status).toBe(200)
  expect((await octokit.rest.pulls.listFiles({ ...repo, pull_number: 7 })).status).toBe(200)
  expect(gh.requests.map((r) => r.fault ?? r.status)).toEqual(['rate-limit', 'secondary-rate-limit', 'server-error', 'server-error', 200, 200])
})
