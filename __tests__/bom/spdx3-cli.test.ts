import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { writeBom } from '../../src/action/report-files.js'
import { cli } from '../support/cli.js'
import { spdx3RefProblems, spdx3SchemaErrors } from '../support/spdx3.js'
import { makeTree } from '../support/tree.js'
import * as f from '../support/formats.js'
import { kitchenSink } from './reports.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('modelgate scan --bom FILE --bom-format spdx3', () => {
  test('writes a schema-valid SPDX 3.0.1 document: the model folder with its files and hashes, the dataset, the card license', async () => {
    const root = await makeTree({ 'm/model.safetensors': f.smallSafetensors(), 'm/README.md': '---\nlicense: mit\npipeline_tag: fill-mask\n---\n', 'data/train.csv': 'a,b\n1,2\n' })
    const r = await cli(root, 'scan', '--bom', 'out/bom.spdx.json', '--bom-format', 'spdx3')
    expect([r.code, r.stderr]).toEqual([0, ''])
    const doc = JSON.parse(await readFile(path.join(root, 'out', 'bom.spdx.json'), 'utf8')) as Json
    expect(spdx3SchemaErrors(doc)).toEqual([])
    expect(spdx3RefProblems(doc)).toEqual({ duplicates: [], dangling: [] })

    const graph = doc['@graph'] as Json[]
    const ns = (graph[1]!.spdxId as string).split('#')[0]!
    const byKey = (key: string) => graph.find((e) => e.spdxId === `${ns}#${key}`)
    const subject = path.basename(root)
    expect(graph[0]).toMatchObject({ type: 'CreationInfo', specVersion: '3.0.1', createdBy: [`${ns}#agent:modelgate`] })
    expect(byKey('subject')).toMatchObject({ type: 'software_Package', name: subject })
    expect(byKey('model:m')).toMatchObject({ type: 'ai_AIPackage', name: 'm', software_primaryPurpose: 'model', ai_domain: ['fill-mask'] })
    expect(byKey('file:m/model.safetensors')).toMatchObject({ type: 'software_File', verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: f.sha256(f.smallSafetensors()) }] })
    expect(byKey('dataset:data/train.csv')).toMatchObject({
      type: 'dataset_DatasetPackage',
      name: 'train.csv',
      verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: f.sha256('a,b\n1,2\n') }],
      dataset_datasetSize: 8,
      dataset_datasetType: ['structured']
    })
    const rel = (from: string, type: string) => graph.find((e) => e.type === 'Relationship' && e.from === `${ns}#${from}` && e.relationshipType === type)?.to
    expect(rel('subject', 'contains')).toEqual([`${ns}#dataset:data/train.csv`, `${ns}#model:m`])
    expect(rel('model:m', 'contains')).toEqual([`${ns}#file:m/README.md`, `${ns}#file:m/model.safetensors`])
    expect(rel('model:m', 'hasDeclaredLicense')).toEqual([`${ns}#license:MIT`])
    expect(byKey('license:MIT')).toMatchObject({ type: 'simplelicensing_LicenseExpression', simplelicensing_licenseExpression: 'MIT' })
  })

  test('the CycloneDX formats stay the default; an unknown format is a usage error naming the three', async () => {
    const root = await makeTree({ 'm.safetensors': f.smallSafetensors() })
    expect((await cli(root, 'scan', '--bom', 'bom.json')).code).toBe(0)
    expect(JSON.parse(await readFile(path.join(root, 'bom.json'), 'utf8'))).toMatchObject({ bomFormat: 'CycloneDX' })
    expect(await cli(root, 'scan', '--bom', 'bom.json', '--bom-format', 'spdx2')).toEqual({ code: 2, stdout: '', stderr: 'modelgate: --bom-format spdx2: expected one of json, xml, spdx3\n' })
  })
})

describe('the action writes the BOM in the format of its bom-format input', () => {
  test('spdx3: SPDX 3.0.1 for the repository; json: CycloneDX', async () => {
    const ws = await makeTree({})
    const file = await writeBom(ws, 'out/modelgate-bom.spdx.json', kitchenSink(), 'acme/models', 'spdx3')
    expect(file).toBe(path.join(ws, 'out', 'modelgate-bom.spdx.json'))
    const doc = JSON.parse(await readFile(file, 'utf8')) as Json
    expect(spdx3SchemaErrors(doc)).toEqual([])
    expect((doc['@graph'] as Json[]).find((e) => e.type === 'software_Package' && e.name === 'acme/models')).toMatchObject({ software_packageUrl: 'pkg:github/acme/models' })
    const cdx = JSON.parse(await readFile(await writeBom(ws, 'bom.cdx.json', kitchenSink(), 'acme/models'), 'utf8')) as Json
    expect(cdx.bomFormat).toBe('CycloneDX')
  })
})
