import { scan } from '../../src/engine/scan.js'
import { lookUpHubReferences, type HubOptions } from '../../src/hub/index.js'
import { huggingfacePurl } from '../../src/inventory/purl.js'
import type { Dependency } from '../../src/types.js'
import { config } from '../support/builders.js'
import { makeTree } from '../support/tree.js'
import { safetensors, sha256, smallSafetensors } from '../support/formats.js'
import { startFakeHub, type FakeHub } from '../support/fake-hub/index.js'
import { EVIL_SHA, evilTorchZip, GOOD_SHA, pickleWithPayload, plainTorchZip, systemPickle } from './fixtures.js'

let hub: FakeHub
const SHARD_1 = smallSafetensors()
const SHARD_2 = safetensors({ 'b.weight': { dtype: 'F16', shape: [4], data: Buffer.alloc(8) } })
const INDEX = JSON.stringify({ metadata: { total_size: 32 }, weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } })
const BIN_INDEX = JSON.stringify({ metadata: { total_size: 32 }, weight_map: { a: 'pytorch_model-00001-of-00003.bin', b: 'pytorch_model-00002-of-00003.bin', c: 'pytorch_model-00003-of-00003.bin' } })
const EVIL_BIN = evilTorchZip()
const PLAIN_BIN = plainTorchZip()
const BIG_PICKLE = pickleWithPayload(300 * 1024, false)
const BIG_EVIL_PICKLE = pickleWithPayload(300 * 1024, true)
const cdn = (b: Buffer) => `/repos/${sha256(b).slice(0, 2)}/${sha256(b).slice(2, 4)}/${sha256(b)}`

beforeAll(async () => {
  hub = await startFakeHub([
    { kind: 'model', id: 'big/sharded', commit: GOOD_SHA, files: { 'model.safetensors.index.json': INDEX, 'model-00001-of-00002.safetensors': SHARD_1, 'model-00002-of-00002.safetensors': SHARD_2 } },
    { kind: 'model', id: 'old/sharded-bin', commit: EVIL_SHA, files: { 'pytorch_model.bin.index.json': BIN_INDEX, 'pytorch_model-00001-of-00003.bin': PLAIN_BIN, 'pytorch_model-00002-of-00003.bin': EVIL_BIN } },
    { kind: 'model', id: 'sk/churn', commit: GOOD_SHA, files: { 'scaler.pkl': Buffer.from(systemPickle()), 'model.safetensors': SHARD_1 } },
    { kind: 'dataset', id: 'data/features', commit: GOOD_SHA, files: { 'data/train.parquet': Buffer.from('PAR1....PAR1'), 'features.pkl': systemPickle() }, cardData: { license: 'cc-by-4.0' } },
    { kind: 'space', id: 'demo/app', commit: GOOD_SHA, files: { 'app.py': 'import gradio\n', 'model.pt': EVIL_BIN } },
    { kind: 'model', id: 'o/big-pickle', commit: GOOD_SHA, files: { 'model.pkl': BIG_PICKLE } },
    { kind: 'model', id: 'o/big-evil', commit: GOOD_SHA, files: { 'model.pkl': BIG_EVIL_PICKLE } }
  ])
})
afterAll(() => hub.close())
beforeEach(() => hub.clearLog())

const opts = (): HubOptions => ({ lookups: true, endpoint: hub.url, env: {}, concurrency: 1 })

function ref(name: string, kind: 'model' | 'dataset' | 'space', loader?: Dependency['loader']): Dependency {
  return { path: 'load.py', line: 7, ecosystem: 'huggingface', name, specifier: GOOD_SHA, version: GOOD_SHA, pinned: true, ml: true, purl: huggingfacePurl(name, GOOD_SHA, kind), hubKind: kind, ...(loader ? { loader } : {}) }
}

test('sharded safetensors: the index is read, then each shard header by a range request', async () => {
  const deps = [ref('big/sharded', 'model')]
  const stage = await lookUpHubReferences(deps, config(), opts())
  expect(stage.apply([])).toEqual([])
  expect(deps[0]!.resolved?.files).toEqual([
    { path: 'model-00001-of-00002.safetensors', sha256: sha256(SHARD_1), size: SHARD_1.length, format: 'safetensors' },
    { path: 'model-00002-of-00002.safetensors', sha256: sha256(SHARD_2), size: SHARD_2.length, format: 'safetensors' }
  ])
  expect(hub.requests.map((r) => [r.server, r.url, r.range ?? null])).toEqual([
    ['hub', `/api/models/big/sharded/revision/${GOOD_SHA}?blobs=true`, null],
    ['hub', `/big/sharded/resolve/${GOOD_SHA}/model.safetensors.index.json`, null],
    ['hub', `/big/sharded/resolve/${GOOD_SHA}/model-00001-of-00002.safetensors`, 'bytes=0-65535'],
    ['cdn', cdn(SHARD_1), 'bytes=0-65535'],
    ['hub', `/big/sharded/resolve/${GOOD_SHA}/model-00002-of-00002.safetensors`, 'bytes=0-65535'],
    ['cdn', cdn(SHARD_2), 'bytes=0-65535']
  ])
})

test('sharded pickles: each shard judged, a shard the index names but the repository lacks is a note', async () => {
  const deps = [{ ...ref('old/sharded-bin', 'model'), specifier: 'main', version: null, pinned: false }]
  const findings = (await lookUpHubReferences(deps, config(), opts())).apply([])
  expect(findings.map((f) => [f.rule, f.severity, f.line, f.message])).toEqual([
    ['scan-incomplete', 'note', 7, 'The shard index pytorch_model.bin.index.json of the model old/sharded-bin@e1e1e1e names a file the repository does not have (pytorch_model-00003-of-00003.bin), so loading would fail there.'],
    [
      'unsafe-serialization',
      'error',
      7,
      'In pytorch_model-00002-of-00003.bin of the model old/sharded-bin@e1e1e1e on the Hugging Face Hub, which this code loads: member "archive/data.pkl": Loading this pickle runs code: GLOBAL at byte 2 imports posix.system, which is dangerous (posix: os under another name (runs shell commands)).'
    ],
    [
      'hub-model-unsafe-format',
      'warning',
      7,
      'The model old/sharded-bin@e1e1e1e offers the weights this code loads only as pickle-based files (pytorch_model-00001-of-00003.bin, pytorch_model-00002-of-00003.bin) and no safetensors: loading them can run code, and whoever can push to old/sharded-bin can replace them.'
    ]
  ])
})

test('hf_hub_download(filename=...) judges exactly that file; a file the commit lacks is a note and no request', async () => {
  const deps = [ref('sk/churn', 'model', { call: 'hf_hub_download', file: 'scaler.pkl' }), { ...ref('sk/churn', 'model', { call: 'hf_hub_download', file: 'encoder.pkl' }), line: 9 }]
  const findings = (await lookUpHubReferences(deps, config(), opts())).apply([])
  expect(findings.map((f) => [f.rule, f.severity, f.line, f.message])).toEqual([
    [
      'unsafe-serialization',
      'error',
      7,
      'In scaler.pkl of the model sk/churn@86b5e09 on the Hugging Face Hub, which this code loads: Loading this pickle runs code: GLOBAL at byte 2 imports posix.system, which is dangerous (posix: os under another name (runs shell commands)).'
    ],
    ['scan-incomplete', 'note', 9, '`hf_hub_download` asks for encoder.pkl, which the model sk/churn does not have at commit 86b5e09, so the call would fail; nothing was checked.']
  ])
  // The repository offers safetensors, so the pickle is dangerous but not the only format: no hub-model-unsafe-format.
  expect(deps.map((d) => d.resolved?.files.map((f) => f.path))).toEqual([['scaler.pkl'], []])
  expect(hub.requests.filter((r) => r.url.includes('/resolve/')).map((r) => r.url)).toEqual([`/sk/churn/resolve/${GOOD_SHA}/scaler.pkl`])
})

test('datasets: pickles are judged, data files are not read; Spaces are resolved only', async () => {
  const deps = [ref('data/features', 'dataset'), { ...ref('demo/app', 'space'), line: 8 }]
  const findings = (await lookUpHubReferences(deps, config(), opts())).apply([])
  expect(findings.map((f) => [f.rule, f.line, f.message])).toEqual([
    [
      'unsafe-serialization',
      7,
      'In features.pkl of the dataset data/features@86b5e09 on the Hugging Face Hub, which this code loads: Loading this pickle runs code: GLOBAL at byte 2 imports posix.system, which is dangerous (posix: os under another name (runs shell commands)).'
    ]
  ])
  expect(deps.map((d) => d.resolved)).toEqual([
    { commit: GOOD_SHA, purl: `pkg:huggingface/data/features@${GOOD_SHA}?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets`, license: 'cc-by-4.0', gated: false, files: [{ path: 'features.pkl', sha256: sha256(systemPickle()), size: systemPickle().length, format: 'pickle' }] },
    { commit: GOOD_SHA, purl: `pkg:huggingface/demo/app@${GOOD_SHA}?repository_url=https%3A%2F%2Fhuggingface.co%2Fspaces`, license: null, gated: false, files: [] }
  ])
  expect(hub.requests.map((r) => `${r.server} ${r.url}`)).toEqual([
    `hub /api/datasets/data/features/revision/${GOOD_SHA}?blobs=true`,
    `hub /datasets/data/features/resolve/${GOOD_SHA}/features.pkl`,
    `cdn ${cdn(systemPickle())}`,
    `hub /api/spaces/demo/app/revision/${GOOD_SHA}?blobs=true`
  ])
})

describe('hub.max-bytes', () => {
  const root = (id: string) => makeTree({ '.modelgate.yml': 'hub:\n  max-bytes: 102400\nlicenses:\n  unknown: "off"\n', 'load.py': `import joblib\nfrom huggingface_hub import hf_hub_download\nm = hf_hub_download("${id}", "model.pkl", revision="${GOOD_SHA}")\n` })

  test('a pickle larger than the budget is incomplete, an error, never safe; reading stops at the budget', async () => {
    const { report } = await scan({ root: await root('o/big-pickle'), failOn: 'error', hub: opts() })
    expect(report.verdict).toBe('fail')
    expect(report.findings).toEqual([
      {
        rule: 'scan-incomplete',
        severity: 'error',
        path: 'load.py',
        line: 3,
        message: `model.pkl of the model o/big-pickle@86b5e09 (${BIG_PICKLE.length} bytes) needs more than the 102400-byte budget for reading from the Hugging Face Hub (hub.max-bytes), so its scan is incomplete and it is not known to be safe.`,
        fix: 'Raise hub.max-bytes in .modelgate.yml to scan it fully, or load a safetensors version of the model.'
      },
      {
        rule: 'hub-model-unsafe-format',
        severity: 'warning',
        path: 'load.py',
        line: 3,
        message: 'The model o/big-pickle@86b5e09 offers the weights this code loads only as pickle-based files (model.pkl) and no safetensors: loading them can run code, and whoever can push to o/big-pickle can replace them.',
        fix: 'Load a model or revision that ships model.safetensors (the owner can convert it), and pin the commit you reviewed with revision="<40-hex commit sha>".'
      }
    ])
    // The head window for identification (plus the one byte the pickle sniffer reads after skipping the long
    // first argument), then one stream for the rest, given up at the budget.
    expect(hub.requests.filter((r) => r.server === 'cdn').map((r) => r.range)).toEqual([
      'bytes=0-65535',
      `bytes=${BIG_PICKLE.length - 1}-${BIG_PICKLE.length - 1}`,
      `bytes=65536-${BIG_PICKLE.length - 1}`
    ])
  })

  test('what was seen before the budget ran out stands: a dangerous import stays an error', async () => {
    const { report } = await scan({ root: await root('o/big-evil'), failOn: 'error', hub: opts() })
    const unsafe = 'Do not load this file. Get the weights from a trusted source in a format that cannot run code (e.g. safetensors: `safetensors.torch.save_file(model.state_dict(), ...)`).'
    expect(report.findings.map((f) => [f.rule, f.severity, f.line, f.message, f.fix])).toEqual([
      [
        'scan-incomplete',
        'error',
        3,
        `model.pkl of the model o/big-evil@86b5e09 (${BIG_EVIL_PICKLE.length} bytes) needs more than the 102400-byte budget for reading from the Hugging Face Hub (hub.max-bytes), so its scan is incomplete and it is not known to be safe.`,
        'Raise hub.max-bytes in .modelgate.yml to scan it fully, or load a safetensors version of the model.'
      ],
      [
        'unsafe-serialization',
        'error',
        3,
        'In model.pkl of the model o/big-evil@86b5e09 on the Hugging Face Hub, which this code loads: Loading this pickle runs code: GLOBAL at byte 2 imports posix.system, which is dangerous (posix: os under another name (runs shell commands)).',
        unsafe
      ],
      [
        'hub-model-unsafe-format',
        'warning',
        3,
        'The model o/big-evil@86b5e09 offers the weights this code loads only as pickle-based files (model.pkl) and no safetensors: loading them can run code, and whoever can push to o/big-evil can replace them.',
        'Load a model or revision that ships model.safetensors (the owner can convert it), and pin the commit you reviewed with revision="<40-hex commit sha>".'
      ]
    ])
  })
})
