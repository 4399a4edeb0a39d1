/**
 * The built action on what pulls.listFiles gives: renames, removals, a second page, a replaced
 * model whose base side is read through the API, a file over the API's 100 MB that is never
 * requested, and a reporting step that keeps failing while the later ones still run.
 */
import { execFileSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { proto0System } from '../pickle/builder.js'
import { gitObjectSha, startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { commands, writes } from './support/expect.js'
import { pullRequestWorld, type PullRequestWorld } from './support/pr-world.js'
import { disposeBundle, runAction, type ActionRun } from './support/run-action.js'

const POLICY = 'licenses:\n  unknown: "off"\n'
const BASE = { 'README.md': '# Hello\n', 'requirements.txt': 'numpy==1.26.4\n', '.modelgate.yml': POLICY }

let world: PullRequestWorld
let gh: FakeGitHub

afterAll(disposeBundle)
afterEach(async () => {
  expect(gh.violations).toEqual([])
  await gh.close()
  await world.cleanup()
})

function act(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', inputs })
}

interface ReportJson {
  artifacts: Array<{ path: string; change: string; oldPath?: string; sha256: string; size: number; previous?: { sha256: string; size: number } }>
  findings: Array<{ rule: string; severity: string; path: string; line: number | null; message: string; fix: string }>
}
const reportOf = async (r: ActionRun): Promise<ReportJson> => JSON.parse(await readFile(r.outputs['report-path'] as string, 'utf8'))

test('a rename, a removal and 150 more files: both pages of pulls.listFiles, the rename with its old path, the removal from the base', async () => {
  const model = f.smallSafetensors()
  const head: Record<string, string | null> = { 'models/gone.pkl': null }
  for (let i = 0; i < 150; i++) head[`data/p${String(i).padStart(3, '0')}.txt`] = `row ${i}\n`
  world = await pullRequestWorld({ ...BASE, 'models/a.safetensors': model, 'models/gone.pkl': proto0System() }, head)
  execFileSync('git', ['mv', 'models/a.safetensors', 'models/b.safetensors'], { cwd: world.workspace })
  gh = await startFakeGitHub({ seed: world.seed })
  await world.push(gh, {})
  gh.clearLog()

  const r = await act({ comment: 'always', review: 'false', 'check-run': 'false' })
  expect(r.code).toBe(0)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment'])
  expect(gh.requests.slice(1, 3).map((q) => q.query)).toEqual([{ per_page: '100' }, { per_page: '100', page: '2' }])
  const report = await reportOf(r)
  // the pickle is only on the base side, which is being removed: not a finding of this PR
  expect(report.findings).toEqual([])
  expect(report.artifacts.map((a) => [a.path, a.change, a.oldPath ?? null, a.sha256, a.size])).toEqual([
    ['models/b.safetensors', 'renamed', 'models/a.safetensors', f.sha256(model), model.length],
    ['models/gone.pkl', 'removed', null, f.sha256(proto0System()), proto0System().length]
  ])
  // a pure rename: same bytes on both sides
  expect(report.artifacts[0]?.previous).toEqual({ sha256: f.sha256(model), size: model.length })
  expect(gh.state.issueComments[0]?.body.split('\n').slice(7, 9)).toEqual([
    `| \`models/b.safetensors\` | renamed (from \`models/a.safetensors\`) | \`safetensors\` | ${model.length} B | \`${f.sha256(model).slice(0, 12)}\` | — | unsigned |`,
    `| \`models/gone.pkl\` | removed | \`pickle\` | ${proto0System().length} B | \`${f.sha256(proto0System()).slice(0, 12)}\` | — | unsigned |`
  ])
})

test('a replaced model without a checkout: the base side comes through the API and its digest is compared', async () => {
  const before = f.smallSafetensors()
  const after = f.safetensors({ w: { dtype: 'F32', shape: [2], data: Buffer.alloc(8, 1) } })
  world = await pullRequestWorld({ ...BASE, 'models/m.safetensors': before }, { 'models/m.safetensors': after }, { checkout: 'none' })
  gh = await startFakeGitHub({ seed: world.seed })

  const r = await act({ comment: 'always', review: 'false', 'check-run': 'false' })
  expect(r.code).toBe(0)
  const ops = gh.operations()
  expect(ops.slice(0, 3)).toEqual(['repos/get-content', 'pulls/get', 'pulls/list-files'])
  expect(ops.slice(-3)).toEqual(['users/get-authenticated', 'issues/list-comments', 'issues/create-comment'])
  // the head tree (sizes, folder checks) and the base tree (the base blob's id and size), then the
  // blobs: the new model, the old one (once, for its digest: weights declare no dependencies to
  // compare) and README.md for the folder's license
  expect(ops.slice(3, -3).sort()).toEqual(['git/get-blob', 'git/get-blob', 'git/get-blob', 'git/get-tree', 'git/get-tree'])
  expect(gh.requests.filter((q) => q.operationId === 'git/get-tree').map((q) => q.params.tree_sha).sort()).toEqual([world.base, world.head].sort())
  const blob = (x: string | Buffer) => gitObjectSha('blob', Buffer.from(x))
  expect(gh.requests.filter((q) => q.operationId === 'git/get-blob').map((q) => q.params.file_sha).sort()).toEqual([blob(after), blob(before), blob('# Hello\n')].sort())
  const report = await reportOf(r)
  expect(report.artifacts).toEqual([
    expect.objectContaining({ path: 'models/m.safetensors', change: 'modified', sha256: f.sha256(after), size: after.length, previous: { sha256: f.sha256(before), size: before.length } })
  ])
  expect(gh.state.issueComments[0]?.body.split('\n')[7]).toBe(
    `| \`models/m.safetensors\` | modified (was \`${f.sha256(before).slice(0, 12)}\`) | \`safetensors\` | ${after.length} B | \`${f.sha256(after).slice(0, 12)}\` | — | unsigned |`
  )
})

test('a file over the 100 MB the API serves, not in the checkout: never requested, and a scan-incomplete error saying how to read it', async () => {
  world = await pullRequestWorld(BASE, { 'models/huge.bin': 'stand-in for 100 MB + 1 byte' }, { checkout: 'none' })
  const size = 100 * 1024 * 1024 + 1
  const headFiles = world.seed.files?.[world.head] ?? {}
  world.seed.files = { ...world.seed.files, [world.head]: { ...headFiles, 'models/huge.bin': { content: 'stand-in for 100 MB + 1 byte', size } } }
  gh = await startFakeGitHub({ seed: world.seed })

  const r = await act({ comment: 'never', review: 'false', 'check-run': 'false' })
  expect(r.code).toBe(1)
  // the head tree listing gives the size; the blob itself is never asked for
  expect(gh.operations()).toEqual(['repos/get-content', 'pulls/get', 'pulls/list-files', 'git/get-tree'])
  expect((await reportOf(r)).findings).toEqual([
    {
      rule: 'scan-incomplete',
      severity: 'error',
      path: 'models/huge.bin',
      line: null,
      message:
        'ModelGate could not finish scanning this file (it is 104857601 bytes, more than the 100 MB the GitHub API serves, and the checkout does not have it, so ModelGate did not download it; check out the pull request (actions/checkout) so ModelGate reads it from git), so it cannot be reported as safe.',
      fix: 'Re-run the scan; if it fails again, check that the file is readable and not larger than expected, and report the message above.'
    }
  ])
})

test('the comment keeps failing (422): the review comments, the check run and the files still happen', async () => {
  world = await pullRequestWorld(BASE, { 'models/evil.pkl': proto0System() })
  gh = await startFakeGitHub({ seed: world.seed, faults: [{ route: 'issues/create-comment', kind: 'validation-failed', times: Infinity }] })

  const r = await act({})
  expect(r.code).toBe(1)
  expect(gh.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
    'pulls/get 200',
    'pulls/list-files 200',
    'users/get-authenticated 403',
    'issues/list-comments 200',
    'issues/create-comment 422',
    'pulls/list-review-comments 200',
    'pulls/create-review-comment 201',
    'checks/create 201'
  ])
  expect(commands(r.stdout, 'warning')).toEqual(['::warning::ModelGate could not post the PR comment: HTTP 422: Validation Failed'])
  expect(writes(gh).slice(1).map(([op, body]) => [op, (body as { path?: string; conclusion?: string }).path ?? (body as { conclusion?: string }).conclusion])).toEqual([
    ['pulls/create-review-comment', 'models/evil.pkl'],
    ['checks/create', 'failure']
  ])
  expect(gh.state.issueComments).toEqual([])
  expect((await reportOf(r)).findings.map((x) => [x.rule, x.path])).toEqual([['unsafe-serialization', 'models/evil.pkl']])
  expect(Object.keys(r.outputs).sort()).toEqual(['bom-path', 'findings', 'models', 'report-path', 'unsigned-models', 'verdict'])
  expect(r.summary).toContain('`unsafe-serialization` in `models/evil.pkl`')
})
