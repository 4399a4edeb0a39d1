import path from 'node:path'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import { buildSpdx3 } from '../../src/bom/spdx3/document.js'
import { scan } from '../../src/engine/scan.js'
import { REPO, SHARED } from '../support/shared.js'
import { cdxFactsMissingFromSpdx3, spdx3RefProblems, spdx3SchemaErrors } from '../support/spdx3.js'
import { kitchenSink } from './reports.js'
import { fineTunePullRequest, scanLikeCli } from './scan-like-cli.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const now = new Date('2026-01-01T00:00:00Z')
async function both(root: string): Promise<{ spdx: Json; cdx: Json }> {
  const { report } = await scan({ root, failOn: 'never' })
  return { spdx: buildSpdx3(report, { subject: 'acme/models', now }) as Json, cdx: JSON.parse(serializeBom(report, { subject: 'acme/models', format: 'json', now })) as Json }
}

describe('the SPDX 3 document of every tree the project ships or reads is valid SPDX 3.0.1 and carries the CycloneDX facts', () => {
  test.each([
    ['examples/', path.join(REPO, 'examples')],
    ['examples/demo-repo', path.join(REPO, 'examples', 'demo-repo')],
    ['real-world', path.join(SHARED, 'real-world')],
    ['real-models', path.join(SHARED, 'real-models', 'out')],
    ['scanner corpus', path.join(SHARED, 'scanner-corpus')]
  ])('%s', async (_name, root) => {
    const { spdx, cdx } = await both(root)
    expect(spdx3SchemaErrors(spdx)).toEqual([])
    expect(spdx3RefProblems(spdx)).toEqual({ duplicates: [], dangling: [] })
    expect(cdxFactsMissingFromSpdx3(cdx, spdx)).toEqual([])
  })
})

describe('the CycloneDX tests\' own reports carry over too, for a GitHub repository and a plain folder', () => {
  test.each([
    ['kitchen sink (adapter over a pinned base, shards, dataset card, media folder, DVC pipeline)', async () => kitchenSink()],
    [
      'fine-tune pull request (change mode in a git repository)',
      async () => {
        const pr = await fineTunePullRequest()
        return scanLikeCli(pr.root, { base: pr.base, head: pr.head })
      }
    ]
  ])('%s', async (_name, make) => {
    const report = await make()
    for (const subject of ['acme/models', 'models']) {
      const spdx = buildSpdx3(report, { subject, now }) as Json
      expect(spdx3SchemaErrors(spdx)).toEqual([])
      expect(spdx3RefProblems(spdx)).toEqual({ duplicates: [], dangling: [] })
      expect(cdxFactsMissingFromSpdx3(JSON.parse(serializeBom(report, { subject, format: 'json', now })) as Json, spdx)).toEqual([])
    }
  })
})

describe('the demo repository', () => {
  test('its card-described model folder, its dataset files with the dataset card, its dependencies', async () => {
    const { spdx } = await both(path.join(REPO, 'examples', 'demo-repo'))
    const graph = spdx['@graph'] as Json[]
    const ns = String(graph[1]!.spdxId).split('#')[0]
    const id = (fragment: string) => `${ns}#${fragment}`
    const at = (fragment: string) => graph.find((e) => e.spdxId === id(fragment))
    const rel = (from: string, type: string) => graph.find((e) => e.from === id(from) && e.relationshipType === type)?.to
    expect(graph.filter((e) => e.type === 'ai_AIPackage').map((e) => e.name)).toEqual([
      'distilbert/distilbert-base-uncased',
      'model.safetensors',
      'full_model.pt',
      'iris-classifier',
      'model.safetensors',
      'pipeline.pkl',
      'checkpoint.pkl'
    ])
    expect(at('model:models/iris-classifier')).toMatchObject({ ai_domain: ['tabular-classification'], ai_informationAboutTraining: 'Datasets named by the model card: iris.' })
    expect(rel('model:models/iris-classifier', 'contains')).toEqual([
      id('file:models/iris-classifier/README.md'),
      id('file:models/iris-classifier/model.onnx'),
      id('file:models/iris-classifier/model.safetensors'),
      id('file:models/iris-classifier/pytorch_model.bin')
    ])
    expect(rel('model:models/iris-classifier', 'trainedOn')).toEqual([id('dataset:huggingface:iris')])
    expect(rel('model:models/iris-classifier', 'hasDeclaredLicense')).toEqual([id('license:Apache-2.0')])
    expect(at('dataset:data/iris/train.csv')).toMatchObject({ summary: 'Iris', dataset_datasetSize: 3858, dataset_datasetType: ['structured'] })
    expect(rel('dataset:data/iris/train.csv', 'hasConcludedLicense')).toEqual([id('license:CC-BY-4.0')])
    expect(rel('subject', 'dependsOn')).toEqual([
      id('hub:pkg:huggingface/distilbert/distilbert-base-uncased'),
      id('lib:pkg:pypi/numpy@1.24.2'),
      id('lib:pkg:pypi/scikit-learn'),
      id('lib:pkg:pypi/torch@1.13.1'),
      id('lib:pkg:pypi/transformers')
    ])
    expect(graph.filter((e) => e.type === 'Annotation').map((e) => e.subject)).toContain(id('model:models/suspicious/checkpoint.pkl'))
  })
})
