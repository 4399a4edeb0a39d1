import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { scan } from '../../src/engine/scan.js'
import type { HubOptions } from '../../src/hub/index.js'
import type { Finding } from '../../src/types.js'
import { makeTree } from '../support/tree.js'
import { sha256 } from '../support/formats.js'
import { startFakeHub, type FakeHub } from '../support/fake-hub/index.js'
import { bigSafetensors, GOOD_SHA } from './fixtures.js'

/**
 * A lookup that gets no usable answer is a note on the code line (scan-incomplete),
 * never a crash and never a pass by silence: each case says exactly why.
 */
let hub: FakeHub
const WEIGHTS = bigSafetensors()
const CDN_PATH = `/repos/${sha256(WEIGHTS).slice(0, 2)}/${sha256(WEIGHTS).slice(2, 4)}/${sha256(WEIGHTS)}`

beforeAll(async () => {
  hub = await startFakeHub([
    { kind: 'model', id: 'corp/private', commit: GOOD_SHA, files: { 'model.safetensors': WEIGHTS }, private: true, grants: ['hf_corp'] },
    { kind: 'model', id: 'meta/gated', commit: GOOD_SHA, files: { 'model.safetensors': WEIGHTS }, gated: 'manual', grants: ['hf_granted'], cardData: { license: 'llama3' } },
    { kind: 'model', id: 'org/slow', commit: GOOD_SHA, files: { 'model.safetensors': WEIGHTS } },
    { kind: 'model', id: 'org/flaky', commit: GOOD_SHA, files: { 'model.safetensors': WEIGHTS } }
  ])
})
afterAll(() => hub.close())
beforeEach(() => hub.clearLog())

async function findingsFor(line: string, opts: Partial<HubOptions> = {}): Promise<Finding[]> {
  const root = await makeTree({ 'load.py': `from transformers import AutoModel\n${line}\n` })
  const { report } = await scan({ root, failOn: 'error', hub: { lookups: true, endpoint: hub.url, env: {}, ...opts } })
  // about lookup failures: pins and the license policy on the resolved model have tests of their own
  return report.findings.filter((f) => f.rule !== 'unpinned-hub-reference' && !f.rule.startsWith('license-'))
}

const PINNED = (id: string) => `AutoModel.from_pretrained("${id}", revision="${GOOD_SHA}")`
const note = (message: string, fix: string): Finding => ({ rule: 'scan-incomplete', severity: 'note', path: 'load.py', line: 2, message, fix })

test('401 RepoNotFound: missing, or private without a token (or with one that has no access)', async () => {
  const missing = note(
    'The model nobody/nothing was not found on the Hugging Face Hub (HTTP 401 (RepoNotFound: Repository not found)): it does not exist, or it is private and no HF_TOKEN was given. What this code loads was not checked.',
    'Check the repository id; for a private repository set HF_TOKEN to a token that can read it.'
  )
  expect(await findingsFor(PINNED('nobody/nothing'))).toEqual([missing])
  expect(await findingsFor(PINNED('corp/private'), { token: 'hf_other' })).toEqual([
    { ...missing, message: missing.message.replace('nobody/nothing', 'corp/private').replace('no HF_TOKEN was given', 'HF_TOKEN has no access to it') }
  ])
  expect(await findingsFor(PINNED('corp/private'), { token: 'hf_corp' })).toEqual([])
})

test('gated repository: 401 without a token, 403 with an ungranted one, judged with a granted one', async () => {
  const fix = 'Set HF_TOKEN to a token of an account that accepted the conditions on https://huggingface.co/meta/gated, or review the files by hand.'
  expect(await findingsFor(PINNED('meta/gated'))).toEqual([
    note(
      'The model meta/gated is gated and no HF_TOKEN was given: the Hub refused model.safetensors (HTTP 401 (GatedRepo: Access to model meta/gated is restricted. You must have access to it and be authenticated to access it. Please log in.)), so it was not checked.',
      fix
    )
  ])
  expect(await findingsFor(PINNED('meta/gated'), { token: 'hf_nope' })).toEqual([
    note(
      'The model meta/gated is gated and the HF_TOKEN given has no access to it: the Hub refused model.safetensors (HTTP 403 (GatedRepo: Access to model meta/gated is restricted and you are not in the authorized list. Visit https://huggingface.co/meta/gate…)), so it was not checked.',
      fix
    )
  ])
  const root = await makeTree({ 'load.py': `from transformers import AutoModel\n${PINNED('meta/gated')}\n` })
  const { report } = await scan({ root, failOn: 'error', hub: { lookups: true, endpoint: hub.url, env: {}, token: 'hf_granted' } })
  // judged, and the card license the Hub reports goes through the license policy like a model in the repository
  expect(report.findings).toEqual([
    {
      rule: 'license-use-restricted',
      severity: 'note',
      path: 'load.py',
      line: 2,
      message:
        'The Hugging Face Hub reports the card license `llama3` (https://huggingface.co/meta/gated), read as Meta Llama 3 Community License Agreement, which restricts how the model may be used. Summary: Meta\'s Acceptable Use Policy applies; a product with more than 700 million monthly active users needs a separate license from Meta; "Built with Meta Llama 3" attribution is required; the model and its outputs may not be used to improve other large language models. Applies to `pkg:huggingface/meta/gated@86b5e0934494bd15c9632b12f734a8a67f723594`.',
      fix: 'Read the license and its acceptable-use policy and check that your use complies; record the review as a `licenses.exceptions` entry.'
    }
  ])
  expect(report.dependencies[0]!.resolved).toEqual({
    commit: GOOD_SHA,
    purl: `pkg:huggingface/meta/gated@${GOOD_SHA}`,
    license: 'llama3',
    gated: true,
    files: [{ path: 'model.safetensors', sha256: sha256(WEIGHTS), size: WEIGHTS.length, format: 'safetensors' }]
  })
})

test('404 RevisionNotFound: the code would fail to load', async () => {
  expect(await findingsFor('AutoModel.from_pretrained("org/slow", revision="v9.9")')).toEqual([
    note(
      'The revision `v9.9` does not exist in the model org/slow on the Hugging Face Hub (HTTP 404 (RevisionNotFound: Invalid rev id: v9.9)), so this code would fail to load it; nothing was checked.',
      'Use an existing branch, tag or commit of org/slow (https://huggingface.co/org/slow/commits).'
    )
  ])
})

const UNREACHABLE_FIX = 'Re-run when the Hub is reachable (HF_ENDPOINT names another endpoint); until then this reference is not known to be safe.'

test('timeout, garbage, a 500 and an answer without a commit are notes naming the cause', async () => {
  hub.fault({ pathPrefix: '/api/models/org/slow/', kind: 'hang', times: 1 })
  expect(await findingsFor(PINNED('org/slow'), { timeoutMs: 300 })).toEqual([
    note(`The model org/slow could not be looked up on the Hugging Face Hub at ${hub.url} (no answer within 0.3 s), so the files it loads were not checked.`, UNREACHABLE_FIX)
  ])
  hub.fault({ pathPrefix: '/api/models/org/slow/', kind: 'garbage', times: 1 })
  expect(await findingsFor(PINNED('org/slow'))).toEqual([
    note(`The model org/slow could not be looked up on the Hugging Face Hub at ${hub.url} (the answer is not JSON (text/html; charset=utf-8, 72 bytes)), so the files it loads were not checked.`, UNREACHABLE_FIX)
  ])
  hub.fault({ pathPrefix: '/api/models/org/slow/', kind: { status: 500, headers: { 'x-error-message': 'Internal Error - We\'re working hard to fix this as soon as possible!' } }, times: 1 })
  expect(await findingsFor(PINNED('org/slow'))).toEqual([
    note(
      `The model org/slow could not be looked up on the Hugging Face Hub at ${hub.url} (HTTP 500 (Internal Error - We're working hard to fix this as soon as possible!)), so the files it loads were not checked.`,
      UNREACHABLE_FIX
    )
  ])
  hub.fault({ pathPrefix: '/api/models/org/slow/', kind: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"org/slow","siblings":[]}' }, times: 1 })
  expect(await findingsFor(PINNED('org/slow'))).toEqual([
    note(
      `The model org/slow could not be looked up on the Hugging Face Hub at ${hub.url} (the answer is not repository information: the answer names no commit (\`sha\` is missing or not 40 hex digits)), so the files it loads were not checked.`,
      UNREACHABLE_FIX
    )
  ])
})

test('a connection refused and an HF_ENDPOINT that is no URL are notes too', async () => {
  const closed = http.createServer()
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
  const port = (closed.address() as AddressInfo).port
  await new Promise((r) => closed.close(r))
  expect(await findingsFor(PINNED('org/slow'), { endpoint: `http://127.0.0.1:${port}` })).toEqual([
    note(`The model org/slow could not be looked up on the Hugging Face Hub at http://127.0.0.1:${port} (connection failed (ECONNREFUSED)), so the files it loads were not checked.`, UNREACHABLE_FIX)
  ])
  expect(await findingsFor(PINNED('org/slow'), { endpoint: undefined, env: { HF_ENDPOINT: 'hf.internal:8080' } })).toEqual([
    note('The model org/slow could not be looked up on the Hugging Face Hub at hf.internal:8080 (HF_ENDPOINT `hf.internal:8080` is not an http(s) URL), so the files it loads were not checked.', UNREACHABLE_FIX)
  ])
})

test('the CDN dropping the connection while a file is read: a note for that file, the reference still resolved', async () => {
  hub.fault({ server: 'cdn', pathPrefix: CDN_PATH, kind: 'reset', times: 1 })
  const root = await makeTree({ '.modelgate.yml': 'licenses:\n  unknown: "off"\n', 'load.py': `from transformers import AutoModel\n${PINNED('org/flaky')}\n` })
  const { report } = await scan({ root, failOn: 'error', hub: { lookups: true, endpoint: hub.url, env: {} } })
  expect(report.findings).toEqual([
    note(
      'model.safetensors of the model org/flaky@86b5e09 could not be read from the Hugging Face Hub (connection failed (UND_ERR_SOCKET)), so it was not checked.',
      'Re-run when the Hub is reachable; until then this file is not known to be safe.'
    )
  ])
  expect(report.dependencies[0]!.resolved?.files).toEqual([{ path: 'model.safetensors', sha256: sha256(WEIGHTS), size: WEIGHTS.length, format: null }])
})

test('a CDN refusal (an expired signed URL) on a repository that is not gated is a read failure, not a gate', async () => {
  hub.fault({ server: 'cdn', pathPrefix: CDN_PATH, kind: { status: 403, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>AccessDenied</Code></Error>' }, times: 1 })
  expect(await findingsFor(PINNED('org/flaky'))).toEqual([
    note('model.safetensors of the model org/flaky@86b5e09 could not be read from the Hugging Face Hub (HTTP 403), so it was not checked.', 'Re-run when the Hub is reachable; until then this file is not known to be safe.')
  ])
})

test('a file whose reading outlasts its deadline is a note; the requests are aborted', async () => {
  hub.fault({ server: 'cdn', pathPrefix: CDN_PATH, kind: 'hang', times: 1 })
  expect(await findingsFor(PINNED('org/flaky'), { fileTimeoutMs: 300 })).toEqual([
    note('model.safetensors of the model org/flaky@86b5e09 could not be read from the Hugging Face Hub (gave up after 0.3 s), so it was not checked.', 'Re-run when the Hub is reachable; until then this file is not known to be safe.')
  ])
})
