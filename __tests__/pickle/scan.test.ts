/** The emulator on pickles built opcode by opcode (no ../shared needed). */
import { scanPickle, scanPickleBuffer, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { benignDict, legacyTorch, pb, proto0System } from './builder.js'

const rules = (r: PickleScanResult) => r.issues.map((i) => `${i.severity}:${i.rule}`)
const names = (r: PickleScanResult) => r.globals.map((g) => `${g.module}.${g.name}`)
async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size)
}

describe('pickle scanner: protocols and opcodes', () => {
  it('passes a benign framed protocol-4 dict with no issues', () => {
    const r = scanPickleBuffer(benignDict())
    expect(r).toMatchObject({ issues: [], globals: [], pickles: 1, complete: true, protocol: 4 })
  })

  it('reads protocol 0 text: GLOBAL os.system is an unsafe-serialization error with offset and fix', () => {
    const r = scanPickleBuffer(proto0System())
    expect(names(r)).toEqual(['os.system'])
    expect(r.protocol).toBeNull()
    expect(r.issues).toHaveLength(1)
    const i = r.issues[0]!
    expect(i).toMatchObject({ rule: 'unsafe-serialization', severity: 'error', offset: 0 })
    expect(i.message).toContain('GLOBAL at byte 0 imports os.system')
    expect(i.fix).toMatch(/safetensors/)
  })

  it.each([1, 2, 3, 4, 5])('gives the same verdict for protocol %i and any chunking', async (p) => {
    const b = pb().proto(p).global('posix', 'system').unicode('id').tuple(1).reduce().stop().build()
    for (const size of [1, 2, 3, 7, 1 << 20]) {
      const r = await scanPickle(chunked(b, size))
      expect(rules(r)).toEqual(['error:unsafe-serialization'])
      expect(r.protocol).toBe(p)
      expect(r.complete).toBe(true)
    }
  })

  it('resolves INST and OBJ imports', () => {
    const r = scanPickleBuffer(pb().mark().string("'ls'").inst('subprocess', 'check_output').stop().build())
    expect(r.globals).toEqual([{ module: 'subprocess', name: 'check_output', offset: 7, opcode: 'INST' }])
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
  })

  it('resolves STACK_GLOBAL operands fetched back from the memo (BINGET, LONG_BINGET, text GET)', () => {
    const b = pb().proto(4)
      .unicode('torch').memoize().pop() // memo 0 = 'torch' (decoy)
      .unicode('os').put(1, 'long').pop()
      .unicode('system').put(7, 'text').pop()
      .get(1, 'long').get(7, 'text').stackGlobal().unicode('id').tuple(1).reduce().stop().build()
    const r = scanPickleBuffer(b)
    expect(names(r)).toEqual(['os.system'])
    expect(r.globals[0]!.opcode).toBe('STACK_GLOBAL')
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
  })

  it('decodes protocol-0 string escapes before resolving (STRING \\x6f, UNICODE \\u0073)', () => {
    const b = pb().string("'\\x6fs'").unicodeText('\\u0073ystem').stackGlobal().none().tuple(1).reduce().stop().build()
    expect(names(scanPickleBuffer(b))).toEqual(['os.system'])
  })

  it('treats EXT1/2/4 and STACK_GLOBAL on non-strings as dangerous', () => {
    for (const w of [1, 2, 4] as const) {
      const r = scanPickleBuffer(pb().proto(2).ext(42, w).tuple(0).reduce().stop().build())
      expect(r.globals).toEqual([{ module: '<copyreg extension>', name: '42', offset: 2, opcode: 'EXT' }])
      expect(r.issues[0]!.message).toMatch(/EXT code 42.*copyreg/)
      expect(rules(r)).toEqual(['error:unsafe-serialization'])
    }
    const computed = pb().proto(4).global('builtins', 'str').unicode('x').tuple(1).reduce().unicode('y').stackGlobal().stop().build()
    const r = scanPickleBuffer(computed)
    expect(r.issues.some((i) => i.rule === 'unsafe-serialization' && /computed at load time/.test(i.message))).toBe(true)
  })

  it('warns on unvetted globals and allows framework ones', () => {
    const r = scanPickleBuffer(pb().proto(2).global('collections', 'OrderedDict').tuple(0).reduce().global('mylib.models', 'Net').tuple(0).reduce().pop().stop().build())
    expect(rules(r)).toEqual(['warning:unknown-global'])
    expect(r.issues[0]!.message).toContain('mylib.models.Net')
    expect(r.issues[0]!.fix).toMatch(/\.modelgate\.yml/)
  })

  it('keeps reporting the dangerous global when the stream breaks afterwards', () => {
    const b = Buffer.concat([pb().proto(2).global('os', 'system').build(), Buffer.from([0xff, 0xff])])
    const r = scanPickleBuffer(b)
    expect(rules(r)).toEqual(['error:unsafe-serialization', 'error:unparseable-artifact'])
    expect(r.complete).toBe(false)
    expect(r.issues[1]!.message).toMatch(/unknown opcode 0xff at byte 13/)
  })

  it('reports truncation, stack underflow, missing MARK, bad memo keys and empty input as unparseable', () => {
    const cases: [Buffer, RegExp][] = [
      [pb().proto(4).unicode('abc').build().subarray(0, 5), /ends inside SHORT_BINUNICODE/],
      [pb().proto(2).none().build(), /ends before STOP/],
      [pb().proto(2).reduce().stop().build(), /stack underflow/],
      [pb().proto(2).tuple().stop().build(), /could not find MARK/],
      [pb().proto(2).get(3).stop().build(), /memo key 3/],
      [Buffer.alloc(0), /empty/],
      [pb().proto(9).none().stop().build(), /unsupported pickle protocol 9/]
    ]
    for (const [b, re] of cases) {
      const r = scanPickleBuffer(b)
      expect(rules(r)).toEqual(['error:unparseable-artifact'])
      expect(r.issues[0]!.message).toMatch(re)
      expect(r.complete).toBe(false)
    }
  })
})

describe('pickle scanner: several pickles and legacy torch', () => {
  it('scans pickles back to back and stops cleanly at EOF', () => {
    const b = Buffer.concat([benignDict(), benignDict(), pb().proto(2).global('builtins', 'eval').stop().build()])
    const r = scanPickleBuffer(b)
    expect(r.pickles).toBe(3)
    expect(names(r)).toEqual(['builtins.eval'])
    expect(r.complete).toBe(true)
  })

  it('detects legacy torch.save (magic pickle) and ignores the raw storage bytes after 5 pickles', async () => {
    const obj = pb().proto(2).global('collections', 'OrderedDict').tuple(0).reduce().stop().build()
    const r = await scanPickle(chunked(legacyTorch(obj, Buffer.alloc(1 << 16, 0xff)), 1000))
    expect(r).toMatchObject({ pickles: 5, complete: true, issues: [], stats: { legacyTorch: true } })
    expect(r.stats.bytesRead).toBeLessThan(3000) // stopped reading at the storage bytes
  })

  it('finds a payload in the 4th legacy pickle', () => {
    const r = scanPickleBuffer(legacyTorch(proto0System()))
    expect(rules(r)).toEqual(['error:unsafe-serialization'])
  })

  it('honours stopAfter, and otherwise fails closed on trailing garbage', () => {
    const b = Buffer.concat([benignDict(), Buffer.from('\xff\xfe junk', 'latin1')])
    expect(scanPickleBuffer(b, { stopAfter: 1 })).toMatchObject({ pickles: 1, complete: true, issues: [] })
    expect(rules(scanPickleBuffer(b))).toEqual(['error:unparseable-artifact'])
  })

  it('drains the iterable when asked (hash pipelines), and stops reading early otherwise', async () => {
    let pulled = 0
    async function* src(): AsyncGenerator<Buffer> {
      for (const c of [benignDict(), Buffer.alloc(10), Buffer.alloc(10)]) {
        pulled++
        yield c
      }
    }
    await scanPickle(src(), { stopAfter: 1 })
    expect(pulled).toBe(1)
    pulled = 0
    await scanPickle(src(), { stopAfter: 1, drain: true })
    expect(pulled).toBe(3)
  })
})

describe('pickle scanner: FRAME exactly as CPython', () => {
  it('does not flag well-formed frames, including large bytes written outside frames', () => {
    const big = Buffer.alloc(100_000, 1)
    const b = pb().proto(4).framed((f) => f.emptyList().memoize().mark()).bytes(big, 'bin8').framed((f) => f.appends().stop()).build()
    expect(scanPickleBuffer(b)).toMatchObject({ issues: [], complete: true })
  })

  it('scans both readings of an argument that straddles the frame end (bytes vs. non-peekable file)', async () => {
    // Frame holds "B\x07"; linearly, BINBYTES swallows the GLOBAL (length 0x107); a
    // non-peekable file drops the frame's tail and reads length 1, then runs GLOBAL.
    const tail = pb().raw([0x01, 0x00, 0x00, 0x00]).raw([0x00]).global('os', 'system').unicode('id').tuple(1).reduce().build()
    const pad = Buffer.alloc(0x107 - 4 - tail.length, 0x4e)
    const b = pb().proto(4).frame(2).raw([0x42, 0x07]).raw(tail).raw(pad).pop().stop().build()
    for (const size of [1, 5, 4096]) {
      const r = await scanPickle(chunked(b, size))
      expect(names(r)).toEqual(['os.system'])
      const unsafe = r.issues.find((i) => i.rule === 'unsafe-serialization')!
      expect(unsafe.message).toMatch(/non-seekable file/)
      expect(r.issues.find((i) => i.rule === 'unparseable-artifact')!.message).toMatch(/4-byte read at byte 12 runs past the frame end at byte 13/)
    }
  })

  it('flags a text line that runs past the frame end and scans the re-buffered reading', () => {
    // Frame ends after "cos\n"; linear: GLOBAL 'os' '\nposix' ... ; drop: re-reads a line after the frame.
    const b = pb().proto(4).frame(5).raw('cos\ns').raw('ystem\n').unicode('id').tuple(1).reduce().stop().build()
    const r = scanPickleBuffer(b)
    expect(names(r)).toContain('os.system')
    expect(r.issues.some((i) => i.rule === 'unparseable-artifact' && /text line/.test(i.message))).toBe(true)
  })

  it('flags an opcode split across frames even when all readers agree', () => {
    const b = pb().proto(5).frame(5).raw([0x42, 0x03, 0, 0, 0]).raw('abc').stop().build()
    const r = scanPickleBuffer(b)
    expect(rules(r)).toEqual(['error:unparseable-artifact'])
    expect(r.issues[0]!.message).toMatch(/BINBYTES at byte 11 starts inside a frame ending at byte 16/)
  })

  it('flags a frame that runs past the end of the file (C unpickler refuses, Python executes)', () => {
    const r = scanPickleBuffer(pb().proto(4).frame(100).none().stop().build())
    expect(rules(r)).toEqual(['error:unparseable-artifact'])
    expect(r.issues[0]!.message).toMatch(/more bytes than the file holds/)
  })

  it('flags a FRAME nested in a frame', () => {
    const r = scanPickleBuffer(pb().proto(4).frame(11).frame(1).none().stop().build())
    expect(r.issues.map((i) => i.message).join()).toMatch(/FRAME begins inside another frame/)
  })
})

describe('pickle scanner: hand-built structures', () => {
  it('flags values left on the stack at STOP (hidden calls)', () => {
    const b = pb().proto(2).global('collections', 'OrderedDict').tuple(0).reduce().none().stop().build()
    const r = scanPickleBuffer(b)
    expect(rules(r)).toEqual(['error:unparseable-artifact'])
    expect(r.issues[0]!.message).toMatch(/1 value\(s\) and 0 MARK\(s\) are left/)
  })

  it('flags a container inserted into itself over and over (expansion), not a single cycle', () => {
    const once = pb().proto(2).emptyList().put(0).get(0).append().stop().build()
    expect(scanPickleBuffer(once).issues).toEqual([])
    const many = pb().proto(2).emptyList().put(0)
    for (let i = 0; i < 40; i++) many.get(0).append()
    expect(scanPickleBuffer(many.stop().build()).issues[0]!.message).toMatch(/expansion/)
  })

  it('reports an unhashable set member the way CPython fails', () => {
    const b = pb().proto(4).emptySet().memoize().mark().get(0).additems().stop().build()
    expect(scanPickleBuffer(b).issues[0]!.message).toMatch(/unhashable set/)
  })
})

describe('pickle scanner: nested pickles', () => {
  const inner = pb().proto(4).global('builtins', 'print').unicode('hi').tuple(1).reduce().stop().build()
  const wrap = (push: (b: ReturnType<typeof pb>) => void) => {
    const b = pb().proto(4).emptyDict().unicode('payload')
    push(b)
    return b.setitem().stop().build()
  }

  it.each([
    ['raw bytes', (b: ReturnType<typeof pb>) => b.bytes(inner, 'short'), 'raw', 14],
    ['base64 str', (b: ReturnType<typeof pb>) => b.unicode(inner.toString('base64'), 'bin'), 'base64', 17],
    ['hex str', (b: ReturnType<typeof pb>) => b.unicode(inner.toString('hex'), 'bin'), 'hex', 17],
    ['protocol-0 bytes', (b: ReturnType<typeof pb>) => b.bytes(proto0System()), 'text', 17]
  ])('scans a pickle hidden in %s', (_, push, how, at) => {
    // header: PROTO (2) + EMPTY_DICT (1) + SHORT_BINUNICODE 'payload' (9) = 12; the argument follows its length field
    const r = scanPickleBuffer(wrap(push))
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unsafe-serialization', severity: 'error', offset: at })
    expect(r.issues[0]!.message).toContain(`embedded ${how} pickle stored in the argument at byte ${at}`)
  })

  it('recurses to the depth limit and fails closed beyond it', () => {
    let p = inner
    for (let i = 0; i < 4; i++) p = pb().proto(4).bytes(p).stop().build()
    const r = scanPickleBuffer(p, { maxNestedDepth: 2 })
    expect(rules(r)).toEqual(['error:scan-incomplete'])
    expect(r.complete).toBe(false)
    expect(rules(scanPickleBuffer(p, { maxNestedDepth: 8 }))).toEqual(['error:unsafe-serialization'])
  })

  it('does not treat arbitrary binary data or prose as a pickle', () => {
    const noise = Buffer.from([0x80, 0x02, 0xff, 0x00, 0x13, 0x37, 0x42, 0x42, 0x42])
    expect(scanPickleBuffer(wrap((b) => b.bytes(noise)))).toMatchObject({ issues: [] })
    expect(scanPickleBuffer(wrap((b) => b.unicode('This is fine.\nReally.')))).toMatchObject({ issues: [] })
  })
})

describe('pickle scanner: limits fail closed', () => {
  it.each([
    [{ maxOpcodes: 5 }, /limit maxOpcodes/],
    [{ maxStack: 3 }, /limit maxStack/],
    [{ maxMarks: 2 }, /limit maxMarks/],
    [{ maxMemo: 2 }, /limit maxMemo/]
  ])('%j → scan-incomplete error', (limits, re) => {
    const b = pb().proto(4).mark().mark().mark().none().memoize().none().memoize().none().memoize().none().tuple().tuple().tuple().stop().build()
    const r = scanPickleBuffer(b, limits)
    expect(rules(r)).toEqual(['error:scan-incomplete'])
    expect(r.issues[0]!.message).toMatch(re)
    expect(r.complete).toBe(false)
  })

  it('keeps only maxKeep bytes of a long string and still parses on', () => {
    const b = pb().proto(4).unicode('x'.repeat(5000), 'bin').pop().global('os', 'system').stop().build()
    expect(rules(scanPickleBuffer(b, { maxKeep: 16 }))).toEqual(['error:unsafe-serialization'])
  })
})

describe('pickle scanner: __main__ classes', () => {
  const b = pb().proto(2).global('__main__', 'Net').tuple(0).newobj().global('torch._utils', '_rebuild_tensor_v2').pop().stop().build()
  it('is a torch.save(model) warning in torch pickles', () => {
    const r = scanPickleBuffer(b)
    expect(rules(r)).toEqual(['warning:unknown-global'])
    expect(r.issues[0]!.message).toMatch(/torch\.save\(model\) full pickle: loading imports user code/)
    expect(r.issues[0]!.fix).toMatch(/state_dict.*safetensors/)
  })
  it('is a note elsewhere', () => {
    const r = scanPickleBuffer(pb().proto(2).global('__main__', 'Net').stop().build())
    expect(rules(r)).toEqual(['note:unknown-global'])
  })
  it('is still dangerous when the name walks to a gadget', () => {
    expect(rules(scanPickleBuffer(pb().proto(4).global('__main__', 'os.system').stop().build()))).toEqual(['error:unsafe-serialization'])
  })
})
