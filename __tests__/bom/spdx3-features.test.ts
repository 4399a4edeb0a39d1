import { serializeBom } from '../../src/bom/cyclonedx.js'
import { buildSpdx3 } from '../../src/bom/spdx3/document.js'
import type { Artifact, CardData, Report } from '../../src/types.js'
import { cdxFactsMissingFromSpdx3, spdx3RefProblems, spdx3SchemaErrors } from '../support/spdx3.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

// A repository with what the small report of spdx3.test.ts lacks: a LoRA adapter of a base the code pulls and
// the Hub resolved, a GGUF tokenizer, a dataset with a dataset card, a DVC pipeline, a Space, a known vulnerability.
const hex = (c: string) => c.repeat(64)
const file = (path: string, kind: Artifact['kind'], format: string, sha: string, extra: Partial<Artifact> = {}): Artifact => ({
  path, kind, format, change: 'unchanged', size: 100, sha256: hex(sha), lfs: null, signature: null, license: null, facts: {}, ...extra
})
const datasetCard: CardData = {
  license: 'cc-by-4.0', licenseLink: null, baseModels: [], datasets: [], pipelineTag: null, libraryName: null, languages: ['en'], tags: [], modelName: null, metrics: [],
  prettyName: 'Reviews', taskCategories: ['text-classification'], sizeCategories: ['10K<n<100K'], sourceDatasets: ['original', 'extended|stanfordnlp/imdb'], fieldsPresent: ['license'], fieldsExpected: ['license', 'pretty_name']
}
const report: Report = {
  schemaVersion: 1, tool: { name: 'ModelGate', version: '0.1.0' }, mode: 'tree', verdict: 'fail',
  artifacts: [
    file('adapter/adapter_model.safetensors', 'model', 'safetensors', '1', { facts: { tensors: 8, parameters: 2000000 } }),
    file('adapter/adapter_config.json', 'model-config', 'hf-adapter-config', '2', { facts: { peft_type: 'LORA', base_model_name_or_path: 'acme/base-llm' } }),
    file('data/README.md', 'dataset-card', 'huggingface-dataset-card', '3', { card: datasetCard }),
    file('data/train.parquet', 'dataset', 'parquet', '4', { facts: { rows: 25000, columnCount: 2, columns: 'text,label', rowGroups: 1 } }),
    file('dvc.yaml', 'dependency-manifest', 'dvc-pipeline', '5', {
      stages: [
        { name: 'prepare', cmd: 'python prep.py', deps: ['raw/reviews.csv', 'prep.py'], outs: ['data/train.parquet'] },
        { name: 'train', cmd: 'python train.py', deps: ['data/train.parquet', 'train.py'], outs: ['adapter'] }
      ]
    }),
    file('vocab/ggml-vocab-llama.gguf', 'model', 'gguf', '6', { facts: { tensors: 0, vocab_size: 32000 } })
  ],
  dependencies: [
    { path: 'requirements.txt', line: 1, ecosystem: 'pypi', name: 'peft', specifier: '==0.11.1', version: '0.11.1', pinned: true, ml: true, purl: 'pkg:pypi/peft@0.11.1' },
    { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'torch', specifier: '==2.3.0', version: '2.3.0', pinned: true, ml: true, purl: 'pkg:pypi/torch@2.3.0', license: 'BSD-3-Clause' },
    {
      path: 'train.py', line: 3, ecosystem: 'huggingface', name: 'acme/base-llm', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:huggingface/acme/base-llm', hubKind: 'model',
      resolved: { commit: 'e'.repeat(40), purl: `pkg:huggingface/acme/base-llm@${'e'.repeat(40)}`, license: 'llama3', gated: true, files: [
        { path: 'model.safetensors', sha256: hex('8'), size: 1000, format: 'safetensors' },
        { path: 'config.json', sha256: null, size: null, format: null }
      ] }
    },
    { path: 'app.py', line: 4, ecosystem: 'huggingface', name: 'acme/demo', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:huggingface/acme/demo?repository_url=https://huggingface.co/spaces', hubKind: 'space' }
  ],
  findings: [{ rule: 'vulnerable-dependency', severity: 'error', path: 'requirements.txt', line: 2, message: 'torch 2.3.0 is affected by GHSA-pg7h-5qx3-wjr3.', fix: 'Upgrade torch to 2.3.1 or later.' }],
  vulnerabilities: [
    { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'torch', version: '2.3.0', id: 'GHSA-pg7h-5qx3-wjr3', aliases: ['CVE-2024-31580'], level: 'high', affected: '<2.3.1', fixed: '2.3.1', url: 'https://github.com/advisories/GHSA-pg7h-5qx3-wjr3', severity: 'error' }
  ]
}

const now = new Date('2026-01-02T03:04:05Z')
const doc = buildSpdx3(report, { subject: 'acme/reviews', now }) as Json
const graph = doc['@graph'] as Json[]
const ns = String(graph[1]!.spdxId).split('#')[0]
const id = (fragment: string) => `${ns}#${fragment}`
const at = (fragment: string) => graph.find((e) => e.spdxId === id(fragment))
const rel = (from: string, type: string) => graph.find((e) => e.from === id(from) && e.relationshipType === type)?.to
const ci = { creationInfo: '_:creationinfo' }
const sha = (hashValue: string) => ({ type: 'Hash', algorithm: 'sha256', hashValue })
const ext = (...props: [string, string][]) => ({
  extension: [{ type: 'extension_CdxPropertiesExtension', extension_cdxProperty: props.map(([name, value]) => ({ type: 'extension_CdxPropertyEntry', extension_cdxPropName: name, extension_cdxPropValue: value })) }]
})

describe('SPDX 3.0.1: Build, Security and Dataset profiles, hub lookups, adapters', () => {
  test('valid against the official schema, every reference resolves, every CycloneDX fact is carried over', () => {
    expect(spdx3SchemaErrors(doc)).toEqual([])
    expect(spdx3RefProblems(doc)).toEqual({ duplicates: [], dangling: [] })
    expect(cdxFactsMissingFromSpdx3(JSON.parse(serializeBom(report, { subject: 'acme/reviews', format: 'json', now })) as Json, doc)).toEqual([])
    expect(graph[1]!.profileConformance).toEqual(['core', 'software', 'ai', 'dataset', 'build', 'security', 'simpleLicensing', 'extension'])
  })

  test('each DVC stage is a build: its command, its config source, what it reads and writes, the stage it waits for', () => {
    expect(at('task:dvc.yaml:prepare')).toEqual({
      type: 'build_Build',
      spdxId: id('task:dvc.yaml:prepare'),
      ...ci,
      name: 'prepare',
      ...ext(['modelgate:input', 'raw/reviews.csv'], ['modelgate:input', 'prep.py']),
      build_buildId: 'dvc.yaml:prepare',
      build_buildType: 'https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#stages',
      build_configSourceDigest: [sha(hex('5'))],
      build_configSourceEntrypoint: ['prepare'],
      build_configSourceUri: ['dvc.yaml'],
      build_parameter: [{ type: 'DictionaryEntry', key: 'cmd', value: 'python prep.py' }]
    })
    expect(rel('task:dvc.yaml:prepare', 'hasInput')).toBeUndefined()
    expect(rel('task:dvc.yaml:prepare', 'hasOutput')).toEqual([id('dataset:data/train.parquet')])
    expect(rel('task:dvc.yaml:train', 'hasInput')).toEqual([id('dataset:data/train.parquet')])
    expect(rel('task:dvc.yaml:train', 'hasOutput')).toEqual([id('model:adapter')])
    expect(rel('task:dvc.yaml:train', 'dependsOn')).toEqual([id('task:dvc.yaml:prepare')])
  })

  test('a known vulnerability: the advisory, and a VEX "affected" statement on the pinned package with what to do', () => {
    expect(at('vulnerability:GHSA-pg7h-5qx3-wjr3')).toEqual({
      type: 'security_Vulnerability',
      spdxId: id('vulnerability:GHSA-pg7h-5qx3-wjr3'),
      ...ci,
      name: 'GHSA-pg7h-5qx3-wjr3',
      summary: 'high severity',
      externalIdentifier: [
        { type: 'ExternalIdentifier', externalIdentifierType: 'securityOther', identifier: 'GHSA-pg7h-5qx3-wjr3' },
        { type: 'ExternalIdentifier', externalIdentifierType: 'cve', identifier: 'CVE-2024-31580' }
      ],
      externalRef: [{ type: 'ExternalRef', externalRefType: 'securityAdvisory', locator: ['https://github.com/advisories/GHSA-pg7h-5qx3-wjr3'] }]
    })
    expect(at('vex:GHSA-pg7h-5qx3-wjr3:lib:pkg:pypi/torch@2.3.0')).toEqual({
      type: 'security_VexAffectedVulnAssessmentRelationship',
      spdxId: id('vex:GHSA-pg7h-5qx3-wjr3:lib:pkg:pypi/torch@2.3.0'),
      ...ci,
      from: id('vulnerability:GHSA-pg7h-5qx3-wjr3'),
      relationshipType: 'affects',
      to: [id('lib:pkg:pypi/torch@2.3.0')],
      security_statusNotes: 'Affected versions: <2.3.1.',
      security_actionStatement: 'Upgrade torch to 2.3.1 or later.'
    })
    expect(rel('lib:pkg:pypi/torch@2.3.0', 'hasConcludedLicense')).toEqual([id('license:BSD-3-Clause')])
    // The finding stays a review annotation, on the package.
    expect(at('finding:1')).toMatchObject({ type: 'Annotation', annotationType: 'review', subject: id('lib:pkg:pypi/torch@2.3.0') })
  })

  test('a reference the Hub resolved: pinned to the commit, its license, the files it loads with their SHA-256', () => {
    expect(at('hub:pkg:huggingface/acme/base-llm')).toEqual({
      type: 'ai_AIPackage',
      spdxId: id('hub:pkg:huggingface/acme/base-llm'),
      ...ci,
      name: 'acme/base-llm',
      externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: `pkg:huggingface/acme/base-llm@${'e'.repeat(40)}` }],
      ...ext(['modelgate:declared-in', 'train.py'], ['modelgate:hub:gated', 'true'], ['modelgate:ml', 'true'], ['modelgate:pinned', 'false']),
      suppliedBy: id('org:https://huggingface.co/acme'),
      software_downloadLocation: 'https://huggingface.co/acme/base-llm',
      software_primaryPurpose: 'model',
      software_packageVersion: 'e'.repeat(40),
      software_packageUrl: `pkg:huggingface/acme/base-llm@${'e'.repeat(40)}`
    })
    expect(rel('hub:pkg:huggingface/acme/base-llm', 'hasDeclaredLicense')).toEqual([id('license:LicenseRef-hf-llama3')])
    expect(rel('hub:pkg:huggingface/acme/base-llm', 'contains')).toEqual([id('hub:pkg:huggingface/acme/base-llm%23config.json'), id('hub:pkg:huggingface/acme/base-llm%23model.safetensors')])
    expect(at('hub:pkg:huggingface/acme/base-llm%23model.safetensors')).toEqual({
      type: 'software_File',
      spdxId: id('hub:pkg:huggingface/acme/base-llm%23model.safetensors'),
      ...ci,
      name: 'model.safetensors',
      verifiedUsing: [sha(hex('8'))],
      ...ext(['modelgate:format', 'safetensors'], ['modelgate:size', '1000']),
      software_primaryPurpose: 'model'
    })
    expect(at('hub:pkg:huggingface/acme/base-llm%23config.json')).toEqual({ type: 'software_File', spdxId: id('hub:pkg:huggingface/acme/base-llm%23config.json'), ...ci, name: 'config.json' })
  })

  test('a LoRA adapter: its base is its ancestor and, since it cannot run without it, a dependency; peft is needed to load it', () => {
    expect(rel('model:adapter%23base:acme/base-llm', 'ancestorOf')).toEqual([id('model:adapter')])
    expect(rel('hub:pkg:huggingface/acme/base-llm', 'ancestorOf')).toEqual([id('model:adapter')])
    expect(rel('model:adapter', 'dependsOn')).toEqual([id('hub:pkg:huggingface/acme/base-llm'), id('lib:pkg:pypi/peft@0.11.1')])
    expect(at('model:adapter')).toMatchObject({
      ...ext(
        ['cdx:ai-ml:model:parameter:count', '2M'],
        ['cdx:ai-ml:model:parameter:tune_methods', 'lora'],
        ['modelgate:parameters', '2000000'],
        ['modelgate:path', 'adapter'],
        ['modelgate:scan:result', 'no-findings']
      ),
      ai_informationAboutTraining: 'Base models: acme/base-llm.'
    })
    expect(at('model:vocab/ggml-vocab-llama.gguf')).toMatchObject({ ai_hyperparameter: [{ type: 'DictionaryEntry', key: 'vocab_size', value: '32000' }] })
  })

  test('a dataset with a dataset card: name, shape and size category, the card\'s license as declared, its source dataset as ancestor', () => {
    expect(at('dataset:data/train.parquet')).toEqual({
      type: 'dataset_DatasetPackage',
      spdxId: id('dataset:data/train.parquet'),
      ...ci,
      name: 'train.parquet',
      summary: 'Reviews',
      description: '25000 rows, 2 columns in 1 row group; size category 10K<n<100K',
      verifiedUsing: [sha(hex('4'))],
      ...ext(
        ['modelgate:card', 'data/README.md'],
        ['modelgate:dataset:column', 'text'],
        ['modelgate:dataset:column', 'label'],
        ['modelgate:dataset:columnCount', '2'],
        ['modelgate:dataset:rowGroups', '1'],
        ['modelgate:dataset:rows', '25000'],
        ['modelgate:format', 'parquet'],
        ['modelgate:path', 'data/train.parquet'],
        ['modelgate:scan:result', 'no-findings'],
        ['modelgate:size', '100']
      ),
      suppliedBy: id('org:https://github.com/acme'),
      software_primaryPurpose: 'data',
      dataset_datasetSize: 100,
      dataset_datasetType: ['structured']
    })
    expect(rel('dataset:data/train.parquet', 'hasDeclaredLicense')).toEqual([id('license:CC-BY-4.0')])
    expect(rel('dataset:data/train.parquet%23source:stanfordnlp/imdb', 'ancestorOf')).toEqual([id('dataset:data/train.parquet')])
    expect(at('dataset:data/train.parquet%23source:stanfordnlp/imdb')).toMatchObject({ type: 'dataset_DatasetPackage', name: 'stanfordnlp/imdb', software_downloadLocation: 'https://huggingface.co/datasets/stanfordnlp/imdb', dataset_datasetType: ['noAssertion'] })
  })

  test('a Space is an application', () => {
    expect(at('hub:pkg:huggingface/acme/demo?repository_url=https://huggingface.co/spaces')).toMatchObject({
      type: 'software_Package',
      software_primaryPurpose: 'application',
      software_downloadLocation: 'https://huggingface.co/spaces/acme/demo'
    })
  })
})

test('a base model or card dataset named in plain words gets no Hub purl or page, as in the CycloneDX BOM', () => {
  const card: CardData = { ...datasetCard, baseModels: ['our in-house model'], datasets: ['local set', 'stanfordnlp/imdb'], prettyName: null, taskCategories: [], sizeCategories: [], sourceDatasets: [] }
  const plain: Report = { ...report, artifacts: [file('m/model.safetensors', 'model', 'safetensors', 'a'), file('m/README.md', 'model-card', 'huggingface-model-card', 'b', { card })], dependencies: [], findings: [], vulnerabilities: [] }
  const doc = buildSpdx3(plain, { subject: 'acme/models', now: new Date(0) }) as Json
  const cdx = JSON.parse(serializeBom(plain, { subject: 'acme/models', format: 'json', now: new Date(0) }))
  const named = (graph: Json[], name: string): Json => graph.find((e) => e.name === name) as Json
  for (const name of ['our in-house model', 'local set']) {
    expect(named(doc['@graph'], name)).toBeDefined()
    expect(named(doc['@graph'], name).software_packageUrl).toBeUndefined()
    expect(named(doc['@graph'], name).externalIdentifier).toBeUndefined()
  }
  expect(named(doc['@graph'], 'stanfordnlp/imdb').software_packageUrl).toBe('pkg:huggingface/stanfordnlp/imdb?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets')
  expect(cdx.components.find((c: Json) => c.name === 'local set').purl).toBeUndefined()
  expect(spdx3SchemaErrors(doc)).toEqual([])
  expect(spdx3RefProblems(doc)).toEqual({ dangling: [], duplicates: [] })
})
