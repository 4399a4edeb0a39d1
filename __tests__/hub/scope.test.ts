/** What the hub stage looks up: only what a change adds or changes, at most MAX_REFERENCES references, and pins for every wording. */
import { scan } from '../../src/engine/scan.js'
import { MAX_REFERENCES } from '../../src/hub/index.js'
import { gitIn } from '../support/git.js'
import { makeTree, writeTree } from '../support/tree.js'
import { startFakeHub, type FakeHub } from '../support/fake-hub/index.js'
import { bigSafetensors, GOOD_SHA } from './fixtures.js'

let hub: FakeHub
beforeAll(async () => {
  hub = await startFakeHub([{ kind: 'model', id: 'good-org/safe', commit: GOOD_SHA, files: { 'model.safetensors': bigSafetensors() }, cardData: { license: 'apache-2.0' } }])
})
afterAll(() => hub.close())
beforeEach(() => hub.clearLog())

const POLICY = 'hub:\n  lookups: true\n'

test('change mode: a reference the change leaves as it was is not looked up; the one it adds is', async () => {
  const root = await makeTree({ '.modelgate.yml': POLICY, 'app.py': 'from transformers import AutoModel\na = AutoModel.from_pretrained("good-org/safe", revision="main")\n' })
  gitIn(root, 'init', '-q')
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'base')
  gitIn(root, 'checkout', '-qb', 'feature')
  await writeTree(root, { 'app.py': 'from transformers import AutoModel\na = AutoModel.from_pretrained("good-org/safe", revision="main")\nb = AutoModel.from_pretrained("good-org/other")\n' })
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'head')
  const { report } = await scan({ root, base: 'main', failOn: 'error', hub: { endpoint: hub.url, env: {} } })
  // only good-org/other (unknown to the Hub) was asked for
  expect(hub.requests.map((r) => r.url)).toEqual(['/api/models/good-org/other/revision/main?blobs=true'])
  expect(report.dependencies.filter((d) => d.resolved).map((d) => d.name)).toEqual([])
})

test('the commit to pin is named for a shell download too (its message words the reference differently)', async () => {
  const nb = JSON.stringify({ cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['!wget https://huggingface.co/good-org/safe/resolve/main/model.safetensors'] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1)
  const root = await makeTree({ '.modelgate.yml': POLICY, 'get.ipynb': nb })
  const { report } = await scan({ root, failOn: 'error', hub: { endpoint: hub.url, env: {} } })
  const unpinned = report.findings.find((f) => f.rule === 'unpinned-hub-reference')
  expect(unpinned?.message).toContain('good-org/safe on the Hugging Face Hub')
  expect(unpinned?.fix).toContain(GOOD_SHA)
})

test(`at most ${MAX_REFERENCES} distinct references are looked up; the rest get a note on their line`, async () => {
  const lines = Array.from({ length: MAX_REFERENCES + 1 }, (_, i) => `m${i} = AutoModel.from_pretrained("org/m${String(i).padStart(3, '0')}", revision="${GOOD_SHA}")`)
  const root = await makeTree({ '.modelgate.yml': POLICY, 'many.py': `from transformers import AutoModel\n${lines.join('\n')}\n` })
  const { report } = await scan({ root, failOn: 'error', hub: { endpoint: hub.url, env: {}, concurrency: 8 } })
  expect(hub.requests).toHaveLength(MAX_REFERENCES)
  const over = report.findings.filter((f) => f.message.startsWith(`This scan brings more than ${MAX_REFERENCES} distinct`))
  expect(over).toEqual([
    {
      rule: 'scan-incomplete',
      severity: 'note',
      path: 'many.py',
      line: MAX_REFERENCES + 2,
      message: `This scan brings more than ${MAX_REFERENCES} distinct Hugging Face references; hub lookups stop there, so the model org/m${MAX_REFERENCES} was not looked up and what it loads was not checked.`,
      fix: 'Split the change, or review the references beyond the limit by hand.'
    }
  ])
})
