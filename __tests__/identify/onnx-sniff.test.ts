import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { identify } from '../../src/identify/identify.js'
import { looksLikeOnnx } from '../../src/identify/onnx.js'
import { HEAD_BYTES } from '../../src/identify/sniff.js'
import { scan } from '../../src/engine/scan.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { makeTree } from '../support/tree.js'
import { SHARED } from '../support/shared.js'
import * as f from '../support/formats.js'

// Protobuf wire format, written out by hand so each negative case differs from a real model by one thing.
function varint(n: number): Buffer {
  const out: number[] = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return Buffer.from(out)
}
/** A field: a number is a varint (wire type 0), anything else length-delimited (wire type 2). */
function field(num: number, value: number | Buffer | string): Buffer {
  if (typeof value === 'number') return Buffer.concat([varint(num * 8), varint(value)])
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value)
  return Buffer.concat([varint(num * 8 + 2), varint(bytes.length), bytes])
}
const msg = (...fields: Buffer[]) => Buffer.concat(fields)

// NodeProto: input 1, output 2, op_type 4. ValueInfoProto: name 1. OperatorSetIdProto: domain 1, version 2.
const node = msg(field(1, 'X'), field(2, 'Y'), field(4, 'Relu'))
const graph = msg(field(1, node), field(2, 'g'), field(11, field(1, 'X')), field(12, field(1, 'Y')))
const opset = msg(field(1, ''), field(2, 17))
const ir = field(1, 8)
const producer = msg(field(2, 'pytorch'), field(3, '2.1.0'))
/** ir_version 8, producer, graph, opset_import, metadata_props: what torch.onnx.export writes, in miniature. */
const model = msg(ir, producer, field(7, graph), field(8, opset), field(14, msg(field(1, 'author'), field(2, 'me'))))

async function id(name: string, bytes: Buffer) {
  const got = await identify(name, new BufferByteSource(bytes))
  return got && { kind: got.kind, format: got.format, issues: got.issues }
}

describe('ONNX is identified by content, under any name', () => {
  test.each(['model.bin', 'blob7', 'weights/export.dat', 'm/model.onnx'])('%s', async (name) => {
    expect(await id(name, model)).toEqual({ kind: 'model', format: 'onnx', issues: [] })
  })

  test('the smallest accepted shapes: ir_version then graph; empty strings and an empty opset domain', () => {
    const smallest = msg(ir, field(7, graph))
    expect(looksLikeOnnx(smallest, smallest.length)).toBe(true)
    const onnxCaffe2 = msg(field(1, 3), field(2, 'onnx-caffe2'), field(3, ''), field(4, ''), field(5, 0), field(6, ''), field(7, graph), field(8, msg(field(1, ''), field(2, 9))))
    expect(looksLikeOnnx(onnxCaffe2, onnxCaffe2.length)).toBe(true)
    const versionOnlyOpset = msg(ir, field(7, graph), field(8, field(2, 13)), field(8, msg(field(1, 'ai.onnx.ml'), field(2, 3))))
    expect(looksLikeOnnx(versionOnlyOpset, versionOnlyOpset.length)).toBe(true)
  })

  test('a graph larger than the sniffed head: the fields before it decide', async () => {
    const initializer = msg(field(1, 40_000), field(2, 1), field(8, 'W'), field(9, Buffer.alloc(160_000, 0x3f))) // TensorProto dims, data_type, name, raw_data
    const big = msg(ir, producer, field(7, msg(field(5, initializer), field(1, node))), field(8, opset))
    expect(big.length).toBeGreaterThan(HEAD_BYTES)
    expect(await id('weights.bin', big)).toEqual({ kind: 'model', format: 'onnx', issues: [] })
  })

  test('a scan reports an ONNX model named model.bin, inspected as ONNX', async () => {
    const root = await makeTree({ 'export/model.bin': model, 'export/README.md': '---\nlicense: mit\n---\n' })
    const { report } = await scan({ root, failOn: 'error' })
    const artifact = report.artifacts.find((a) => a.path === 'export/model.bin')
    expect(artifact && [artifact.kind, artifact.format, artifact.sha256, artifact.facts.ir_version, artifact.facts.producer, artifact.facts.opsets, artifact.facts.op_types]).toEqual([
      'model',
      'onnx',
      f.sha256(model),
      8,
      'pytorch 2.1.0',
      'ai.onnx:17',
      'Relu:1'
    ])
    expect(report.findings).toEqual([])
  })
})

describe('near misses are not ONNX', () => {
  const cases: [string, Buffer][] = [
    ['no graph (a bare ir_version and producer)', f.onnx()],
    ['a TF SavedModel head: schema version 1, then a repeated message in field 2', msg(field(1, 1), field(2, msg(field(1, msg(field(1, 'serve'))))), field(2, msg(field(1, msg(field(1, 'x'))))))],
    ['ir_version 0', msg(field(1, 0), producer, field(7, graph))],
    ['ir_version 200', msg(field(1, 200), producer, field(7, graph))],
    ['a first field other than ir_version', msg(producer, ir, field(7, graph))],
    ['an unknown ModelProto field (9)', msg(ir, field(9, 'x'), field(7, graph))],
    ['model_version as a length-delimited field', msg(ir, field(5, 'x'), field(7, graph))],
    ['producer_name twice', msg(ir, field(2, 'a'), field(2, 'b'), field(7, graph))],
    ['fields out of order (graph before producer_name)', msg(ir, field(7, graph), field(2, 'pytorch'))],
    ['producer_name that is not UTF-8', msg(ir, field(2, Buffer.from([0x70, 0xff, 0xfe])), field(7, graph))],
    ['a graph whose length runs past the end of the file', msg(ir, producer, field(7, graph)).subarray(0, -3)],
    ['an empty graph', msg(ir, producer, field(7, Buffer.alloc(0)))],
    ['a graph whose first field (node) is a varint', msg(ir, field(7, msg(field(1, 5), field(1, node))))],
    ['a graph starting with a field GraphProto does not have (3)', msg(ir, field(7, msg(field(3, 'x'), field(1, node))))],
    ['a graph whose first field overruns the graph', msg(ir, field(7, Buffer.concat([Buffer.from([0x0a, 0x7f]), node])))],
    ['an opset_import that starts with an unknown field', msg(ir, field(7, graph), field(8, field(3, 'x')))],
    ['one byte of trailing garbage', Buffer.concat([model, Buffer.from([0x00])])],
    ['a complete model followed by a cut field', Buffer.concat([model, Buffer.from([0x72, 0x05, 0x0a])])],
    ['a varint that never ends', Buffer.concat([ir, Buffer.from([0x28]), Buffer.alloc(12, 0xff)])]
  ]
  test.each(cases)('%s', async (_what, bytes) => {
    expect(looksLikeOnnx(bytes, bytes.length)).toBe(false)
    expect(await id('blob', bytes)).toBeNull()
  })

  test('a file named .onnx still is ONNX by its name when it starts like one (its inspector then judges it)', async () => {
    expect(await id('m/model.onnx', f.onnx())).toEqual({ kind: 'model', format: 'onnx', issues: [] })
  })
})

describe('real files in ../shared', () => {
  test('exactly the .onnx files look like ONNX by content, and each is identified as ONNX under a neutral name', async () => {
    const files: string[] = []
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(path.join(dir, e.name))
        else if (e.isFile()) files.push(path.join(dir, e.name))
      }
    }
    await walk(path.join(SHARED, 'real-models'))
    await walk(path.join(SHARED, 'real-world'))
    const onnx: string[] = []
    for (const file of files) {
      const bytes = await readFile(file)
      if (looksLikeOnnx(bytes.subarray(0, HEAD_BYTES), bytes.length)) onnx.push(path.relative(SHARED, file))
    }
    expect(onnx.sort()).toEqual(files.filter((p) => p.endsWith('.onnx')).map((p) => path.relative(SHARED, p)).sort())
    expect(onnx.length).toBe(11)
    for (const rel of onnx) expect([rel, await id('blob7', await readFile(path.join(SHARED, rel)))]).toEqual([rel, { kind: 'model', format: 'onnx', issues: [] }])
  })
})
