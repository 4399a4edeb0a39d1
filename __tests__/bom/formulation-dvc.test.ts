/** A DVC pipeline in the repository becomes the BOM's `formulation`: stages as tasks over the BOM's own components. */
import { serializeBom } from '../../src/bom/cyclonedx.js'
import * as f from '../support/formats.js'
import { jsonBomErrors } from '../support/cyclonedx.js'
import { makeTree } from '../support/tree.js'
import { BOM_NOW, scanLikeCli } from './scan-like-cli.js'

test('dvc.yaml stages are tasks whose inputs and outputs resolve to the dataset and model components', async () => {
  const root = await makeTree({
    'dvc.yaml': 'stages:\n  prepare:\n    cmd: python prep.py\n    deps: [raw/iris.csv, prep.py]\n    outs: [data/train.csv]\n  train:\n    cmd: python train.py\n    deps: [data/train.csv, train.py]\n    outs: [models/clf.safetensors]\n',
    'raw/iris.csv': 'a,b\n1,2\n',
    'data/train.csv': 'a,b\n1,2\n3,4\n',
    'models/clf.safetensors': f.smallSafetensors(),
    'prep.py': 'print(1)\n',
    'train.py': 'print(2)\n'
  })
  const report = await scanLikeCli(root)
  expect(report.artifacts.find((a) => a.path === 'dvc.yaml')?.stages).toEqual([
    { name: 'prepare', cmd: 'python prep.py', deps: ['raw/iris.csv', 'prep.py'], outs: ['data/train.csv'] },
    { name: 'train', cmd: 'python train.py', deps: ['data/train.csv', 'train.py'], outs: ['models/clf.safetensors'] }
  ])
  const json = serializeBom(report, { subject: 'iris', format: 'json', now: BOM_NOW })
  expect(await jsonBomErrors(json)).toBeNull()
  const bom = JSON.parse(json)
  const refs = new Set<string>(bom.components.map((c: { 'bom-ref': string }) => c['bom-ref']))
  const pipeline = bom.formulation.find((x: { 'bom-ref': string }) => x['bom-ref'] === 'formula:dvc.yaml')
  const [workflow] = pipeline.workflows
  expect(workflow.taskDependencies).toEqual([{ ref: 'task:dvc.yaml:prepare' }, { ref: 'task:dvc.yaml:train', dependsOn: ['task:dvc.yaml:prepare'] }])
  const tasks = Object.fromEntries(workflow.tasks.map((t: { name: string }) => [t.name, t]))
  expect(tasks.prepare).toEqual({
    'bom-ref': 'task:dvc.yaml:prepare',
    uid: 'dvc.yaml:prepare',
    name: 'prepare',
    taskTypes: ['build'],
    steps: [{ name: 'prepare', commands: [{ executed: 'python prep.py' }] }],
    inputs: [{ resource: { ref: 'dataset:raw/iris.csv' } }],
    outputs: [{ type: 'artifact', resource: { ref: 'dataset:data/train.csv' } }],
    properties: [{ name: 'modelgate:input', value: 'prep.py' }]
  })
  expect(tasks.train.inputs).toEqual([{ resource: { ref: 'dataset:data/train.csv' } }])
  expect(tasks.train.outputs).toEqual([{ type: 'artifact', resource: { ref: 'model:models/clf.safetensors' } }])
  // every ref the formulation uses is a component of the BOM
  for (const t of workflow.tasks) for (const io of [...(t.inputs ?? []), ...(t.outputs ?? [])]) expect(refs.has(io.resource.ref)).toBe(true)
})
