/**
 * Fuzz: no input makes the scanner throw, hang, or claim an incomplete scan without
 * an error, and the chunking of a stream never changes its verdict.
 *
 * Every run uses a fresh random seed (fast-check prints seed and path on failure).
 * Replay a failure with `PICKLE_FUZZ_SEED=<seed> PICKLE_FUZZ_PATH=<path> npm test -- __tests__/pickle/fuzz`;
 * then add the counterexample to the regressions at the bottom with its exact issues.
 */
import { deflateSync } from 'node:zlib'
import fc from 'fast-check'
import { DEFAULT_LIMITS, scanPickle, scanPickleBuffer, type PickleScanOptions, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { benignDict, legacyTorch, pb, proto0System } from './builder.js'

const SEED = process.env.PICKLE_FUZZ_SEED === undefined ? undefined : Number(process.env.PICKLE_FUZZ_SEED)
const PATH = process.env.PICKLE_FUZZ_PATH
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, ...(SEED !== undefined && { seed: SEED }), ...(PATH !== undefined && { path: PATH }) })

const bareSystem = pb().unicode('os').unicode('system').stackGlobal().unicode('id').tuple(1).reduce().stop().build()

const seeds = [
  benignDict(),
  proto0System(),
  legacyTorch(benignDict()),
  pb().proto(4).framed((f) => f.unicode('os').memoize().unicode('system').memoize().stackGlobal().unicode('id').tuple(1).reduce().stop()).build(),
  pb().proto(5).frame(2).raw([0x42, 0x07]).raw([1, 0, 0, 0, 0]).global('os', 'system').stop().build(),
  pb().proto(4).emptyDict().unicode('p').bytes(proto0System()).setitem().stop().build(),
  // nested forms without PROTO (raw, base64, zlib) and protocol-0 text arguments read as CPython reads them
  pb().proto(4).bytes(bareSystem).unicode(bareSystem.toString('base64')).bytes(deflateSync(bareSystem)).tuple(3).stop().build(),
  pb().unicode('os').line('p', '1_0').line('I', '010').line('L', '0x1fL').line('F', '1e5').tuple(3).pop().line('g', '1_0').stop().build()
]

/**
 * Work bound, counted in opcodes (not wall time, so it cannot flake on a slow machine):
 * each opcode consumes at least one byte, a fork re-reads at most the rest of the
 * stream (≤ maxForks of them) and embedded pickles are smaller than their carrier, so
 * fuzz inputs stay around 1 opcode per byte. 64 per byte is generous; a scan that
 * loops instead of advancing would blow through it.
 */
const OPCODES_PER_BYTE = 64

function invariant(r: PickleScanResult, len: number): void {
  expect(Array.isArray(r.issues)).toBe(true)
  if (!r.complete) expect(r.issues.some((i) => i.severity === 'error')).toBe(true)
  for (const i of r.issues) {
    expect(i.message.length).toBeGreaterThan(0)
    expect(i.fix.length).toBeGreaterThan(0)
  }
  expect(r.stats.opcodes).toBeLessThanOrEqual(OPCODES_PER_BYTE * (len + 1))
}

async function streamed(bytes: Buffer, size: number, opts?: PickleScanOptions): Promise<PickleScanResult> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
  }
  return scanPickle(chunks(), opts)
}

/** Everything the verdict consists of (byte offsets in messages included). */
const verdict = (r: PickleScanResult): unknown => ({
  complete: r.complete,
  pickles: r.pickles,
  globals: r.globals,
  issues: r.issues.map((i) => `${i.rule} | ${i.severity} | ${i.message}`).sort()
})

/** Chunking never changes the verdict: 1-byte chunks and one random size against the whole buffer. */
async function sameVerdictChunked(bytes: Buffer, size: number): Promise<void> {
  const whole = scanPickleBuffer(bytes)
  invariant(whole, bytes.length)
  for (const s of new Set([1, size])) {
    const r = await streamed(bytes, s)
    invariant(r, bytes.length)
    expect({ chunkSize: s, ...(verdict(r) as object) }).toEqual({ chunkSize: s, ...(verdict(whole) as object) })
  }
}

const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 8 }))
  .map(([seed, edits]) => {
    const b = [...seed]
    for (const [at, byte, kind] of edits) {
      const i = b.length === 0 ? 0 : at % b.length
      if (kind === 'set' && b.length > 0) b[i] = byte
      else if (kind === 'insert') b.splice(i, 0, byte)
      else b.splice(i, 1)
    }
    return Buffer.from(b)
  })

/** Opcodes with well-formed arguments, with FRAMEs of small lengths dropped in anywhere (straddles, forks). */
const L = (s: string): number[] => [...Buffer.from(s, 'latin1')]
const sbu = (s: string): number[] => [0x8c, s.length, ...L(s)]
const framed = fc
  .tuple(
    fc.array(
      fc.constantFrom(
        [0x4e], [0x4b, 7], sbu('os'), sbu('system'), sbu('builtins'), sbu('eval'), [0x5d], [0x7d], [0x28], [0x94],
        [0x63, ...L('os\nsystem\n')], [0x63, ...L('collections\nOrderedDict\n')], [0x53, ...L("'x'\n")], [0x49, ...L('12\n')],
        [0x85], [0x86], [0x93], [0x52], [0x61], [0x73], [0x65], [0x74], [0x30], [0x32], [0x68, 0], [0x71, 3], [0x70, ...L('5\n')],
        [0x62], [0x82, 1], [0x8a, 2, 1, 2], [0x43, 17, ...L("cos\nsystem\n(S'x'\ntR.")], [0x2e], [0x80, 4]
      ),
      { maxLength: 60 }
    ),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 40 })), { maxLength: 4 }),
    fc.boolean()
  )
  .map(([ops, frames, proto]) => {
    const b: number[] = [...(proto ? [0x80, 4] : []), ...ops.flat(), 0x2e]
    for (const [at, len] of frames) b.splice(at % (b.length + 1), 0, 0x95, len, 0, 0, 0, 0, 0, 0, 0)
    return Buffer.from(b)
  })

describe('pickle scanner fuzz', () => {
  it('survives random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => invariant(scanPickleBuffer(bytes), bytes.length)), params(2000))
  })

  it('survives random opcode soup (valid opcodes, random arguments)', () => {
    const ops = [0x28, 0x2e, 0x30, 0x31, 0x32, 0x4e, 0x52, 0x61, 0x62, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x85, 0x86, 0x8c, 0x93, 0x94, 0x95, 0x8f, 0x90, 0x82, 0x63, 0x0a, 0x80, 0x04]
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...ops), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }), (a) => invariant(scanPickleBuffer(Buffer.from(a)), a.length)), params(2000))
  })

  it('survives mutated valid pickles, streamed in random chunk sizes (and 1-byte chunks)', async () => {
    await fc.assert(fc.asyncProperty(mutated, fc.integer({ min: 1, max: 64 }), sameVerdictChunked), params(1000))
  })

  it('gives the same verdict for framed opcode sequences whatever the chunking', async () => {
    await fc.assert(fc.asyncProperty(framed, fc.integer({ min: 2, max: 16 }), sameVerdictChunked), params(1000))
  })

  it('keeps the invariant under tight limits (every limit hit is an error)', () => {
    const limits = fc.record({
      maxOpcodes: fc.integer({ min: 0, max: 60 }),
      maxForks: fc.integer({ min: 0, max: 3 }),
      maxStack: fc.integer({ min: 0, max: 8 }),
      maxMarks: fc.integer({ min: 0, max: 3 }),
      maxMemo: fc.integer({ min: 0, max: 4 }),
      maxKeep: fc.integer({ min: 0, max: 24 }),
      maxNestedDepth: fc.integer({ min: 0, max: 2 })
    })
    fc.assert(fc.property(fc.oneof(mutated, framed), limits, (bytes, lim) => invariant(scanPickleBuffer(bytes, lim), bytes.length)), params(2000))
  })

  it('turns a failing source into an issue instead of throwing', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.from([0x80, 0x04])
      throw new Error('EIO')
    }
    const r = await scanPickle(broken())
    expect(r.complete).toBe(false)
    expect(r.issues[0]).toMatchObject({ rule: 'scan-incomplete', severity: 'error' })
    expect(r.issues[0]!.message).toMatch(/EIO/)
  })
})

/** Expects the same result from the whole buffer and from every chunk size 1..length. */
async function expectAtEveryChunkSize(bytes: Buffer, opts: PickleScanOptions, expected: Record<string, unknown>): Promise<void> {
  expect(scanPickleBuffer(bytes, opts)).toMatchObject(expected)
  for (let size = 1; size <= bytes.length; size++) {
    expect({ size, r: await streamed(bytes, size, opts) }).toMatchObject({ size, r: expected })
  }
}

const FIX_MALFORMED =
  'Re-save the file with the framework\'s own save function from a trusted source; a stream CPython would read differently from a scanner is a common way to hide a payload.'

describe('pickle scanner fuzz regressions', () => {
  // Found by the "mutated, streamed" property (fast-check seed 1000, path 2258:33:31:30:31:30:33:30;
  // also seeds 1003, 1028, 1029, 1033): a legacy torch stream whose object pickle's FRAME
  // (36 bytes) runs past its STOP, over the keys pickle, into the first storage byte. The
  // scan stops reading after the 5th pickle; `frame-past-end` compared the frame end with
  // the bytes read so far, so 1-byte chunks (88 bytes read) reported a malformed frame
  // while the whole buffer (152 bytes) did not.
  const legacyFrameIntoStorage = Buffer.from(
    '80028a0a6cfc9c46f9206aa850192e80024de9032e80027d8c0d6c6974746c655f656e6469616e88732e' +
      '80049524000000000000007d948c0161945d94284b014740040000000000008c01789465732e' +
      '80025d8c0130612e' +
      'ab'.repeat(64),
    'hex'
  )

  it('legacy torch frame ending inside the storage bytes: clean at every chunk size', async () => {
    await expectAtEveryChunkSize(legacyFrameIntoStorage, {}, {
      issues: [],
      globals: [],
      complete: true,
      pickles: 5,
      stats: expect.objectContaining({ legacyTorch: true })
    })
  })

  it('stopAfter with a frame running past the last pickle read, still inside the file: clean', async () => {
    const b = Buffer.concat([pb().proto(4).frame(6).none().stop().build(), Buffer.from('ABCDEFGH')])
    await expectAtEveryChunkSize(b, { stopAfter: 1 }, { issues: [], complete: true, pickles: 1 })
  })

  it('stopAfter with a frame running past the end of the file: the same frame-past-end issue at every chunk size', async () => {
    const b = Buffer.concat([pb().proto(4).frame(100).none().stop().build(), Buffer.from('ABCDEFGH')])
    await expectAtEveryChunkSize(b, { stopAfter: 1 }, {
      issues: [
        {
          rule: 'unparseable-artifact',
          severity: 'error',
          message:
            "Malformed pickle at byte 111: a FRAME announces more bytes than the file holds; CPython's C unpickler refuses it while the pure-Python one executes it (frame ends at byte 111, file has 21 bytes).",
          fix: FIX_MALFORMED,
          offset: 111
        }
      ],
      complete: true,
      pickles: 1
    })
  })

  // Found by the "framed" property once forks were fuzzed with chunking: the main parse
  // and the fork spawned at a FRAME straddle interleave differently per chunking, and
  // globals (and, potentially, the first-reported offset of an import or anomaly) were
  // listed in arrival order. They are now in fork-tree order: main first, then forks.
  // "framed" property, seed -1011534100, path 0:10:12:17:37:17:18:19:18:16:17:16:16:17:19:20:20:20:15:1:4:8:7:9, chunk size 2.
  it("GLOBAL line straddling a FRAME (fork reads \"s\\nsystem\"): globals and issues in tree order at every chunk size", async () => {
    const b = Buffer.from("9504000000000000008004636f730a73797374656d0a4e932e", 'hex')
    await expectAtEveryChunkSize(b, {}, {
      complete: true,
      pickles: 1,
      globals: [
        { module: "os", name: "system", offset: 11, opcode: 'GLOBAL' },
        { module: "<os.system>", name: "<non-string>", offset: 23, opcode: 'STACK_GLOBAL' },
        { module: "s", name: "system", offset: 11, opcode: 'GLOBAL' },
        { module: "<s.system>", name: "<non-string>", offset: 23, opcode: 'STACK_GLOBAL' }
      ],
      issues: [
        {
          rule: 'unsafe-serialization',
          severity: 'error',
          message:
            "Loading this pickle runs code: GLOBAL at byte 11 imports os.system, which is dangerous (os: runs shell commands and touches files).",
          offset: 11
        },
        {
          rule: 'unsafe-serialization',
          severity: 'error',
          message:
            "Loading this pickle runs code: STACK_GLOBAL at byte 23 imports <os.system>.<non-string>, which is dangerous (STACK_GLOBAL operands are computed at load time (not plain strings), so the import cannot be known before running it).",
          offset: 23
        },
        {
          rule: 'unsafe-serialization',
          severity: 'error',
          message:
            "Loading this pickle runs code: GLOBAL at byte 11 imports s.system, which is dangerous (name component \"system\" is a code-execution, file, network or loader gadget). This import is only reached when the file is read the way CPython reads a non-seekable file across the malformed frame boundary.",
          offset: 11
        },
        {
          rule: 'unsafe-serialization',
          severity: 'error',
          message:
            "Loading this pickle runs code: STACK_GLOBAL at byte 23 imports <s.system>.<non-string>, which is dangerous (STACK_GLOBAL operands are computed at load time (not plain strings), so the import cannot be known before running it). This import is only reached when the file is read the way CPython reads a non-seekable file across the malformed frame boundary.",
          offset: 23
        },
        {
          rule: 'unparseable-artifact',
          severity: 'error',
          message:
            "Malformed pickle at byte 12: an opcode argument crosses a FRAME boundary, so CPython reads this pickle differently depending on how it is opened (bytes vs. file), and the pure-Python unpickler rejects it (a text line starting at byte 12 has no newline before the frame end at byte 13).",
          offset: 12
        }
      ]
    })
  })

  // "framed" property, seed -1018491964, path 116:13:13:14:2:9:8:8, chunk size 2.
  it("GLOBAL line straddling a FRAME (fork reads \"ollections\"): globals and issues in tree order at every chunk size", async () => {
    const b = Buffer.from("9503000000000000004e63636f6c6c656374696f6e730a4f726465726564446963740a932e", 'hex')
    await expectAtEveryChunkSize(b, {}, {
      complete: true,
      pickles: 1,
      globals: [
        { module: "collections", name: "OrderedDict", offset: 10, opcode: 'GLOBAL' },
        { module: "<non-string>", name: "<collections.OrderedDict>", offset: 35, opcode: 'STACK_GLOBAL' },
        { module: "ollections", name: "OrderedDict", offset: 10, opcode: 'GLOBAL' },
        { module: "<non-string>", name: "<ollections.OrderedDict>", offset: 35, opcode: 'STACK_GLOBAL' }
      ],
      issues: [
        {
          rule: 'unsafe-serialization',
          severity: 'error',
          message:
            "Loading this pickle runs code: STACK_GLOBAL at byte 35 imports <non-string>.<collections.OrderedDict>, which is dangerous (STACK_GLOBAL operands are computed at load time (not plain strings), so the import cannot be known before running it).",
          offset: 35
        },
        {
          rule: 'unknown-global',
          severity: 'warning',
          message:
            "Loading this pickle imports an unvetted global: GLOBAL at byte 10 imports ollections.OrderedDict (not on the vetted list of framework globals). This import is only reached when the file is read the way CPython reads a non-seekable file across the malformed frame boundary.",
          offset: 10
        },
        {
          rule: 'unsafe-serialization',
          severity: 'error',
          message:
            "Loading this pickle runs code: STACK_GLOBAL at byte 35 imports <non-string>.<ollections.OrderedDict>, which is dangerous (STACK_GLOBAL operands are computed at load time (not plain strings), so the import cannot be known before running it). This import is only reached when the file is read the way CPython reads a non-seekable file across the malformed frame boundary.",
          offset: 35
        },
        {
          rule: 'unparseable-artifact',
          severity: 'error',
          message:
            "Malformed pickle at byte 11: an opcode argument crosses a FRAME boundary, so CPython reads this pickle differently depending on how it is opened (bytes vs. file), and the pure-Python unpickler rejects it (a text line starting at byte 11 has no newline before the frame end at byte 12).",
          offset: 11
        }
      ]
    })
  })

  it('reads only to the frame end after stopAfter, holding no storage bytes', async () => {
    const head = pb().proto(4).frame(6).none().stop().build()
    const b = Buffer.concat([head, Buffer.alloc(4096, 0xab)])
    const r = await streamed(b, 16, { stopAfter: 1 })
    // the frame (bytes 11..17) ends 4 bytes into the storage: the scan reads the 2 chunks up to it
    expect(r.stats.bytesRead).toBe(32)
    expect(r.stats.peakBufferedBytes).toBeLessThanOrEqual(32)
  })

  // Found while checking the invariant under small limits: a fork that hit maxOpcodes after
  // the main parse had finished stopped silently, and the scan said complete.
  it('a fork stopped by maxOpcodes makes the scan incomplete, with an error', async () => {
    const b = Buffer.from('9504000000000000008004636f730a73797374656d0a4e932e', 'hex') // same as above: main 6 opcodes, fork 4
    const r = scanPickleBuffer(b, { maxOpcodes: 6 })
    expect(r).toMatchObject({ complete: false, pickles: 1 })
    expect(r.issues.map((i) => i.rule)).toEqual(['unsafe-serialization', 'unsafe-serialization', 'unparseable-artifact', 'scan-incomplete'])
    expect(r.issues[3]).toEqual({
      rule: 'scan-incomplete',
      severity: 'error',
      message:
        'Re-reading the stream the way CPython reads a non-seekable file across a malformed frame boundary stopped early: more than 6 opcodes (limit maxOpcodes); the rest of that reading was not checked.',
      fix: 'If the file is legitimate, raise the pickle limit named above in .modelgate.yml; better, convert it to safetensors so no scan of code is needed.'
    })
    // Streamed, the fork may run first and the main parse hit the cap instead: still incomplete, with an error.
    for (let size = 1; size <= b.length; size++) {
      for (const cap of [6, 7, 8, 9]) {
        const s = await streamed(b, size, { maxOpcodes: cap })
        expect({ size, cap, complete: s.complete, error: s.issues.some((i) => i.rule === 'scan-incomplete' && i.severity === 'error') }).toEqual({ size, cap, complete: false, error: true })
      }
    }
  })

  it('counts opcodes of embedded pickles in the one maxOpcodes budget', () => {
    const inner = pb().proto(4).none().pop().none().pop().none().stop().build()
    const outer = pb().proto(4).bytes(inner).stop().build()
    const r = scanPickleBuffer(outer)
    expect(r).toMatchObject({ issues: [], complete: true })
    expect(r.stats.opcodes).toBe(3 + 7) // PROTO BINBYTES STOP + the 7 of the embedded pickle
    const capped = scanPickleBuffer(outer, { maxOpcodes: 4 })
    // the embedded scan stops at the cap, and so does the outer STOP right after it
    expect(capped).toMatchObject({ complete: false, pickles: 0 })
    expect(capped.issues).toEqual([
      {
        rule: 'scan-incomplete',
        severity: 'error',
        message:
          'The pickle scan stopped at byte 15: more than 4 opcodes (limit maxOpcodes). Nothing after this point was checked, so ModelGate cannot say whether loading the file runs code.',
        fix: 'If the file is legitimate, raise the pickle limit named above in .modelgate.yml; better, convert it to safetensors so no scan of code is needed.',
        offset: 15
      }
    ])
    expect(DEFAULT_LIMITS.maxOpcodes).toBeGreaterThan(1e6)
  })
})
