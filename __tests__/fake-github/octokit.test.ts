/** The fake driven by the Octokit client ModelGate uses (@actions/github getOctokit), routes end to end. */
import { getOctokit } from '@actions/github'
import { gitObjectSha, startFakeGitHub, validateResponse, type FakeGitHub } from '../support/fake-github/index.js'
import { BASE, HEAD, seed, TOKEN } from './seed.js'

let gh: FakeGitHub
let octokit: ReturnType<typeof getOctokit>
const repo = { owner: 'octo-org', repo: 'models' }

beforeEach(async () => {
  gh = await startFakeGitHub({ seed: seed() })
  octokit = getOctokit(TOKEN, { baseUrl: gh.url })
})
afterEach(async () => {
  await gh.close()
  // every scenario must also be a valid conversation with GitHub, and every answer must match GitHub's schema
  expect(gh.violations).toEqual([])
  for (const r of gh.requests) {
    const op = r.route ? gh.index.operations[r.route] : undefined
    if (!op || r.response === undefined || op.responses[String(r.status)] === undefined) continue
    expect({ op: op.operationId, status: r.status, errors: validateResponse(op, r.status, r.response) }).toEqual({ op: op.operationId, status: r.status, errors: [] })
  }
})

test('pull request, files with renames/removals, and contents at both refs', async () => {
  const { data: pr } = await octokit.rest.pulls.get({ ...repo, pull_number: 7 })
  expect(pr).toMatchObject({ number: 7, head: { sha: HEAD, ref: 'add-model' }, base: { sha: BASE, ref: 'main' }, changed_files: 4 })
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...repo, pull_number: 7, per_page: 100 })
  expect(files.map((f) => [f.filename, f.status, f.previous_filename])).toEqual([
    ['requirements.txt', 'modified', undefined],
    ['models/new.safetensors', 'added', undefined],
    ['models/old.onnx', 'removed', undefined],
    ['docs/MODEL_CARD.md', 'renamed', 'README-model.md']
  ])
  expect(files[0]).toMatchObject({ additions: 2, deletions: 1, changes: 3 })
  expect(files[0]?.sha).toBe(gitObjectSha('blob', Buffer.from('numpy==1.26.4\ntorch==2.2.0\nsafetensors==0.4.2\ntransformers==4.38.0\n')))

  const { data: head } = await octokit.rest.repos.getContent({ ...repo, path: 'requirements.txt', ref: HEAD })
  if (Array.isArray(head) || head.type !== 'file') throw new Error('expected a file')
  expect(Buffer.from(head.content, 'base64').toString()).toContain('torch==2.2.0')
  const { data: base } = await octokit.rest.repos.getContent({ ...repo, path: 'requirements.txt', ref: 'main' })
  expect(Buffer.from((base as { content: string }).content, 'base64').toString()).toContain('torch==2.1.0')
  // nested path: Octokit sends contents/models%2Fnew.safetensors
  const { data: lfs } = await octokit.rest.repos.getContent({ ...repo, path: 'models/new.safetensors', ref: HEAD })
  expect(Buffer.from((lfs as { content: string }).content, 'base64').toString()).toMatch(/^version https:\/\/git-lfs/)
  expect(gh.requests.at(-1)?.path).toBe('/repos/octo-org/models/contents/models%2Fnew.safetensors')

  await expect(octokit.rest.repos.getContent({ ...repo, path: 'nope.txt', ref: HEAD })).rejects.toMatchObject({ status: 404 })
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'repos/get-content', 'repos/get-content', 'repos/get-content', 'repos/get-content'])
})

test('directories, >1 MB files, raw media type, blobs and recursive trees', async () => {
  const big = Buffer.alloc(1024 * 1024 + 1, 7)
  gh.state.setFiles('big', { 'weights/model.bin': big, 'weights/config.json': '{}' })
  gh.state.refs.set('big', HEAD)

  const { data: dir } = await octokit.rest.repos.getContent({ ...repo, path: 'weights', ref: 'big' })
  expect((dir as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([
    ['config.json', 'file'],
    ['model.bin', 'file']
  ])
  const { data: obj } = await octokit.rest.repos.getContent({ ...repo, path: 'weights/model.bin', ref: 'big' })
  expect(obj).toMatchObject({ encoding: 'none', content: '', size: big.length })
  const raw = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: 'weights/model.bin', ref: 'big', headers: { accept: 'application/vnd.github.raw+json' } })
  expect(Buffer.from(raw.data as unknown as ArrayBuffer).equals(big)).toBe(true)

  const sha = gitObjectSha('blob', big)
  const { data: blob } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha })
  expect(Buffer.from(blob.content, 'base64').equals(big)).toBe(true)

  const { data: tree } = await octokit.rest.git.getTree({ ...repo, tree_sha: HEAD, recursive: '1' })
  expect(tree.truncated).toBe(false)
  expect(tree.tree.map((e) => `${e.type} ${e.path}`)).toEqual([
    'tree docs',
    'blob docs/MODEL_CARD.md',
    'tree models',
    'blob models/new.safetensors',
    'blob requirements.txt'
  ])
  const { data: top } = await octokit.rest.git.getTree({ ...repo, tree_sha: HEAD })
  expect(top.tree.map((e) => e.path)).toEqual(['docs', 'models', 'requirements.txt'])
})

test('sticky comment: list, create, find by marker, update in place, delete', async () => {
  const marker = '<!-- modelgate -->'
  const list = () => octokit.paginate(octokit.rest.issues.listComments, { ...repo, issue_number: 7, per_page: 100 })
  expect(await list()).toEqual([])
  const { data: created } = await octokit.rest.issues.createComment({ ...repo, issue_number: 7, body: `${marker}\nfindings: 1` })
  expect(created).toMatchObject({ body: `${marker}\nfindings: 1`, user: { login: 'github-actions[bot]', type: 'Bot' } })
  expect(created.html_url).toBe(`https://github.com/octo-org/models/pull/7#issuecomment-${created.id}`)

  const found = (await list()).find((c) => c.body?.startsWith(marker))
  const { data: updated } = await octokit.rest.issues.updateComment({ ...repo, comment_id: found?.id ?? 0, body: `${marker}\nall clear` })
  expect(updated.id).toBe(created.id)
  expect(updated.updated_at > created.updated_at).toBe(true)
  expect(gh.state.issueComments.map((c) => c.body)).toEqual([`${marker}\nall clear`])
  const { data: got } = await octokit.rest.issues.getComment({ ...repo, comment_id: created.id })
  expect(got.body).toBe(`${marker}\nall clear`)
  await octokit.rest.issues.deleteComment({ ...repo, comment_id: created.id })
  expect(await list()).toEqual([])

  const writes = gh.requests.filter((r) => r.method !== 'GET').map((r) => [r.operationId, r.body])
  expect(writes).toEqual([
    ['issues/create-comment', { body: `${marker}\nfindings: 1` }],
    ['issues/update-comment', { body: `${marker}\nall clear` }],
    ['issues/delete-comment', undefined]
  ])
})

test('reviews with line comments inside the diff, and file-level comments', async () => {
  const { data: review } = await octokit.rest.pulls.createReview({
    ...repo,
    pull_number: 7,
    commit_id: HEAD,
    event: 'COMMENT',
    body: 'ModelGate found 1 issue',
    comments: [
      { path: 'requirements.txt', line: 3, side: 'RIGHT', body: 'safetensors pin' },
      { path: 'requirements.txt', line: 2, side: 'LEFT', body: 'old torch' },
      { path: 'requirements.txt', start_line: 2, line: 3, body: 'range' }
    ]
  })
  expect(review).toMatchObject({ state: 'COMMENTED', commit_id: HEAD })
  const { data: file } = await octokit.rest.pulls.createReviewComment({
    ...repo,
    pull_number: 7,
    commit_id: HEAD,
    path: 'models/new.safetensors',
    subject_type: 'file',
    body: 'unsigned model'
  })
  expect(file).toMatchObject({ subject_type: 'file', path: 'models/new.safetensors' })
  const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...repo, pull_number: 7 })
  expect(comments.map((c) => [c.path, c.line, c.side, c.subject_type])).toEqual([
    ['requirements.txt', 3, 'RIGHT', 'line'],
    ['requirements.txt', 2, 'LEFT', 'line'],
    ['requirements.txt', 3, 'RIGHT', 'line'],
    ['models/new.safetensors', undefined, undefined, 'file']
  ])
  expect(comments[0]?.diff_hunk).toBe('@@ -1,3 +1,4 @@\n numpy==1.26.4\n-torch==2.1.0\n+torch==2.2.0\n+safetensors==0.4.2')
  const { data: reviews } = await octokit.rest.pulls.listReviews({ ...repo, pull_number: 7 })
  expect(reviews).toHaveLength(1)
  await octokit.rest.pulls.deleteReviewComment({ ...repo, comment_id: file.id })
  expect(gh.state.reviewComments).toHaveLength(3)
})

test('check run: create in progress, add annotations in batches of 50, complete, list for ref', async () => {
  const annotation = (i: number) => ({ path: 'requirements.txt', start_line: 1, end_line: 1, annotation_level: 'warning' as const, message: `finding ${i}` })
  const { data: run } = await octokit.rest.checks.create({ ...repo, name: 'ModelGate', head_sha: HEAD, status: 'in_progress' })
  expect(run).toMatchObject({ status: 'in_progress', conclusion: null, name: 'ModelGate' })
  for (const batch of [0, 50]) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      output: { title: 'ModelGate', summary: '60 findings', annotations: Array.from({ length: batch ? 10 : 50 }, (_, i) => annotation(batch + i)) }
    })
  }
  const { data: done } = await octokit.rest.checks.update({ ...repo, check_run_id: run.id, conclusion: 'failure' })
  expect(done).toMatchObject({ status: 'completed', conclusion: 'failure', output: { annotations_count: 60, summary: '60 findings' } })
  const annotations = await octokit.paginate(octokit.rest.checks.listAnnotations, { ...repo, check_run_id: run.id, per_page: 100 })
  expect(annotations).toHaveLength(60)
  const { data: list } = await octokit.rest.checks.listForRef({ ...repo, ref: HEAD, check_name: 'ModelGate' })
  expect(list.total_count).toBe(1)
  expect(list.check_runs[0]?.pull_requests.map((p) => p.number)).toEqual([7])
})

test('repository, dependency snapshot, global advisories', async () => {
  const { data: r } = await octokit.rest.repos.get(repo)
  expect(r).toMatchObject({ full_name: 'octo-org/models', default_branch: 'main' })
  const { data: snap } = await octokit.rest.dependencyGraph.createRepositorySnapshot({
    ...repo,
    version: 0,
    sha: HEAD,
    ref: 'refs/heads/main',
    job: { correlator: 'modelgate_snapshot', id: '42' },
    detector: { name: 'modelgate', version: '0.1.0', url: 'https://github.com/octo-org/modelgate' },
    scanned: '2024-05-01T12:00:00Z',
    manifests: { 'requirements.txt': { name: 'requirements.txt', file: { source_location: 'requirements.txt' }, resolved: { torch: { package_url: 'pkg:pypi/torch@2.2.0', relationship: 'direct', scope: 'runtime' } } } }
  })
  expect(snap).toMatchObject({ result: 'SUCCESS' })
  expect(gh.state.snapshots[0]?.body).toMatchObject({ job: { correlator: 'modelgate_snapshot' } })
  const { data: adv } = await octokit.rest.securityAdvisories.listGlobalAdvisories({ ecosystem: 'pip', affects: 'torch@2.1.0' })
  expect(adv.map((a) => a.ghsa_id)).toEqual(['GHSA-aaaa-bbbb-cccc'])
})
