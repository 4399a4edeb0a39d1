/** Fuzz: no input makes the scanner throw, hang, or claim an incomplete scan without an error. */
import fc from 'fast-check'
import { scanPickle, scanPickleBuffer, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { benignDict, legacyTorch, pb, proto0System } from './builder.js'

const seeds = [
  benignDict(),
  proto0System(),
  legacyTorch(benignDict()),
  pb().proto(4).framed((f) => f.unicode('os').memoize().unicode('system').memoize().stackGlobal().unicode('id').tuple(1).reduce().stop()).build(),
  pb().proto(5).frame(2).raw([0x42, 0x07]).raw([1, 0, 0, 0, 0]).global('os', 'system').stop().build(),
  pb().proto(4).emptyDict().unicode('p').bytes(proto0System()).setitem().stop().build()
]

function invariant(r: PickleScanResult): void {
  expect(Array.isArray(r.issues)).toBe(true)
  if (!r.complete) expect(r.issues.some((i) => i.severity === 'error')).toBe(true)
  for (const i of r.issues) {
    expect(i.message.length).toBeGreaterThan(0)
    expect(i.fix.length).toBeGreaterThan(0)
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

describe('pickle scanner fuzz', () => {
  it('survives random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => invariant(scanPickleBuffer(bytes))), { numRuns: 2000 })
  })

  it('survives random opcode soup (valid opcodes, random arguments)', () => {
    const ops = [0x28, 0x2e, 0x30, 0x31, 0x32, 0x4e, 0x52, 0x61, 0x62, 0x65, 0x68, 0x71, 0x73, 0x74, 0x75, 0x85, 0x86, 0x8c, 0x93, 0x94, 0x95, 0x8f, 0x90, 0x82, 0x63, 0x0a, 0x80, 0x04]
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...ops), fc.integer({ min: 0, max: 255 })), { maxLength: 300 }), (a) => invariant(scanPickleBuffer(Buffer.from(a)))), { numRuns: 2000 })
  })

  it('survives mutated valid pickles, streamed in random chunk sizes', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, fc.integer({ min: 1, max: 64 }), async (bytes, size) => {
        async function* chunks(): AsyncGenerator<Buffer> {
          for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
        }
        const streamed = await scanPickle(chunks())
        invariant(streamed)
        // chunking never changes the verdict
        const whole = scanPickleBuffer(bytes)
        expect(streamed.issues.map((i) => i.rule).sort()).toEqual(whole.issues.map((i) => i.rule).sort())
      }),
      { numRuns: 1500 }
    )
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
