/**
 * joblib's inline arrays: the bytes NumpyPickler writes raw after a NumpyArrayWrapper
 * BUILD are skipped exactly (or, for object arrays, scanned as the pickle they are),
 * every chunking gives the same answer, and lengths that cannot be known fail closed.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync, inflateSync } from 'node:zlib'
import { scanPickle, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { arrayBytes, arrayWrapper, pb, type ArraySpec, type PickleBuilder } from './builder.js'

const out = path.resolve(import.meta.dirname, '../../../shared/real-models/out')

/** Scans with several chunkings; they must agree. */
async function scan(data: Buffer): Promise<PickleScanResult> {
  const runs: PickleScanResult[] = []
  for (const size of [1, 7, 64, data.length]) {
    const chunks: Buffer[] = []
    for (let i = 0; i < data.length; i += size) chunks.push(data.subarray(i, i + size))
    runs.push(await scanPickle(chunks))
  }
  for (const r of runs.slice(1)) expect(r.issues).toEqual(runs[0]!.issues)
  return runs[0]!
}

const kinds = (r: PickleScanResult) => r.issues.map((i) => `${i.severity}:${i.rule}`)
const nested = (body: (b: PickleBuilder) => void) => {
  const b = pb().proto(2)
  body(b)
  return b.stop().build()
}
const osSystem = nested((b) => b.global('os', 'system').mark().string("'id'").tuple().reduce())

describe('joblib arrays inline in the pickle stream', () => {
  it('skips aligned and unaligned arrays and resumes at the next opcode', async () => {
    const b = pb().proto(4).emptyList().mark()
    arrayBytes(arrayWrapper(b, { shape: [3], code: 'f8' }), true, Buffer.alloc(24, 0xff))
    arrayBytes(arrayWrapper(b, { shape: [2, 2], code: 'i4', aligned: false }), false, Buffer.alloc(16, 0))
    const data = b.unicode('end').appends().stop().build()
    const r = await scan(data)
    expect(r.issues).toEqual([])
    expect(r).toMatchObject({ complete: true, pickles: 1, stats: { bytesRead: data.length } })
  })

  // The filler is 0xff (never an opcode) and the import sits right after it: skipping one
  // byte too few parses 0xff, one too many parses "s\nsystem" (no MARK for 's'): either
  // way os.system is never seen. Sizes follow numpy's itemsize for each code.
  const sized: [string, ArraySpec, number][] = [
    ['f8 (3,)', { shape: [3], code: 'f8' }, 24], ['b1 (5,)', { shape: [5], code: 'b1' }, 5],
    ['c16 (2,)', { shape: [2], code: 'c16' }, 32], ['f2 (3,)', { shape: [3], code: 'f2' }, 6],
    ['U3 (2,) = 4 bytes a char', { shape: [2], code: 'U3', elsize: 12 }, 24], ['S5 (3,)', { shape: [3], code: 'S5', elsize: 5 }, 15],
    ['U3 (2,) without dtype state', { shape: [2], code: 'U3', noState: true }, 24], ['i8 (2,) without dtype state', { shape: [2], code: 'i8', noState: true }, 16],
    ['M8 (2,)', { shape: [2], code: 'M8' }, 16], ['0-d f4', { shape: [], code: 'f4' }, 4], ['empty (0, 4)', { shape: [0, 4], code: 'f8' }, 0],
    // structured/subarray dtypes are 'V<n>' and their BUILD state's elsize wins (numpy's __setstate__)
    ['V8 with state elsize 56', { shape: [2], code: 'V8', elsize: 56 }, 112]
  ]
  it.each(sized.flatMap(([n, s, bytes]) => [true, false].map((aligned) => [`${n}${aligned ? ' aligned' : ''}`, { ...s, aligned }, bytes] as const)))(
    '%s: the import right after the array is found at its exact offset',
    async (_, spec, bytes) => {
      const b = arrayWrapper(pb().proto(4).emptyList().mark(), spec)
      arrayBytes(b, spec.aligned !== false, Buffer.alloc(bytes, 0xff))
      const at = b.length
      const r = await scan(b.global('os', 'system').appends().stop().build())
      expect(kinds(r)).toEqual(['error:unsafe-serialization'])
      expect(r.issues[0]!.offset).toBe(at)
      expect(r.complete).toBe(true)
    }
  )

  it('treats a dangerous global inside aligned array bytes as data (pickle.load fails on the padding byte)', async () => {
    const b = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [11], code: 'u1' })
    arrayBytes(b, true, Buffer.from('cos\nsystem\n', 'latin1'))
    const r = await scan(b.appends().stop().build())
    expect(r.issues).toEqual([])
    expect(r.complete).toBe(true)
  })

  it('reports what pickle.load would import from unaligned array bytes, which it reads as opcodes', async () => {
    const payload = Buffer.concat([Buffer.from('cos\nsystem\n', 'latin1'), Buffer.alloc(5, 0xff)])
    const b = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [payload.length], code: 'u1', aligned: false })
    const r = await scan(arrayBytes(b, false, payload).appends().stop().build())
    expect(kinds(r)).toEqual(['error:unsafe-serialization'])
    expect(r.issues[0]!.message).toMatch(/os\.system.*pickle\.load\(\) reads them as opcodes/)
  })

  it('fails when array bytes parse as opcodes to their end (pickle.load and joblib.load part ways)', async () => {
    const b = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [4], code: 'u1', aligned: false })
    const r = await scan(arrayBytes(b, false, Buffer.from('NNNN')).appends().stop().build())
    expect(kinds(r)).toEqual(['error:unparseable-artifact'])
    expect(r.issues[0]!.message).toMatch(/pickle\.load\(\)/)
  })

  it.each<[string, ArraySpec]>([
    ['object dtype', { shape: [2], code: 'O8' }],
    ['hasobject from the dtype state flags', { shape: [2], code: 'f8', flags: 63 }]
  ])('scans the nested pickle of an %s array in place', async (_, spec) => {
    const benign = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [1], code: 'f8' })
    arrayBytes(benign, true, Buffer.alloc(8))
    const evil = arrayWrapper(benign, spec).raw(osSystem)
    const r = await scan(evil.unicode('after').appends().stop().build())
    expect(kinds(r)).toEqual(['error:unsafe-serialization'])
    expect(r.issues[0]!.message).toMatch(/os\.system/)
    expect(r).toMatchObject({ complete: true, pickles: 1 })

    const clean = arrayWrapper(pb().proto(4).emptyList().mark(), spec)
    clean.raw(nested((n) => n.global('numpy.core.multiarray', '_reconstruct').global('numpy', 'ndarray').mark().int(0).tuple().string("'b'").tuple(3).reduce()))
    const ok = await scan(clean.unicode('after').appends().stop().build())
    expect(ok.issues).toEqual([])
    expect(ok.complete).toBe(true)
  })

  it('fails closed on a shape whose data runs past the end of the file', async () => {
    const b = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [1000, 1000], code: 'f8' })
    const r = await scan(arrayBytes(b, true, Buffer.alloc(10)).build())
    expect(kinds(r)).toEqual(['error:scan-incomplete'])
    expect(r.issues[0]!.message).toMatch(/announces 8000008 bytes of array data from byte \d+, past the end/)
    expect(r.complete).toBe(false)
  })

  it.each([
    ['a dtype code it cannot size', (b: PickleBuilder) => arrayWrapper(b, { shape: [2], code: 'float64' }), /float64/],
    ['a negative flexible elsize', (b: PickleBuilder) => arrayWrapper(b, { shape: [2], code: 'V8', elsize: -1 }), /itemsize is -1/],
    ['a non-integer shape', (b: PickleBuilder) =>
      b.unicode('joblib.numpy_pickle').unicode('NumpyArrayWrapper').stackGlobal().tuple(0).newobj().emptyDict().mark()
        .unicode('shape').binfloat(2).tuple(1).unicode('dtype').unicode('numpy').unicode('dtype').stackGlobal().unicode('f8').tuple(1).reduce()
        .setitems().build_(), /shape/],
    ['a wrapper built by __init__ arguments', (b: PickleBuilder) => b.unicode('joblib.numpy_pickle').unicode('NumpyArrayWrapper').stackGlobal().none().tuple(1).reduce().emptyDict().build_(), /__init__/],
    ['a BUILD on an object of unknown class', (b: PickleBuilder) => b.unicode('joblib.numpy_pickle').unicode('NumpyArrayWrapper').stackGlobal().pop().global('mylib', 'make').tuple(0).reduce().emptyDict().build_(), /class ModelGate cannot tell/]
  ])('fails closed on %s instead of guessing a length', async (_, head, why) => {
    const b = head(pb().proto(4).emptyList().mark())
    const r = await scan(arrayBytes(b, true, Buffer.alloc(16)).appends().stop().build())
    expect(kinds(r)).toContain('error:scan-incomplete')
    expect(r.issues.find((i) => i.rule === 'scan-incomplete')!.message).toMatch(why)
    expect(r.complete).toBe(false)
  })

  it('reads arrays after a frame that ends at the BUILD, and rejects a BUILD with frame bytes left', async () => {
    const data = Buffer.alloc(24, 0xff)
    const good = pb().proto(4).framed((f) => arrayWrapper(f.emptyList().mark(), { shape: [3], code: 'f8' }))
    arrayBytes(good, true, data)
    const r = await scan(good.framed((f) => f.unicode('x').appends().stop()).build())
    expect(r.issues).toEqual([])
    expect(r.complete).toBe(true)

    const bad = pb().proto(4).framed((f) => arrayWrapper(f.emptyList().mark(), { shape: [3], code: 'f8', aligned: false }).raw(data).appends().stop())
    const r2 = await scan(bad.build())
    expect(kinds(r2)).toContain('error:unparseable-artifact')
    expect(r2.issues.map((i) => i.message).join('\n')).toMatch(/inside a FRAME/)
  })

  it('skips a 64 MB array streaming, with bounded buffering', async () => {
    const head = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [8 << 20], code: 'f8' })
    const pad = 16 - ((head.length + 1) % 16)
    const first = head.raw([pad]).raw(Buffer.alloc(pad, 0xff)).build()
    const chunk = Buffer.alloc(1 << 20, 0xff)
    const tail = pb().global('os', 'system').appends().stop().build()
    async function* source(): AsyncGenerator<Buffer> {
      yield first
      for (let i = 0; i < 64; i++) yield chunk
      yield tail
    }
    const r = await scanPickle(source())
    expect(kinds(r)).toEqual(['error:unsafe-serialization'])
    expect(r.issues[0]!.offset).toBe(first.length + (64 << 20))
    expect(r.stats.peakBufferedBytes).toBeLessThanOrEqual(2 * chunk.length)
  })

  // joblib 1.2 output (../shared/real-models/out); compressed files are the same stream after zlib/gzip.
  it.each([
    ['sklearn_pipeline.joblib', (b: Buffer) => b], ['random_forest.joblib', (b: Buffer) => b],
    ['random_forest.joblib.gz', gunzipSync], ['random_forest_compressed.joblib', inflateSync]
  ])('real %s scans complete and clean', async (name, decode) => {
    const data = decode(readFileSync(path.join(out, name)))
    const r = await scan(data)
    expect(r.issues).toEqual([])
    expect(r).toMatchObject({ complete: true, pickles: 1, stats: { bytesRead: data.length } })
    expect(r.globals.map((g) => `${g.module}.${g.name}`)).toContain('joblib.numpy_pickle.NumpyArrayWrapper')
  })
})

describe('pickle.load of a joblib file', () => {
  it('is still followed after an empty unaligned array, up to the first array with data', async () => {
    const b = arrayWrapper(pb().proto(4).emptyList().mark(), { shape: [0], code: 'f8', aligned: false })
    arrayWrapper(b, { shape: [16], code: 'u1', aligned: false })
    const payload = Buffer.concat([Buffer.from('cos\nsystem\n', 'latin1'), Buffer.alloc(5, 0xff)])
    const r = await scan(arrayBytes(b, false, payload).appends().stop().build())
    expect(r.issues.map((i) => i.message).join('\n')).toMatch(/os\.system.*pickle\.load\(\) reads them as opcodes/)
  })
})
