import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import { SHARED, REPO } from '../support/shared.js'
import { makeTree } from '../support/tree.js'
import { refProblems, schemaErrors } from '../support/bom-checks.js'
import * as f from '../support/formats.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function bomOf(root: string, version: '1.6' | '1.7' = '1.6'): Promise<{ text: string; bom: Json }> {
  const { report } = await scan({ root, failOn: 'never' })
  const text = serializeBom(report, { subject: 'acme/models', format: 'json', specVersion: version, now: new Date('2026-01-01T00:00:00Z') })
  return { text, bom: JSON.parse(text) as Json }
}
const component = (bom: Json, ref: string): Json => bom.components.find((c: Json) => c['bom-ref'] === ref)

describe('every BOM the project produces is valid CycloneDX 1.6 and 1.7 with unique, resolving refs', () => {
  test.each([
    ['real-world', path.join(SHARED, 'real-world')],
    ['real-models', path.join(SHARED, 'real-models', 'out')],
    ['scanner corpus', path.join(SHARED, 'scanner-corpus')],
    ['demo repository', path.join(REPO, 'examples', 'demo-repo')]
  ])('%s', async (_name, root) => {
    for (const v of ['1.6', '1.7'] as const) {
      const { text } = await bomOf(root, v)
      expect(await schemaErrors(text, v)).toBeNull()
      expect(refProblems(text)).toEqual({ duplicates: [], dangling: [] })
    }
  })
})

describe('real repositories', () => {
  test('bge: LFS pointers become file hashes equal to their oids; the card license', async () => {
    const { bom } = await bomOf(path.join(SHARED, 'real-world', '877325778+bge-large-zh-v1.5'))
    const model = component(bom, 'model:.')
    expect(model.name).toBe('acme/models')
    expect(model.licenses).toEqual([{ license: { id: 'MIT' } }])
    expect(model.components.map((c: Json) => [c.name, c.hashes[0].content])).toEqual([
      ['model.safetensors', expect.stringMatching(/^[0-9a-f]{64}$/)],
      ['pytorch_model.bin', expect.stringMatching(/^[0-9a-f]{64}$/)]
    ])
    const { report } = await scan({ root: path.join(SHARED, 'real-world', '877325778+bge-large-zh-v1.5'), failOn: 'never' })
    for (const c of model.components) expect(c.hashes[0].content).toBe(report.artifacts.find((a) => a.path === c.name)!.lfs!.oid)
  })

  test('roberta: the card gives datasets by ref and model-index metrics as text', async () => {
    const { bom } = await bomOf(path.join(SHARED, 'real-world', 'AbidHasan95+roberta-base-squad2'))
    const model = component(bom, 'model:.')
    expect(model.licenses).toEqual([{ license: { id: 'CC-BY-4.0' } }])
    expect(model.modelCard).toEqual({
      // Architecture from config.json; the card has no pipeline_tag, so no task.
      modelParameters: { architectureFamily: 'roberta', modelArchitecture: 'RobertaForQuestionAnswering', datasets: [{ ref: 'dataset:huggingface:squad_v2' }] },
      quantitativeAnalysis: {
        performanceMetrics: [
          { type: 'exact_match (Exact Match)', value: '79.9309', slice: 'squad_v2' },
          { type: 'f1', value: '82.9501', slice: 'squad_v2' },
          { type: 'total', value: '11869', slice: 'squad_v2' }
        ]
      },
      properties: [
        { name: 'modelgate:card:fields-present', value: 'license,datasets,language,model-index' },
        { name: 'modelgate:card:completeness', value: '4/8' },
        { name: 'modelgate:card:language', value: 'en' }
      ]
    })
    expect(component(bom, 'dataset:huggingface:squad_v2')).toEqual({
      type: 'data',
      name: 'squad_v2',
      'bom-ref': 'dataset:huggingface:squad_v2',
      externalReferences: [{ type: 'distribution', url: 'https://huggingface.co/datasets/squad_v2' }],
      data: [{ type: 'dataset', name: 'squad_v2' }]
    })
    expect(bom.dependencies).toContainEqual({ ref: 'model:.', dependsOn: ['dataset:huggingface:squad_v2'] })
  })

  test('the Keras churn app and the GGUF vocab files: one model component each, hashed', async () => {
    const churn = (await bomOf(path.join(SHARED, 'real-world', '0Xuser100+Customer-Churn-Prediction-App'))).bom
    expect(churn.components.filter((c: Json) => c.type === 'machine-learning-model').map((c: Json) => c.name)).toEqual(['label_encoder_gender.pkl', 'model.h5', 'onehot_encoder_geo.pkl', 'scaler.pkl'])
    expect(churn.components.filter((c: Json) => c.type === 'data').map((c: Json) => c.name)).toEqual(['Churn_Modelling.csv'])
    const gguf = (await bomOf(path.join(SHARED, 'real-world', 'ggerganov+llama.cpp'))).bom
    expect(gguf.components.map((c: Json) => [c.name, c.properties.find((p: Json) => p.name === 'modelgate:fact:architecture')?.value])).toEqual([
      ['ggml-vocab-bert-bge.gguf', 'bert'],
      ['ggml-vocab-llama-spm.gguf', 'llama'],
      ['ggml-vocab-phi-3.gguf', 'phi3']
    ])
  })

  test('a fine-tune is named for itself; the base its config names goes to pedigree', async () => {
    const root = await makeTree({
      'models/acme-sentiment/config.json': JSON.stringify({ _name_or_path: 'distilbert/distilbert-base-uncased', model_type: 'distilbert', architectures: ['DistilBertForSequenceClassification'] }),
      'models/acme-sentiment/model.safetensors': f.smallSafetensors(),
      'models/acme-sentiment/README.md': '---\nlicense: apache-2.0\npipeline_tag: text-classification\ndatasets: [imdb]\n---\n# acme-sentiment\n'
    })
    const { bom, text } = await bomOf(root)
    expect(await schemaErrors(text, '1.6')).toBeNull()
    const model = component(bom, 'model:models/acme-sentiment')
    expect(model.name).toBe('acme-sentiment')
    expect(model.modelCard.modelParameters).toEqual({
      task: 'text-classification',
      architectureFamily: 'distilbert',
      modelArchitecture: 'DistilBertForSequenceClassification',
      datasets: [{ ref: 'dataset:huggingface:imdb' }]
    })
    expect(model.pedigree).toEqual({
      ancestors: [{ type: 'machine-learning-model', name: 'distilbert/distilbert-base-uncased', 'bom-ref': 'model:models/acme-sentiment#base:distilbert/distilbert-base-uncased', purl: 'pkg:huggingface/distilbert/distilbert-base-uncased' }]
    })
  })

  test('output is deterministic: the same scan gives the same serial number and bytes', async () => {
    const root = path.join(SHARED, 'real-world', 'AbidHasan95+roberta-base-squad2')
    const a = await bomOf(root)
    const b = await bomOf(root)
    expect(a.text).toBe(b.text)
    expect(a.bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  test('findings become annotations on the component they are about', async () => {
    const { bom } = await bomOf(path.join(REPO, 'examples', 'demo-repo'))
    expect(bom.annotations.map((a: Json) => [a.subjects, a.text.split(':')[0]])).toContainEqual([['model:models/broken/model.safetensors'], 'error unparseable-artifact in models/broken/model.safetensors'])
    expect(bom.compositions).toEqual([{ aggregate: 'complete', assemblies: ['subject'] }])
  })
})
