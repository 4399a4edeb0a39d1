import { serializeBom } from '../../src/bom/cyclonedx.js'
import { humanCount } from '../../src/bom/model-card.js'
import { refProblems, schemaErrors } from '../support/bom-checks.js'
import { artifact, hubModel, kitchenSink, LLAMA, LLAMA_COMMIT, modelCard, report } from './reports.js'
import { BOM_NOW } from './scan-like-cli.js'
import { xsdErrors } from './xsd.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const bomOf = (r = kitchenSink()): Json => JSON.parse(serializeBom(r, { subject: 'acme/models', format: 'json', now: BOM_NOW })) as Json
const byRef = (bom: Json, ref: string): Json => bom.components.find((c: Json) => c['bom-ref'] === ref)
const prop = (name: string, value: string) => ({ name, value })
const acme = { name: 'acme', url: ['https://github.com/acme'] }
const LLAMA_PURL = `pkg:huggingface/${LLAMA}@${LLAMA_COMMIT}`

describe('BOM enrichment from hand-made scan results', () => {
  test('the kitchen-sink repository gives a valid 1.6/1.7 BOM, JSON and XML, with unique resolving refs', async () => {
    for (const v of ['1.6', '1.7'] as const) {
      const json = serializeBom(kitchenSink(), { subject: 'acme/models', format: 'json', specVersion: v, now: BOM_NOW })
      expect(await schemaErrors(json, v)).toBeNull()
      expect(refProblems(json)).toEqual({ duplicates: [], dangling: [] })
      expect(await xsdErrors(serializeBom(kitchenSink(), { subject: 'acme/models', format: 'xml', specVersion: v, now: BOM_NOW }), v)).toEqual([])
    }
  })

  test('datasets: shape facts become data[] contents and a description; the dataset card gives name, license, size and source datasets', () => {
    const bom = bomOf()
    const squad = (file: string) => ({
      type: 'data',
      name: 'squad',
      'bom-ref': `dataset:${file}#source:squad`,
      purl: 'pkg:huggingface/squad?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
      externalReferences: [{ url: 'https://huggingface.co/datasets/squad', type: 'distribution' }]
    })
    expect(byRef(bom, 'dataset:data/train.parquet')).toEqual({
      type: 'data',
      name: 'train.parquet',
      'bom-ref': 'dataset:data/train.parquet',
      supplier: acme,
      hashes: [{ alg: 'SHA-256', content: expect.stringMatching(/^[0-9a-f]{64}$/) }],
      licenses: [{ license: { id: 'CC-BY-4.0' } }],
      // `original` is no dataset; `extended|squad` names one.
      pedigree: { ancestors: [squad('data/train.parquet')] },
      // Shape facts live in data[], the others stay facts.
      properties: [prop('modelgate:card', 'data/README.md'), prop('modelgate:fact:compression', 'snappy'), prop('modelgate:format', 'parquet'), prop('modelgate:path', 'data/train.parquet'), prop('modelgate:scan:result', 'no-findings'), prop('modelgate:size', '100')],
      data: [
        {
          type: 'dataset',
          name: 'Acme support tickets',
          contents: {
            url: 'data/train.parquet',
            properties: [prop('modelgate:dataset:rows', '1000'), prop('modelgate:dataset:columnCount', '2'), prop('modelgate:dataset:rowGroups', '1'), prop('modelgate:dataset:column', 'text:string'), prop('modelgate:dataset:column', 'label:int64')]
          },
          description: '1000 rows, 2 columns in 1 row group; size category 1K<n<10K',
          governance: { custodians: [{ organization: acme }] }
        }
      ]
    })
    expect(byRef(bom, 'dataset:data/images').data).toEqual([
      {
        type: 'dataset',
        name: 'Acme support tickets',
        contents: { url: 'data/images', properties: [prop('modelgate:dataset:files', '120'), prop('modelgate:dataset:totalBytes', '5242880'), prop('modelgate:dataset:extensions', 'jpg,png')] },
        description: '120 files, 5242880 bytes (jpg,png); size category 1K<n<10K',
        governance: { custodians: [{ organization: acme }] }
      }
    ])
  })

  test('record files and Arrow batches are described in their own words; a dataset without facts has no description', () => {
    const bom = bomOf(
      report([
        artifact('d/a.jsonl', 'dataset', 'jsonl', { facts: { records: 1 } }),
        artifact('d/b.arrow', 'dataset', 'arrow', { facts: { rows: 10, columnCount: 1, columns: 'x:int32', recordBatches: 2 } }),
        artifact('d/c.csv', 'dataset', 'csv')
      ])
    )
    expect(['d/a.jsonl', 'd/b.arrow', 'd/c.csv'].map((p) => byRef(bom, `dataset:${p}`).data[0].description)).toEqual(['1 record', '10 rows, 1 column in 2 record batches', undefined])
  })

  test('an adapter: base from card and adapter_config, pinned by the code that pulls it; it depends on it; tune methods, approach and languages from the card', () => {
    const bom = bomOf()
    const adapter = byRef(bom, 'model:adapters/acme-lora')
    expect(adapter.pedigree.ancestors).toEqual([
      {
        type: 'machine-learning-model',
        name: 'Llama-3.1-8B',
        group: 'meta-llama',
        version: LLAMA_COMMIT,
        'bom-ref': `model:adapters/acme-lora#base:${LLAMA}`,
        supplier: { name: 'meta-llama', url: ['https://huggingface.co/meta-llama'] },
        purl: LLAMA_PURL,
        externalReferences: [{ url: `https://huggingface.co/${LLAMA}`, type: 'distribution' }]
      }
    ])
    expect(adapter.modelCard).toEqual({
      modelParameters: {
        approach: { type: 'supervised' },
        task: 'text-generation',
        datasets: [{ ref: 'dataset:huggingface:acme/support-tickets' }],
        inputs: [{ format: 'string' }],
        outputs: [{ format: 'string' }]
      },
      properties: [
        prop('cdx:ai-ml:model:languages', 'en,de'),
        prop('cdx:ai-ml:model:parameter:count', '3.41M'),
        prop('cdx:ai-ml:model:parameter:tune_methods', 'lora,sft'),
        prop('modelgate:parameters', '3407872'),
        prop('modelgate:card:fields-present', 'license,base_model,datasets,pipeline_tag,library_name,language,tags'),
        prop('modelgate:card:completeness', '7/8'),
        prop('modelgate:card:library', 'peft')
      ]
    })
    expect(adapter.licenses).toEqual([{ license: { name: 'Llama 3.1 Community License Agreement' } }])
    // peft (card library_name) and torch (safetensors written by PyTorch); transformers is not needed by this folder's files.
    expect(bom.dependencies.find((d: Json) => d.ref === 'model:adapters/acme-lora').dependsOn).toEqual(['dataset:huggingface:acme/support-tickets', `hub:${LLAMA_PURL}`, 'lib:pkg:pypi/peft@0.12.0', 'lib:pkg:pypi/torch@2.4.1'])
  })

  test('an adapter whose base the repository does not pull depends on its pedigree entry', () => {
    const bom = bomOf(
      report([
        artifact('lora/adapter_config.json', 'model-config', 'hf-config', { facts: { base_model_name_or_path: 'org/base', peft_type: 'IA3' } }),
        artifact('lora/adapter_model.safetensors', 'model', 'safetensors')
      ])
    )
    expect(bom.dependencies.find((d: Json) => d.ref === 'model:lora')).toEqual({ ref: 'model:lora', dependsOn: ['model:lora#base:org/base'] })
    // A PEFT type the taxonomy has no value for keeps its own name.
    expect(byRef(bom, 'model:lora').modelCard.properties).toEqual([prop('cdx:ai-ml:model:parameter:tune_methods', 'ia3')])
    expect(byRef(bom, 'model:lora').pedigree.ancestors[0].purl).toBe('pkg:huggingface/org/base')
  })

  test('a full fine-tune pulled unpinned: no adapter link, an unpinned ancestor', () => {
    const bom = bomOf(report([artifact('ft/config.json', 'model-config', 'hf-config', { facts: { name_or_path: 'org/base' } }), artifact('ft/model.safetensors', 'model', 'safetensors')], [hubModel('org/base', null, 3)]))
    expect(bom.dependencies.find((d: Json) => d.ref === 'model:ft')).toEqual({ ref: 'model:ft' })
    expect(byRef(bom, 'model:ft').pedigree.ancestors[0]).toMatchObject({ purl: 'pkg:huggingface/org/base', 'bom-ref': 'model:ft#base:org/base' })
    expect(byRef(bom, 'model:ft').pedigree.ancestors[0].version).toBeUndefined()
  })

  test('a base pulled by revision name but resolved by hub lookups is pinned to the commit the Hub resolved', () => {
    const sha = 'a'.repeat(40)
    const dep = { ...hubModel('org/base', null, 3), specifier: 'main', resolved: { commit: sha, purl: `pkg:huggingface/org/base@${sha}`, license: null, gated: false, files: [] } }
    const bom = bomOf(report([artifact('ft/config.json', 'model-config', 'hf-config', { facts: { name_or_path: 'org/base' } }), artifact('ft/model.safetensors', 'model', 'safetensors')], [dep]))
    expect(byRef(bom, 'model:ft').pedigree.ancestors[0]).toMatchObject({ version: sha, purl: `pkg:huggingface/org/base@${sha}` })
  })

  test('a card that names its base or datasets in words other than Hub ids gets components with those names, and no purl or link', () => {
    const bom = bomOf(report([modelCard('m/README.md', { base_model: 'our internal BERT', datasets: ['https://example.com/data.zip'] }), artifact('m/model.safetensors', 'model', 'safetensors')]))
    expect(byRef(bom, 'model:m').pedigree).toEqual({ ancestors: [{ type: 'machine-learning-model', name: 'our internal BERT', 'bom-ref': 'model:m#base:our internal BERT' }] })
    expect(byRef(bom, 'dataset:card:https://example.com/data.zip')).toEqual({
      type: 'data',
      name: 'https://example.com/data.zip',
      'bom-ref': 'dataset:card:https://example.com/data.zip',
      data: [{ type: 'dataset', name: 'https://example.com/data.zip' }]
    })
  })

  test('sharded weights: parameters summed per format, written the taxonomy way', () => {
    expect(byRef(bomOf(), 'model:models/big').modelCard).toEqual({
      modelParameters: { architectureFamily: 'llama', modelArchitecture: 'LlamaForCausalLM' },
      properties: [prop('cdx:ai-ml:model:parameter:count', '1.3B'), prop('modelgate:parameters', '1300000000')]
    })
    expect([3407872, 999_999_999, 7e10, 1e12, 1_234_567].map(humanCount)).toEqual(['3.41M', '1B', '70B', '1T', '1.23M'])
    // Under a million: only the exact count (the taxonomy's units start at M).
    const small = bomOf(report([artifact('m.safetensors', 'model', 'safetensors', { facts: { parameters: 4 } })]))
    expect(byRef(small, 'model:m.safetensors').modelCard).toEqual({ properties: [prop('modelgate:parameters', '4')] })
  })

  test('formulation: card and config training inputs, and a DVC pipeline from data to the model', () => {
    const bom = bomOf()
    const train = (ref: string, name: string, sources: string, inputs: string[]) => ({
      'bom-ref': `formula:${ref}`,
      workflows: [
        {
          'bom-ref': `workflow:${ref}`,
          uid: `train:${ref.slice('model:'.length)}`,
          name: `train ${name}`,
          description: `Training inputs named in ${sources}; how the model was trained is not recorded in the repository.`,
          taskTypes: ['build'],
          inputs: inputs.map((r) => ({ resource: { ref: r } })),
          outputs: [{ type: 'artifact', resource: { ref } }]
        }
      ]
    })
    expect(bom.formulation).toEqual([
      train('model:adapters/acme-lora', 'acme-lora', 'adapters/acme-lora/README.md and adapters/acme-lora/adapter_config.json', [`hub:${LLAMA_PURL}`, 'dataset:huggingface:acme/support-tickets']),
      train('model:models/big', 'big', 'models/big/config.json', ['model:models/big#base:acme/base-1b']),
      {
        'bom-ref': 'formula:dvc.yaml',
        workflows: [
          {
            'bom-ref': 'workflow:dvc.yaml',
            uid: 'dvc.yaml',
            name: 'pipeline dvc.yaml',
            tasks: [
              {
                'bom-ref': 'task:dvc.yaml:prepare',
                uid: 'dvc.yaml:prepare',
                name: 'prepare',
                taskTypes: ['build'],
                steps: [{ name: 'prepare', commands: [{ executed: 'python prepare.py' }] }],
                outputs: [{ type: 'artifact', resource: { ref: 'dataset:data/train.parquet' } }],
                // Paths that are no component stay visible.
                properties: [prop('modelgate:input', 'data/raw.csv'), prop('modelgate:input', 'prepare.py')]
              },
              {
                'bom-ref': 'task:dvc.yaml:train',
                uid: 'dvc.yaml:train',
                name: 'train',
                taskTypes: ['build'],
                steps: [{ name: 'train', commands: [{ executed: 'python train.py --epochs 3' }] }],
                inputs: [{ resource: { ref: 'dataset:data/train.parquet' } }, { resource: { ref: 'dataset:data/images' } }],
                outputs: [{ type: 'artifact', resource: { ref: 'model:models/big' } }],
                properties: [prop('modelgate:input', 'train.py')]
              }
            ],
            taskDependencies: [{ ref: 'task:dvc.yaml:prepare' }, { ref: 'task:dvc.yaml:train', dependsOn: ['task:dvc.yaml:prepare'] }],
            taskTypes: ['build']
          }
        ]
      }
    ])
  })

  test('compositions: the repository complete in tree mode; what is only named (hub, ancestors) and library dependency graphs unknown', () => {
    expect(bomOf().compositions).toEqual([
      { aggregate: 'complete', assemblies: ['subject'] },
      {
        aggregate: 'unknown',
        assemblies: [
          'dataset:data/images#source:squad',
          'dataset:data/train.parquet#source:squad',
          'dataset:huggingface:acme/support-tickets',
          `hub:${LLAMA_PURL}`,
          `model:adapters/acme-lora#base:${LLAMA}`,
          'model:models/big#base:acme/base-1b'
        ],
        dependencies: ['lib:pkg:pypi/peft@0.12.0', 'lib:pkg:pypi/torch@2.4.1', 'lib:pkg:pypi/transformers']
      }
    ])
  })

  test('findings annotate the nested file or the declaring library; the folder model carries the worst severity', () => {
    const bom = bomOf()
    expect(bom.annotations.map((a: Json) => a.subjects)).toEqual([['file:adapters/acme-lora/adapter_model.safetensors'], ['lib:pkg:pypi/transformers']])
    expect(byRef(bom, 'model:adapters/acme-lora').properties).toContainEqual(prop('modelgate:scan:result', 'warning'))
    expect(byRef(bom, 'model:models/big').properties).toContainEqual(prop('modelgate:scan:result', 'no-findings'))
  })

  test('a model card names no supplier it cannot know: models in a folder scan have none, a GitHub subject supplies its own', () => {
    const r = report([modelCard('m/README.md', { license: 'mit' }), artifact('m/model.safetensors', 'model', 'safetensors')])
    expect(JSON.parse(serializeBom(r, { subject: 'folder', format: 'json', now: BOM_NOW })).components[0].supplier).toBeUndefined()
    expect(JSON.parse(serializeBom(r, { subject: 'acme/models', format: 'json', now: BOM_NOW })).components[0].supplier).toEqual(acme)
  })
})
