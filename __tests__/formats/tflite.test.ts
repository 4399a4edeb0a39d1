import { inspectTflite } from '../../src/inspect/formats/tflite.js'
import { src, tflite } from './fixtures/bytes.js'

describe('inspectTflite', () => {
  it('reads version, subgraphs, operators and builtin codes', async () => {
    const r = await inspectTflite(src(tflite({ version: 3, ops: [0, 3, 9], subgraphs: [5, 2], description: 'test' })))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'tflite',
      framework: 'tensorflow-lite',
      schema_version: 3,
      description: 'test',
      subgraphs: 2,
      operators: 7,
      tensors: 0,
      operator_codes: 'ADD,CONV_2D,FULLY_CONNECTED',
      buffers: 0
    })
  })

  it('notes custom operators by name', async () => {
    const r = await inspectTflite(src(tflite({ ops: [0, 'FlexRFFT', 'MyOp'] })))
    expect(r.facts.operator_codes).toBe('ADD,CUSTOM:FlexRFFT,CUSTOM:MyOp')
    expect(r.facts.custom_ops).toBe('FlexRFFT,MyOp')
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unsafe-serialization', severity: 'note' })
    expect(r.issues[0]?.message).toContain('FlexRFFT')
  })

  it('rejects a missing identifier and out-of-bounds offsets', async () => {
    const good = tflite({ ops: [0] })
    const noId = Buffer.from(good)
    noId.write('XXXX', 4, 'latin1')
    expect((await inspectTflite(src(noId))).issues).toEqual([
      expect.objectContaining({ rule: 'unparseable-artifact', severity: 'error', message: 'Not a TFLite model: no "TFL3" file identifier at bytes 4..8.' })
    ])
    const badRoot = Buffer.from(good)
    badRoot.writeUInt32LE(0xfffffff0, 0)
    const r = await inspectTflite(src(badRoot))
    expect(r.issues[0]?.message).toMatch(/root table offset \d+ is outside the file/)
    const truncated = await inspectTflite(src(good.subarray(0, 40)))
    expect(truncated.issues[0]).toMatchObject({ rule: 'unparseable-artifact', severity: 'error' })
  })
})
