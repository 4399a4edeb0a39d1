/**
 * Property tests: the joblib reader and identification never throw on random or mutated
 * bytes and do bounded work (reads counted), and the format parsers, the joblib reader,
 * identification and the pickle sniffer do not grow the heap over thousands of hostile
 * inputs (measured after a forced collection, with a generous bound; no timing).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { deflateSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { RULE_IDS } from '../../src/types.js'
import { identify } from '../../src/identify/identify.js'
import { PICKLE_SNIFF_LIMITS, sniffPickle } from '../../src/identify/pickle-sniff.js'
import { HEAD_BYTES } from '../../src/identify/sniff.js'
import { inspectJoblib } from '../../src/inspect/containers/joblib.js'
import { scanZipPickles } from '../../src/inspect/containers/zip-members.js'
import { inspectGguf, inspectNpy, inspectNpz, inspectOnnx, inspectSafetensors, inspectTflite } from '../../src/inspect/formats/index.js'
import type { InspectResult } from '../../src/inspect/types.js'
import { BufferByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { benignDict, legacyTorch, pb, proto0System } from '../pickle/builder.js'
import { gguf, npy, onnxModel, safetensors, tflite, zip } from '../formats/fixtures/bytes.js'
import { craftZip } from './archive-fixtures.js'

/** Counts reads (calls, bytes) and streamed bytes. */
class Counting implements ByteSource {
  reads = 0
  totalRead = 0
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size
  }
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads++
    const b = await this.inner.read(offset, length)
    this.totalRead += b.length
    return b
  }
  async *stream(start?: number, end?: number): AsyncIterable<Buffer> {
    for await (const c of this.inner.stream(start, end)) {
      this.totalRead += c.length
      yield c
    }
  }
}

const mutate = (seed: Buffer) =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const b = Buffer.from(seed)
      for (const [i, v] of edits) b[i] = v
      return b
    }),
    fc.nat(seed.length).map((n) => seed.subarray(0, n)),
    fc.tuple(fc.nat(Math.max(0, seed.length - 8)), fc.constantFrom(0xffffffff, 0x7fffffff, 2 ** 40, 2 ** 53 - 1, 1e9)).map(([i, v]) => {
      const b = Buffer.from(seed)
      if (i + 8 <= b.length) b.writeBigUInt64LE(BigInt(v), i)
      return b
    }),
    // Pickle opcodes spliced in where they change the most: PROTO, FRAME, STACK_GLOBAL, REDUCE, STOP.
    fc.tuple(fc.nat(Math.max(0, seed.length - 1)), fc.constantFrom(0x80, 0x95, 0x93, 0x52, 0x2e, 0x28, 0x63)).map(([i, v]) => {
      const b = Buffer.from(seed)
      b[i] = v
      return b
    })
  )

function checkResult(r: InspectResult): void {
  for (const i of r.issues) {
    expect(RULE_IDS).toContain(i.rule)
    expect(['error', 'warning', 'note']).toContain(i.severity)
    expect(i.message.length).toBeLessThan(4000)
  }
  for (const v of Object.values(r.facts)) expect(['string', 'number', 'boolean']).toContain(typeof v)
}

const system = pb().proto(2).global('os', 'system').unicode('id').tuple(1).reduce().stop().build()
const joblibSeeds = {
  zlib: deflateSync(system),
  split: Buffer.concat([deflateSync(system.subarray(0, 7)), deflateSync(system.subarray(7))]),
  gzip: gzipSync(benignDict())
}

describe('fuzz the joblib reader', () => {
  it.each([
    ['zlib', joblibSeeds.zlib],
    ['zlib', joblibSeeds.split],
    ['gzip', joblibSeeds.gzip]
  ])('never throws on random and mutated %s data, and reads at most each stream start to the end once', async (compression, seed) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutate(seed), fc.uint8Array({ maxLength: 1024 }).map((u) => Buffer.from(u))), async (bytes) => {
        const s = new Counting(new BufferByteSource(bytes))
        checkResult(await inspectJoblib(s, compression))
        // A zlib stream is at least 8 bytes, and each start re-reads at most the rest of the file.
        expect(s.totalRead).toBeLessThanOrEqual(bytes.length * (Math.floor(bytes.length / 8) + 1))
      }),
      { numRuns: 300 }
    )
  })

  it('the seeds name their payload', async () => {
    expect((await inspectJoblib(new BufferByteSource(joblibSeeds.split), 'zlib')).issues.map((i) => i.rule)).toEqual(['unsafe-serialization'])
    expect((await inspectJoblib(new BufferByteSource(joblibSeeds.gzip), 'gzip')).issues).toEqual([])
  })
})

const NAMES = ['model', 'model.bin', 'model.pt', 'model.pkl', 'weights.npy', 'model.joblib', 'notes.txt', 'data/table.csv', 'model.safetensors', 'a.zip', 'config.json']
const identifySeeds = [
  Buffer.concat([Buffer.from('\x80\x01X\x88\x13\x00\x00', 'latin1'), Buffer.alloc(5000, 0x61), Buffer.from('0cos\nsystem\n\x8c\x02id\x85R.', 'latin1')]),
  benignDict(),
  proto0System(),
  legacyTorch(benignDict()),
  craftZip([{ name: 'archive/data.pkl', data: benignDict(), flags: 0x1 }, { name: 'archive/code/__torch__/m.py', data: Buffer.from('os.system("x")\n') }]),
  joblibSeeds.split,
  npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(8)),
  Buffer.from('sepal_length,sepal_width\n5.1,3.5\n')
]

describe('fuzz identification', () => {
  it('never throws on random or mutated bytes under any name, with a bounded number of reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...NAMES),
        fc.oneof(fc.uint8Array({ maxLength: 2048 }).map((u) => Buffer.from(u)), ...identifySeeds.map(mutate)),
        async (name, bytes) => {
          const s = new Counting(new BufferByteSource(bytes))
          const id = await identify(name, s)
          if (id) for (const i of id.issues) expect(RULE_IDS).toContain(i.rule)
          // Head, pickle-sniff windows, and the zip/tar probes of each member (at most 200 heads).
          expect(s.reads).toBeLessThanOrEqual(1 + PICKLE_SNIFF_LIMITS.maxFetches + 10 + 3 * Math.ceil(bytes.length / 30))
        }
      ),
      { numRuns: 600 }
    )
  })

  it('the pickle sniffer reads the head plus at most maxFetches windows, on any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 4096 }).map((u) => Buffer.from(u)), ...identifySeeds.slice(0, 4).map(mutate)), async (bytes) => {
        const s = new Counting(new BufferByteSource(bytes))
        await sniffPickle(s, bytes.subarray(0, HEAD_BYTES))
        expect(s.reads).toBeLessThanOrEqual(PICKLE_SNIFF_LIMITS.maxFetches)
      }),
      { numRuns: 600 }
    )
  })
})

/** A forced full collection (the flag is set at run time, then `gc` is taken from a fresh context). */
function collect(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

describe('bounded memory', () => {
  const arr = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", Buffer.alloc(16))
  const parsers: Array<[(s: ByteSource) => Promise<unknown>, Buffer]> = [
    [(s) => inspectSafetensors(s, { path: 'm.safetensors' }), safetensors({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, 16)],
    [(s) => inspectGguf(s, { path: 'm.gguf' }), gguf([['general.architecture', { t: 'str', v: 'llama' }]], [{ name: 'w', dims: [8], type: 0, offset: 0 }], { dataBytes: 32 })],
    [(s) => inspectOnnx(s, { path: 'm.onnx' }), onnxModel({ nodes: [{ op: 'Conv' }], initializers: [{ name: 'w', raw: Buffer.alloc(8) }] })],
    [(s) => inspectTflite(s, { path: 'm.tflite' }), tflite({ ops: [0, 'Custom'], subgraphs: [2] })],
    [(s) => inspectNpy(s, { path: 'a.npy' }), arr],
    [(s) => inspectNpz(s, { path: 'a.npz' }), zip([{ name: 'a.npy', data: arr, deflate: true }])],
    [(s) => inspectJoblib(s, 'zlib'), joblibSeeds.split],
    [(s) => scanZipPickles(s, { kind: 'PyTorch archive', framework: 'torch' }), identifySeeds[4]!],
    [(s) => identify('model', s), identifySeeds[0]!],
    [(s) => sniffPickle(s, Buffer.alloc(0)), legacyTorch(benignDict())]
  ]

  it('the heap does not grow over 3000 runs of the parsers on mutated inputs', async () => {
    const inputs = parsers.map(([, seed]) => fc.sample(mutate(seed), { numRuns: 300, seed: 11 }))
    const round = async () => {
      for (const [k, [parse]] of parsers.entries()) for (const b of inputs[k]!) await parse(new BufferByteSource(b))
    }
    await round() // warm up: compiled code, caches, lazily loaded modules
    collect()
    const before = process.memoryUsage().heapUsed
    await round()
    await round()
    collect()
    const grown = process.memoryUsage().heapUsed - before
    // Leaking even 10 KB per run would add 60 MB; a steady state stays within noise.
    expect(grown).toBeLessThan(16 * 1024 * 1024)
  })
})
