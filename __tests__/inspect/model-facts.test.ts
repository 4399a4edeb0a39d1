/**
 * BOM facts of torch checkpoints (zip, legacy, TorchScript), XGBoost models (JSON, UBJ)
 * and SentencePiece tokenizers: exact facts for the project's own fixtures and for the
 * real files in ../shared/real-models/out.
 */
import { existsSync } from 'node:fs'
import fc from 'fast-check'
import path from 'node:path'
import { INSPECTORS } from '../../src/inspect/registry.js'
import type { InspectResult } from '../../src/inspect/types.js'
import { BufferByteSource, FileByteSource } from '../../src/util/byte-source.js'
import { pb, legacyTorch, type PickleBuilder } from '../pickle/builder.js'
import { SHARED } from '../support/shared.js'
import { torchZip } from '../support/formats.js'
import { makeZip } from '../support/zip.js'

const OUT = path.join(SHARED, 'real-models/out')

async function inspect(format: string, data: Buffer): Promise<InspectResult> {
  const r = await INSPECTORS[format]!(new BufferByteSource(data), { path: 'f', facts: {} })
  return { facts: r.facts, issues: r.issues }
}

/** torch.save's persistent id, `('storage', torch.<T>Storage, key, 'cpu', numel[, view])`. */
function storage(b: PickleBuilder, type: string, key: string, numel: number, legacyView = false): PickleBuilder {
  b.mark().unicode('storage').global('torch', type).unicode(key).unicode('cpu').int(numel)
  if (legacyView) b.none()
  return b.tuple().binpersid()
}

/** `_rebuild_tensor_v2(storage, 0, (numel,), (1,), False, None)` */
function tensor(b: PickleBuilder, type: string, key: string, numel: number, opts: { legacy?: boolean; rebuild?: string } = {}): PickleBuilder {
  b.global('torch._utils', opts.rebuild ?? '_rebuild_tensor_v2').mark()
  storage(b, type, key, numel, opts.legacy)
  return b.int(0).int(numel).tuple(1).int(1).tuple(1).bool(false).none().tuple().reduce()
}

/** An OrderedDict state dict of the given tensors. */
function stateDict(entries: [string, (b: PickleBuilder) => void][]): Buffer {
  const b = pb().proto(2).global('collections', 'OrderedDict').tuple(0).reduce().mark()
  for (const [name, t] of entries) t(b.unicode(name))
  return b.setitems().stop().build()
}

function zipOf(dataPkl: Buffer, more: { name: string; data: Buffer }[] = []): Buffer {
  return makeZip([
    { name: 'ckpt/data.pkl', data: dataPkl },
    { name: 'ckpt/data/0', data: Buffer.alloc(24) },
    { name: 'ckpt/version', data: Buffer.from('3\n') },
    { name: 'ckpt/byteorder', data: Buffer.from('little') },
    ...more
  ])
}

const GLOBALS = 'collections.OrderedDict,torch._utils._rebuild_tensor_v2,torch.FloatStorage'

describe('torch facts from persistent ids', () => {
  it('counts distinct storages, their elements and dtypes, and tensors (a tied weight shares its storage)', async () => {
    const pkl = stateDict([
      ['w', (b) => tensor(b, 'FloatStorage', '0', 6)],
      ['b', (b) => tensor(b, 'HalfStorage', '1', 3)],
      ['tied', (b) => tensor(b, 'FloatStorage', '0', 6)]
    ])
    expect(await inspect('pytorch-zip', zipOf(pkl))).toEqual({
      facts: {
        framework: 'pytorch', format_version: '3', byteorder: 'little',
        pickle_globals: `${GLOBALS},torch.HalfStorage`, zip_members: 4, pickle_members: 1,
        storages: 2, parameters: 9, dtypes: 'float16,float32', tensors: 3
      },
      issues: []
    })
  })

  it('the project torch zip fixture (no persistent ids) has its version and no storage facts', async () => {
    expect(await inspect('pytorch-zip', torchZip())).toEqual({
      facts: { framework: 'pytorch', format_version: '3', zip_members: 3, pickle_members: 1 },
      issues: []
    })
  })

  it('a persistent id of another shape leaves storages, parameters and dtypes out', async () => {
    const pkl = pb().proto(2).global('torch._utils', '_rebuild_tensor_v2').mark()
      .mark().unicode('storage').global('torch', 'FloatStorage').unicode('0').unicode('cpu').tuple().binpersid()
      .tuple().reduce().stop().build()
    expect((await inspect('pytorch-zip', zipOf(pkl))).facts).toEqual({
      framework: 'pytorch', format_version: '3', byteorder: 'little',
      pickle_globals: 'torch._utils._rebuild_tensor_v2,torch.FloatStorage', zip_members: 4, pickle_members: 1, tensors: 1
    })
  })

  it('an unknown storage class, a storage redefined with another size, or a text PERSID omit the counts', async () => {
    for (const pkl of [
      stateDict([['w', (b) => tensor(b, 'Float8Storage', '0', 6)]]),
      stateDict([['w', (b) => tensor(b, 'FloatStorage', '0', 6)], ['v', (b) => tensor(b, 'FloatStorage', '0', 7)]]),
      pb().proto(2).persid('0').stop().build()
    ]) {
      const facts = (await inspect('pytorch-zip', zipOf(pkl))).facts
      expect([facts.storages, facts.parameters, facts.dtypes]).toEqual([undefined, undefined, undefined])
    }
  })

  it('another torch rebuild function leaves the tensor count out', async () => {
    const pkl = stateDict([['q', (b) => tensor(b, 'QInt8Storage', '0', 4, { rebuild: '_rebuild_qtensor' })]])
    expect((await inspect('pytorch-zip', zipOf(pkl))).facts).toMatchObject({ storages: 1, parameters: 4, dtypes: 'qint8' })
    expect((await inspect('pytorch-zip', zipOf(pkl))).facts.tensors).toBeUndefined()
  })

  it('two pickles naming storages (which may share them) give no storage facts', async () => {
    const pkl = stateDict([['w', (b) => tensor(b, 'FloatStorage', '0', 6)]])
    const facts = (await inspect('pytorch-zip', zipOf(pkl, [{ name: 'ckpt/extra.pkl', data: pkl }]))).facts
    expect(facts).toEqual({ framework: 'pytorch', format_version: '3', byteorder: 'little', pickle_globals: GLOBALS, zip_members: 5, pickle_members: 2 })
  })

  it('a truncated data.pkl gives no tensor facts', async () => {
    const pkl = stateDict([['w', (b) => tensor(b, 'FloatStorage', '0', 6)]])
    const facts = (await inspect('pytorch-zip', zipOf(pkl.subarray(0, pkl.length - 2)))).facts
    expect([facts.storages, facts.parameters, facts.tensors]).toEqual([undefined, undefined, undefined])
  })

  it('legacy torch.save: protocol version 1001 and six-item storage ids', async () => {
    const obj = stateDict([['w', (b) => tensor(b, 'LongStorage', '7', 4, { legacy: true })]])
    expect(await inspect('pytorch-legacy', legacyTorch(obj))).toEqual({
      facts: {
        framework: 'pytorch', format_version: '1001', pickles: 5, pickle_imports: 3, pickle_protocol: 2,
        pickle_globals: 'collections.OrderedDict,torch._utils._rebuild_tensor_v2,torch.LongStorage',
        storages: 1, parameters: 4, dtypes: 'int64', tensors: 1
      },
      issues: []
    })
  })
})

/** UBJSON as XGBoost writes it (objects, strings, int8 and typed float arrays). */
function ubj(v: unknown): Buffer {
  const str = (s: string): Buffer => Buffer.concat([Buffer.from([0x4c]), (() => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(Buffer.byteLength(s))); return b })(), Buffer.from(s)])
  if (typeof v === 'string') return Buffer.concat([Buffer.from('S'), str(v)])
  if (typeof v === 'number') return Buffer.from([0x69, v])
  if (v instanceof Float32Array) {
    const b = Buffer.alloc(4 * v.length)
    v.forEach((x, i) => b.writeFloatBE(x, 4 * i))
    return Buffer.concat([Buffer.from('[$d#'), Buffer.from([0x69, v.length]), b])
  }
  if (Array.isArray(v)) return Buffer.concat([Buffer.from('['), ...v.map(ubj), Buffer.from(']')])
  const o = v as Record<string, unknown>
  return Buffer.concat([Buffer.from('{'), ...Object.entries(o).flatMap(([k, x]) => [str(k), ubj(x)]), Buffer.from('}')])
}

describe('XGBoost facts', () => {
  const model = (booster: Record<string, unknown>) => ({
    learner: {
      objective: { name: 'reg:squarederror' },
      gradient_booster: booster,
      learner_model_param: { num_feature: '12', base_score: '5E-1' }
    },
    version: [2, 0, 3]
  })
  const dart = { name: 'dart', gbtree: { model: { gbtree_model_param: { num_trees: '5' }, trees: [{ split_conditions: new Float32Array([0.5, 1.5]) }] } } }
  const expected = { framework: 'xgboost', xgboost_version: '2.0.3', objective: 'reg:squarederror', booster: 'dart', num_trees: 5, num_features: 12 }

  it('JSON and UBJ give the same facts (dart keeps its trees in an inner gbtree)', async () => {
    const json = Buffer.from(JSON.stringify(model(dart), (_k, x: unknown) => (x instanceof Float32Array ? [...x] : x)))
    expect(await inspect('xgboost-json', json)).toEqual({ facts: expected, issues: [] })
    expect(await inspect('xgboost-ubj', ubj(model(dart)))).toEqual({ facts: expected, issues: [] })
  })

  it('gblinear has no trees', async () => {
    expect((await inspect('xgboost-json', Buffer.from(JSON.stringify(model({ name: 'gblinear', model: { weights: [0.1] } }))))).facts).toEqual({
      framework: 'xgboost', xgboost_version: '2.0.3', objective: 'reg:squarederror', booster: 'gblinear', num_features: 12
    })
  })

  it('a model that does not parse is unparseable', async () => {
    for (const [format, data] of [['xgboost-json', Buffer.from('{"learner": {')], ['xgboost-ubj', ubj(model(dart)).subarray(0, 40)], ['xgboost-json', Buffer.from('{"version": [1]}')]] as const) {
      const r = await inspect(format, data)
      expect(r.facts).toEqual({ framework: 'xgboost' })
      expect(r.issues.map((i) => `${i.rule}:${i.severity}`)).toEqual(['unparseable-artifact:error'])
    }
  })
})

describe('SentencePiece facts', () => {
  const piece = (s: string): Buffer => Buffer.concat([Buffer.from([0x0a, s.length + 2, 0x0a, s.length]), Buffer.from(s)])
  it('counts pieces and reads the trainer model type', async () => {
    const trainer = Buffer.from([0x12, 0x04, 0x20, 0x08, 0x18, 0x02]) // TrainerSpec{vocab_size: 8, model_type: BPE}
    expect(await inspect('sentencepiece', Buffer.concat([piece('<unk>'), piece('a'), piece('b'), trainer]))).toEqual({
      facts: { framework: 'sentencepiece', pieces: 3, model_type: 'bpe' },
      issues: []
    })
  })

  it('a truncated model is unparseable', async () => {
    const r = await inspect('sentencepiece', Buffer.concat([piece('<unk>'), piece('abc')]).subarray(0, 10))
    expect(r.facts).toEqual({ framework: 'sentencepiece' })
    expect(r.issues.map((i) => `${i.rule}:${i.severity}`)).toEqual(['unparseable-artifact:error'])
  })
})

describe('mutated inputs', () => {
  const seeds: [string, Buffer][] = [
    ['xgboost-ubj', ubj({ learner: { gradient_booster: { name: 'gbtree', model: { trees: [{ w: new Float32Array([1, 2, 3]) }] } } }, version: [1, 7, 4] })],
    ['xgboost-json', Buffer.from('{"learner":{"objective":{"name":"x"},"learner_model_param":{"num_feature":"3"}},"version":[1,7,4]}')],
    ['sentencepiece', Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x61, 0x12, 0x02, 0x18, 0x01])],
    ['pytorch-zip', zipOf(stateDict([['w', (b) => tensor(b, 'FloatStorage', '0', 6)]]))]
  ]
  it.each(seeds)('%s: byte flips and cuts never throw; the data formats fail as unparseable-artifact', async (format, seed) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.nat(255)), { maxLength: 6 }), fc.nat(seed.length), async (flips, cut) => {
        const data = Buffer.from(seed.subarray(0, Math.max(1, cut)))
        for (const [i, v] of flips) if (i < data.length) data[i] = v
        const r = await inspect(format, data)
        // only the zip has pickles (a flipped byte can make any import) and members
        const allowed = format === 'pytorch-zip' ? ['unparseable-artifact', 'scan-incomplete', 'unknown-global', 'unsafe-serialization', 'archive-path-traversal'] : ['unparseable-artifact']
        for (const i of r.issues) expect(allowed).toContain(i.rule)
      }),
      { numRuns: 300, seed: 4 }
    )
  })
})

const real = existsSync(OUT) ? describe : describe.skip

real('real files from ../shared/real-models/out', () => {
  const TINY = { storages: 4, parameters: 67, dtypes: 'float32', tensors: 4 }
  it.each([
    ['linear_state_dict.pt', 'pytorch-zip', { framework: 'pytorch', format_version: '3', pickle_globals: GLOBALS, zip_members: 4, pickle_members: 1, storages: 2, parameters: 10, dtypes: 'float32', tensors: 2 }],
    ['pytorch_model.bin', 'pytorch-zip', { framework: 'pytorch', format_version: '3', pickle_globals: GLOBALS, zip_members: 6, pickle_members: 1, ...TINY }],
    ['checkpoint.pth.tar', 'pytorch-zip', { framework: 'pytorch', format_version: '3', pickle_globals: GLOBALS, zip_members: 10, pickle_members: 1, storages: 8, parameters: 134, dtypes: 'float32', tensors: 8 }],
    ['full_model.pt', 'pytorch-zip', {
      framework: 'pytorch', format_version: '3',
      pickle_globals: '__main__.TinyNet,collections.OrderedDict,__builtin__.set,torch.nn.modules.linear.Linear,torch._utils._rebuild_parameter,torch._utils._rebuild_tensor_v2,torch.FloatStorage,torch.nn.modules.activation.ReLU',
      zip_members: 6, pickle_members: 1, ...TINY
    }],
    ['torchscript_model.pt', 'torchscript', {
      framework: 'pytorch', format_version: '3',
      pickle_globals: '__torch__.TinyNet,__torch__.torch.nn.modules.linear.Linear,torch._utils._rebuild_tensor_v2,torch.FloatStorage,collections.OrderedDict,__torch__.torch.nn.modules.activation.ReLU,__torch__.torch.nn.modules.linear.___torch_mangle_0.Linear,torch.jit._pickle.build_intlist',
      zip_members: 17, pickle_members: 7, ...TINY
    }],
    ['legacy_state_dict.pth', 'pytorch-legacy', { framework: 'pytorch', format_version: '1001', pickles: 5, pickle_imports: 3, pickle_protocol: 2, pickle_globals: GLOBALS, ...TINY }],
    ['xgboost_model.json', 'xgboost-json', { framework: 'xgboost', xgboost_version: '1.7.4', objective: 'multi:softprob', booster: 'gbtree', num_trees: 9, num_features: 4 }],
    ['xgboost_model.ubj', 'xgboost-ubj', { framework: 'xgboost', xgboost_version: '1.7.4', objective: 'multi:softprob', booster: 'gbtree', num_trees: 9, num_features: 4 }],
    ['tokenizer.model', 'sentencepiece', { framework: 'sentencepiece', pieces: 60, model_type: 'unigram' }]
  ])('%s', async (file, format, facts) => {
    const src = await FileByteSource.open(path.join(OUT, file))
    try {
      const r = await INSPECTORS[format]!(src, { path: file, facts: {} })
      expect(r.facts).toEqual(facts)
      expect(r.issues.map((i) => `${i.severity}:${i.rule}`)).toEqual(file === 'full_model.pt' ? ['warning:unknown-global'] : [])
    } finally {
      await src.close()
    }
  })
})
