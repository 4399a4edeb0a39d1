/**
 * Containers that used to fail closed without naming what they hold: joblib zlib data split
 * over several streams (read as joblib reads it), TorchScript code (`code/**.py`, checked for
 * calls outside TorchScript), and 7z archives (no reader: the message says so and what to do).
 */
import path from 'node:path'
import { deflateSync } from 'node:zlib'
import { identify } from '../../src/identify/identify.js'
import { inspectJoblib, MAX_ZLIB_STREAMS, zlibStreams } from '../../src/inspect/containers/joblib.js'
import { dangerousCalls } from '../../src/inspect/containers/torchscript-code.js'
import { scanZipPickles } from '../../src/inspect/containers/zip-members.js'
import { INSPECTORS } from '../../src/inspect/registry.js'
import type { InspectResult } from '../../src/inspect/types.js'
import { BufferByteSource, FileByteSource } from '../../src/util/byte-source.js'
import { benignDict, pb } from '../pickle/builder.js'
import { SHARED } from '../support/shared.js'
import { craftZip } from './archive-fixtures.js'

const src = (b: Buffer) => new BufferByteSource(b)
const lines = (r: InspectResult) => r.issues.map((i) => `${i.severity}:${i.rule}: ${i.message}`)
const system = pb().proto(2).global('os', 'system').unicode('id').tuple(1).reduce().stop().build()
const SYSTEM = 'error:unsafe-serialization: zlib-compressed pickle: Loading this pickle runs code: GLOBAL at byte 2 imports os.system, which is dangerous (os: runs shell commands and touches files).'
/** `bytes` cut at `cuts` and each part compressed as its own zlib stream. */
const zlibParts = (bytes: Buffer, cuts: number[]) => Buffer.concat([0, ...cuts].map((at, i) => deflateSync(bytes.subarray(at, [...cuts, bytes.length][i]))))

describe('joblib zlib data in several streams', () => {
  it('one stream, as joblib writes it', async () => {
    const r = await inspectJoblib(src(deflateSync(system)), 'zlib')
    expect(lines(r)).toEqual([SYSTEM])
    expect(r.facts).toMatchObject({ compression: 'zlib', pickles: 1 })
  })

  it('two and five streams back to back are read as one pickle (joblib starts a new decompressor at each end)', async () => {
    expect(lines(await inspectJoblib(src(zlibParts(system, [5])), 'zlib'))).toEqual([SYSTEM])
    expect(lines(await inspectJoblib(src(zlibParts(system, [1, 2, 3, 20])), 'zlib'))).toEqual([SYSTEM])
  })

  it('identified by name and compression, then inspected', async () => {
    const bytes = zlibParts(system, [5])
    const id = await identify('model.joblib', src(bytes))
    expect(id).toEqual({ kind: 'model', format: 'joblib', lfs: null, facts: { compression: 'zlib' }, issues: [] })
    expect(lines(await INSPECTORS.joblib!(src(bytes), { path: 'model.joblib', facts: id!.facts }))).toEqual([SYSTEM])
  })

  it('bytes after the last stream that start no stream: the payload is still named, and the rest fails closed', async () => {
    // The scan reads on after STOP (a file may hold several pickles); joblib stops at the first.
    const whole = deflateSync(system)
    expect(lines(await inspectJoblib(src(Buffer.concat([whole, Buffer.from('trailing junk')])), 'zlib'))).toEqual([
      SYSTEM,
      `error:scan-incomplete: zlib-compressed pickle: The pickle scan stopped at byte ${system.length}: reading the file failed (zlib stream 2 at byte ${whole.length}: incorrect header check). Nothing after that point was checked.`
    ])
  })

  it('bytes that start no stream while the pickle goes on fail closed, saying where', async () => {
    const first = deflateSync(system.subarray(0, 5))
    expect(lines(await inspectJoblib(src(Buffer.concat([first, Buffer.from('junk')])), 'zlib'))).toEqual([
      `error:scan-incomplete: zlib-compressed pickle: The pickle scan stopped at byte 5: reading the file failed (zlib stream 2 at byte ${first.length}: incorrect header check). Nothing after that point was checked.`
    ])
  })

  it(`more than ${MAX_ZLIB_STREAMS} streams fail closed`, async () => {
    const empties = Buffer.concat(Array.from({ length: MAX_ZLIB_STREAMS }, () => deflateSync(Buffer.alloc(0))))
    expect(lines(await inspectJoblib(src(Buffer.concat([empties, deflateSync(system)])), 'zlib'))).toEqual([
      `error:scan-incomplete: zlib-compressed pickle: The pickle scan stopped at byte 0: reading the file failed (more than ${MAX_ZLIB_STREAMS} zlib streams follow one another; the data from byte ${empties.length} on was not decompressed). Nothing after that point was checked.`
    ])
    const out: Buffer[] = []
    for await (const c of zlibStreams(src(zlibParts(system, [3, 9])), 3)) out.push(c)
    expect(Buffer.concat(out)).toEqual(system)
  })
})

describe('TorchScript code', () => {
  const code = (py: string) =>
    craftZip([
      { name: 'model/data.pkl', data: benignDict() },
      { name: 'model/code/__torch__/model.py', data: Buffer.from(py), deflate: true },
      { name: 'model/constants.pkl', data: pb().proto(2).tuple(0).stop().build() },
      { name: 'model/version', data: Buffer.from('3\n') }
    ])
  const TS = { kind: 'TorchScript archive', framework: 'torch' }

  it('names calls outside TorchScript, with their lines; strings, comments, getattr(self, "0") and methods named eval are not calls', async () => {
    const py = [
      'class Model(Module):',
      '  def forward(self: __torch__.Model, x: Tensor) -> Tensor:',
      '    _0 = getattr(self, "0")',
      '    s = "os.system(\'id\')"  # eval(x)',
      '    _1 = torch.linear(x, self.weight)',
      '    _2 = os.system("id")',
      '    _3 = eval("1 + 1")',
      '    _4 = self.eval()',
      '    _5 = builtins.exec',
      '    _6 = torch.from_file("/etc/passwd", False, 10)',
      '    return __import__("subprocess")',
      ''
    ].join('\n')
    const r = await scanZipPickles(src(code(py)), TS)
    expect(lines(r)).toEqual([
      'error:unsafe-serialization: TorchScript archive: TorchScript code "model/code/__torch__/model.py" calls os.system (line 6: runs shell commands and touches files), eval (line 7: evaluates Python source), builtins.exec (line 9: Python built-ins (eval, exec, __import__, open)), torch.from_file (line 10: reads any file into a tensor), __import__ (line 11: imports any module). torch.jit.load compiles this code into the model, so running the model makes these calls; code a real export writes calls only torch operators.'
    ])
    expect(r.pickleMembers).toEqual(['model/data.pkl', 'model/constants.pkl'])
  })

  it('identified as TorchScript and inspected as such', async () => {
    const bytes = code('def f(x: Tensor) -> Tensor:\n  return subprocess.check_output(["id"])\n')
    expect((await identify('model.pt', src(bytes)))?.format).toBe('torchscript')
    expect(lines(await INSPECTORS.torchscript!(src(bytes), { path: 'model.pt', facts: {} }))).toEqual([
      'error:unsafe-serialization: TorchScript archive: TorchScript code "model/code/__torch__/model.py" calls subprocess.check_output (line 2: runs programs). torch.jit.load compiles this code into the model, so running the model makes these calls; code a real export writes calls only torch operators.'
    ])
  })

  it('what real exports write is clean (../shared/real-models torchscript_model.pt)', async () => {
    const f = await FileByteSource.open(path.join(SHARED, 'real-models/out/torchscript_model.pt'))
    try {
      const r = await scanZipPickles(f, TS)
      expect(lines(r)).toEqual([])
    } finally {
      await f.close()
    }
    expect(dangerousCalls('  def forward(self, input: Tensor) -> Tensor:\n    return torch.relu(ops.aten.linear(input, self.weight))\n').hits).toEqual([])
  })

  it('code past the size limit fails closed', async () => {
    const big = 'x = 1\n'.repeat(Math.ceil((8 * 1024 * 1024 + 1) / 6))
    expect(lines(await scanZipPickles(src(code(big)), TS))).toEqual([
      'error:scan-incomplete: TorchScript archive: its TorchScript code is too large to check in full (over 8388608 bytes or 1000000 tokens in one member, or 67108864 bytes in all); the code past that was not checked for calls outside TorchScript.'
    ])
  })

  it('in a plain zip, code/*.py is not TorchScript and not checked', async () => {
    expect(lines(await scanZipPickles(src(code('os.system("id")\n')), { kind: 'zip archive' }))).toEqual([])
  })
})

describe('7z archives', () => {
  it('are identified, and fail closed with what to do instead', async () => {
    const bytes = Buffer.concat([Buffer.from('377abcaf271c0004', 'hex'), Buffer.alloc(24)])
    expect(await identify('models.7z', src(bytes))).toEqual({ kind: 'model', format: '7z', lfs: null, facts: {}, issues: [] })
    expect(await INSPECTORS['7z']!(src(bytes), { path: 'models.7z', facts: {} })).toEqual({
      facts: {},
      issues: [
        {
          rule: 'scan-incomplete',
          severity: 'error',
          message: 'This is a 7z archive. ModelGate has no 7z reader, so nothing inside it (models, pickles, other archives) was scanned, and it cannot be reported as safe.',
          fix: 'Commit the files themselves, or a zip or tar(.gz) of them, which ModelGate opens and scans member by member. To check this one by hand, extract it (`7z x <archive>`) and run `modelgate scan` on the extracted folder.'
        }
      ]
    })
  })
})
