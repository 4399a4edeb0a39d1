/** GET /user for both kinds of token, files over the API's 100 MB limit, and a 422 fault: the answers GitHub gives. */
import { getOctokit } from '@actions/github'
import { ACTIONS_BOT, gitObjectSha, startFakeGitHub, validateResponse, type FakeGitHub } from '../support/fake-github/index.js'
import { HEAD, seed, TOKEN } from './seed.js'

const repo = { owner: 'octo-org', repo: 'models' }
const OCTOCAT = { login: 'octocat', id: 583231, type: 'User' as const }
let gh: FakeGitHub

/** Every request valid, every answer in GitHub's documented shape. */
async function closeChecked(): Promise<void> {
  await gh.close()
  expect(gh.violations).toEqual([])
  for (const r of gh.requests) {
    const op = r.route ? gh.index.operations[r.route] : undefined
    if (!op || r.response === undefined || op.responses[String(r.status)] === undefined) continue
    expect({ op: op.operationId, status: r.status, errors: validateResponse(op, r.status, r.response) }).toEqual({ op: op.operationId, status: r.status, errors: [] })
  }
}
afterEach(closeChecked)

test('GET /user: a personal access token gets its account; GITHUB_TOKEN and installation tokens get 403', async () => {
  gh = await startFakeGitHub({ seed: seed({ actor: OCTOCAT }) })
  const { data: me } = await getOctokit(TOKEN, { baseUrl: gh.url }).rest.users.getAuthenticated()
  expect(me).toMatchObject({ login: 'octocat', id: 583231, type: 'User', user_view_type: 'private', two_factor_authentication: true })
  expect(gh.requests.map((r) => [r.operationId, r.status])).toEqual([['users/get-authenticated', 200]])
  await closeChecked()

  gh = await startFakeGitHub({ seed: seed({ actor: ACTIONS_BOT }) })
  await expect(getOctokit(TOKEN, { baseUrl: gh.url }).rest.users.getAuthenticated()).rejects.toMatchObject({
    status: 403,
    response: { data: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user', status: '403' } }
  })
  await closeChecked()
  // the default actor is the Actions bot
  gh = await startFakeGitHub({ seed: seed() })
  await expect(getOctokit(TOKEN, { baseUrl: gh.url }).rest.users.getAuthenticated()).rejects.toMatchObject({ status: 403 })
  expect(gh.requests.map((r) => [r.operationId, r.status])).toEqual([['users/get-authenticated', 403]])
})

test('a file seeded with a declared size over 100 MB: listed with that size, never served', async () => {
  gh = await startFakeGitHub({ seed: seed() })
  const octokit = getOctokit(TOKEN, { baseUrl: gh.url })
  const size = 100 * 1024 * 1024 + 1
  gh.state.setFiles(HEAD, { 'models/huge.bin': { content: 'stand-in', size }, 'README.md': '# hi\n' })
  const sha = gitObjectSha('blob', Buffer.from('stand-in'))

  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: HEAD, recursive: '1' })
  expect(tree.tree.filter((e) => e.type === 'blob').map((e) => [e.path, e.sha, e.size])).toEqual([
    ['README.md', gitObjectSha('blob', Buffer.from('# hi\n')), 5],
    ['models/huge.bin', sha, size]
  ])
  const tooLarge = {
    status: 403,
    response: {
      data: {
        message: 'This API returns blobs up to 100 MB in size. The requested blob is too large to fetch via the API, but you can always clone the repository via Git to obtain it.',
        errors: [{ resource: 'Blob', field: 'data', code: 'too_large' }]
      }
    }
  }
  await expect(octokit.rest.git.getBlob({ ...repo, file_sha: sha })).rejects.toMatchObject(tooLarge)
  await expect(octokit.rest.repos.getContent({ ...repo, path: 'models/huge.bin', ref: HEAD })).rejects.toMatchObject(tooLarge)
  expect(gh.requests.map((r) => [r.operationId, r.status])).toEqual([
    ['git/get-tree', 200],
    ['git/get-blob', 403],
    ['repos/get-content', 403]
  ])
})

test('validation-failed: a 422 that the retry plugin leaves alone', async () => {
  gh = await startFakeGitHub({ seed: seed(), faults: [{ route: 'issues/create-comment', kind: 'validation-failed', times: 2 }] })
  const octokit = getOctokit(TOKEN, { baseUrl: gh.url })
  const create = () => octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: 'hello' })
  await expect(create()).rejects.toMatchObject({ status: 422, response: { data: { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'unprocessable', field: 'data', message: 'Could not process the request.' }] } } })
  await expect(create()).rejects.toMatchObject({ status: 422 })
  expect((await create()).status).toBe(201)
  expect(gh.requests.map((r) => [r.operationId, r.status, r.fault])).toEqual([
    ['issues/create-comment', 422, 'validation-failed'],
    ['issues/create-comment', 422, 'validation-failed'],
    ['issues/create-comment', 201, undefined]
  ])
})
