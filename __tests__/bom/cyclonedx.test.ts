import { buildBom, serializeBom } from '../../src/bom/cyclonedx.js'
import type { Report } from '../../src/types.js'
import { jsonBomErrors, xmlBomErrors } from '../support/cyclonedx.js'

const report: Report = {
  schemaVersion: 1,
  tool: { name: 'ModelGate', version: '0.1.0' },
  mode: 'change',
  verdict: 'pass',
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  artifacts: [
    { path: 'models/m.safetensors', kind: 'model', format: 'safetensors', change: 'added', size: 80, sha256: '1'.repeat(64), lfs: null, signature: null, license: null, facts: { tensors: 1 } },
    { path: 'models/big.gguf', kind: 'model', format: 'gguf', change: 'modified', size: 5000, sha256: '2'.repeat(64), lfs: { oid: '2'.repeat(64), size: 5000 }, signature: null, license: null, facts: {} },
    { path: 'data/train.csv', kind: 'dataset', format: 'csv', change: 'unchanged', size: 10, sha256: '3'.repeat(64), lfs: null, signature: null, license: null, facts: {} },
    { path: 'old/gone.onnx', kind: 'model', format: 'onnx', change: 'removed', size: 10, sha256: '4'.repeat(64), lfs: null, signature: null, license: null, facts: {} },
    { path: 'requirements.txt', kind: 'dependency-manifest', format: 'requirements', change: 'added', size: 10, sha256: '5'.repeat(64), lfs: null, signature: null, license: null, facts: {} }
  ],
  dependencies: [],
  findings: []
}
const opts = { subject: 'acme/models', now: new Date('2026-01-02T03:04:05.000Z'), serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79' }

describe('CycloneDX BOM', () => {
  test('JSON: exact content, valid against the 1.6 schema', async () => {
    const json = serializeBom(buildBom(report, { ...opts, format: 'json' }), 'json')
    expect(await jsonBomErrors(json)).toBeNull()
    const prop = (name: string, value: string) => ({ name, value })
    expect(JSON.parse(json)).toEqual({
      $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: opts.serialNumber,
      version: 1,
      metadata: {
        timestamp: '2026-01-02T03:04:05.000Z',
        lifecycles: [{ phase: 'build' }],
        tools: { components: [{ type: 'application', name: 'modelgate', group: 'modelgate', version: '0.1.0' }] },
        component: { type: 'application', name: 'acme/models', 'bom-ref': 'subject' },
        properties: [prop('modelgate:scan:base', 'a'.repeat(40)), prop('modelgate:scan:head', 'b'.repeat(40)), prop('modelgate:scan:mode', 'change')]
      },
      components: [
        {
          type: 'data',
          name: 'train.csv',
          'bom-ref': 'dataset:data/train.csv',
          hashes: [{ alg: 'SHA-256', content: '3'.repeat(64) }],
          properties: [prop('modelgate:format', 'csv'), prop('modelgate:path', 'data/train.csv'), prop('modelgate:size', '10')]
        },
        {
          type: 'machine-learning-model',
          name: 'big.gguf',
          'bom-ref': 'model:models/big.gguf',
          hashes: [{ alg: 'SHA-256', content: '2'.repeat(64) }],
          properties: [
            prop('modelgate:change', 'modified'),
            prop('modelgate:format', 'gguf'),
            prop('modelgate:git-lfs-pointer', 'true'),
            prop('modelgate:path', 'models/big.gguf'),
            prop('modelgate:size', '5000')
          ]
        },
        {
          type: 'machine-learning-model',
          name: 'm.safetensors',
          'bom-ref': 'model:models/m.safetensors',
          hashes: [{ alg: 'SHA-256', content: '1'.repeat(64) }],
          properties: [
            prop('modelgate:change', 'added'),
            prop('modelgate:fact:tensors', '1'),
            prop('modelgate:format', 'safetensors'),
            prop('modelgate:path', 'models/m.safetensors'),
            prop('modelgate:size', '80')
          ]
        }
      ],
      dependencies: [
        { ref: 'dataset:data/train.csv' },
        { ref: 'model:models/big.gguf' },
        { ref: 'model:models/m.safetensors' },
        { ref: 'subject', dependsOn: ['dataset:data/train.csv', 'model:models/big.gguf', 'model:models/m.safetensors'] }
      ]
    })
  })

  test('XML: valid against the 1.6 XSD, with the same components', async () => {
    const xml = serializeBom(buildBom(report, { ...opts, format: 'xml' }), 'xml')
    expect(await xmlBomErrors(xml)).toEqual([])
    expect(xml.match(/<component type="[^"]+" bom-ref="[^"]+"/g)).toEqual([
      '<component type="application" bom-ref="subject"',
      '<component type="data" bom-ref="dataset:data/train.csv"',
      '<component type="machine-learning-model" bom-ref="model:models/big.gguf"',
      '<component type="machine-learning-model" bom-ref="model:models/m.safetensors"'
    ])
  })

  test('the schema check can fail: a broken BOM is rejected', async () => {
    const json = JSON.parse(serializeBom(buildBom(report, { ...opts, format: 'json' }), 'json'))
    json.components[0].type = 'weights'
    expect(await jsonBomErrors(JSON.stringify(json))).not.toBeNull()
    const xml = serializeBom(buildBom(report, { ...opts, format: 'xml' }), 'xml').replace('type="data"', 'type="weights"')
    expect((await xmlBomErrors(xml)).length).toBeGreaterThan(0)
  })
})
