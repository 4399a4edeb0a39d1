import { inspectSafetensors } from '../../src/inspect/formats/safetensors.js'
import { safetensors, src } from './fixtures/bytes.js'

const t = (dtype: string, shape: number[], a: number, b: number) => ({ dtype, shape, data_offsets: [a, b] })

describe('inspectSafetensors', () => {
  it('reports tensors, parameters, dtypes and metadata', async () => {
    const file = safetensors(
      { __metadata__: { format: 'pt' }, w: t('F32', [2, 3], 0, 24), b: t('BF16', [3], 24, 30), m: t('BOOL', [2], 30, 32) },
      32
    )
    const r = await inspectSafetensors(src(file))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'safetensors',
      tensors: 3,
      parameters: 11,
      dtypes: 'BF16,BOOL,F32',
      header_bytes: file.readUInt32LE(0),
      metadata_keys: 'format',
      'metadata.format': 'pt'
    })
  })

  it.each([
    ['header length past the end', safetensors({}, 0, { lengthOverride: 1000n }), /header length 1000 runs past the end of the \d+-byte file/],
    ['header length over 100 MB', safetensors({}, 0, { lengthOverride: 200_000_000n }), /exceeds the 100000000-byte limit/],
    ['unknown dtype', safetensors({ w: t('F128', [1], 0, 16) }, 16), /Tensor "w" has unknown dtype "F128"/],
    ['size mismatch', safetensors({ w: t('F32', [2, 2], 0, 12) }, 12), /Tensor "w" is F32\[2,2\] \(16 bytes\) but data_offsets span 12 bytes/],
    ['offsets past data', safetensors({ w: t('F32', [4], 0, 16) }, 8), /Tensor "w" data_offsets \[0, 16\] run past the 8-byte data region/],
    ['overlap', safetensors({ a: t('F32', [2], 0, 8), b: t('F32', [2], 4, 12) }, 12), /Tensor "b" overlaps the previous tensor/],
    ['bad offsets', safetensors({ a: t('F32', [1], 8, 4) }, 8), /invalid data_offsets/],
    ['non-string metadata', safetensors({ __metadata__: { n: 1 } }, 0), /`__metadata__` value for "n" is not a string/]
  ])('%s is unparseable', async (_name, file, message) => {
    const r = await inspectSafetensors(src(file))
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unparseable-artifact', severity: 'error' })
    expect(r.issues[0]?.message).toMatch(message)
  })

  it('rejects a truncated length and invalid JSON', async () => {
    expect((await inspectSafetensors(src(Buffer.from([1, 2, 3])))).issues[0]?.message).toMatch(/truncated: the 8-byte header length/)
    const bad = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a"')])
    expect((await inspectSafetensors(src(bad))).issues[0]?.message).toMatch(/header is not valid JSON/)
  })

  it('notes gaps and trailing bytes', async () => {
    const r = await inspectSafetensors(src(safetensors({ a: t('U8', [4], 0, 4), b: t('U8', [4], 8, 12) }, 16)))
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unparseable-artifact', severity: 'note', message: expect.stringMatching(/^8 bytes of the data region are not referenced/) })])
  })

  it('flags Python code smuggled in metadata', async () => {
    const r = await inspectSafetensors(src(safetensors({ __metadata__: { info: "import os; os.system('id')" } }, 0)))
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unsafe-serialization', severity: 'error' })])
    expect(r.issues[0]?.message).toContain('`__metadata__["info"]`')
  })
})
