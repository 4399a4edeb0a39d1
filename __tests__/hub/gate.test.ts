import { scan } from '../../src/engine/scan.js'
import type { HubOptions } from '../../src/hub/index.js'
import { makeTree } from '../support/tree.js'
import { sha256 } from '../support/formats.js'
import { startFakeHub, type FakeHub } from '../support/fake-hub/index.js'
import { bigSafetensors, EVIL_SHA, evilTorchZip, GOOD_SHA } from './fixtures.js'

let hub: FakeHub
const EVIL_BIN = evilTorchZip()
const BIG = bigSafetensors()

beforeAll(async () => {
  hub = await startFakeHub([
    { kind: 'model', id: 'evil-org/pickled', commit: EVIL_SHA, files: { '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n', 'config.json': '{"model_type": "bert"}', 'pytorch_model.bin': EVIL_BIN } },
    {
      kind: 'model',
      id: 'good-org/safe',
      commit: GOOD_SHA,
      files: { 'config.json': '{"model_type": "bert"}', 'model.safetensors': BIG, 'pytorch_model.bin': EVIL_BIN, 'README.md': '---\nlicense: apache-2.0\n---\n' },
      cardData: { license: 'apache-2.0', language: 'en' },
      formerIds: ['safe']
    }
  ])
})
afterAll(() => hub.close())
beforeEach(() => hub.clearLog())

const NO_UNKNOWN_LICENSES = 'licenses:\n  unknown: "off"\n'
const lookups = (extra: HubOptions = {}): HubOptions => ({ lookups: true, endpoint: hub.url, env: {}, concurrency: 1, ...extra })

test('a code reference to a hub model whose only weights are a malicious pickle fails the gate on that line', async () => {
  // (the license policy on hub models is tested below)
  const root = await makeTree({ '.modelgate.yml': NO_UNKNOWN_LICENSES, 'train.py': `from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained(\n    "evil-org/pickled",\n    revision="${EVIL_SHA}",\n)\n` })
  const { report } = await scan({ root, failOn: 'error', hub: lookups() })
  expect(report.verdict).toBe('fail')
  expect(report.findings).toEqual([
    {
      rule: 'unsafe-serialization',
      severity: 'error',
      path: 'train.py',
      line: 4,
      message:
        'In pytorch_model.bin of the model evil-org/pickled@e1e1e1e on the Hugging Face Hub, which this code loads: member "archive/data.pkl": Loading this pickle runs code: GLOBAL at byte 2 imports posix.system, which is dangerous (posix: os under another name (runs shell commands)).',
      fix: 'Do not load this file. Get the weights from a trusted source in a format that cannot run code (e.g. safetensors: `safetensors.torch.save_file(model.state_dict(), ...)`).'
    },
    {
      rule: 'hub-model-unsafe-format',
      severity: 'warning',
      path: 'train.py',
      line: 4,
      message:
        'The model evil-org/pickled@e1e1e1e offers the weights this code loads only as pickle-based files (pytorch_model.bin) and no safetensors: loading them can run code, and whoever can push to evil-org/pickled can replace them.',
      fix: 'Load a model or revision that ships model.safetensors (the owner can convert it), and pin the commit you reviewed with revision="<40-hex commit sha>".'
    }
  ])
  expect(report.dependencies[0]!.resolved).toEqual({
    commit: EVIL_SHA,
    purl: `pkg:huggingface/evil-org/pickled@${EVIL_SHA}`,
    license: null,
    gated: false,
    files: [{ path: 'pytorch_model.bin', sha256: sha256(EVIL_BIN), size: EVIL_BIN.length, format: 'pytorch-zip' }]
  })
  // One API call (with the LFS oids), then the file by a range request: the Hub redirects to its CDN.
  expect(hub.requests).toEqual([
    { server: 'hub', method: 'GET', url: `/api/models/evil-org/pickled/revision/${EVIL_SHA}?blobs=true` },
    { server: 'hub', method: 'GET', url: `/evil-org/pickled/resolve/${EVIL_SHA}/pytorch_model.bin`, range: 'bytes=0-65535' },
    { server: 'cdn', method: 'GET', url: `/repos/${sha256(EVIL_BIN).slice(0, 2)}/${sha256(EVIL_BIN).slice(2, 4)}/${sha256(EVIL_BIN)}`, range: 'bytes=0-65535' }
  ])
})

test('one with safetensors passes, reads only the header, and names the commit to pin', async () => {
  const root = await makeTree({ 'app/serve.py': 'from transformers import pipeline\n\nclf = pipeline("text-classification", model="good-org/safe")\n' })
  const { report } = await scan({ root, failOn: 'error', hub: lookups() })
  expect(report.verdict).toBe('pass')
  expect(report.findings).toEqual([
    {
      rule: 'unpinned-hub-reference',
      severity: 'warning',
      path: 'app/serve.py',
      line: 3,
      message:
        '`pipeline` pulls the model good-org/safe from the Hugging Face Hub with no revision, so it loads whatever is on the default branch: whoever can push to good-org/safe decides what runs here.',
      fix: `Pass \`revision="${GOOD_SHA}"\` to \`pipeline\`, using the commit you reviewed (https://huggingface.co/good-org/safe/commits). The default branch points to this commit now (looked up on the Hub); review it before pinning.`
    }
  ])
  expect(report.dependencies[0]!.resolved).toEqual({
    commit: GOOD_SHA,
    purl: `pkg:huggingface/good-org/safe@${GOOD_SHA}`,
    license: 'apache-2.0',
    gated: false,
    // from_pretrained prefers model.safetensors: the pickled pytorch_model.bin next to it is never loaded, so never read.
    files: [{ path: 'model.safetensors', sha256: sha256(BIG), size: BIG.length, format: 'safetensors' }]
  })
  expect(BIG.length).toBeGreaterThan(1_000_000)
  expect(hub.requests).toEqual([
    { server: 'hub', method: 'GET', url: '/api/models/good-org/safe/revision/main?blobs=true' },
    { server: 'hub', method: 'GET', url: `/good-org/safe/resolve/${GOOD_SHA}/model.safetensors`, range: 'bytes=0-65535' },
    { server: 'cdn', method: 'GET', url: `/repos/${sha256(BIG).slice(0, 2)}/${sha256(BIG).slice(2, 4)}/${sha256(BIG)}`, range: 'bytes=0-65535' }
  ])
})

test('HF_TOKEN goes to the Hub only (renamed repository redirects included), never to the CDN, and never into the report', async () => {
  const root = await makeTree({ 'load.py': `from transformers import AutoModel\nm = AutoModel.from_pretrained("safe", revision="${GOOD_SHA}")\n` })
  const { report } = await scan({ root, failOn: 'error', hub: lookups({ env: { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_SeCrEt' }, endpoint: undefined }) })
  expect(report.verdict).toBe('pass')
  expect(hub.requests.map((r) => [r.server, r.url, r.authorization ?? null])).toEqual([
    ['hub', `/api/models/safe/revision/${GOOD_SHA}?blobs=true`, 'Bearer hf_SeCrEt'],
    ['hub', `/api/models/good-org/safe/revision/${GOOD_SHA}?blobs=true`, 'Bearer hf_SeCrEt'],
    ['hub', `/good-org/safe/resolve/${GOOD_SHA}/model.safetensors`, 'Bearer hf_SeCrEt'],
    ['cdn', `/repos/${sha256(BIG).slice(0, 2)}/${sha256(BIG).slice(2, 4)}/${sha256(BIG)}`, null]
  ])
  // The renamed repository resolves under its new id.
  expect(report.dependencies[0]!.resolved?.purl).toBe(`pkg:huggingface/good-org/safe@${GOOD_SHA}`)
  expect(JSON.stringify(report)).not.toContain('hf_SeCrEt')
})

test('off by default: no request without hub.lookups or --hub-lookups', async () => {
  const root = await makeTree({ 'train.py': `from transformers import AutoModel\nAutoModel.from_pretrained("evil-org/pickled", revision="${EVIL_SHA}")\n` })
  const { report } = await scan({ root, failOn: 'error', hub: { endpoint: hub.url, env: {} } })
  expect(report.findings).toEqual([])
  expect(report.dependencies[0]!.resolved).toBeUndefined()
  expect(hub.requests).toEqual([])
})

test('hub.lookups in .modelgate.yml turns lookups on; the same file at one commit is judged once for all its code lines', async () => {
  const root = await makeTree({
    '.modelgate.yml': `hub:\n  lookups: true\n${NO_UNKNOWN_LICENSES}`,
    'a.py': `from transformers import AutoModel\nAutoModel.from_pretrained("evil-org/pickled", revision="${EVIL_SHA}")\n`,
    'b.py': `from transformers import AutoTokenizer, AutoModel\nAutoModel.from_pretrained("evil-org/pickled", revision="${EVIL_SHA}")\n`
  })
  const { report } = await scan({ root, failOn: 'error', hub: { endpoint: hub.url, env: {}, concurrency: 1 } })
  expect(report.findings.map((f) => `${f.path}:${f.line} ${f.rule}`)).toEqual(['a.py:2 unsafe-serialization', 'b.py:2 unsafe-serialization', 'a.py:2 hub-model-unsafe-format', 'b.py:2 hub-model-unsafe-format'])
  expect(hub.requests.map((r) => `${r.server} ${r.url.split('?')[0]}`)).toEqual([
    `hub /api/models/evil-org/pickled/revision/${EVIL_SHA}`,
    `hub /evil-org/pickled/resolve/${EVIL_SHA}/pytorch_model.bin`,
    `cdn /repos/${sha256(EVIL_BIN).slice(0, 2)}/${sha256(EVIL_BIN).slice(2, 4)}/${sha256(EVIL_BIN)}`
  ])
})


test('the BOM records the resolved reference: commit as version, purl with the sha, license, the loaded file with its LFS oid', async () => {
  const { serializeBom } = await import('../../src/bom/cyclonedx.js')
  const { schemaErrors, refProblems } = await import('../support/bom-checks.js')
  const root = await makeTree({ 'serve.py': 'from transformers import AutoModel\nm = AutoModel.from_pretrained("good-org/safe", revision="main")\n' })
  const { report } = await scan({ root, failOn: 'error', hub: lookups() })
  const json = serializeBom(report, { subject: 'demo', format: 'json', now: new Date('2025-01-01T00:00:00Z') })
  const bom = JSON.parse(json) as { components: Record<string, unknown>[] }
  const c = bom.components.find((x) => x['bom-ref'] === 'hub:pkg:huggingface/good-org/safe')!
  // The fields hub lookups set (group, supplier and the distribution link come from the inventory's id).
  expect({ type: c.type, version: c.version, purl: c.purl, licenses: c.licenses, components: c.components }).toEqual({
    type: 'machine-learning-model',
    version: GOOD_SHA,
    purl: `pkg:huggingface/good-org/safe@${GOOD_SHA}`,
    licenses: [{ license: { id: 'Apache-2.0' } }],
    components: [
      {
        type: 'file',
        'bom-ref': 'hub:pkg:huggingface/good-org/safe#model.safetensors',
        name: 'model.safetensors',
        hashes: [{ alg: 'SHA-256', content: sha256(BIG) }],
        properties: [
          { name: 'modelgate:format', value: 'safetensors' },
          { name: 'modelgate:size', value: String(BIG.length) }
        ]
      }
    ]
  })
  expect(c.properties).toContainEqual({ name: 'modelgate:specifier', value: 'main' })
  expect(await schemaErrors(json, '1.6')).toBeNull()
  expect(refProblems(json)).toEqual({ duplicates: [], dangling: [] })
})

describe('the license policy on referenced models', () => {
  let licensed: FakeHub
  beforeAll(async () => {
    licensed = await startFakeHub([
      { kind: 'model', id: 'nc-org/research', commit: GOOD_SHA, files: { 'model.safetensors': BIG }, cardData: { license: 'cc-by-nc-4.0' } },
      { kind: 'model', id: 'anon/unlicensed', commit: GOOD_SHA, files: { 'model.safetensors': BIG } },
      { kind: 'model', id: 'acme/custom', commit: GOOD_SHA, files: { 'model.safetensors': BIG }, cardData: { license: 'other', license_name: 'Acme Research License', license_link: 'https://acme.example/license' } }
    ])
  })
  afterAll(() => licensed.close())

  test('a denied card license fails on the code line; no license is a warning that says how to accept it', async () => {
    const root = await makeTree({
      '.modelgate.yml': 'licenses:\n  deny: [CC-BY-NC-4.0]\n',
      'app.py': `from transformers import AutoModel\na = AutoModel.from_pretrained("nc-org/research", revision="${GOOD_SHA}")\nb = AutoModel.from_pretrained("anon/unlicensed", revision="${GOOD_SHA}")\n`
    })
    const { report } = await scan({ root, failOn: 'error', hub: { lookups: true, endpoint: licensed.url, env: {}, concurrency: 1 } })
    expect(report.verdict).toBe('fail')
    expect(report.findings.map((f) => `${f.severity} ${f.path}:${f.line} ${f.rule}`)).toEqual(['error app.py:2 license-denied', 'warning app.py:3 license-missing'])
    expect(report.findings[0]!.message).toBe(
      `The Hugging Face Hub reports the card license \`cc-by-nc-4.0\` (https://huggingface.co/nc-org/research), read as CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-4.0 in licenses.deny). Applies to \`pkg:huggingface/nc-org/research@${GOOD_SHA}\`.`
    )
    expect(report.findings[1]).toMatchObject({
      message: `No license found for this model: The Hub reports no license for anon/unlicensed at ${GOOD_SHA.slice(0, 7)} (its card has no \`license\`). Applies to \`pkg:huggingface/anon/unlicensed@${GOOD_SHA}\`.`,
      fix: `Check the terms on https://huggingface.co/anon/unlicensed by hand and record them as a \`licenses.exceptions\` entry (path \`pkg:huggingface/anon/unlicensed@${GOOD_SHA}\`) with the reason, or load a model that declares its license.`
    })
  })

  test('a custom (`other`) license the Hub reports is known by its license_name: not allowed by an allow list, and named in the BOM with its link', async () => {
    const { serializeBom } = await import('../../src/bom/cyclonedx.js')
    const root = await makeTree({
      '.modelgate.yml': 'licenses:\n  allow: [Apache-2.0, MIT]\n',
      'app.py': `from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/custom", revision="${GOOD_SHA}")\n`
    })
    const { report } = await scan({ root, failOn: 'error', hub: { lookups: true, endpoint: licensed.url, env: {}, concurrency: 1 } })
    expect(report.findings.map((f) => `${f.severity} ${f.path}:${f.line} ${f.rule}`)).toEqual(['error app.py:2 license-not-allowed'])
    expect(report.findings[0]!.message).toContain('`other (license_name: Acme Research License)`')
    expect(report.findings[0]!.message).toContain('LicenseRef-Acme-Research-License')
    const bom = JSON.parse(serializeBom(report, { subject: 'demo', format: 'json', now: new Date('2025-01-01T00:00:00Z') })) as { components: Record<string, unknown>[] }
    const c = bom.components.find((x) => x['bom-ref'] === `hub:pkg:huggingface/acme/custom@${GOOD_SHA}`)!
    expect(c.licenses).toEqual([{ license: { name: 'Acme Research License', url: 'https://acme.example/license' } }])
  })
})
