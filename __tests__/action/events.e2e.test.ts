/**
 * The built action on the events and inputs that choose what it scans: schedule and
 * workflow_dispatch scan the tree, `mode` overrides the event, `config` names the policy file, and
 * the dependency snapshot it submits, byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { proto0System } from '../pickle/builder.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { commands, writes } from './support/expect.js'
import { pullRequestWorld, webhookExample, type PullRequestWorld } from './support/pr-world.js'
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

async function setup(base: Record<string, string | Buffer>, head: Record<string, string | Buffer | null>): Promise<void> {
  world = await pullRequestWorld(base, head)
  gh = await startFakeGitHub({ seed: world.seed })
}

async function event(name: string, payload: Record<string, unknown>, inputs: Record<string, string> = {}, sha = world.head): Promise<ActionRun> {
  const eventPath = `${world.workspace}.${name}.json`
  await writeFile(eventPath, JSON.stringify(payload))
  return runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: name, eventPath, sha, ref: name === 'pull_request' ? 'refs/pull/2/merge' : 'refs/heads/main', inputs })
}

const reportOf = async (r: ActionRun) => JSON.parse(await readFile(r.outputs['report-path'] as string, 'utf8')) as { mode: string; artifacts: Array<{ path: string }>; findings: Array<{ rule: string; severity: string; path: string }> }
const pushPayload = () => Object.assign(webhookExample('push'), { after: world.head, ref: 'refs/heads/main' })

test.each([
  ['schedule', () => ({ schedule: '17 4 * * 1' })],
  ['workflow_dispatch', () => Object.assign(webhookExample('workflow_dispatch'), { ref: 'refs/heads/main' })]
])('%s scans the whole tree (snapshot mode) and checks the commit it ran on', async (name, payload) => {
  await setup(BASE, { 'models/ok.safetensors': f.smallSafetensors() })
  const r = await event(name, payload())
  expect(r.code).toBe(0)
  expect(gh.operations()).toEqual(['security-advisories/list-global-advisories', 'checks/create'])
  expect(writes(gh)[0]?.[1]).toMatchObject({ head_sha: world.head, conclusion: 'success' })
  const report = await reportOf(r)
  expect(report.mode).toBe('tree')
  expect(report.artifacts.map((a) => a.path)).toEqual(['models/ok.safetensors', 'requirements.txt'])
})

test('mode: snapshot on a pull_request event scans the tree and checks the PR head; mode: pull-request on a push is an error with a summary', async () => {
  await setup(BASE, { 'models/ok.safetensors': f.smallSafetensors() })
  // GITHUB_SHA of a pull_request run is the merge commit, not the head the PR shows checks for
  const snapshot = await event('pull_request', JSON.parse(await readFile(world.eventPath, 'utf8')), { mode: 'snapshot' }, world.base)
  expect(snapshot.code).toBe(0)
  expect(gh.operations()).toEqual(['security-advisories/list-global-advisories', 'checks/create'])
  expect(writes(gh)[0]?.[1]).toMatchObject({ head_sha: world.head })
  expect((await reportOf(snapshot)).mode).toBe('tree')

  gh.clearLog()
  const wrong = await event('push', pushPayload(), { mode: 'pull-request' })
  expect(wrong.code).toBe(1)
  expect(gh.operations()).toEqual([])
  const message = "mode pull-request needs a pull_request, pull_request_target or merge_group event (this is 'push'); use mode: snapshot or auto"
  expect(commands(wrong.stdout)).toEqual([`::error::ModelGate could not run: ${message}`])
  expect(wrong.summary).toBe(
    [
      '### ❌ **ModelGate could not run**',
      '',
      "mode pull-request needs a pull\\_request, pull\\_request\\_target or merge\\_group event (this is 'push'); use mode: snapshot or auto",
      '',
      'Nothing was scanned, so this run does not pass. The message above says what to change; see docs/action.md.',
      ''
    ].join('\n')
  )
})

test('config: a policy file at another path, read from the base in pull-request mode and from the tree in snapshot mode', async () => {
  // the custom policy lets the pickle through as a warning; the default one would fail the run
  const custom = `${POLICY}severity:\n  unsafe-serialization: warning\n`
  await setup({ ...BASE, 'ci/modelgate.yml': custom }, { 'models/evil.pkl': proto0System() })

  const pr = await event('pull_request', JSON.parse(await readFile(world.eventPath, 'utf8')), { config: 'ci/modelgate.yml', review: 'false', 'check-run': 'false', comment: 'never' })
  expect(pr.code).toBe(0)
  expect(pr.stdout).toContain(`policy: ci/modelgate.yml at base ${world.base.slice(0, 7)}\n`)
  expect((await reportOf(pr)).findings.map((x) => [x.rule, x.severity, x.path])).toEqual([['unsafe-serialization', 'warning', 'models/evil.pkl']])

  const push = await event('push', pushPayload(), { config: 'ci/modelgate.yml', 'check-run': 'false' })
  expect(push.code).toBe(0)
  expect((await reportOf(push)).findings.map((x) => [x.rule, x.severity, x.path])).toEqual([['unsafe-serialization', 'warning', 'models/evil.pkl']])

  // without the input, the root .modelgate.yml applies and the pickle fails the run
  const plain = await event('push', pushPayload(), { 'check-run': 'false' })
  expect(plain.code).toBe(1)
})

test('dependency snapshot: packages keyed by purl (one name, two pins), lock entries direct or indirect by the manifest they lock, dev scope', async () => {
  const lock = {
    name: 'web',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'web', version: '1.0.0', dependencies: { '@xenova/transformers': '2.17.0' }, devDependencies: { 'onnxruntime-node': '1.18.0' } },
      'node_modules/@xenova/transformers': { version: '2.17.0', dependencies: { 'onnxruntime-web': '1.14.0' } },
      'node_modules/onnxruntime-web': { version: '1.14.0' },
      'node_modules/onnxruntime-node': { version: '1.18.0', dev: true }
    }
  }
  await setup(BASE, {
    'requirements.txt': 'numpy==1.26.4\ntorch==2.2.0 ; python_version<"3.12"\ntorch==2.1.0 ; python_version>="3.12"\n',
    'web/package.json': JSON.stringify({ name: 'web', version: '1.0.0', dependencies: { '@xenova/transformers': '2.17.0' }, devDependencies: { 'onnxruntime-node': '1.18.0' } }),
    'web/package-lock.json': JSON.stringify(lock),
    // a lock without the pyproject.toml it locks: nothing says which entries are direct
    'svc/uv.lock': 'version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "torch"\nversion = "2.2.0"\nsource = { registry = "https://pypi.org/simple" }\n'
  })
  const r = await event('push', pushPayload(), { 'dependency-snapshot': 'true', 'check-run': 'false' })
  expect(r.code).toBe(0)
  // one advisory query per ecosystem (pip, npm), then the snapshot
  expect(gh.operations()).toEqual(['security-advisories/list-global-advisories', 'security-advisories/list-global-advisories', 'dependency-graph/create-repository-snapshot'])
  const bom = JSON.parse(await readFile(r.outputs['bom-path'] as string, 'utf8')) as { metadata: { timestamp: string } }
  const dep = (purl: string, relationship: 'direct' | 'indirect' | null, scope = 'runtime') => [purl, { package_url: purl, ...(relationship ? { relationship } : {}), scope }]
  const manifest = (file: string, ...resolved: Array<ReturnType<typeof dep>>) => [file, { name: file, file: { source_location: file }, resolved: Object.fromEntries(resolved) }]
  expect(writes(gh).map(([op]) => op)).toEqual(['dependency-graph/create-repository-snapshot'])
  expect(writes(gh)[0]?.[1]).toEqual({
    version: 0,
    sha: world.head,
    ref: 'refs/heads/main',
    job: { correlator: 'modelgate ModelGate modelgate', id: '4242' },
    detector: { name: 'ModelGate', version: '0.1.0', url: 'https://github.com/modelgate/modelgate' },
    scanned: bom.metadata.timestamp,
    manifests: Object.fromEntries([
      manifest('requirements.txt', dep('pkg:pypi/numpy@1.26.4', 'direct'), dep('pkg:pypi/torch@2.2.0', 'direct'), dep('pkg:pypi/torch@2.1.0', 'direct')),
      manifest('svc/uv.lock', dep('pkg:pypi/torch@2.2.0', null)),
      manifest(
        'web/package-lock.json',
        dep('pkg:npm/%40xenova/transformers@2.17.0', 'direct'),
        dep('pkg:npm/onnxruntime-web@1.14.0', 'indirect'),
        dep('pkg:npm/onnxruntime-node@1.18.0', 'direct', 'development')
      ),
      manifest('web/package.json', dep('pkg:npm/%40xenova/transformers@2.17.0', 'direct'), dep('pkg:npm/onnxruntime-node@1.18.0', 'direct', 'development'))
    ])
  })
  expect(bom.metadata.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
})
