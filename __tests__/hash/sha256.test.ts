import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { lfsOidOrSha256, sha256Of } from '../../src/hash/sha256.js'
import { HashingSource } from '../../src/hash/hashing-source.js'
import { BufferByteSource, FileByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { makeTree } from '../support/tree.js'

const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('streaming SHA-256', () => {
  // Sizes around the 4 MiB chunk boundary exercise the double-buffered loop's edges.
  // Small sizes use buffers one byte larger than the file, so their end is one read.
  const sizes = [0, 1, 1000, 4 * 1024 * 1024 - 1, 4 * 1024 * 1024, 4 * 1024 * 1024 + 1, 9 * 1024 * 1024 + 3]
  test.each(sizes)('file of %i bytes', async (size) => {
    const data = randomBytes(size)
    const root = await makeTree({})
    await writeFile(path.join(root, 'f'), data)
    const src = await FileByteSource.open(path.join(root, 'f'))
    try {
      expect(await sha256Of(src)).toBe(digest(data))
    } finally {
      await src.close()
    }
  })

  test('sources without readInto fall back to streaming', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 7)
    const inner = new BufferByteSource(data)
    const plain: ByteSource = { size: inner.size, read: inner.read.bind(inner), stream: inner.stream.bind(inner) }
    expect(await sha256Of(plain)).toBe(digest(data))
    expect(await sha256Of(inner)).toBe(digest(data))
  })
})

test('lfsOidOrSha256: a Git LFS pointer is its oid and size (the object is elsewhere); anything else its SHA-256', async () => {
  const oid = 'a'.repeat(64)
  const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 12345\n`)
  expect(await lfsOidOrSha256(new BufferByteSource(pointer))).toEqual({ sha256: oid, size: 12345, lfs: true })
  const data = Buffer.from('not a pointer\n')
  expect(await lfsOidOrSha256(new BufferByteSource(data))).toEqual({ sha256: digest(data), size: data.length, lfs: false })
})

describe('HashingSource: one pass for inspection and digest', () => {
  const data = randomBytes(9 * 1024 * 1024 + 5)

  test('a full sequential stream feeds the digest; nothing is read again', async () => {
    const inner = new BufferByteSource(data)
    let streamed = 0
    const counting: ByteSource = {
      size: inner.size,
      read: inner.read.bind(inner),
      stream: async function* (s?: number, e?: number) {
        for await (const c of inner.stream(s, e)) {
          streamed += c.length
          yield c
        }
      }
    }
    const tap = new HashingSource(counting)
    for await (const _ of tap.stream()) void _
    expect(await tap.digest()).toBe(digest(data))
    expect(streamed).toBe(data.length)
  })

  test('an inspector that stops early, peeks or streams from the middle still yields the exact digest', async () => {
    const tap = new HashingSource(new BufferByteSource(data))
    await tap.read(100, 50)
    for await (const _ of tap.stream(1000, 2000)) void _
    for await (const c of tap.stream()) if (c.length > 0) break
    expect(await tap.digest()).toBe(digest(data))
  })

  test('no streaming at all falls back to a plain pass', async () => {
    expect(await new HashingSource(new BufferByteSource(data)).digest()).toBe(digest(data))
  })
})
