/** The fake refuses and records what GitHub would refuse, with plain fetch so nothing is smoothed over. */
import http from 'node:http'
import { getOctokit } from '@actions/github'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import { HEAD, seed, TOKEN } from './seed.js'

let gh: FakeGitHub
const R = '/repos/octo-org/models'
const HEADERS = { authorization: `token ${TOKEN}`, accept: 'application/vnd.github+json', 'user-agent': 'modelgate-test' }

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = HEADERS) {
  const res = await fetch(gh.url + path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined }
}

beforeEach(async () => {
  gh = await startFakeGitHub({ seed: seed() })
})
afterEach(() => gh.close())

test('a body that breaks the schema is answered 422 and recorded', async () => {
  const r = await call('POST', `${R}/issues/7/comments`, { text: 'hi' })
  expect(r.status).toBe(422)
  expect(r.json?.message).toMatch(/^Invalid request\.\n\n"body" wasn't supplied\./)
  expect(gh.violations).toEqual([
    expect.objectContaining({ kind: 'body', operationId: 'issues/create-comment', rejected: true, message: `"body" wasn't supplied.` })
  ])
  expect(gh.state.issueComments).toEqual([])
})

test('fields GitHub silently ignores are answered normally but recorded (typo guard)', async () => {
  const r = await call('POST', `${R}/pulls/7/comments`, { body: 'x', commit_id: HEAD, path: 'models/new.safetensors', subjectType: 'file' })
  // without subject_type the comment needs a line, so GitHub refuses it, and the typo is named
  expect(r.status).toBe(422)
  expect(gh.violations.map((v) => [v.kind, v.rejected, v.message])).toEqual([
    ['body', false, `'/' has unknown field "subjectType". GitHub ignores it.`],
    ['semantic', true, expect.stringContaining('pull_request_review_thread.line must be part of the diff')]
  ])
})

test('more than 50 annotations in one request are rejected with 422', async () => {
  const annotations = Array.from({ length: 51 }, (_, i) => ({ path: 'a.txt', start_line: i + 1, end_line: i + 1, annotation_level: 'notice', message: 'm' }))
  const r = await call('POST', `${R}/check-runs`, { name: 'ModelGate', head_sha: HEAD, output: { title: 't', summary: 's', annotations } })
  expect(r.status).toBe(422)
  expect(gh.violations).toEqual([expect.objectContaining({ kind: 'body', message: "For '/output/annotations', must NOT have more than 50 items." })])
  expect(gh.state.checkRuns).toEqual([])
})

test('unknown routes, routes the fake lacks, other repositories and bad path params are 404 violations', async () => {
  expect((await call('GET', `${R}/no-such-thing`)).status).toBe(404)
  expect((await call('GET', `${R}/releases`)).status).toBe(404)
  expect((await call('GET', '/repos/someone/else/pulls/7')).status).toBe(404)
  expect((await call('GET', `${R}/pulls/seven`)).status).toBe(404)
  expect((await call('PUT', `${R}/pulls/7`)).status).toBe(404)
  expect(gh.violations.map((v) => [v.kind, v.path])).toEqual([
    ['unknown-route', `${R}/no-such-thing`],
    ['unimplemented-route', `${R}/releases`],
    ['path', '/repos/someone/else/pulls/7'],
    ['path', `${R}/pulls/seven`],
    ['unknown-route', `${R}/pulls/7`]
  ])
  expect(gh.violations[1]?.message).toContain('GET /repos/{owner}/{repo}/releases')
})

test('query parameters are typed, enums checked, and unknown ones recorded', async () => {
  expect((await call('GET', `${R}/pulls/7/files?per_page=lots`)).status).toBe(422)
  expect((await call('GET', '/advisories?ecosystem=cargo')).status).toBe(422)
  expect((await call('GET', `${R}/pulls/7/files?perpage=100`)).status).toBe(200)
  expect(gh.violations.map((v) => [v.kind, v.rejected])).toEqual([
    ['query', true],
    ['query', true],
    ['query', false]
  ])
  expect(gh.violations[2]?.message).toBe('unknown query parameter "perpage" (GitHub ignores it)')
})

test('headers: authorization, user-agent and accept as GitHub checks them', async () => {
  const without = (name: keyof typeof HEADERS) => Object.fromEntries(Object.entries(HEADERS).filter(([k]) => k !== name))
  expect((await call('GET', `${R}/pulls/7`, undefined, without('authorization'))).json?.message).toBe('Requires authentication')
  expect((await call('GET', `${R}/pulls/7`, undefined, { ...HEADERS, authorization: 'token wrong' })).status).toBe(401)
  expect((await call('GET', `${R}/pulls/7`, undefined, { ...HEADERS, authorization: `Bearer ${TOKEN}` })).status).toBe(200)
  // fetch always sends accept and user-agent; node:http sends only what it is given
  const rawGet = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      http.get(`${gh.url}${R}/pulls/7`, { headers }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
    })
  expect(await rawGet(without('accept'))).toBe(200)
  const status = await rawGet({ authorization: HEADERS.authorization, accept: HEADERS.accept })
  expect(status).toBe(403)
  expect(gh.violations.map((v) => [v.kind, v.rejected])).toEqual([
    ['auth', true],
    ['auth', true],
    ['header', false],
    ['header', true]
  ])
})

test('malformed JSON is 400 Problems parsing JSON', async () => {
  const r = await call('POST', `${R}/issues/7/comments`, '{"body":')
  expect(r).toMatchObject({ status: 400, json: { message: 'Problems parsing JSON' } })
  expect(gh.violations).toHaveLength(1)
})

test('review comments must land inside a diff hunk; bodies over 65,536 characters are refused', async () => {
  const review = (comments: unknown[]) => call('POST', `${R}/pulls/7/reviews`, { commit_id: HEAD, event: 'COMMENT', body: 'b', comments })
  expect((await review([{ path: 'requirements.txt', line: 9, body: 'x' }])).json?.errors).toEqual(['Line could not be resolved'])
  expect((await review([{ path: 'requirements.txt', line: 4, side: 'LEFT', body: 'x' }])).json?.errors).toEqual(['Line could not be resolved'])
  expect((await review([{ path: 'models/new.safetensors', line: 1, body: 'binary file has no diff' }])).json?.errors).toEqual(['Line could not be resolved'])
  expect((await review([{ path: 'not/in/pr.txt', line: 1, body: 'x' }])).json?.errors).toEqual(['Path could not be resolved'])
  expect((await call('POST', `${R}/issues/7/comments`, { body: 'x'.repeat(65537) })).status).toBe(422)
  expect((await call('POST', `${R}/issues/7/comments`, { body: 'x'.repeat(65536) })).status).toBe(201)
  expect((await call('POST', `${R}/pulls/7/reviews`, { event: 'APPROVE' })).json?.errors).toEqual(['GitHub Actions is not permitted to approve pull requests.'])
  expect(gh.state.reviews).toEqual([])
  expect(gh.violations.map((v) => v.kind)).toEqual(['semantic', 'semantic', 'semantic', 'semantic', 'semantic', 'semantic'])
})

test('check runs need a known commit and a conclusion when completed', async () => {
  expect((await call('POST', `${R}/check-runs`, { name: 'ModelGate', head_sha: 'f'.repeat(40) })).json?.message).toBe(`No commit found for SHA: ${'f'.repeat(40)}`)
  expect((await call('POST', `${R}/check-runs`, { name: 'ModelGate', head_sha: HEAD, status: 'completed' })).status).toBe(422)
  expect(gh.violations).toHaveLength(2)
})

test('read-only token: writes answer 403 Resource not accessible by integration, reads still work, no violations', async () => {
  await gh.close()
  gh = await startFakeGitHub({ seed: seed({ permissions: { issues: 'read', pull_requests: 'read', checks: 'read', contents: 'read' } }) })
  const octokit = getOctokit(TOKEN, { baseUrl: gh.url })
  await expect(octokit.rest.issues.createComment({ owner: 'octo-org', repo: 'models', issue_number: 7, body: 'x' })).rejects.toMatchObject({
    status: 403,
    message: expect.stringContaining('Resource not accessible by integration'),
    response: { headers: { 'x-accepted-github-permissions': 'issues=write; pull_requests=write' } }
  })
  await expect(octokit.rest.checks.create({ owner: 'octo-org', repo: 'models', name: 'ModelGate', head_sha: HEAD })).rejects.toMatchObject({ status: 403 })
  expect((await octokit.rest.pulls.get({ owner: 'octo-org', repo: 'models', pull_number: 7 })).status).toBe(200)
  expect(gh.violations).toEqual([])
})

test('pagination: Link headers like GitHub, and pulls.listFiles stops at 3,000 of a 3,500-file PR', async () => {
  await gh.close()
  const files = Array.from({ length: 3500 }, (_, i) => ({ filename: `data/shard-${String(i).padStart(5, '0')}.parquet`, status: 'added' as const }))
  gh = await startFakeGitHub({ seed: seed({ pulls: [{ number: 9, head: { sha: HEAD }, base: { sha: 'b'.repeat(40) }, files }] }) })

  const first = await call('GET', `${R}/pulls/9/files?per_page=100`)
  const q = (page: number) => `${gh.url}${R}/pulls/9/files?per_page=100&page=${page}`
  expect(first.headers.get('link')).toBe(`<${q(2)}>; rel="next", <${q(30)}>; rel="last"`)
  const last = await call('GET', `${R}/pulls/9/files?per_page=100&page=30`)
  expect(last.headers.get('link')).toBe(`<${q(29)}>; rel="prev", <${q(1)}>; rel="first"`)
  expect(Array.isArray(last.json) && last.json.length).toBe(100)
  const defaults = await call('GET', `${R}/pulls/9/files`)
  expect((defaults.json as unknown as unknown[]).length).toBe(30)

  const octokit = getOctokit(TOKEN, { baseUrl: gh.url })
  const listed = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: 'octo-org', repo: 'models', pull_number: 9, per_page: 100 })
  expect(listed).toHaveLength(3000)
  expect((await octokit.rest.pulls.get({ owner: 'octo-org', repo: 'models', pull_number: 9 })).data.changed_files).toBe(3500)
  expect(gh.violations).toEqual([])
})

test('recursive trees are truncated above the entry limit', async () => {
  gh.state.treeEntryLimit = 2
  const r = await call('GET', `${R}/git/trees/${HEAD}?recursive=1`)
  expect(r.json).toMatchObject({ truncated: true, tree: [{ path: 'docs' }, { path: 'docs/MODEL_CARD.md' }] })
})

test('a multi-line comment must start and end in the same hunk', async () => {
  await gh.close()
  const patch = ['@@ -1,2 +1,2 @@', ' a', '+b', '@@ -20,2 +20,2 @@', ' t', '+u'].join('\n')
  gh = await startFakeGitHub({ seed: seed({ pulls: [{ number: 3, head: { sha: HEAD }, base: { sha: 'b'.repeat(40) }, files: [{ filename: 'x.py', status: 'modified', patch }] }] }) })
  const comment = (start_line: number, line: number) => call('POST', `${R}/pulls/3/comments`, { body: 'x', commit_id: HEAD, path: 'x.py', start_line, line, side: 'RIGHT' })
  expect((await comment(1, 2)).status).toBe(201)
  expect((await comment(2, 21)).status).toBe(422)
  expect(gh.violations.map((v) => v.kind)).toEqual(['semantic'])
})
