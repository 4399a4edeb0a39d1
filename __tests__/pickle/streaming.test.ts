/**
 * Bounded memory (not a timing test): a 100 MB BINBYTES8 argument streams through
 * without being held; the scanner never buffers more than a couple of chunks.
 */
import { scanPickle } from '../../src/inspect/pickle/index.js'
import { pb } from './builder.js'

describe('pickle scanner streaming', () => {
  it('skips a 100 MB BINBYTES8 payload with bounded buffering', async () => {
    const size = 100 * 1024 * 1024
    const chunk = Buffer.alloc(1 << 20, 0x41) // one reused chunk: the source allocates nothing either
    const headBytes = pb().proto(4).emptyDict().unicode('w').build()
    const header = Buffer.concat([headBytes, Buffer.from([0x8e]), Buffer.alloc(8)])
    header.writeBigUInt64LE(BigInt(size), headBytes.length + 1)
    const tail = pb().setitem().global('os', 'system').pop().stop().build()
    async function* source(): AsyncGenerator<Buffer> {
      yield header
      for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left)
      yield tail
    }
    const heapBefore = process.memoryUsage().heapUsed
    const t0 = performance.now()
    const r = await scanPickle(source())
    const ms = performance.now() - t0
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore
    console.log(`100 MB BINBYTES8: ${ms.toFixed(0)} ms (${((size / 1e6) / (ms / 1000)).toFixed(0)} MB/s), peak buffered ${r.stats.peakBufferedBytes} bytes, heap growth ${(heapGrowth / 1e6).toFixed(1)} MB`)
    expect(r.stats.bytesRead).toBe(header.length + size + tail.length)
    expect(r.stats.peakBufferedBytes).toBeLessThanOrEqual(2 * chunk.length)
    expect(r.issues.map((i) => i.rule)).toEqual(['unsafe-serialization'])
    expect(r.complete).toBe(true)
  })

  it('handles an opcode-dense pickle (1M floats) at well over 1M opcodes/s', async () => {
    // CPython's pickler writes lists as APPENDS batches of 1000
    const n = 1_000_000
    const batch = Buffer.alloc(2 + 1000 * 9)
    batch[0] = 0x28 // MARK
    for (let i = 0; i < 1000; i++) batch[1 + i * 9] = 0x47 // BINFLOAT 0.0
    batch[batch.length - 1] = 0x65 // APPENDS
    const b = Buffer.concat([pb().proto(4).emptyList().build(), ...Array.from({ length: n / 1000 }, () => batch), pb().stop().build()])
    const t0 = performance.now()
    const r = await scanPickle((async function* () { for (let i = 0; i < b.length; i += 1 << 16) yield b.subarray(i, i + (1 << 16)) })())
    const ms = performance.now() - t0
    console.log(`1M BINFLOAT: ${ms.toFixed(0)} ms, ${(r.stats.opcodes / (ms / 1000) / 1e6).toFixed(1)}M opcodes/s`)
    expect(r).toMatchObject({ issues: [], complete: true })
    expect(r.stats.opcodes).toBe(n + 2 * (n / 1000) + 3)
  })
})
