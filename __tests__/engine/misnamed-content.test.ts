/**
 * A file whose name and content disagree keeps the mismatch finding and is inspected as what
 * its content is, so the finding names the payload: numpy.load(allow_pickle=True) runs a
 * pickle named .npy, torch.load a header-less pickle named .pt.
 */
import path from 'node:path'
import { processFile } from '../../src/engine/process-file.js'
import { DEFAULT_LIMITS } from '../../src/engine/limits.js'
import type { Candidate } from '../../src/discover/types.js'
import { BufferByteSource, FileByteSource } from '../../src/util/byte-source.js'
import { pb } from '../pickle/builder.js'
import { SHARED } from '../support/shared.js'

const candidate = (p: string, bytes: Buffer): Candidate => ({
  path: p,
  change: 'unchanged',
  open: async () => Object.assign(new BufferByteSource(bytes), { close: async () => {} })
})
const run = async (p: string, bytes: Buffer) => {
  const out = await processFile(candidate(p, bytes), DEFAULT_LIMITS)
  return { format: out.artifact?.format, findings: out.findings.map((f) => `${f.severity}:${f.rule}: ${f.message}`) }
}

/** os.system('id') as protocol 2, and the same without its PROTO header. */
const system = pb().proto(2).global('os', 'system').unicode('id').tuple(1).reduce().stop().build()
const headerless = system.subarray(2)
const SYSTEM = (at: number) => `error:unsafe-serialization: Loading this pickle runs code: GLOBAL at byte ${at} imports os.system, which is dangerous (os: runs shell commands and touches files).`
const a = (format: string) => (/^[aeiou]/.test(format) ? `an ${format}` : `a ${format}`)
const mismatch = (nominal: string, content: string) =>
  `error:unparseable-artifact: Cannot parse this ${nominal} file: the name promises ${a(nominal)} file, but its content is ${a(content)} file. A file that cannot be parsed is never reported as safe.`

describe('content that contradicts its name is inspected as what it is', () => {
  it('a pickle named .npy: the mismatch, and the import it runs', async () => {
    expect(await run('arrays/weights.npy', system)).toEqual({ format: 'pickle', findings: [mismatch('numpy', 'pickle'), SYSTEM(2)] })
  })

  it('a pickle named .onnx, .safetensors and .csv alike', async () => {
    expect(await run('model.onnx', system)).toEqual({ format: 'pickle', findings: [mismatch('onnx', 'pickle'), SYSTEM(2)] })
    expect(await run('model.safetensors', system)).toEqual({ format: 'pickle', findings: [mismatch('safetensors', 'pickle'), SYSTEM(2)] })
    expect(await run('table.csv', system)).toEqual({ format: 'pickle', findings: [mismatch('csv', 'pickle'), SYSTEM(2)] })
  })

  it('a header-less pickle named .pt or .pth is a pickle torch.load runs (no mismatch: torch writes pickles)', async () => {
    expect(await run('model.pt', headerless)).toEqual({ format: 'pickle', findings: [SYSTEM(0)] })
    expect(await run('model.pth', headerless)).toEqual({ format: 'pickle', findings: [SYSTEM(0)] })
  })

  it('a legacy torch file whose magic-number pickle has no PROTO is scanned as one, payload in its second pickle', async () => {
    const magic = pb().long1([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]).stop().build()
    expect(await run('model.pth', Buffer.concat([magic, system]))).toEqual({ format: 'pytorch-legacy', findings: [SYSTEM(15)] })
  })

  it('content that starts like its format but is broken is not inspected further', async () => {
    const broken = Buffer.concat([Buffer.from([0x20, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a": nope')])
    expect(await run('model.safetensors', broken)).toEqual({
      format: 'safetensors',
      findings: ['error:unparseable-artifact: Cannot parse this safetensors file: header length 32 runs past the end of the 18-byte file (truncated header). A file that cannot be parsed is never reported as safe.']
    })
  })

  it("the scanner corpus' unsafe_numpy.npy names builtins.exec", async () => {
    const file = path.join(SHARED, 'scanner-corpus/modelscan/generated/numpy/unsafe_numpy.npy')
    const out = await processFile({ path: 'unsafe_numpy.npy', change: 'unchanged', open: () => FileByteSource.open(file) }, DEFAULT_LIMITS)
    expect(out.artifact?.format).toBe('pickle')
    expect(out.findings.filter((f) => f.rule === 'unsafe-serialization').map((f) => f.message)).toEqual([
      'Loading this pickle runs code: STACK_GLOBAL at byte 29 imports builtins.exec, which is dangerous (executes Python source).'
    ])
    expect(out.findings[0]!.message).toBe(mismatch('numpy', 'pickle').slice('error:unparseable-artifact: '.length))
  })
})
