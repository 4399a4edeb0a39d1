import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import { SHARED, REPO } from '../support/shared.js'
import { makeTree } from '../support/tree.js'
import { refProblems, schemaErrors } from '../support/bom-checks.js'
import * as f from '../support/formats.js'
import { BOM_NOW } from './scan-like-cli.js'
import { xsdErrors } from './xsd.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function bomOf(root: string, version: '1.6' | '1.7' = '1.6', format: 'json' | 'xml' = 'json'): Promise<{ text: string; bom: Json }> {
  const { report } = await scan({ root, failOn: 'never' })
  const text = serializeBom(report, { subject: 'acme/models', format, specVersion: version, now: BOM_NOW })
  return { text, bom: format === 'json' ? (JSON.parse(text) as Json) : {} }
}
const component = (bom: Json, ref: string): Json => bom.components.find((c: Json) => c['bom-ref'] === ref)

describe('every BOM the project produces is valid CycloneDX 1.6 and 1.7 (JSON schema and XSD) with unique, resolving refs', () => {
  test.each([
    ['real-world', path.join(SHARED, 'real-world')],
    ['real-models', path.join(SHARED, 'real-models', 'out')],
    ['scanner corpus', path.join(SHARED, 'scanner-corpus')],
    ['demo repository', path.join(REPO, 'examples', 'demo-repo')]
  ])('%s', async (_name, root) => {
    const { report } = await scan({ root, failOn: 'never' })
    for (const v of ['1.6', '1.7'] as const) {
      const text = serializeBom(report, { subject: 'acme/models', format: 'json', specVersion: v, now: BOM_NOW })
      expect(await schemaErrors(text, v)).toBeNull()
      expect(refProblems(text)).toEqual({ duplicates: [], dangling: [] })
      expect(await xsdErrors(serializeBom(report, { subject: 'acme/models', format: 'xml', specVersion: v, now: BOM_NOW }), v)).toEqual([])
    }
  })
})

describe('real repositories (the golden files hold the whole BOMs; these name what each must show)', () => {
  test('bge: LFS pointers become file hashes equal to their oids; the card license', async () => {
    const root = path.join(SHARED, 'real-world', '877325778+bge-large-zh-v1.5')
    const { bom } = await bomOf(root)
    const model = component(bom, 'model:.')
    expect(model.name).toBe('acme/models')
    expect(model.licenses).toEqual([{ license: { id: 'MIT' } }])
    const { report } = await scan({ root, failOn: 'never' })
    const weights = model.components.filter((c: Json) => report.artifacts.find((a) => a.path === c.name)?.lfs)
    expect(weights.map((c: Json) => [c.name, c.hashes[0].content])).toEqual(['model.safetensors', 'pytorch_model.bin'].map((p) => [p, report.artifacts.find((a) => a.path === p)!.lfs!.oid]))
    // Their content was not in the checkout: never reported as clean.
    expect(model.properties).toContainEqual({ name: 'modelgate:scan:result', value: 'not-scanned' })
  })

  test('roberta: the card gives datasets by ref and model-index metrics as text', async () => {
    const { bom } = await bomOf(path.join(SHARED, 'real-world', 'AbidHasan95+roberta-base-squad2'))
    const model = component(bom, 'model:.')
    expect(model.licenses).toEqual([{ license: { id: 'CC-BY-4.0' } }])
    expect(model.modelCard).toEqual({
      // Architecture from config.json; the card has no pipeline_tag, so the task is the one its model-index results were measured on.
      modelParameters: {
        task: 'question-answering',
        architectureFamily: 'roberta',
        modelArchitecture: 'RobertaForQuestionAnswering',
        datasets: [{ ref: 'dataset:huggingface:squad_v2' }],
        inputs: [{ format: 'string' }],
        outputs: [{ format: 'string' }]
      },
      quantitativeAnalysis: {
        performanceMetrics: [
          { type: 'exact_match (Exact Match)', value: '79.9309', slice: 'squad_v2' },
          { type: 'f1', value: '82.9501', slice: 'squad_v2' },
          { type: 'total', value: '11869', slice: 'squad_v2' }
        ]
      },
      properties: [
        { name: 'cdx:ai-ml:model:languages', value: 'en' },
        { name: 'modelgate:card:fields-present', value: 'license,datasets,language,model-index' },
        { name: 'modelgate:card:completeness', value: '4/8' }
      ]
    })
    expect(component(bom, 'dataset:huggingface:squad_v2')).toEqual({
      type: 'data',
      name: 'squad_v2',
      'bom-ref': 'dataset:huggingface:squad_v2',
      purl: 'pkg:huggingface/squad_v2?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
      externalReferences: [{ type: 'distribution', url: 'https://huggingface.co/datasets/squad_v2' }],
      data: [{ type: 'dataset', name: 'squad_v2', contents: { url: 'https://huggingface.co/datasets/squad_v2' } }]
    })
    expect(bom.dependencies).toContainEqual({ ref: 'model:.', dependsOn: ['dataset:huggingface:squad_v2'] })
  })

  test('the Keras churn app and the GGUF vocab files: one model component each, hashed, linked to the libraries that load them', async () => {
    const churn = (await bomOf(path.join(SHARED, 'real-world', '0Xuser100+Customer-Churn-Prediction-App'))).bom
    expect(churn.components.filter((c: Json) => c.type === 'machine-learning-model').map((c: Json) => c.name)).toEqual(['label_encoder_gender.pkl', 'model.h5', 'onehot_encoder_geo.pkl', 'scaler.pkl'])
    expect(churn.components.filter((c: Json) => c.type === 'data').map((c: Json) => c.name)).toEqual(['Churn_Modelling.csv'])
    // Keras 3 with the TensorFlow backend; pickles import sklearn and numpy.
    expect(churn.dependencies.filter((d: Json) => d.ref.startsWith('model:'))).toEqual([
      { ref: 'model:label_encoder_gender.pkl', dependsOn: ['lib:pkg:pypi/numpy', 'lib:pkg:pypi/scikit-learn'] },
      { ref: 'model:model.h5', dependsOn: ['lib:pkg:pypi/tensorflow'] },
      { ref: 'model:onehot_encoder_geo.pkl', dependsOn: ['lib:pkg:pypi/numpy', 'lib:pkg:pypi/scikit-learn'] },
      { ref: 'model:scaler.pkl', dependsOn: ['lib:pkg:pypi/numpy', 'lib:pkg:pypi/scikit-learn'] }
    ])
    const gguf = (await bomOf(path.join(SHARED, 'real-world', 'ggerganov+llama.cpp'))).bom
    expect(gguf.components.map((c: Json) => [c.name, c.modelCard.modelParameters.architectureFamily, c.modelCard.properties.map((p: Json) => `${p.name}=${p.value}`)])).toEqual([
      ['ggml-vocab-bert-bge.gguf', 'bert', ['cdx:ai-ml:model:hyperparameter:context_length=512', 'cdx:ai-ml:model:hyperparameter:vocab_size=30522']],
      ['ggml-vocab-llama-spm.gguf', 'llama', ['cdx:ai-ml:model:hyperparameter:context_length=4096', 'cdx:ai-ml:model:hyperparameter:vocab_size=32000']],
      ['ggml-vocab-phi-3.gguf', 'phi3', ['cdx:ai-ml:model:hyperparameter:context_length=4096', 'cdx:ai-ml:model:hyperparameter:vocab_size=32064']]
    ])
    // Vocabulary-only files: tokenizers, in the taxonomy's words.
    for (const c of gguf.components) expect(c.properties).toContainEqual({ name: 'cdx:ai-ml:model:tokenizer', value: 'true' })
  })

  test('a fine-tune is named for itself; the base its config names goes to pedigree, and to formulation as a training input', async () => {
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
      datasets: [{ ref: 'dataset:huggingface:imdb' }],
      inputs: [{ format: 'string' }],
      outputs: [{ format: 'string' }]
    })
    expect(model.pedigree).toEqual({
      ancestors: [
        {
          type: 'machine-learning-model',
          group: 'distilbert',
          name: 'distilbert-base-uncased',
          'bom-ref': 'model:models/acme-sentiment#base:distilbert/distilbert-base-uncased',
          supplier: { name: 'distilbert', url: ['https://huggingface.co/distilbert'] },
          purl: 'pkg:huggingface/distilbert/distilbert-base-uncased',
          externalReferences: [{ type: 'distribution', url: 'https://huggingface.co/distilbert/distilbert-base-uncased' }]
        }
      ]
    })
    expect(bom.formulation[0].workflows[0].inputs).toEqual([{ resource: { ref: 'model:models/acme-sentiment#base:distilbert/distilbert-base-uncased' } }, { resource: { ref: 'dataset:huggingface:imdb' } }])
  })

  test('output is deterministic: the same scan gives the same serial number and bytes, whatever the clock says', async () => {
    const root = path.join(SHARED, 'real-world', 'AbidHasan95+roberta-base-squad2')
    const { report } = await scan({ root, failOn: 'never' })
    const a = serializeBom(report, { subject: 'x', format: 'json', now: new Date('2026-01-01T00:00:00Z') })
    const b = serializeBom(report, { subject: 'x', format: 'json', now: new Date('2026-01-01T00:00:00Z') })
    const later = serializeBom(report, { subject: 'x', format: 'json', now: new Date('2027-06-01T00:00:00Z') })
    expect(a).toBe(b)
    expect(JSON.parse(later).serialNumber).toBe(JSON.parse(a).serialNumber)
    expect(JSON.parse(a).serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  test('findings become annotations on the file, library or component they are about', async () => {
    const { bom } = await bomOf(path.join(REPO, 'examples', 'demo-repo'))
    const subjects = bom.annotations.map((a: Json) => [a.subjects, a.text.split(':')[0]])
    expect(subjects).toContainEqual([['model:models/broken/model.safetensors'], 'error unparseable-artifact in models/broken/model.safetensors'])
    expect(subjects).toContainEqual([['lib:pkg:pypi/transformers'], 'warning unpinned-dependency in requirements.txt'])
    expect(bom.compositions[0]).toEqual({ aggregate: 'complete', assemblies: ['subject'] })
  })
})
