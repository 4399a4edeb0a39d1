import { inspectOnnx } from '../../src/inspect/formats/onnx.js'
import { inspectSavedModel } from '../../src/inspect/formats/savedmodel.js'
import { CountingSource, onnxModel, pb, savedModel, src } from './fixtures/bytes.js'

describe('inspectOnnx', () => {
  it('reads model facts, counts ops and walks subgraphs', async () => {
    const file = onnxModel({
      ir: 8,
      producer: ['pytorch', '2.1.0'],
      opsets: [['', 17], ['ai.onnx.ml', 3]],
      graphName: 'main',
      nodes: [{ op: 'Conv' }, { op: 'Relu' }, { op: 'Conv' }, { op: 'If', subgraph: [{ op: 'Relu' }] }],
      initializers: [{ name: 'w', raw: Buffer.alloc(64) }]
    })
    const r = await inspectOnnx(src(file))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'onnx',
      ir_version: 8,
      producer_name: 'pytorch',
      producer_version: '2.1.0',
      producer: 'pytorch 2.1.0',
      graph_name: 'main',
      opsets: 'ai.onnx:17,ai.onnx.ml:3',
      nodes: 4,
      op_types: 'Conv:2,Relu:2,If:1',
      initializers: 1
    })
  })

  it('skips raw_data by length instead of reading it', async () => {
    const big = Buffer.alloc(8 << 20, 7)
    const s = new CountingSource(src(onnxModel({ initializers: [{ name: 'w', raw: big }] })))
    const r = await inspectOnnx(s)
    expect(r.facts.initializers).toBe(1)
    expect(s.totalRead).toBeLessThan(1 << 18)
  })

  it('lists external data and flags locations that escape the model directory', async () => {
    const r = await inspectOnnx(
      src(onnxModel({ initializers: [{ name: 'a', location: 'model.onnx.data' }, { name: 'b', location: '../../etc/passwd' }, { name: 'c', location: '/abs/path.bin' }] }))
    )
    expect(r.facts.external_data).toBe('../../etc/passwd,/abs/path.bin,model.onnx.data')
    expect(r.issues.map((i) => [i.rule, i.severity])).toEqual([
      ['unsafe-serialization', 'error'],
      ['unsafe-serialization', 'error']
    ])
    expect(r.issues[0]?.message).toBe(
      'Tensor "b" stores its data at external location "../../etc/passwd", which climbs out of the model directory with `..`: loading the model reads a file outside the model directory.'
    )
  })

  it('notes custom operator domains', async () => {
    const r = await inspectOnnx(src(onnxModel({ nodes: [{ op: 'Evil', domain: 'com.example' }], opsets: [['', 17], ['com.example', 1]] })))
    expect(r.facts.custom_domains).toBe('com.example')
    expect(r.facts.op_types).toBe('com.example.Evil:1')
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unsafe-serialization', severity: 'note' })])
  })

  it.each([
    ['truncated', onnxModel().subarray(0, 20), /Malformed ONNX: .* at offset \d+\./],
    ['group wire type', Buffer.concat([pb.int(1, 7), Buffer.from([0x0b])]), /unsupported wire type 3/],
    ['no graph', pb.int(1, 7), /Not an ONNX model: no graph field found/],
    ['length overflow', Buffer.concat([pb.int(1, 7), Buffer.from([0x3a]), pb.varint(1n << 40n)]), /length 1099511627776 of field 7 runs past the end/]
  ])('%s is unparseable', async (_n, file, message) => {
    const r = await inspectOnnx(src(file))
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unparseable-artifact', severity: 'error' })
    expect(r.issues[0]?.message).toMatch(message)
  })

  it('caps nesting depth', async () => {
    let g = Buffer.concat([pb.bytes(2, 'leaf')])
    for (let i = 0; i < 40; i++) g = Buffer.concat([pb.msg(1, pb.bytes(4, 'If'), pb.msg(5, pb.msg(6, g)))])
    const r = await inspectOnnx(src(Buffer.concat([pb.int(1, 7), pb.msg(7, g)])))
    expect(r.issues[0]?.message).toMatch(/nest deeper than 16 levels|nesting deeper than 32/)
  })
})

describe('inspectSavedModel', () => {
  it('reads tags and op names from the graph and its function library', async () => {
    const r = await inspectSavedModel(src(savedModel(['Placeholder', 'StatefulPartitionedCall'], ['serve'], ['MatMul', 'Relu', 'MatMul'])))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'tf-savedmodel',
      framework: 'tensorflow',
      saved_model_schema_version: 1,
      tensorflow_version: '2.15.0',
      meta_graphs: 1,
      tags: 'serve',
      nodes: 5,
      functions: 1,
      op_types: 'MatMul:2,Placeholder:1,Relu:1,StatefulPartitionedCall:1',
      distinct_ops: 4
    })
  })

  it('flags file-system ops as errors and py_func ops as notes', async () => {
    const r = await inspectSavedModel(src(savedModel(['Const'], ['serve'], ['ReadFile', 'WriteFile', 'EagerPyFunc'])))
    expect(r.issues.map((i) => [i.severity, i.message.match(/\(([^)]*)\)/)?.[1]])).toEqual([
      ['error', 'ReadFile, WriteFile'],
      ['note', 'EagerPyFunc']
    ])
  })

  it('rejects a file without meta graphs', async () => {
    const r = await inspectSavedModel(src(pb.int(1, 1)))
    expect(r.issues[0]?.message).toBe('Not a SavedModel: no meta_graphs.')
  })
})
