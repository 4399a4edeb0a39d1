import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { sha256Of } from '../../src/hash/sha256.js'
import { BufferByteSource, FileByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { makeTree } from '../support/tree.js'

const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('streaming SHA-256', () => {
  // Sizes around the 4 MiB chunk boundary exercise the double-buffered loop's edges.
  const sizes = [0, 1, 4 * 1024 * 1024 - 1, 4 * 1024 * 1024, 4 * 1024 * 1024 + 1, 9 * 1024 * 1024 + 3]
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
