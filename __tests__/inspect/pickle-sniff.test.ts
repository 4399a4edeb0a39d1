/**
 * Pickles are recognised by a bounded trial parse of their opcodes (src/identify/pickle-sniff.ts),
 * whatever the file is called: large first arguments are skipped as the unpickler skips them,
 * protocol 0 text counts, and text, CSV, JSON, source code and random bytes do not.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import fc from 'fast-check'
import { identify } from '../../src/identify/identify.js'
import { PICKLE_SNIFF_LIMITS, sniffPickle, sniffPickleBytes } from '../../src/identify/pickle-sniff.js'
import { HEAD_BYTES } from '../../src/identify/sniff.js'
import { looksLikePickle } from '../../src/inspect/pickle-result.js'
import { BufferByteSource, FileByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { benignDict, legacyTorch, pb } from '../pickle/builder.js'
import { REPO, SHARED } from '../support/shared.js'

const latin1 = (s: string) => Buffer.from(s, 'latin1')
const call = latin1('cos\nsystem\n\x8c\x02id\x85R.')
/** BINUNICODE of 5000 bytes then POP: 5 KB before the first import. */
const pad = Buffer.concat([latin1('X'), Buffer.from([0x88, 0x13, 0, 0]), Buffer.alloc(5000, 'a'), latin1('0')])
/** The auditor's P: PROTO 1, the long string, then os.system('id'). */
const P = Buffer.concat([latin1('\x80\x01'), pad, call])
/** The same without PROTO. */
const B = Buffer.concat([pad, call])
const STACK_GLOBAL = latin1('\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.')
const PROTO0 = latin1("cos\nsystem\n(S'id'\ntR.")

/** Counts reads and the largest one asked for. */
class CountingSource implements ByteSource {
  reads = 0
  maxRequest = 0
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size
  }
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads++
    this.maxRequest = Math.max(this.maxRequest, length)
    return this.inner.read(offset, length)
  }
  stream(start?: number, end?: number): AsyncIterable<Buffer> {
    return this.inner.stream(start, end)
  }
}

const id = async (name: string, bytes: Buffer) => identify(name, new BufferByteSource(bytes))
const pickle = (facts: Record<string, number> = {}) => ({ kind: 'model', format: 'pickle', lfs: null, facts, issues: [] })

describe('pickles whatever their name', () => {
  it.each(['model', 'model.bin', 'weights.dat', 'model.ckpt'])('a PROTO 1 pickle whose first string is 5 KB long, named %s', async (name) => {
    expect(await id(name, P)).toEqual(pickle({ pickle_protocol: 1 }))
  })

  it.each(['model', 'model.ckpt'])('the same pickle without PROTO, named %s', async (name) => {
    expect(await id(name, B)).toEqual(pickle())
  })

  it.each(['model.ckpt', 'notes.txt'])('a protocol 4 pickle without PROTO (STACK_GLOBAL first), named %s', async (name) => {
    expect(await id(name, STACK_GLOBAL)).toEqual(pickle())
  })

  it('a protocol 0 text pickle named .txt', async () => {
    expect(await id('notes.txt', PROTO0)).toEqual(pickle())
    expect(await id('readme.txt', latin1('(lp0\nI1\naI2\na.'))).toEqual(pickle())
    // INST imports and calls at once: a pickle as soon as one more opcode parses, or the file ends there.
    expect(await id('notes.txt', latin1("(S'id'\nios\nsystem\n0"))).toEqual(pickle())
    expect(await id('notes.txt', latin1("(S'id'\nios\nsystem\n"))).toEqual(pickle())
  })

  it('a legacy torch.save stream whose magic-number pickle has no PROTO', async () => {
    const magic = latin1('\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.')
    const bytes = Buffer.concat([magic, latin1('\x80\x02'), call])
    for (const name of ['model.pth', 'model.bin', 'checkpoint']) expect(await id(name, bytes)).toEqual({ kind: 'model', format: 'pytorch-legacy', lfs: null, facts: {}, issues: [] })
    expect(await id('model.pth', legacyTorch(benignDict()))).toEqual({ kind: 'model', format: 'pytorch-legacy', lfs: null, facts: {}, issues: [] })
  })

  it('a pickle named as a pickle still is one; a protocol 4 frame is one from its first 11 bytes', async () => {
    expect(await id('model.pkl', P)).toEqual(pickle({ pickle_protocol: 1 }))
    expect(await id('state', benignDict())).toEqual(pickle({ pickle_protocol: 4 }))
    expect(sniffPickleBytes(benignDict().subarray(0, 11))).toEqual({ protocol: 4, legacyTorch: false })
  })

  it('skips a 1 MB first argument without reading it, in a bounded number of window reads', async () => {
    const big = pb().proto(4).bytes(Buffer.alloc(1 << 20, 0x41), 'bin8').raw('0').build()
    const bytes = Buffer.concat([big, call])
    const s = new CountingSource(new BufferByteSource(bytes))
    expect(await sniffPickle(s, await s.read(0, HEAD_BYTES))).toEqual({ protocol: 4, legacyTorch: false })
    // The head, then one window where the walk resumes after the skipped argument.
    expect(s.reads).toBe(2)
    expect(s.maxRequest).toBe(PICKLE_SNIFF_LIMITS.window)
    // Without PROTO the same: the import and its call lie past the head.
    const noProto = Buffer.concat([pb().bytes(Buffer.alloc(1 << 20, 0x41), 'bin8').raw('0').build(), call])
    expect(await id('blob', noProto)).toEqual(pickle())
  })

  it('a run of arguments each past the next window stops after maxFetches reads, judged on what it saw', async () => {
    const hop = pb().bytes(Buffer.alloc(PICKLE_SNIFF_LIMITS.window + 1, 0), 'bin').raw('0')
    for (let i = 0; i < PICKLE_SNIFF_LIMITS.maxFetches + 2; i++) hop.bytes(Buffer.alloc(PICKLE_SNIFF_LIMITS.window + 1, 0), 'bin').raw('0')
    const bytes = Buffer.concat([hop.build(), call])
    const s = new CountingSource(new BufferByteSource(bytes))
    // No PROTO and no import within the fetch budget: not called a pickle (CPython would still run it).
    expect(await sniffPickle(s, await s.read(0, HEAD_BYTES))).toBeNull()
    expect(s.reads).toBe(1 + PICKLE_SNIFF_LIMITS.maxFetches)
    const withProto = Buffer.concat([latin1('\x80\x02'), bytes])
    expect(await sniffPickle(new BufferByteSource(withProto), withProto.subarray(0, HEAD_BYTES))).toEqual({ protocol: 2, legacyTorch: false })
  })
})

describe('near misses are not pickles', () => {
  it.each([
    ['a word list whose first two lines read as an import, then a bad opcode', 'cat\ndog\nbird\n'],
    ['two words: an import, never called', 'cat\ndog\n'],
    ['an import followed by text', 'cos\nsystem\nhello world\n'],
    ['Python source', 'class Foo:\n    pass\n'],
    ['Python source with a call', "import os\nos.system('id')\n"],
    ['Python source starting with a bracket', '(a, b) = 1, 2\n'],
    ['CSV', 'sepal_length,sepal_width\n5.1,3.5\n'],
    ['JSON', '{"a": [1, 2]}\n'],
    ['YAML', 'train:\n  batch_size: 32\n'],
    ['prose', 'The quick brown fox.\n'],
    ['a version line', 'Version 1.0\n.'],
    ['a quoted line, unterminated', "S'id'\n"],
    ['a one-opcode pickle (too short to tell)', 'N.'],
    ['two values left at STOP (no pickler writes it)', 'I1\nI2\n.'],
    ['PROTO then TUPLE without MARK (CPython refuses it)', '\x80\x04t.'],
    ['PROTO then one huge length', '\x80\x03\x96\xf0\xbe\x44\x28\x00\x00\x00\x00'],
    ['PROTO 6 (no such protocol)', '\x80\x06N.'],
    ['a GIF header', 'GIF89a\x01\x00\x01\x00\x80\x00\x00'],
    ['STACK_GLOBAL on ints', 'K\x01K\x02\x93K\x03\x85R.'],
    ['GET of an unset memo key', '(g7\nt.'],
    ['an INST-like "(i" and two words, then text', '(ifoo\nbar\n~~'],
    ['an import called with arguments that are no tuple (CPython refuses the call), then text', 'cos\nsystem\nNR~'],
    ['PROTO 5 and a FRAME longer than the file, then bytes that are no opcodes', '\x80\x05\x95\xff\xff\xff\xff\x00\x00\x00\x00\xfe\xfe']
  ])('%s', async (_what, text) => {
    const bytes = latin1(text)
    expect(sniffPickleBytes(bytes, true)).toBeNull()
    expect(await sniffPickle(new BufferByteSource(bytes), bytes)).toBeNull()
    expect(await id('notes.txt', bytes)).toBeNull()
  })

  it('random bytes are not pickles (a fixed seed, 20000 buffers)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), (u) => sniffPickleBytes(Buffer.from(u), true) === null),
      { numRuns: 20000, seed: 4 }
    )
  })

  it('random printable text with line breaks is not a pickle (a fixed seed, 20000 texts)', () => {
    const text = fc.array(fc.oneof(fc.integer({ min: 32, max: 126 }), fc.constant(10)), { minLength: 1, maxLength: 300 }).map((cs) => Buffer.from(cs))
    fc.assert(fc.property(text, (b) => sniffPickleBytes(b, true) === null), { numRuns: 20000, seed: 4 })
  })
})

describe('heads of members', () => {
  it('judges a head on what it shows: PROTO and valid opcodes to its end count, a bare long string does not', () => {
    expect(looksLikePickle(P.subarray(0, 4096))).toBe(true)
    expect(looksLikePickle(B.subarray(0, 4096))).toBe(false)
    expect(looksLikePickle(B, true)).toBe(true)
    // A complete member that ends inside an argument is a truncated pickle only after PROTO and two opcodes.
    expect(looksLikePickle(latin1('\x80\x02}q\x00X\xff\xff\x00\x00ab'), true)).toBe(true)
    expect(looksLikePickle(latin1('\x80\x02X\xff\xff\x00\x00ab'), true)).toBe(false)
  })
})

describe('real files', () => {
  async function files(dir: string): Promise<string[]> {
    const out: string[] = []
    for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
      if (e.isFile() && !e.parentPath.includes(`${path.sep}.git`)) out.push(path.join(e.parentPath, e.name))
    }
    return out.sort()
  }
  async function pickles(all: string[]): Promise<string[]> {
    const found: string[] = []
    for (const f of all) {
      const src = await FileByteSource.open(f)
      try {
        if (await sniffPickle(src, await src.read(0, HEAD_BYTES))) found.push(f)
      } finally {
        await src.close()
      }
    }
    return found
  }

  it('in ../shared/real-models and ../shared/real-world, exactly the pickles are pickles', async () => {
    const all = [...(await files(path.join(SHARED, 'real-models'))), ...(await files(path.join(SHARED, 'real-world')))]
    expect(all.length).toBeGreaterThan(150)
    expect((await pickles(all)).map((f) => path.relative(SHARED, f))).toEqual([
      'real-models/out/data/iris.pkl',
      'real-models/out/legacy_state_dict.pth',
      'real-models/out/random_forest.joblib',
      'real-models/out/sklearn_pipeline.joblib',
      'real-models/out/sklearn_pipeline.pkl',
      'real-world/0Xuser100+Customer-Churn-Prediction-App/label_encoder_gender.pkl',
      'real-world/0Xuser100+Customer-Churn-Prediction-App/onehot_encoder_geo.pkl',
      'real-world/0Xuser100+Customer-Churn-Prediction-App/scaler.pkl'
    ])
  })

  it("in the repository's examples, only files named as pickles are pickles", async () => {
    const found = await pickles(await files(path.join(REPO, 'examples')))
    expect(found.length).toBeGreaterThan(0)
    for (const f of found) expect(path.basename(f)).toMatch(/\.(pkl|pt|pth|bin|joblib|ckpt)$/)
  })
})
