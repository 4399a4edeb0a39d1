/**
 * The built action (dist/index.js) as the runner starts it, against the fake GitHub: exact
 * operation sequences and request bodies for the life of a pull request.
 */
import { proto0System } from '../pickle/builder.js'
import { READ_ONLY, startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { commands, writes } from './support/expect.js'
import { pullRequestWorld, type PullRequestWorld } from './support/pr-world.js'
import { torchAdvisory } from '../advisories/support/github-records.js'
import { disposeBundle, runAction, type ActionRun } from './support/run-action.js'

// These tests are about the action's mechanics; license policy has its own suite, so missing licenses are not reported here.
const POLICY = 'licenses:\n  unknown: "off"\n'
const BASE = { 'README.md': '# Hello\n', 'requirements.txt': 'numpy==1.26.4\n', '.modelgate.yml': POLICY }
const EVIL = { 'models/evil.pkl': proto0System(), 'models/ok.safetensors': f.smallSafetensors(), 'requirements.txt': 'numpy==1.26.4\ntorch==2.2.0\n' }
/** A safetensors file cut short: its header runs past the end. */
const TRUNCATED = f.smallSafetensors().subarray(0, 20)
const MARKER = '<!-- modelgate:sticky-comment -->'

let world: PullRequestWorld
let gh: FakeGitHub

async function setup(head: Record<string, Buffer | string | null>, opts: Parameters<typeof pullRequestWorld>[2] = {}, seed: Partial<PullRequestWorld['seed']> = {}): Promise<void> {
  world = await pullRequestWorld(BASE, head, opts)
  gh = await startFakeGitHub({ seed: { ...world.seed, ...seed } })
}

function act(inputs: Record<string, string> = {}, node?: string): Promise<ActionRun> {
  return runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', inputs, ...(node ? { node } : {}) })
}

afterAll(disposeBundle)

afterEach(async () => {
  // every request was one GitHub accepts, whatever the scenario
  expect(gh.violations).toEqual([])
  await gh.close()
  await world.cleanup()
})

test('first run creates the comment, a re-run writes nothing, a new commit updates it, the fix turns it all-clear', async () => {
  await setup(EVIL)
  const r1 = await act()
  expect(r1.code).toBe(1)
  expect(commands(r1.stdout, 'error')).toEqual(['::error::ModelGate: 1 error(s), 0 warning(s) at fail-on=error; see the job summary'])
  expect(r1.outputs).toMatchObject({ verdict: 'fail', findings: '1', models: '2', 'unsigned-models': '2' })
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'pulls/list-review-comments', 'pulls/create-review-comment', 'checks/create'])
  const [comment, review, check] = writes(gh)
  const body = (comment?.[1] as { body: string }).body
  expect(body.split('\n').slice(0, 9)).toEqual([
    MARKER,
    '### ❌ **ModelGate: fail**',
    '',
    '2 models · 0 datasets · 1 dependency manifest · 0 cards · 0 signature files — 1 error, 0 warnings, 0 notes',
    '',
    '| Artifact | Change | Format | Size | SHA-256 | License | Signature |',
    '|---|---|---|---|---|---|---|',
    `| \`models/evil.pkl\` | added | \`pickle\` | ${proto0System().length} B | \`${f.sha256(proto0System()).slice(0, 12)}\` | — | unsigned |`,
    `| \`models/ok.safetensors\` | added | \`safetensors\` | ${f.smallSafetensors().length} B | \`${f.sha256(f.smallSafetensors()).slice(0, 12)}\` | — | unsigned |`
  ])
  expect(body).toContain('- 🛑 **error** `unsafe-serialization` in `models/evil.pkl`: Loading this pickle runs code')
  expect(review).toEqual([
    'pulls/create-review-comment',
    { commit_id: world.head, path: 'models/evil.pkl', subject_type: 'file', body: expect.stringMatching(/^<!-- modelgate:finding:[0-9a-f]{16} -->\n🛑 \*\*error\*\* `unsafe-serialization`: Loading this pickle/) }
  ])
  expect(check).toEqual([
    'checks/create',
    expect.objectContaining({ name: 'ModelGate', head_sha: world.head, status: 'completed', conclusion: 'failure', output: expect.objectContaining({ title: 'Fail: 1 error(s), 0 warning(s), 2 model(s)' }) })
  ])
  expect((check?.[1] as { output: { annotations: unknown[] } }).output.annotations).toEqual([
    { path: 'models/evil.pkl', start_line: 1, end_line: 1, annotation_level: 'failure', title: 'unsafe-serialization', message: expect.stringContaining('imports os.system') }
  ])
  expect(r1.summary.startsWith(`${MARKER}\n### ❌ **ModelGate: fail**`)).toBe(true)

  // re-run of the same commit: idempotent, nothing but a fresh check run is written
  gh.clearLog()
  const r2 = await act()
  expect(r2.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'pulls/list-review-comments', 'checks/create'])
  expect(gh.state.issueComments).toHaveLength(1)

  // a second commit adds a truncated model: the same comment is edited, one new review comment
  await world.push(gh, { 'models/broken.safetensors': TRUNCATED })
  gh.clearLog()
  const r3 = await act()
  expect(r3.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'issues/update-comment', 'pulls/list-review-comments', 'pulls/create-review-comment', 'checks/create'])
  const commentId = gh.state.issueComments[0]?.id
  expect(gh.requests[5]?.params.comment_id).toBe(String(commentId))
  expect(gh.state.issueComments[0]?.body).toContain('2 errors, 0 warnings')
  expect(writes(gh)[1]).toEqual(['pulls/create-review-comment', expect.objectContaining({ path: 'models/broken.safetensors', subject_type: 'file' })])

  // someone replies to the pickle's review comment: that thread is resolved, not deleted
  const pickleThread = gh.state.reviewComments.find((c) => c.path === 'models/evil.pkl')!
  gh.state.reviewComments.push({ ...pickleThread, id: 9999, body: 'We are converting it.', in_reply_to_id: pickleThread.id, user: { login: 'octocat', id: 583231, type: 'User' } })

  // the fix removes both models: all-clear in place, stale review comments resolved or removed, exit 0
  await world.push(gh, { 'models/evil.pkl': null, 'models/broken.safetensors': null })
  gh.clearLog()
  const r4 = await act()
  expect(r4.code).toBe(0)
  expect(r4.outputs).toMatchObject({ verdict: 'pass', findings: '0', models: '1' })
  expect(gh.operations()).toEqual([
    'pulls/get',
    'pulls/list-files',
    'security-advisories/list-global-advisories',
    'users/get-authenticated',
    'issues/list-comments',
    'issues/update-comment',
    'pulls/list-review-comments',
    'pulls/update-review-comment',
    'pulls/delete-review-comment',
    'checks/create'
  ])
  expect(writes(gh)).toEqual([
    [
      'issues/update-comment',
      {
        body: [
          MARKER,
          '### ✅ **ModelGate: all clear**',
          '',
          '1 model · 0 datasets · 1 dependency manifest · 0 cards · 0 signature files — 0 errors, 0 warnings, 0 notes',
          '',
          '| Artifact | Change | Format | Size | SHA-256 | License | Signature |',
          '|---|---|---|---|---|---|---|',
          `| \`models/ok.safetensors\` | added | \`safetensors\` | ${f.smallSafetensors().length} B | \`${f.sha256(f.smallSafetensors()).slice(0, 12)}\` | — | unsigned |`,
          '',
          '#### Library and hub reference changes',
          '',
          '- ➕ added library `torch (requirements.txt)`: ==2.2.0',
          '',
          '<details><summary>1 other file (manifests, cards, configs, signatures)</summary>',
          '',
          '| File | Change | Kind | Format | Size | SHA-256 |',
          '|---|---|---|---|---|---|',
          `| \`requirements.txt\` | modified | dependency-manifest | \`requirements\` | 27 B | \`${f.sha256('numpy==1.26.4\ntorch==2.2.0\n').slice(0, 12)}\` |`,
          '',
          '</details>',
          '',
          `<sub>ModelGate 0.1.0 · ${world.base.slice(0, 7)}...${world.head.slice(0, 7)} · rules: docs/rules.md</sub>`,
          ''
        ].join('\n')
      }
    ],
    ['pulls/update-review-comment', { body: expect.stringContaining(`<!-- modelgate:resolved -->\n✅ **Resolved:** ModelGate no longer reports this at ${world.head.slice(0, 7)}.`) }],
    ['pulls/delete-review-comment', undefined],
    ['checks/create', expect.objectContaining({ conclusion: 'success' })]
  ])
  expect(gh.state.issueComments.map((c) => c.id)).toEqual([commentId])
  expect(gh.state.reviewComments.map((c) => c.path)).toEqual(['models/evil.pkl', 'models/evil.pkl'])
  console.log(`e2e lifecycle: runs took ${[r1, r2, r3, r4].map((r) => r.ms).join(', ')} ms`)
})

test('a clean PR passes without a comment; fail-on: never lets a bad one through but still comments', async () => {
  await setup({ 'models/ok.safetensors': f.smallSafetensors() })
  const r = await act()
  expect(r.code).toBe(0)
  expect(commands(r.stdout)).toEqual([])
  // no dependency changes, so no advisory query
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'pulls/list-review-comments', 'checks/create'])
  expect(writes(gh)).toEqual([['checks/create', expect.objectContaining({ conclusion: 'success', output: expect.objectContaining({ annotations: [] }) })]])

  await world.push(gh, { 'models/broken.safetensors': TRUNCATED })
  gh.clearLog()
  const lax = await act({ 'fail-on': 'never', review: 'false', 'check-run': 'false' })
  expect(lax.code).toBe(0)
  expect(lax.outputs.verdict).toBe('pass')
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment'])
  // no check run: the findings still reach the PR's files view through workflow commands
  expect(commands(lax.stdout)).toEqual([expect.stringMatching(/^::error title=ModelGate unparseable-artifact,file=models\/broken.safetensors::Cannot parse this safetensors file/)])
})

test('a finding on a manifest line inside the diff gets a line comment on that line; warnings do not fail the job', async () => {
  await setup({ 'requirements.txt': 'numpy==1.26.4\ntransformers\n' })
  const r = await act()
  expect(r.code).toBe(0)
  const review = writes(gh).find(([op]) => op === 'pulls/create-review-comment')?.[1] as Record<string, unknown>
  expect(review).toEqual({ commit_id: world.head, path: 'requirements.txt', line: 2, side: 'RIGHT', body: expect.stringMatching(/^<!-- modelgate:finding:[0-9a-f]{16} -->\n⚠️ \*\*warning\*\* `unpinned-dependency`: /) })
  expect(gh.state.reviewComments[0]).toMatchObject({ line: 2, subject_type: 'line', diff_hunk: expect.stringContaining('+transformers') })
})

test('read-only token (fork PR): writes answer 403, the run degrades to annotations + summary + exit code with one warning', async () => {
  await setup(EVIL, { fork: true }, { permissions: READ_ONLY })
  const r = await act()
  expect(r.code).toBe(1)
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'checks/create'])
  expect(gh.requests.filter((q) => q.method !== 'GET').map((q) => q.status)).toEqual([403, 403])
  expect(commands(r.stdout, 'warning')).toEqual([
    '::warning::ModelGate could not post the PR comment, create the check run: a pull request from a fork gets a read-only token, whatever the workflow grants. The results are in the job summary, the annotations and the exit code. To comment on fork pull requests, use the workflow_run pattern in docs/action.md.'
  ])
  expect(commands(r.stdout, 'error')).toEqual([
    '::error::ModelGate: 1 error(s), 0 warning(s) at fail-on=error; see the job summary',
    expect.stringMatching(/^::error title=ModelGate unsafe-serialization,file=models\/evil.pkl::Loading this pickle runs code/)
  ])
  expect(r.summary).toContain('`unsafe-serialization` in `models/evil.pkl`')
  expect(r.outputs.verdict).toBe('fail')
  expect(gh.state.issueComments).toEqual([])
})

test('secondary rate limit and a 502 are retried; the comment is created once', async () => {
  await setup(EVIL)
  gh.failNext({ route: 'issues/create-comment', kind: 'secondary-rate-limit', retryAfter: 1 })
  gh.failNext({ route: 'checks/create', kind: 'server-error' })
  const r = await act({ review: 'false' })
  expect(r.code).toBe(1)
  expect(gh.requests.map((q) => `${q.operationId} ${q.status}`)).toEqual([
    'pulls/get 200',
    'pulls/list-files 200',
    'security-advisories/list-global-advisories 200',
    'users/get-authenticated 403',
    'issues/list-comments 200',
    'issues/create-comment 403',
    'issues/create-comment 201',
    'checks/create 502',
    'checks/create 201'
  ])
  expect(gh.state.issueComments).toHaveLength(1)
  expect(gh.state.checkRuns).toHaveLength(1)
  expect(commands(r.stdout, 'warning')).toEqual([])
})

test('a PR over 3,000 files falls back to the local git diff and says so', async () => {
  const many: Record<string, string | Buffer> = { 'models/evil.pkl': proto0System() }
  for (let i = 0; i < 3000; i++) many[`data/part-${String(i).padStart(4, '0')}.txt`] = `row ${i}\n`
  await setup(many)
  const r = await act({ 'check-run': 'false' })
  expect(r.code).toBe(1)
  expect(commands(r.stdout, 'warning')).toEqual([
    `::warning::This pull request changes 3001 files; GitHub lists at most 3000, so ModelGate compares ${world.base.slice(0, 12)}...${world.head.slice(0, 12)} with the local git checkout instead.`
  ])
  expect(gh.operations()).toEqual(['pulls/get', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'pulls/list-review-comments', 'pulls/create-review-comment'])
  expect(gh.state.issueComments[0]?.body).toContain('`unsafe-serialization` in `models/evil.pkl`')
  // without the API's patches, review comments are file-level, on any file of the PR
  expect(writes(gh)[1]).toEqual([
    'pulls/create-review-comment',
    { commit_id: world.head, path: 'models/evil.pkl', subject_type: 'file', body: expect.stringMatching(/^<!-- modelgate:finding:[0-9a-f]{16} -->\n🛑 \*\*error\*\* `unsafe-serialization`: Loading this pickle runs code/) }
  ])
})

test('pull_request_target without a checkout: policy and blobs come from the API; the PR cannot switch its own policy off', async () => {
  await setup({ ...EVIL, '.modelgate.yml': 'severity:\n  unsafe-serialization: "off"\n' }, { checkout: 'none' })
  gh.state.setFiles(world.base, { ...Object.fromEntries(Object.entries(BASE)), '.modelgate.yml': `ignore: ["docs/**"]\n${POLICY}` })
  const r = await runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request_target', eventPath: world.eventPath, sha: world.base, ref: 'refs/heads/main', inputs: { review: 'false', 'check-run': 'false' } })
  expect(r.code).toBe(1)
  const ops = gh.operations()
  expect(ops.slice(0, 3)).toEqual(['repos/get-content', 'pulls/get', 'pulls/list-files'])
  expect(gh.requests[0]).toMatchObject({ params: { path: '.modelgate.yml' }, query: { ref: world.base }, status: 200 })
  // one raw blob per changed file, the base side of the modified requirements.txt (the base tree
  // listing gives its blob id, then the blob) to compare pins, the head tree listing (sizes first, and
  // the directory-wide checks: signatures, licenses) with one small file read, and one advisory query
  // for the changed pins; never the LFS object or anything executable
  expect(ops.slice(3, -3).sort()).toEqual(['git/get-blob', 'git/get-blob', 'git/get-blob', 'git/get-blob', 'git/get-blob', 'git/get-blob', 'git/get-tree', 'git/get-tree', 'security-advisories/list-global-advisories'])
  expect(gh.requests.filter((q) => q.operationId === 'git/get-tree').map((q) => q.params.tree_sha).sort()).toEqual([world.base, world.head].sort())
  expect(gh.requests.filter((q) => q.operationId === 'git/get-blob').every((q) => q.headers.accept === 'application/vnd.github.raw+json')).toBe(true)
  expect(ops.slice(-3)).toEqual(['users/get-authenticated', 'issues/list-comments', 'issues/create-comment'])
  expect(commands(r.stdout, 'notice')).toEqual([
    "::notice::This pull request changes .modelgate.yml; ModelGate applied the base branch's policy, the change takes effect once merged."
  ])
})

test('Git LFS pointers are read as pointers: their oid and size are the digest', async () => {
  const weights = f.smallSafetensors()
  const pointer = f.lfsPointer(weights)
  await setup({ 'models/big.safetensors': pointer.text }, { checkout: 'none' })
  const r = await act({ comment: 'always', review: 'false', 'check-run': 'false' })
  expect(r.code).toBe(0)
  expect(gh.state.issueComments[0]?.body).toContain(`| \`models/big.safetensors\` | added | \`safetensors\` | ${weights.length} B | \`${pointer.oid.slice(0, 12)}\` (LFS) | — | unsigned |`)
})

describe('on the runtime action.yml names (node24)', () => {
  let node24 = ''
  beforeAll(async () => {
    const { execFile } = await import('node:child_process')
    node24 = await new Promise<string>((resolve, reject) =>
      execFile('npx', ['--yes', 'node@24', '-p', 'process.execPath'], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())))
    )
  }, 120_000)

  test('a PR adding a pickle that imports os.system fails; the clean version of it passes', async () => {
    await setup(EVIL)
    const bad = await act({ review: 'false' }, node24)
    expect(bad.stderr).toBe('')
    expect(bad.code).toBe(1)
    expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'checks/create'])
    await world.push(gh, { 'models/evil.pkl': null })
    gh.clearLog()
    const good = await act({ review: 'false' }, node24)
    expect(good.code).toBe(0)
    expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'issues/update-comment', 'checks/create'])
    expect(gh.state.issueComments[0]?.body).toContain('### ✅ **ModelGate: all clear**')
  })
})

describe('snapshot and merge-queue events', () => {
  async function eventFile(name: string, patch: (p: Record<string, unknown>) => void): Promise<string> {
    const { webhookExample } = await import('./support/pr-world.js')
    const { writeFile } = await import('node:fs/promises')
    const payload = webhookExample(name)
    patch(payload)
    const file = `${world.workspace}.${name}.json`
    await writeFile(file, JSON.stringify(payload))
    return file
  }

  test('push: the whole tree, BOM and SARIF files, a check run, and a dependency snapshot with a stable correlator', async () => {
    await setup(EVIL)
    gh.state.snapshotResult = 'INVALID'
    const eventPath = await eventFile('push', (p) => Object.assign(p, { after: world.head, ref: 'refs/heads/main' }))
    const run = () => runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'push', eventPath, sha: world.head, ref: 'refs/heads/main', inputs: { 'dependency-snapshot': 'true', 'sarif-path': 'out/modelgate.sarif' } })
    const r = await run()
    expect(r.code).toBe(1)
    expect(gh.operations()).toEqual(['security-advisories/list-global-advisories', 'checks/create', 'dependency-graph/create-repository-snapshot'])
    const snapshot = writes(gh)[1]?.[1]
    const bomTimestamp = JSON.parse(await (await import('node:fs/promises')).readFile(r.outputs['bom-path'] as string, 'utf8')).metadata.timestamp
    expect(snapshot).toEqual({
      version: 0,
      sha: world.head,
      ref: 'refs/heads/main',
      job: { correlator: 'modelgate ModelGate modelgate', id: '4242' },
      detector: { name: 'ModelGate', version: '0.1.0', url: 'https://github.com/modelgate/modelgate' },
      scanned: bomTimestamp,
      manifests: {
        'requirements.txt': {
          name: 'requirements.txt',
          file: { source_location: 'requirements.txt' },
          resolved: {
            'pkg:pypi/numpy@1.26.4': { package_url: 'pkg:pypi/numpy@1.26.4', relationship: 'direct', scope: 'runtime' },
            'pkg:pypi/torch@2.2.0': { package_url: 'pkg:pypi/torch@2.2.0', relationship: 'direct', scope: 'runtime' }
          }
        }
      }
    })
    // one clock for the run: the snapshot was scanned when the BOM was made
    expect(bomTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    // rejected snapshot: a warning, the verdict stands
    expect(commands(r.stdout, 'warning')).toEqual(['::warning::dependency graph rejected the snapshot: The snapshot is invalid and was not processed.'])
    const { readFile } = await import('node:fs/promises')
    const sarif = JSON.parse(await readFile(`${world.workspace}/out/modelgate.sarif`, 'utf8'))
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['unsafe-serialization'])
    const bom = JSON.parse(await readFile(r.outputs['bom-path'] as string, 'utf8'))
    expect(bom.metadata.component.name).toBe('Codertocat/Hello-World')
    // whole tree: README and the base requirements are in the report too
    const report = JSON.parse(await readFile(r.outputs['report-path'] as string, 'utf8'))
    expect(report.mode).toBe('tree')
    expect(report.artifacts.map((a: { path: string }) => a.path)).toEqual(['models/evil.pkl', 'models/ok.safetensors', 'requirements.txt'])
  })

  test('merge_group: the queue commit against its base from the checkout, a check run, no PR conversation', async () => {
    await setup(EVIL)
    const eventPath = await eventFile('merge_group', (p) => Object.assign(p.merge_group as object, { base_sha: world.base, head_sha: world.head }))
    const r = await runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'merge_group', eventPath, sha: world.head, ref: 'refs/heads/gh-readonly-queue/main/pr-2', inputs: {} })
    expect(r.code).toBe(1)
    expect(gh.operations()).toEqual(['security-advisories/list-global-advisories', 'checks/create'])
    expect(writes(gh)[0]?.[1]).toMatchObject({ head_sha: world.head, conclusion: 'failure' })
  })
})

describe('known vulnerabilities (GitHub advisory database with the job token)', () => {
  test('a PR that pins torch==2.5.1 fails with the advisory in its own table; the bump to 2.6.0 passes', async () => {
    await setup({ 'requirements.txt': 'numpy==1.26.4\ntorch==2.5.1\n' }, {}, { advisories: [torchAdvisory()] })
    const r = await act({ review: 'false', 'check-run': 'false' })
    expect(r.code).toBe(1)
    expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'security-advisories/list-global-advisories', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment'])
    // one query for every package the change pins (name@version), on GitHub's ecosystem name
    expect(gh.requests[2]).toMatchObject({ query: { ecosystem: 'pip', affects: 'torch@2.5.1', per_page: '100' }, status: 200 })
    const body = gh.state.issueComments[0]?.body ?? ''
    const table = body.split('\n')
    const at = table.indexOf('#### Known vulnerabilities')
    expect(table.slice(at, at + 5)).toEqual([
      '#### Known vulnerabilities',
      '',
      '| Package | Version | Advisory | Severity | Fixed in | Declared in |',
      '|---|---|---|---|---|---|',
      '| `torch` | `2.5.1` | [GHSA-53q9-r3pm-6pq6](https://github.com/advisories/GHSA-53q9-r3pm-6pq6) | critical | `2.6.0` | `requirements.txt:2` |'
    ])
    expect(body).toContain('\n#### Library and hub reference changes\n\n- ➕ added library `torch (requirements.txt)`: ==2.5.1\n')
    expect(body).toContain('🛑 **error** `vulnerable-dependency` in `requirements.txt:2`: torch 2.5.1 is affected by GHSA-53q9-r3pm-6pq6 (CVE-2025-32434) \\[critical\\]')

    await world.push(gh, { 'requirements.txt': 'numpy==1.26.4\ntorch==2.6.0\n' })
    gh.clearLog()
    const fixed = await act({ review: 'false', 'check-run': 'false' })
    expect(fixed.code).toBe(0)
    const after = gh.state.issueComments[0]?.body ?? ''
    expect(after).toContain('### ✅ **ModelGate: all clear**')
    expect(after).not.toContain('Known vulnerabilities')
  })
})
