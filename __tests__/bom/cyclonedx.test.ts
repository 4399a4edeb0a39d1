import { serializeBom } from '../../src/bom/cyclonedx.js'
import type { Report } from '../../src/types.js'
import { schemaErrors } from '../support/bom-checks.js'
import { jsonBomErrors, xmlBomErrors } from '../support/cyclonedx.js'
import { xsdErrors } from './xsd.js'

const artifact = (path: string, kind: 'model' | 'dataset' | 'dependency-manifest', format: string, change: 'added' | 'modified' | 'unchanged' | 'removed', sha: string, lfs = false) => ({
  path, kind, format, change, size: lfs ? 5000 : 80, sha256: sha.repeat(64), lfs: lfs ? { oid: sha.repeat(64), size: 5000 } : null, signature: null, license: null, facts: {}
})
const report: Report = {
  schemaVersion: 1,
  tool: { name: 'ModelGate', version: '0.1.0' },
  mode: 'change',
  verdict: 'pass',
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  artifacts: [
    artifact('models/m.safetensors', 'model', 'safetensors', 'added', '1'),
    artifact('models/big.gguf', 'model', 'gguf', 'modified', '2', true),
    artifact('data/train.csv', 'dataset', 'csv', 'unchanged', '3'),
    artifact('old/gone.onnx', 'model', 'onnx', 'removed', '4'),
    artifact('requirements.txt', 'dependency-manifest', 'requirements', 'added', '5')
  ],
  dependencies: [
    { path: 'requirements.txt', line: 1, ecosystem: 'pypi', name: 'torch', specifier: '==2.4.1', version: '2.4.1', pinned: true, ml: true, purl: 'pkg:pypi/torch@2.4.1', change: 'added' },
    { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'numpy', specifier: null, version: null, pinned: false, ml: false, purl: 'pkg:pypi/numpy', change: 'removed' },
    { path: 'train.py', line: 9, ecosystem: 'huggingface', name: 'org/base', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:huggingface/org/base', hubKind: 'model', change: 'added' }
  ],
  findings: [{ rule: 'unpinned-hub-reference', severity: 'warning', path: 'train.py', line: 9, message: 'not pinned', fix: 'pin it' }]
}
const opts = { subject: 'acme/models', now: new Date('2026-01-02T03:04:05.000Z'), serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79' }
const prop = (name: string, value: string) => ({ name, value })
const acme = { name: 'acme', url: ['https://github.com/acme'] }
const blob = `https://github.com/acme/models/blob/${'b'.repeat(40)}`

describe('CycloneDX BOM', () => {
  test('JSON: exact content, valid against the 1.6 schema', async () => {
    const json = serializeBom(report, { ...opts, format: 'json' })
    expect(await jsonBomErrors(json)).toBeNull()
    expect(JSON.parse(json)).toEqual({
      $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: opts.serialNumber,
      version: 1,
      metadata: {
        timestamp: '2026-01-02T03:04:05.000Z',
        lifecycles: [{ phase: 'build' }],
        tools: { components: [{ type: 'application', name: 'modelgate', group: 'modelgate', version: '0.1.0', 'bom-ref': 'tool:modelgate' }] },
        component: { type: 'application', name: 'acme/models', 'bom-ref': 'subject', purl: `pkg:github/acme/models@${'b'.repeat(40)}` },
        properties: [prop('modelgate:scan:base', 'a'.repeat(40)), prop('modelgate:scan:head', 'b'.repeat(40)), prop('modelgate:scan:mode', 'change'), prop('modelgate:scan:verdict', 'pass')]
      },
      components: [
        {
          type: 'data',
          name: 'train.csv',
          'bom-ref': 'dataset:data/train.csv',
          supplier: acme,
          hashes: [{ alg: 'SHA-256', content: '3'.repeat(64) }],
          externalReferences: [{ url: `${blob}/data/train.csv`, type: 'vcs' }],
          properties: [prop('modelgate:format', 'csv'), prop('modelgate:path', 'data/train.csv'), prop('modelgate:scan:result', 'no-findings'), prop('modelgate:size', '80')],
          data: [{ type: 'dataset', name: 'train.csv', contents: { url: `${blob}/data/train.csv` }, governance: { custodians: [{ organization: acme }] } }]
        },
        {
          type: 'machine-learning-model',
          name: 'base',
          group: 'org',
          'bom-ref': 'hub:pkg:huggingface/org/base',
          supplier: { name: 'org', url: ['https://huggingface.co/org'] },
          purl: 'pkg:huggingface/org/base',
          externalReferences: [{ url: 'https://huggingface.co/org/base', type: 'distribution' }],
          properties: [prop('modelgate:declared-in', 'train.py'), prop('modelgate:ml', 'true'), prop('modelgate:pinned', 'false')]
        },
        { type: 'library', name: 'torch', version: '2.4.1', 'bom-ref': 'lib:pkg:pypi/torch@2.4.1', purl: 'pkg:pypi/torch@2.4.1', properties: [prop('modelgate:declared-in', 'requirements.txt'), prop('modelgate:ml', 'true'), prop('modelgate:pinned', 'true')] },
        {
          type: 'machine-learning-model',
          name: 'big.gguf',
          'bom-ref': 'model:models/big.gguf',
          supplier: acme,
          hashes: [{ alg: 'SHA-256', content: '2'.repeat(64) }],
          externalReferences: [{ url: `${blob}/models/big.gguf`, type: 'vcs' }],
          // An LFS pointer: the content was not in the checkout, so it was not scanned.
          properties: [prop('modelgate:change', 'modified'), prop('modelgate:format', 'gguf'), prop('modelgate:git-lfs-pointer', 'true'), prop('modelgate:path', 'models/big.gguf'), prop('modelgate:scan:result', 'not-scanned'), prop('modelgate:size', '5000')]
        },
        {
          type: 'machine-learning-model',
          name: 'm.safetensors',
          'bom-ref': 'model:models/m.safetensors',
          supplier: acme,
          hashes: [{ alg: 'SHA-256', content: '1'.repeat(64) }],
          externalReferences: [{ url: `${blob}/models/m.safetensors`, type: 'vcs' }],
          properties: [prop('modelgate:change', 'added'), prop('modelgate:format', 'safetensors'), prop('modelgate:path', 'models/m.safetensors'), prop('modelgate:scan:result', 'no-findings'), prop('modelgate:size', '80')]
        }
      ],
      dependencies: [
        { ref: 'dataset:data/train.csv' },
        { ref: 'hub:pkg:huggingface/org/base' },
        { ref: 'lib:pkg:pypi/torch@2.4.1' },
        { ref: 'model:models/big.gguf' },
        { ref: 'model:models/m.safetensors' },
        { ref: 'subject', dependsOn: ['dataset:data/train.csv', 'hub:pkg:huggingface/org/base', 'lib:pkg:pypi/torch@2.4.1', 'model:models/big.gguf', 'model:models/m.safetensors'] }
      ],
      compositions: [
        { aggregate: 'incomplete', assemblies: ['subject'] },
        // Named, not scanned: the hub model's files and the library's own dependencies.
        { aggregate: 'unknown', assemblies: ['hub:pkg:huggingface/org/base'], dependencies: ['lib:pkg:pypi/torch@2.4.1'] }
      ],
      annotations: [
        {
          'bom-ref': 'finding:1',
          // The finding is on the line that declares the hub reference.
          subjects: ['hub:pkg:huggingface/org/base'],
          annotator: { component: { type: 'application', name: 'modelgate', version: '0.1.0' } },
          timestamp: '2026-01-02T03:04:05.000Z',
          text: 'warning unpinned-hub-reference in train.py:9: not pinned Fix: pin it'
        }
      ]
    })
  })

  test('JSON 1.7 is valid against the 1.7 schema', async () => {
    expect(await schemaErrors(serializeBom(report, { ...opts, format: 'json', specVersion: '1.7' }), '1.7')).toBeNull()
  })

  test('XML: valid against the 1.6 and 1.7 XSDs, with the same components', async () => {
    const xml = serializeBom(report, { ...opts, format: 'xml' })
    expect(await xmlBomErrors(xml)).toEqual([])
    expect(await xsdErrors(serializeBom(report, { ...opts, format: 'xml', specVersion: '1.7' }), '1.7')).toEqual([])
    expect(xml.match(/<component type="[^"]+" bom-ref="[^"]+"/g)).toEqual([
      '<component type="application" bom-ref="tool:modelgate"',
      '<component type="application" bom-ref="subject"',
      '<component type="data" bom-ref="dataset:data/train.csv"',
      '<component type="machine-learning-model" bom-ref="hub:pkg:huggingface/org/base"',
      '<component type="library" bom-ref="lib:pkg:pypi/torch@2.4.1"',
      '<component type="machine-learning-model" bom-ref="model:models/big.gguf"',
      '<component type="machine-learning-model" bom-ref="model:models/m.safetensors"'
    ])
  })

  test('the schema check can fail: a broken BOM is rejected', async () => {
    const json = JSON.parse(serializeBom(report, { ...opts, format: 'json' }))
    json.components[0].type = 'weights'
    expect(await jsonBomErrors(JSON.stringify(json))).not.toBeNull()
    const xml = serializeBom(report, { ...opts, format: 'xml' }).replace('type="data"', 'type="weights"')
    expect((await xmlBomErrors(xml)).length).toBeGreaterThan(0)
  })
})
