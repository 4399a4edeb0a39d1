import { createHash } from 'node:crypto'
import type { ByteSource } from '../util/byte-source.js'

const CHUNK = 4 << 20

/**
 * SHA-256 of a source in one streaming pass. Two reused buffers: the next chunk is
 * read (on libuv's thread pool) while the current one is hashed, so disk and CPU
 * overlap and no garbage is made per chunk. Memory: 8 MiB whatever the file size.
 */
export async function sha256Of(src: ByteSource): Promise<string> {
  const hash = createHash('sha256')
  if (!src.readInto) {
    for await (const chunk of src.stream()) hash.update(chunk)
    return hash.digest('hex')
  }
  const readInto = src.readInto.bind(src)
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const
  let position = 0
  let turn = 0
  let pending = readInto(buffers[0], 0)
  for (;;) {
    const n = await pending
    if (n === 0) break
    const current = buffers[turn]!
    position += n
    turn ^= 1
    pending = n < CHUNK ? Promise.resolve(0) : readInto(buffers[turn]!, position)
    hash.update(n === CHUNK ? current : current.subarray(0, n))
  }
  return hash.digest('hex')
}
