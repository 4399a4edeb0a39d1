import { ForwardReader } from '../../src/util/forward-reader.js'

const BYTES = Buffer.from(Array.from({ length: 40 }, (_, i) => i))

/** BYTES in chunks of the given sizes (empty ones included), recording whether the stream was stopped. */
function chunked(sizes: number[]): { stream: AsyncIterable<Buffer>; stopped: () => boolean } {
  let stopped = false
  async function* gen(): AsyncGenerator<Buffer> {
    try {
      let at = 0
      for (const n of sizes) {
        yield BYTES.subarray(at, at + n)
        at += n
      }
    } finally {
      stopped = true
    }
  }
  return { stream: gen(), stopped: () => stopped }
}

const list = (b: Buffer) => [...b]
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe('ForwardReader', () => {
  test('reads, peeks and skips across chunk boundaries and empty chunks, with the position following', async () => {
    const r = new ForwardReader(chunked([3, 0, 5, 1, 0, 11, 20]).stream)
    expect(list(await r.read(2))).toEqual([0, 1])
    expect(list(await r.peek(7))).toEqual(range(2, 9))
    expect(r.position).toBe(2)
    expect(list(await r.read(7))).toEqual(range(2, 9))
    expect(await r.skip(4)).toBe(4)
    expect(r.position).toBe(13)
    expect(list(await r.read(0))).toEqual([])
    const parts: number[][] = []
    for await (const c of r.chunks(10)) parts.push(list(c))
    expect(parts).toEqual([range(13, 20), range(20, 23)])
    expect(r.position).toBe(23)
    // At the end: fewer bytes, then none.
    expect(list(await r.read(30))).toEqual(range(23, 40))
    expect(list(await r.peek(4))).toEqual([])
    expect(await r.skip(5)).toBe(0)
    expect(r.position).toBe(40)
  })

  test('chunks() stops where the caller stops taking', async () => {
    const r = new ForwardReader(chunked([4, 4, 32]).stream)
    for await (const c of r.chunks(100)) {
      expect(list(c)).toEqual(range(0, 4))
      break
    }
    expect(r.position).toBe(4)
    expect(list(await r.read(2))).toEqual([4, 5])
  })

  test('close() stops the stream when the walk ends early', async () => {
    const s = chunked([8, 8, 24])
    const r = new ForwardReader(s.stream)
    await r.read(10)
    expect(s.stopped()).toBe(false)
    await r.close()
    expect(s.stopped()).toBe(true)
  })
})
