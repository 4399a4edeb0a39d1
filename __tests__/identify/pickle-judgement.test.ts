/**
 * The sniffer's three answers (pickle, no pickle, undecided) and the names that make an
 * undecided file a pickle to scan; the first opcodes a pickle-named file may start with.
 */
import { identify } from '../../src/identify/identify.js'
import { judgePickle, judgePickleHead, PICKLE_SNIFF_LIMITS, sniffPickle } from '../../src/identify/pickle-sniff.js'
import { isPickleMember, judgeMember, nestedArchive } from '../../src/inspect/containers/member-kind.js'
import { OP } from '../../src/inspect/pickle/opcodes.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { HEAD_BYTES } from '../../src/identify/sniff.js'
import { pb } from '../pickle/builder.js'

const PAY0 = pb().global('os', 'system').mark().string("'id'").tuple().reduce().stop().build()
const raw = (s: string, ...more: Buffer[]) => Buffer.concat([Buffer.from(s, 'latin1'), ...more])
const judge = async (b: Buffer) => judgePickle(new BufferByteSource(b), b.subarray(0, HEAD_BYTES))
const format = async (name: string, b: Buffer) => (await identify(name, new BufferByteSource(b)))?.format ?? null

describe('text arguments as CPython reads them', () => {
  it('INT/LONG/FLOAT stop at a NUL; PUT -0 and GET "0\\0x" are memo 0', async () => {
    for (const prefix of ['I1\x00zz\n0', 'L7\x00\n0', 'F1.5\x00\n0', 'Np-0\n0', 'Np0\n0g0\x00x\n0']) {
      expect(await judge(raw(prefix, PAY0))).toEqual({ protocol: null, legacyTorch: false })
    }
  })

  it('what CPython rejects still fails: a negative PUT, an INT of letters, a FLOAT with trailing text', async () => {
    for (const prefix of ['Np-1\n0', 'Ix1\n0', 'F1.5x\n0']) expect(await judge(raw(prefix, PAY0))).toBeNull()
  })
})

describe('undecided: valid opcodes until the budget ran out', () => {
  const longLine = raw(`S'${'A'.repeat(70_000)}'\n0`, PAY0)

  it('a first line over maxLine is undecided (no pickle to sniffPickle); the name decides', async () => {
    expect(await judge(longLine)).toBe('undecided')
    expect(await sniffPickle(new BufferByteSource(longLine), longLine.subarray(0, HEAD_BYTES))).toBeNull()
    expect(await format('model.bin', longLine)).toBe('pickle')
    expect(await format('weights', longLine)).toBe('pickle')
    expect(await format('notes.txt', longLine)).toBeNull()
  })

  it('more skips than maxFetches is undecided', async () => {
    const hop = pb()
    for (let i = 0; i <= PICKLE_SNIFF_LIMITS.maxFetches; i++) hop.bytes(Buffer.alloc(PICKLE_SNIFF_LIMITS.window + 1), 'bin').pop()
    expect(await judge(Buffer.concat([hop.build(), PAY0]))).toBe('undecided')
  })

  it('a member head shorter than the member is undecided, the whole member decides, a rejection stays a rejection', async () => {
    const m = raw(`S'${'A'.repeat(5000)}'\n0`, PAY0)
    expect(judgePickleHead(m.subarray(0, 4096), m.length)).toBe('undecided')
    expect(judgePickleHead(m, m.length)).toEqual({ protocol: null, legacyTorch: false })
    expect(judgePickleHead(Buffer.from('hello world\n'), 12)).toBeNull()
    expect(await judgeMember(m.length, async (max) => m.subarray(0, max))).toEqual({ head: m, judgement: { protocol: null, legacyTorch: false } })
  })

  it('undecided members are pickles under loadable or opaque names, or in torch archives', () => {
    expect(isPickleMember('model.bin', 'undecided', false)).toBe(true)
    expect(isPickleMember('storages', 'undecided', false)).toBe(true)
    expect(isPickleMember('docs/notes.txt', 'undecided', false)).toBe(false)
    expect(isPickleMember('docs/notes.txt', 'undecided', true)).toBe(true)
    expect(isPickleMember('archive/Data.Pkl', null, false)).toBe(true)
    expect(isPickleMember('model.bin', null, false)).toBe(false)
  })
})

describe('nested archives by their bytes', () => {
  it('zip, gzip, tar; zlib only under a joblib or pickle name', () => {
    expect(nestedArchive('x', Buffer.from('PK\x03\x04', 'latin1'))).toBe('zip')
    expect(nestedArchive('x', Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip')
    expect(nestedArchive('model.joblib', Buffer.from([0x78, 0x9c, 1]))).toBe('zlib')
    expect(nestedArchive('image.raw', Buffer.from([0x78, 0x9c, 1]))).toBeNull()
  })
})

describe('the first opcode of a pickle-named file', () => {
  /** CPython raises on these first: they need a stack value, a memo entry or out-of-band buffers. */
  const notFirst = new Set<number>([OP.STOP, OP.POP, OP.DUP, OP.BINPERSID, OP.REDUCE, OP.APPEND, OP.BUILD, OP.SETITEM, OP.GET, OP.BINGET, OP.LONG_BINGET, OP.PUT, OP.BINPUT, OP.LONG_BINPUT, OP.NEWOBJ, OP.TUPLE1, OP.TUPLE2, OP.TUPLE3, OP.NEWOBJ_EX, OP.STACK_GLOBAL, OP.MEMOIZE, OP.NEXT_BUFFER, OP.READONLY_BUFFER])

  it('every other opcode of the table makes last.ckpt a pickle (0xff is no opcode)', async () => {
    for (const code of Object.values(OP)) {
      // the opcode, then bytes no pickle continues with: only the first byte can make it one
      const got = await format('last.ckpt', Buffer.from([code, 0xff, 0xff]))
      expect([code, got]).toEqual([code, notFirst.has(code) ? null : 'pickle'])
    }
  })
})
