import { serializeBom } from '../../src/bom/cyclonedx.js'
import { buildSpdx3, serializeSpdx3 } from '../../src/bom/spdx3/document.js'
import type { Report } from '../../src/types.js'
import { cdxFactsMissingFromSpdx3, spdx3RefProblems, spdx3SchemaErrors } from '../support/spdx3.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const hex = (c: string) => c.repeat(64)
const card = {
  license: 'apache-2.0', licenseLink: 'https://www.apache.org/licenses/LICENSE-2.0', baseModels: ['google-bert/bert-base-uncased'], datasets: ['rajpurkar/squad'], pipelineTag: 'question-answering', libraryName: 'transformers',
  languages: ['en'], tags: ['qa'], modelName: 'acme-bert-qa', metrics: [{ type: 'f1', value: '88.5', name: 'F1', task: 'question-answering', dataset: 'squad' }],
  prettyName: null, taskCategories: [], sizeCategories: [], sourceDatasets: [], fieldsPresent: ['license', 'datasets'], fieldsExpected: ['license', 'datasets', 'base_model', 'language']
}
const report: Report = {
  schemaVersion: 1, tool: { name: 'ModelGate', version: '0.1.0' }, mode: 'change', verdict: 'fail', base: 'a'.repeat(40), head: 'b'.repeat(40),
  artifacts: [
    { path: 'bert/model.safetensors', kind: 'model', format: 'safetensors', change: 'added', size: 100, sha256: hex('1'), lfs: null, license: 'Apache-2.0', facts: { tensors: 4 },
      signature: { state: 'verified', method: 'sigstore', signatureFile: 'bert/model.sig', format: 'oms', signer: 'ci@acme.dev', issuer: 'https://token.actions.githubusercontent.com', keyHint: null, rekorLogIndex: '123', rootDigest: hex('c') } },
    { path: 'bert/README.md', kind: 'model-card', format: 'huggingface-model-card', change: 'added', size: 50, sha256: hex('5'), lfs: null, signature: null, license: 'Apache-2.0', facts: {}, card },
    { path: 'bert/config.json', kind: 'model-config', format: 'hf-config', change: 'added', size: 40, sha256: hex('6'), lfs: null, signature: null, license: null, facts: { model_type: 'bert', architectures: 'BertForQuestionAnswering' } },
    { path: 'ckpt/net.pt', kind: 'model', format: 'pytorch-zip', change: 'modified', size: 5000, sha256: hex('2'), lfs: { oid: hex('2'), size: 5000 }, signature: { state: 'unsigned', required: true }, license: null, facts: {}, previous: { sha256: hex('9'), size: 10 } },
    { path: 'data/train me#1.csv', kind: 'dataset', format: 'csv', change: 'unchanged', size: 80, sha256: hex('3'), lfs: null, signature: null, license: 'Acme Data License', facts: {} },
    { path: 'old/gone.onnx', kind: 'model', format: 'onnx', change: 'removed', size: 10, sha256: hex('4'), lfs: null, signature: null, license: null, facts: {} }
  ],
  dependencies: [
    { path: 'requirements.txt', line: 1, ecosystem: 'pypi', name: 'transformers', specifier: '==4.44.0', version: '4.44.0', pinned: true, ml: true, purl: 'pkg:pypi/transformers@4.44.0', change: 'added' },
    { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'numpy', specifier: '>=1.26', version: null, pinned: false, ml: false, purl: 'pkg:pypi/numpy', change: 'unchanged' },
    { path: 'requirements.txt', line: 3, ecosystem: 'pypi', name: 'scipy', specifier: null, version: null, pinned: false, ml: false, purl: 'pkg:pypi/scipy', change: 'removed' },
    { path: 'train.py', line: 7, ecosystem: 'huggingface', name: 'acme/tiny', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:huggingface/acme/tiny', hubKind: 'model', change: 'added' },
    { path: 'train.py', line: 8, ecosystem: 'huggingface', name: 'acme/corpus', specifier: 'd'.repeat(40), version: 'd'.repeat(40), pinned: true, ml: true, purl: `pkg:huggingface/acme/corpus@${'d'.repeat(40)}?repository_url=https://huggingface.co/datasets`, hubKind: 'dataset', change: 'added' }
  ],
  findings: [
    { rule: 'unsigned-model', severity: 'error', path: 'ckpt/net.pt', line: null, message: 'No signature covers this model.', fix: 'Sign it.' },
    { rule: 'unpinned-dependency', severity: 'warning', path: 'requirements.txt', line: 2, message: 'numpy is not pinned.', fix: 'Pin it.' },
    { rule: 'unpinned-hub-reference', severity: 'warning', path: 'train.py', line: 7, message: 'acme/tiny is not pinned.', fix: 'Pin a commit.' },
    { rule: 'license-unknown', severity: 'warning', path: 'data/train me#1.csv', line: null, message: 'Unknown license.', fix: 'Use an SPDX id.' },
    { rule: 'trust-remote-code', severity: 'warning', path: 'bert/config.json', line: null, message: 'auto_map runs code.', fix: 'Remove auto_map.' }
  ]
}

const opts = { subject: 'acme/models', now: new Date('2026-01-02T03:04:05.678Z') }

// Expected values are written out: the namespace is the content hash of this report's document.
const NS = 'https://spdx.org/spdxdocs/modelgate-41cf1d84-2235-5d81-a849-92f2d38b1601'
const id = (fragment: string) => `${NS}#${fragment}`
const ci = { creationInfo: '_:creationinfo' }
const sha = (hashValue: string) => ({ type: 'Hash', algorithm: 'sha256', hashValue })
const ext = (...props: [string, string][]) => ({
  extension: [{ type: 'extension_CdxPropertiesExtension', extension_cdxProperty: props.map(([name, value]) => ({ type: 'extension_CdxPropertyEntry', extension_cdxPropName: name, extension_cdxPropValue: value })) }]
})
/** Every element but the document, in key order: the order of `@graph` after the document, and the document's `element`. */
const ids = [
  'agent:modelgate',
  'dataset:data/train%20me%231.csv',
  'dataset:huggingface:rajpurkar/squad',
  'file:bert/README.md',
  'file:bert/config.json',
  'file:bert/model.safetensors',
  'file:ckpt/net.pt',
  'finding:1',
  'finding:2',
  'finding:3',
  'finding:4',
  'finding:5',
  'hub:pkg:huggingface/acme/corpus@dddddddddddddddddddddddddddddddddddddddd?repository_url=https://huggingface.co/datasets',
  'hub:pkg:huggingface/acme/tiny',
  'lib:pkg:pypi/numpy',
  'lib:pkg:pypi/transformers@4.44.0',
  'license:Apache-2.0',
  'license:LicenseRef-Acme-Data-License',
  'model:bert',
  'model:bert%23base:google-bert/bert-base-uncased',
  'model:ckpt/net.pt',
  'org:https://github.com/acme',
  'org:https://huggingface.co/acme',
  'org:https://huggingface.co/google-bert',
  'org:https://huggingface.co/rajpurkar',
  'rel:ancestorOf:model:bert%23base:google-bert/bert-base-uncased',
  'rel:contains:model:bert',
  'rel:contains:model:ckpt/net.pt',
  'rel:contains:subject',
  'rel:dependsOn:model:bert',
  'rel:dependsOn:subject',
  'rel:hasConcludedLicense:dataset:data/train%20me%231.csv',
  'rel:hasConcludedLicense:file:bert/README.md',
  'rel:hasConcludedLicense:file:bert/model.safetensors',
  'rel:hasDeclaredLicense:model:bert',
  'rel:trainedOn:model:bert',
  'sbom',
  'subject',
  'tool:modelgate'
].map(id)

describe('SPDX 3.0.1 document', () => {
  test('exact document for a hand-made change-mode report, valid against the official schema', () => {
    const doc = buildSpdx3(report, opts)
    expect(spdx3SchemaErrors(doc)).toEqual([])
    expect(spdx3RefProblems(doc)).toEqual({ duplicates: [], dangling: [] })
    expect(doc['@context']).toBe('https://spdx.org/rdf/3.0.1/spdx-context.jsonld')
    expect(doc['@graph']).toEqual([
      {
        type: 'CreationInfo',
        '@id': '_:creationinfo',
        created: '2026-01-02T03:04:05Z',
        createdBy: [id('agent:modelgate')],
        createdUsing: [id('tool:modelgate')],
        specVersion: '3.0.1'
      },
      {
        type: 'SpdxDocument',
        spdxId: id('document'),
        ...ci,
        name: 'ModelGate scan of acme/models',
        rootElement: [id('sbom')],
        element: ids,
        profileConformance: ['core', 'software', 'ai', 'dataset', 'simpleLicensing', 'extension']
      },
      { type: 'SoftwareAgent', spdxId: id('agent:modelgate'), ...ci, name: 'ModelGate' },
      {
        type: 'dataset_DatasetPackage',
        spdxId: id('dataset:data/train%20me%231.csv'),
        ...ci,
        name: 'train me#1.csv',
        externalRef: [{ type: 'ExternalRef', externalRefType: 'vcs', locator: ['https://github.com/acme/models/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/data/train%20me%231.csv'] }],
        verifiedUsing: [sha(hex('3'))],
        ...ext(['modelgate:format', 'csv'], ['modelgate:path', 'data/train me#1.csv'], ['modelgate:scan:result', 'warning'], ['modelgate:size', '80']),
        suppliedBy: id('org:https://github.com/acme'),
        software_primaryPurpose: 'data',
        dataset_datasetSize: 80,
        dataset_datasetType: ['structured']
      },
      {
        type: 'dataset_DatasetPackage',
        spdxId: id('dataset:huggingface:rajpurkar/squad'),
        ...ci,
        name: 'rajpurkar/squad',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:huggingface/rajpurkar/squad?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets' }],
        suppliedBy: id('org:https://huggingface.co/rajpurkar'),
        software_downloadLocation: 'https://huggingface.co/datasets/rajpurkar/squad',
        software_primaryPurpose: 'data',
        software_packageUrl: 'pkg:huggingface/rajpurkar/squad?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
        dataset_datasetType: ['noAssertion']
      },
      {
        type: 'software_File',
        spdxId: id('file:bert/README.md'),
        ...ci,
        name: 'bert/README.md',
        verifiedUsing: [sha(hex('5'))],
        ...ext(
          ['modelgate:change', 'added'],
          ['modelgate:format', 'huggingface-model-card'],
          ['modelgate:path', 'bert/README.md'],
          ['modelgate:scan:result', 'no-findings'],
          ['modelgate:size', '50']
        ),
        software_primaryPurpose: 'documentation'
      },
      {
        type: 'software_File',
        spdxId: id('file:bert/config.json'),
        ...ci,
        name: 'bert/config.json',
        verifiedUsing: [sha(hex('6'))],
        ...ext(
          ['modelgate:change', 'added'],
          ['modelgate:fact:architectures', 'BertForQuestionAnswering'],
          ['modelgate:fact:model_type', 'bert'],
          ['modelgate:format', 'hf-config'],
          ['modelgate:path', 'bert/config.json'],
          ['modelgate:scan:result', 'warning'],
          ['modelgate:size', '40']
        ),
        software_primaryPurpose: 'configuration'
      },
      {
        type: 'software_File',
        spdxId: id('file:bert/model.safetensors'),
        ...ci,
        name: 'bert/model.safetensors',
        verifiedUsing: [sha(hex('1'))],
        ...ext(
          ['modelgate:change', 'added'],
          ['modelgate:fact:tensors', '4'],
          ['modelgate:format', 'safetensors'],
          ['modelgate:path', 'bert/model.safetensors'],
          ['modelgate:scan:result', 'no-findings'],
          ['modelgate:signature', 'verified'],
          ['modelgate:signature:file', 'bert/model.sig'],
          ['modelgate:signature:issuer', 'https://token.actions.githubusercontent.com'],
          ['modelgate:signature:method', 'sigstore'],
          ['modelgate:signature:rekor-log-index', '123'],
          ['modelgate:signature:root-digest', hex('c')],
          ['modelgate:signature:signer', 'ci@acme.dev'],
          ['modelgate:size', '100']
        ),
        software_primaryPurpose: 'model'
      },
      { type: 'software_File', spdxId: id('file:ckpt/net.pt'), ...ci, name: 'ckpt/net.pt', verifiedUsing: [sha(hex('2'))], software_primaryPurpose: 'model' },
      {
        type: 'Annotation',
        spdxId: id('finding:1'),
        ...ci,
        annotationType: 'review',
        contentType: 'text/plain',
        statement: 'error unsigned-model in ckpt/net.pt: No signature covers this model. Fix: Sign it.',
        subject: id('model:ckpt/net.pt')
      },
      {
        type: 'Annotation',
        spdxId: id('finding:2'),
        ...ci,
        annotationType: 'review',
        contentType: 'text/plain',
        statement: 'warning unpinned-dependency in requirements.txt:2: numpy is not pinned. Fix: Pin it.',
        subject: id('lib:pkg:pypi/numpy')
      },
      {
        type: 'Annotation',
        spdxId: id('finding:3'),
        ...ci,
        annotationType: 'review',
        contentType: 'text/plain',
        statement: 'warning unpinned-hub-reference in train.py:7: acme/tiny is not pinned. Fix: Pin a commit.',
        subject: id('hub:pkg:huggingface/acme/tiny')
      },
      {
        type: 'Annotation',
        spdxId: id('finding:4'),
        ...ci,
        annotationType: 'review',
        contentType: 'text/plain',
        statement: 'warning license-unknown in data/train me#1.csv: Unknown license. Fix: Use an SPDX id.',
        subject: id('dataset:data/train%20me%231.csv')
      },
      {
        type: 'Annotation',
        spdxId: id('finding:5'),
        ...ci,
        annotationType: 'review',
        contentType: 'text/plain',
        statement: 'warning trust-remote-code in bert/config.json: auto_map runs code. Fix: Remove auto_map.',
        subject: id('file:bert/config.json')
      },
      {
        type: 'dataset_DatasetPackage',
        spdxId: id('hub:pkg:huggingface/acme/corpus@dddddddddddddddddddddddddddddddddddddddd?repository_url=https://huggingface.co/datasets'),
        ...ci,
        name: 'acme/corpus',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:huggingface/acme/corpus@dddddddddddddddddddddddddddddddddddddddd?repository_url=https://huggingface.co/datasets' }],
        ...ext(['modelgate:declared-in', 'train.py'], ['modelgate:ml', 'true'], ['modelgate:pinned', 'true']),
        suppliedBy: id('org:https://huggingface.co/acme'),
        software_downloadLocation: 'https://huggingface.co/datasets/acme/corpus',
        software_primaryPurpose: 'data',
        software_packageVersion: 'd'.repeat(40),
        software_packageUrl: 'pkg:huggingface/acme/corpus@dddddddddddddddddddddddddddddddddddddddd?repository_url=https://huggingface.co/datasets',
        dataset_datasetType: ['noAssertion']
      },
      {
        type: 'ai_AIPackage',
        spdxId: id('hub:pkg:huggingface/acme/tiny'),
        ...ci,
        name: 'acme/tiny',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:huggingface/acme/tiny' }],
        ...ext(['modelgate:declared-in', 'train.py'], ['modelgate:ml', 'true'], ['modelgate:pinned', 'false']),
        suppliedBy: id('org:https://huggingface.co/acme'),
        software_downloadLocation: 'https://huggingface.co/acme/tiny',
        software_primaryPurpose: 'model',
        software_packageUrl: 'pkg:huggingface/acme/tiny'
      },
      {
        type: 'software_Package',
        spdxId: id('lib:pkg:pypi/numpy'),
        ...ci,
        name: 'numpy',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:pypi/numpy' }],
        ...ext(['modelgate:declared-in', 'requirements.txt'], ['modelgate:pinned', 'false'], ['modelgate:specifier', '>=1.26']),
        software_primaryPurpose: 'library',
        software_packageUrl: 'pkg:pypi/numpy'
      },
      {
        type: 'software_Package',
        spdxId: id('lib:pkg:pypi/transformers@4.44.0'),
        ...ci,
        name: 'transformers',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:pypi/transformers@4.44.0' }],
        ...ext(['modelgate:declared-in', 'requirements.txt'], ['modelgate:ml', 'true'], ['modelgate:pinned', 'true']),
        software_primaryPurpose: 'library',
        software_packageVersion: '4.44.0',
        software_packageUrl: 'pkg:pypi/transformers@4.44.0'
      },
      { type: 'simplelicensing_LicenseExpression', spdxId: id('license:Apache-2.0'), ...ci, simplelicensing_licenseExpression: 'Apache-2.0' },
      {
        type: 'simplelicensing_LicenseExpression',
        spdxId: id('license:LicenseRef-Acme-Data-License'),
        ...ci,
        comment: 'Not an SPDX license expression; declared as: Acme Data License',
        simplelicensing_licenseExpression: 'LicenseRef-Acme-Data-License'
      },
      {
        type: 'ai_AIPackage',
        spdxId: id('model:bert'),
        ...ci,
        name: 'bert',
        externalRef: [{ type: 'ExternalRef', externalRefType: 'license', locator: ['https://www.apache.org/licenses/LICENSE-2.0'] }, { type: 'ExternalRef', externalRefType: 'vcs', locator: ['https://github.com/acme/models/tree/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/bert'] }],
        ...ext(
          ['cdx:ai-ml:model:languages', 'en'],
          ['modelgate:card', 'bert/README.md'],
          ['modelgate:card:completeness', '2/4'],
          ['modelgate:card:fields-present', 'license,datasets'],
          ['modelgate:card:library', 'transformers'],
          ['modelgate:card:model-name', 'acme-bert-qa'],
          ['modelgate:change', 'added'],
          ['modelgate:path', 'bert'],
          ['modelgate:scan:result', 'warning'],
          ['modelgate:signature', 'verified'],
          ['modelgate:signature:file', 'bert/model.sig'],
          ['modelgate:signature:issuer', 'https://token.actions.githubusercontent.com'],
          ['modelgate:signature:method', 'sigstore'],
          ['modelgate:signature:rekor-log-index', '123'],
          ['modelgate:signature:root-digest', hex('c')],
          ['modelgate:signature:signer', 'ci@acme.dev']
        ),
        suppliedBy: id('org:https://github.com/acme'),
        software_primaryPurpose: 'model',
        ai_domain: ['question-answering'],
        ai_informationAboutApplication: 'Formats the task defines. Inputs: string. Outputs: string.',
        ai_informationAboutTraining: 'Datasets named by the model card: rajpurkar/squad. Base models: google-bert/bert-base-uncased.',
        ai_metric: [{ type: 'DictionaryEntry', key: 'f1 on squad', value: '88.5' }],
        ai_typeOfModel: ['bert', 'BertForQuestionAnswering']
      },
      {
        type: 'ai_AIPackage',
        spdxId: id('model:bert%23base:google-bert/bert-base-uncased'),
        ...ci,
        name: 'google-bert/bert-base-uncased',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:huggingface/google-bert/bert-base-uncased' }],
        suppliedBy: id('org:https://huggingface.co/google-bert'),
        software_downloadLocation: 'https://huggingface.co/google-bert/bert-base-uncased',
        software_primaryPurpose: 'model',
        software_packageUrl: 'pkg:huggingface/google-bert/bert-base-uncased'
      },
      {
        type: 'ai_AIPackage',
        spdxId: id('model:ckpt/net.pt'),
        ...ci,
        name: 'net.pt',
        externalRef: [{ type: 'ExternalRef', externalRefType: 'vcs', locator: ['https://github.com/acme/models/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/ckpt/net.pt'] }],
        verifiedUsing: [sha(hex('2'))],
        ...ext(
          ['modelgate:change', 'modified'],
          ['modelgate:format', 'pytorch-zip'],
          ['modelgate:git-lfs-pointer', 'true'],
          ['modelgate:path', 'ckpt/net.pt'],
          ['modelgate:previous-sha256', hex('9')],
          ['modelgate:scan:result', 'error'],
          ['modelgate:signature', 'unsigned'],
          ['modelgate:size', '5000']
        ),
        suppliedBy: id('org:https://github.com/acme'),
        software_primaryPurpose: 'model'
      },
      {
        type: 'Organization',
        spdxId: id('org:https://github.com/acme'),
        ...ci,
        name: 'acme',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'urlScheme', identifier: 'https://github.com/acme' }]
      },
      {
        type: 'Organization',
        spdxId: id('org:https://huggingface.co/acme'),
        ...ci,
        name: 'acme',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'urlScheme', identifier: 'https://huggingface.co/acme' }]
      },
      {
        type: 'Organization',
        spdxId: id('org:https://huggingface.co/google-bert'),
        ...ci,
        name: 'google-bert',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'urlScheme', identifier: 'https://huggingface.co/google-bert' }]
      },
      {
        type: 'Organization',
        spdxId: id('org:https://huggingface.co/rajpurkar'),
        ...ci,
        name: 'rajpurkar',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'urlScheme', identifier: 'https://huggingface.co/rajpurkar' }]
      },
      {
        type: 'Relationship',
        spdxId: id('rel:ancestorOf:model:bert%23base:google-bert/bert-base-uncased'),
        ...ci,
        from: id('model:bert%23base:google-bert/bert-base-uncased'),
        relationshipType: 'ancestorOf',
        to: [id('model:bert')]
      },
      {
        type: 'Relationship',
        spdxId: id('rel:contains:model:bert'),
        ...ci,
        from: id('model:bert'),
        relationshipType: 'contains',
        to: [id('file:bert/README.md'), id('file:bert/config.json'), id('file:bert/model.safetensors')]
      },
      { type: 'Relationship', spdxId: id('rel:contains:model:ckpt/net.pt'), ...ci, from: id('model:ckpt/net.pt'), relationshipType: 'contains', to: [id('file:ckpt/net.pt')] },
      {
        type: 'Relationship',
        spdxId: id('rel:contains:subject'),
        ...ci,
        from: id('subject'),
        relationshipType: 'contains',
        to: [id('dataset:data/train%20me%231.csv'), id('model:bert'), id('model:ckpt/net.pt')],
        completeness: 'incomplete'
      },
      { type: 'Relationship', spdxId: id('rel:dependsOn:model:bert'), ...ci, from: id('model:bert'), relationshipType: 'dependsOn', to: [id('lib:pkg:pypi/transformers@4.44.0')] },
      {
        type: 'Relationship',
        spdxId: id('rel:dependsOn:subject'),
        ...ci,
        from: id('subject'),
        relationshipType: 'dependsOn',
        to: [id('hub:pkg:huggingface/acme/corpus@dddddddddddddddddddddddddddddddddddddddd?repository_url=https://huggingface.co/datasets'), id('hub:pkg:huggingface/acme/tiny'), id('lib:pkg:pypi/numpy'), id('lib:pkg:pypi/transformers@4.44.0')],
        completeness: 'incomplete'
      },
      {
        type: 'Relationship',
        spdxId: id('rel:hasConcludedLicense:dataset:data/train%20me%231.csv'),
        ...ci,
        from: id('dataset:data/train%20me%231.csv'),
        relationshipType: 'hasConcludedLicense',
        to: [id('license:LicenseRef-Acme-Data-License')]
      },
      {
        type: 'Relationship',
        spdxId: id('rel:hasConcludedLicense:file:bert/README.md'),
        ...ci,
        from: id('file:bert/README.md'),
        relationshipType: 'hasConcludedLicense',
        to: [id('license:Apache-2.0')]
      },
      {
        type: 'Relationship',
        spdxId: id('rel:hasConcludedLicense:file:bert/model.safetensors'),
        ...ci,
        from: id('file:bert/model.safetensors'),
        relationshipType: 'hasConcludedLicense',
        to: [id('license:Apache-2.0')]
      },
      {
        type: 'Relationship',
        spdxId: id('rel:hasDeclaredLicense:model:bert'),
        ...ci,
        from: id('model:bert'),
        relationshipType: 'hasDeclaredLicense',
        to: [id('license:Apache-2.0')]
      },
      {
        type: 'Relationship',
        spdxId: id('rel:trainedOn:model:bert'),
        ...ci,
        from: id('model:bert'),
        relationshipType: 'trainedOn',
        to: [id('dataset:huggingface:rajpurkar/squad')]
      },
      {
        type: 'software_Sbom',
        spdxId: id('sbom'),
        ...ci,
        name: 'ML-BOM of acme/models',
        ...ext(
          ['modelgate:scan:base', 'a'.repeat(40)],
          ['modelgate:scan:head', 'b'.repeat(40)],
          ['modelgate:scan:mode', 'change'],
          ['modelgate:scan:verdict', 'fail']
        ),
        rootElement: [id('subject')],
        element: ids.filter((x) => ![id('sbom'), id('agent:modelgate'), id('tool:modelgate')].includes(x)),
        software_sbomType: ['build']
      },
      {
        type: 'software_Package',
        spdxId: id('subject'),
        ...ci,
        name: 'acme/models',
        externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: 'pkg:github/acme/models@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }],
        software_primaryPurpose: 'application',
        software_packageVersion: 'b'.repeat(40),
        software_packageUrl: 'pkg:github/acme/models@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
      },
      { type: 'Tool', spdxId: id('tool:modelgate'), ...ci, name: 'modelgate 0.1.0' }
    ])
  })

  test('every fact of the CycloneDX BOM of the same report is in it', () => {
    const cdx = JSON.parse(serializeBom(report, { ...opts, format: 'json' })) as Json
    expect(cdxFactsMissingFromSpdx3(cdx, buildSpdx3(report, opts))).toEqual([])
  })

  test('the checks can fail: schema, references, carried-over facts', () => {
    const doc = buildSpdx3(report, opts) as Json
    const edit = (change: (graph: Json[]) => void): Json => {
      const copy = structuredClone(doc)
      change(copy['@graph'])
      return copy
    }
    const at = (graph: Json[], fragment: string) => graph.find((e) => e.spdxId === id(fragment))!
    // dataset_datasetType is required; SPDX dateTimes have no fractions; relationships end somewhere.
    expect(spdx3SchemaErrors(edit((g) => delete at(g, 'dataset:data/train%20me%231.csv').dataset_datasetType))).not.toEqual([])
    expect(spdx3SchemaErrors(edit((g) => (g[0]!.created = '2026-01-02T03:04:05.678Z')))).not.toEqual([])
    expect(spdx3SchemaErrors(edit((g) => (at(g, 'rel:contains:subject').to = [])))).not.toEqual([])
    expect(spdx3RefProblems(edit((g) => g.push({ ...at(g, 'tool:modelgate') }, { ...at(g, 'rel:trainedOn:model:bert'), spdxId: id('extra'), to: [id('nowhere')] })))).toEqual({
      duplicates: [id('tool:modelgate')],
      dangling: [id('nowhere')]
    })
    const cdx = JSON.parse(serializeBom(report, { ...opts, format: 'json' })) as Json
    const lessFacts = edit((g) => {
      delete at(g, 'model:bert').ai_metric
      at(g, 'rel:trainedOn:model:bert').to = []
    })
    expect(cdxFactsMissingFromSpdx3(cdx, lessFacts)).toEqual([
      'model:bert: trained on dataset:huggingface:rajpurkar/squad',
      'model:bert: metric f1 on squad=88.5',
      'model:bert: depends on dataset:huggingface:rajpurkar/squad',
      'model:bert: training input dataset:huggingface:rajpurkar/squad'
    ])
  })

  test('deterministic: the same report gives the same bytes, input order does not matter, ids follow the content', () => {
    const text = serializeSpdx3(report, opts)
    expect(serializeSpdx3(report, opts)).toBe(text)
    // Another clock changes `created` only.
    expect(serializeSpdx3(report, { ...opts, now: new Date('2027-05-06T07:08:09Z') }).replace('2027-05-06T07:08:09Z', '2026-01-02T03:04:05Z')).toBe(text)
    expect(serializeSpdx3({ ...report, artifacts: [...report.artifacts].reverse(), dependencies: [...report.dependencies].reverse() }, opts)).toBe(text)
    // Other content, another namespace: two documents never describe different things under one IRI.
    const changed = { ...report, artifacts: report.artifacts.map((a) => (a.path === 'ckpt/net.pt' ? { ...a, sha256: hex('7') } : a)) }
    const ns = (buildSpdx3(changed, opts)['@graph'] as Json[])[1]!.spdxId as string
    expect(ns).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/modelgate-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}#document$/)
    expect(ns).not.toBe(id('document'))
  })

  test('a folder that is no GitHub repository, scanned whole: no purl, supplier or links; the lists are complete', () => {
    const doc = buildSpdx3({ ...report, mode: 'tree', base: undefined, head: undefined, findings: [] }, { subject: 'models', now: opts.now }) as Json
    expect(spdx3SchemaErrors(doc)).toEqual([])
    const graph = doc['@graph'] as Json[]
    const key = (e: Json) => decodeURIComponent(String(e.spdxId).split('#')[1] ?? '')
    expect(graph.find((e) => key(e) === 'subject')).toEqual({ type: 'software_Package', spdxId: expect.any(String), creationInfo: '_:creationinfo', name: 'models', software_primaryPurpose: 'application' })
    expect(graph.filter((e) => e.type === 'Relationship' && key(e).endsWith(':subject')).map((e) => [e.relationshipType, e.completeness])).toEqual([
      ['contains', 'complete'],
      ['dependsOn', 'complete']
    ])
    expect(graph.filter((e) => e.type === 'Organization').map((e) => e.name)).toEqual(['acme', 'google-bert', 'rajpurkar'])
    expect(graph.some((e) => JSON.stringify(e.externalRef ?? []).includes('"vcs"'))).toBe(false)
  })
})
