/**
 * Property tests: random and mutated inputs never make a parser throw or hang, every issue
 * uses a known rule, and no single read asks for more than the file (whatever lengths the
 * input claims, beyond a small constant).
 */
import fc from 'fast-check'
import { RULE_IDS } from '../../src/types.js'
import type { InspectResult } from '../../src/inspect/types.js'
import type { ByteSource } from '../../src/util/byte-source.js'
import {
  inspectChatTemplateFile,
  inspectGguf,
  inspectHdf5,
  inspectKeras,
  inspectNpy,
  inspectNpz,
  inspectOnnx,
  inspectSafetensors,
  inspectSavedModel,
  inspectTfjs,
  inspectTflite
} from '../../src/inspect/formats/index.js'
import { CountingSource, gguf, hdf5WithAttrs, npy, onnxModel, safetensors, savedModel, src, tflite, zip } from './fixtures/bytes.js'

const arr = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Buffer.alloc(16))
const seeds: Array<[string, (s: ByteSource) => Promise<InspectResult>, Buffer]> = [
  ['safetensors', inspectSafetensors, safetensors({ __metadata__: { format: 'pt' }, w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, 16)],
  ['gguf', inspectGguf, gguf([['general.architecture', { t: 'str', v: 'llama' }], ['tokenizer.ggml.tokens', { t: 'arr-str', v: ['a', 'b'] }]], [{ name: 'w', dims: [8], type: 0, offset: 0 }], { dataBytes: 32 })],
  ['onnx', inspectOnnx, onnxModel({ nodes: [{ op: 'Conv' }, { op: 'If', subgraph: [{ op: 'Relu' }] }], initializers: [{ name: 'w', raw: Buffer.alloc(8) }, { name: 'x', location: 'x.bin' }] })],
  ['savedmodel', inspectSavedModel, savedModel(['Const', 'Identity'], ['serve'], ['MatMul'])],
  ['npy', inspectNpy, arr],
  ['npz', inspectNpz, zip([{ name: 'a.npy', data: arr }, { name: 'b.npy', data: arr, deflate: true }])],
  ['keras', inspectKeras, zip([{ name: 'config.json', data: '{"class_name":"Sequential","config":{"layers":[]}}', deflate: true }, { name: 'metadata.json', data: '{}' }])],
  ['tflite', inspectTflite, tflite({ ops: [0, 'Custom'], subgraphs: [2] })],
  ['hdf5', inspectHdf5, hdf5WithAttrs([['keras_version', '2.1'], ['model_config', '{"class_name":"Sequential","config":{"layers":[]}}']])],
  ['tfjs', inspectTfjs, Buffer.from('{"format":"layers-model","modelTopology":{},"weightsManifest":[{"paths":["a.bin"],"weights":[]}]}')],
  ['chat template', (s) => inspectChatTemplateFile(s, { path: 'tokenizer_config.json' }), Buffer.from('{"chat_template":"{{ x }}"}')]
]

const mutate = (seed: Buffer) =>
  fc.oneof(
    // Flip bytes at random positions.
    fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const b = Buffer.from(seed)
      for (const [i, v] of edits) b[i] = v
      return b
    }),
    // Truncate.
    fc.nat(seed.length).map((n) => seed.subarray(0, n)),
    // Splice in large little-endian numbers (claimed lengths/counts/offsets).
    fc.tuple(fc.nat(Math.max(0, seed.length - 8)), fc.constantFrom(0xffffffff, 0x7fffffff, 2 ** 40, 2 ** 53 - 1, 1e9)).map(([i, v]) => {
      const b = Buffer.from(seed)
      if (i + 8 <= b.length) b.writeBigUInt64LE(BigInt(v), i)
      return b
    })
  )

async function check(parse: (s: ByteSource) => Promise<InspectResult>, bytes: Uint8Array): Promise<void> {
  const s = new CountingSource(src(bytes))
  const r = await parse(s)
  expect(typeof r.facts).toBe('object')
  for (const i of r.issues) {
    expect(RULE_IDS).toContain(i.rule)
    expect(['error', 'warning', 'note']).toContain(i.severity)
    expect(i.message.length).toBeGreaterThan(0)
    expect(i.message.length).toBeLessThan(2000)
  }
  for (const v of Object.values(r.facts)) expect(['string', 'number', 'boolean']).toContain(typeof v)
  // yauzl reads a central-directory record in one go: at most 46 + 3 * 65535 bytes.
  expect(s.maxRequest).toBeLessThanOrEqual(Math.max(bytes.length, 1 << 18))
}

describe.each(seeds)('fuzz %s', (_name, parse, seed) => {
  it('parses its seed without an error', async () => {
    const r = await parse(src(seed))
    expect(r.issues.filter((i) => i.rule === 'unparseable-artifact' && i.severity === 'error')).toEqual([])
  })

  it('survives random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), (b) => check(parse, b)), { numRuns: 200 })
  })

  it('survives mutated valid files', async () => {
    await fc.assert(fc.asyncProperty(mutate(seed), (b) => check(parse, b)), { numRuns: 400 })
  })
})
