/**
 * The signature gate through the built action (dist/index.js) in PR mode, against the fake GitHub:
 * a pull request adding a model under `signatures.required-for` without a signature fails, and the
 * sticky comment names the model and the command that signs it; the same pull request with a valid
 * signature passes, and the comment, the JSON report and the BOM say who signed it. Signatures are made
 * here: an OMS `model.sig` with a throw-away key the base branch trusts, and a cosign keyless bundle
 * from a mock Sigstore instance whose trusted root the base branch names.
 */
import { readFile } from 'node:fs/promises'
import { formatSize } from '../../src/report/format-size.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import * as f from '../support/formats.js'
import { mockSigstore } from '../verify/keyless.js'
import { filesOf, newKey, signBundle, statement } from '../verify/sign.js'
import { commands, writes } from './support/expect.js'
import { pullRequestWorld, type PullRequestWorld } from './support/pr-world.js'
import { disposeBundle, runAction, type ActionRun } from './support/run-action.js'

const MARKER = '<!-- modelgate:sticky-comment -->'
const WEIGHTS = 'models/sentiment/model.safetensors'
const weights = f.safetensors({ classifier: { dtype: 'F32', shape: [2, 2], data: Buffer.from(Float32Array.of(0.5, -0.5, 1, -1).buffer) } })
const ROW = `| \`${WEIGHTS}\` | added | \`safetensors\` | ${formatSize(weights.length)} | \`${f.sha256(weights).slice(0, 12)}\` | — |`
const TABLE = ['| Artifact | Change | Format | Size | SHA-256 | License | Signature |', '|---|---|---|---|---|---|---|']
/** The comment's signature details: method, signer or key, Rekor log index, OMS root digest. */
const SIGNATURES = (row: string): string[] => ['#### Signatures', '', '| Artifact | Status | Signature | Method | Signer or key | Rekor log index | Root digest |', '|---|---|---|---|---|---|---|', row, '']

let world: PullRequestWorld
let gh: FakeGitHub

async function setup(base: Record<string, string>, head: Record<string, Buffer | string>): Promise<void> {
  world = await pullRequestWorld({ 'README.md': '# Hello\n', ...base }, head)
  gh = await startFakeGitHub({ seed: world.seed })
}

function act(): Promise<ActionRun> {
  return runAction({ apiUrl: gh.url, workspace: world.workspace, eventName: 'pull_request', eventPath: world.eventPath, sha: world.head, ref: 'refs/pull/2/merge', inputs: { review: 'false' } })
}

const footer = () => `<sub>ModelGate 0.1.0 · ${world.base.slice(0, 7)}...${world.head.slice(0, 7)} · rules: docs/rules.md</sub>`
const check = (conclusion: 'success' | 'failure', title: string, summary: string, annotations: unknown[]) => [
  'checks/create',
  { name: 'ModelGate', head_sha: world.head, status: 'completed', conclusion, details_url: 'https://github.com/Codertocat/Hello-World/actions/runs/4242', output: { title, summary, annotations } }
]
/** The comment makes repository text inert: a word joiner stops GitHub from autolinking URLs and @-mentions. */
const inert = (text: string) => text.replace(/https:/g, 'https:\u2060').replace(/@/g, '@\u2060')
/** A signature file's row in the comment's "other files" table. */
const sigRow = (p: string, bytes: string, format: string) => `| \`${p}\` | added | signature | \`${format}\` | ${formatSize(Buffer.byteLength(bytes))} | \`${f.sha256(bytes).slice(0, 12)}\` |`
const otherFiles = (row: string) => ['<details><summary>1 other file (manifests, cards, configs, signatures)</summary>', '', '| File | Change | Kind | Format | Size | SHA-256 |', '|---|---|---|---|---|---|', row, '', '</details>', '']

async function reportedSignature(r: ActionRun): Promise<unknown> {
  const report = JSON.parse(await readFile(r.outputs['report-path'] as string, 'utf8'))
  return report.artifacts.find((a: { path: string }) => a.path === WEIGHTS).signature
}
async function bomSignature(r: ActionRun): Promise<unknown> {
  const bom = JSON.parse(await readFile(r.outputs['bom-path'] as string, 'utf8'))
  // a one-file model is its own component
  const model = bom.components.find((c: { 'bom-ref': string }) => c['bom-ref'] === `model:${WEIGHTS}`)
  return model.properties.filter((p: { name: string }) => p.name.startsWith('modelgate:signature'))
}

afterAll(disposeBundle)

afterEach(async () => {
  expect(gh.violations).toEqual([])
  await gh.close()
  await world.cleanup()
})

test('OMS key signing: an unsigned model fails with the model_signing command; the same PR with a valid model.sig passes', async () => {
  const key = newKey()
  const policy = ['licenses:', '  unknown: "off"', 'signatures:', '  required-for: ["models/**"]', '  trusted-keys: ["keys/release.pub"]', ''].join('\n')
  await setup({ '.modelgate.yml': policy, 'keys/release.pub': key.pem }, { [WEIGHTS]: weights })

  const unsigned = await act()
  expect(unsigned.code).toBe(1)
  expect(commands(unsigned.stdout, 'error')).toEqual(['::error::ModelGate: 1 error(s), 0 warning(s) at fail-on=error; see the job summary'])
  expect(unsigned.outputs).toMatchObject({ verdict: 'fail', findings: '1', models: '1', 'unsigned-models': '1' })
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/create-comment', 'checks/create'])
  const failed = [
    MARKER,
    '### ❌ **ModelGate: fail**',
    '',
    '1 model · 0 datasets · 0 dependency manifests · 0 cards · 0 signature files — 1 error, 0 warnings, 0 notes',
    '',
    ...TABLE,
    `${ROW} ❌ missing (required) |`,
    '',
    '#### Findings',
    '',
    `- 🛑 **error** \`unsigned-model\` in \`${WEIGHTS}\`: '${WEIGHTS}' matches signatures.required-for but no signature covers it.<br>**Fix:** Sign the model and commit the signature: model\\_signing sign key models/sentiment --private-key &lt;private-key.pem&gt; --signature models/sentiment/model.sig`,
    '',
    footer(),
    ''
  ].join('\n')
  expect(writes(gh)).toEqual([
    ['issues/create-comment', { body: failed }],
    check('failure', 'Fail: 1 error(s), 0 warning(s), 1 model(s)', failed, [
      {
        path: WEIGHTS,
        start_line: 1,
        end_line: 1,
        annotation_level: 'failure',
        title: 'unsigned-model',
        message: `'${WEIGHTS}' matches signatures.required-for but no signature covers it.\nFix: Sign the model and commit the signature: model_signing sign key models/sentiment --private-key <private-key.pem> --signature models/sentiment/model.sig`
      }
    ])
  ])
  expect(await reportedSignature(unsigned)).toEqual({ state: 'unsigned', required: true })

  // the same PR, signed as the message says (model_signing sign key), with the key the base branch trusts
  const modelSig = signBundle(statement(filesOf({ 'model.safetensors': weights }), { modelName: 'sentiment' }), key)
  await world.push(gh, { 'models/sentiment/model.sig': modelSig })
  gh.clearLog()
  const signed = await act()
  expect(signed.code).toBe(0)
  expect(commands(signed.stdout)).toEqual([])
  expect(signed.outputs).toMatchObject({ verdict: 'pass', findings: '0', models: '1', 'unsigned-models': '0' })
  // OMS: SHA-256 over the listed resource digests (one file here)
  const rootDigest = f.sha256(Buffer.from(f.sha256(weights), 'hex'))
  expect(gh.operations()).toEqual(['pulls/get', 'pulls/list-files', 'users/get-authenticated', 'issues/list-comments', 'issues/update-comment', 'checks/create'])
  const passed = [
    MARKER,
    '### ✅ **ModelGate: all clear**',
    '',
    '1 model · 0 datasets · 0 dependency manifests · 0 cards · 1 signature file — 0 errors, 0 warnings, 0 notes',
    '',
    ...TABLE,
    `${ROW} ✅ \`keys/release.pub\` |`,
    '',
    ...SIGNATURES(`| \`${WEIGHTS}\` | ✅ verified | \`models/sentiment/model.sig\` | public key | \`keys/release.pub\` | — | \`${rootDigest.slice(0, 12)}\` |`),
    ...otherFiles(sigRow('models/sentiment/model.sig', modelSig, 'signature')),
    footer(),
    ''
  ].join('\n')
  expect(writes(gh)).toEqual([['issues/update-comment', { body: passed }], check('success', 'Pass: 0 error(s), 0 warning(s), 1 model(s)', passed, [])])
  expect(gh.state.issueComments).toHaveLength(1)
  expect(await reportedSignature(signed)).toEqual({
    state: 'verified',
    signatureFile: 'models/sentiment/model.sig',
    format: 'oms',
    method: 'public-key',
    signer: 'keys/release.pub',
    issuer: null,
    keyHint: key.hint,
    rekorLogIndex: null,
    rootDigest
  })
  expect(await bomSignature(signed)).toEqual([
    { name: 'modelgate:signature', value: 'verified' },
    { name: 'modelgate:signature:file', value: 'models/sentiment/model.sig' },
    { name: 'modelgate:signature:key-hint', value: key.hint },
    { name: 'modelgate:signature:method', value: 'public-key' },
    { name: 'modelgate:signature:root-digest', value: rootDigest },
    { name: 'modelgate:signature:signer', value: 'keys/release.pub' }
  ])
})

test('cosign keyless: a bundle by an identity the policy does not trust fails; re-signed by the release workflow it passes', async () => {
  const sigstore = await mockSigstore()
  const release = 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main'
  const issuer = 'https://token.actions.githubusercontent.com'
  const stranger = 'https://github.com/evil/models/.github/workflows/sign.yml@refs/heads/main'
  const policy = [
    'licenses:',
    '  unknown: "off"',
    'signatures:',
    '  required-for: ["models/**"]',
    '  trusted-root: sigstore/trusted_root.json',
    '  trusted-identities:',
    `    - identity: ${release}`,
    `      issuer: ${issuer}`,
    ''
  ].join('\n')
  const BUNDLE = `${WEIGHTS}.sigstore.json`
  const wrong = await sigstore.signBlob(weights, { identity: stranger, issuer })
  await setup({ '.modelgate.yml': policy, 'sigstore/trusted_root.json': JSON.stringify(sigstore.trustedRoot) }, { [WEIGHTS]: weights, [BUNDLE]: wrong.bundle })

  const untrusted = await act()
  expect(untrusted.code).toBe(1)
  const message = `'${WEIGHTS}' is signed keyless by '${stranger}' (issuer '${issuer}'), which matches none of signatures.trusted-identities.`
  const fix = `If '${stranger}' (issuer '${issuer}') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity: cosign sign-blob --bundle ${BUNDLE} ${WEIGHTS}`
  const failed = [
    MARKER,
    '### ❌ **ModelGate: fail**',
    '',
    '1 model · 0 datasets · 0 dependency manifests · 0 cards · 1 signature file — 1 error, 0 warnings, 0 notes',
    '',
    ...TABLE,
    `${ROW} ❌ untrusted signer |`,
    '',
    ...SIGNATURES(`| \`${WEIGHTS}\` | ❌ untrusted signer | \`${BUNDLE}\` | Sigstore keyless | \`${stranger}\` (\`${issuer}\`) | \`${wrong.logIndex}\` | — |`),
    '#### Findings',
    '',
    `- 🛑 **error** \`signature-untrusted-identity\` in \`${BUNDLE}\`: ${inert(message)}<br>**Fix:** ${inert(fix)}`,
    '',
    ...otherFiles(sigRow(BUNDLE, wrong.bundle, 'sigstore-bundle')),
    footer(),
    ''
  ].join('\n')
  expect(writes(gh)).toEqual([
    ['issues/create-comment', { body: failed }],
    check('failure', 'Fail: 1 error(s), 0 warning(s), 1 model(s)', failed, [
      { path: BUNDLE, start_line: 1, end_line: 1, annotation_level: 'failure', title: 'signature-untrusted-identity', message: `${message}\nFix: ${fix}` }
    ])
  ])
  expect(await reportedSignature(untrusted)).toMatchObject({ state: 'untrusted-identity', method: 'sigstore', signer: stranger, issuer, rekorLogIndex: wrong.logIndex })

  const right = await sigstore.signBlob(weights, { identity: release, issuer })
  await world.push(gh, { [BUNDLE]: right.bundle })
  gh.clearLog()
  const signed = await act()
  expect(signed.code).toBe(0)
  const passed = [
    MARKER,
    '### ✅ **ModelGate: all clear**',
    '',
    '1 model · 0 datasets · 0 dependency manifests · 0 cards · 1 signature file — 0 errors, 0 warnings, 0 notes',
    '',
    ...TABLE,
    `${ROW} ✅ \`${release}\` |`,
    '',
    ...SIGNATURES(`| \`${WEIGHTS}\` | ✅ verified | \`${BUNDLE}\` | Sigstore keyless | \`${release}\` (\`${issuer}\`) | \`${right.logIndex}\` | — |`),
    ...otherFiles(sigRow(BUNDLE, right.bundle, 'sigstore-bundle')),
    footer(),
    ''
  ].join('\n')
  expect(writes(gh)).toEqual([['issues/update-comment', { body: passed }], check('success', 'Pass: 0 error(s), 0 warning(s), 1 model(s)', passed, [])])
  expect(await reportedSignature(signed)).toEqual({
    state: 'verified',
    signatureFile: BUNDLE,
    format: 'sigstore-bundle',
    method: 'sigstore',
    signer: release,
    issuer,
    keyHint: null,
    rekorLogIndex: right.logIndex,
    rootDigest: null
  })
  expect(await bomSignature(signed)).toEqual([
    { name: 'modelgate:signature', value: 'verified' },
    { name: 'modelgate:signature:file', value: BUNDLE },
    { name: 'modelgate:signature:issuer', value: issuer },
    { name: 'modelgate:signature:method', value: 'sigstore' },
    { name: 'modelgate:signature:rekor-log-index', value: right.logIndex },
    { name: 'modelgate:signature:signer', value: release }
  ])
})
