import { createHash } from 'node:crypto'
import { LFS_POINTER_MAX_SIZE, parseLfsPointer } from '../identify/lfs.js'
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
  // a small file needs no 4 MiB buffers (one byte more than the file, so its end is seen in one read)
  const size = Math.min(CHUNK, src.size + 1)
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] as const
  let position = 0
  let turn = 0
  let pending = readInto(buffers[0], 0)
  for (;;) {
    const n = await pending
    if (n === 0) break
    const current = buffers[turn]!
    position += n
    turn ^= 1
    pending = n < size ? Promise.resolve(0) : readInto(buffers[turn]!, position)
    hash.update(n === size ? current : current.subarray(0, n))
  }
  return hash.digest('hex')
}

/** A file's identity digest: a Git LFS pointer's oid (its content is elsewhere and never fetched), else the SHA-256 of its bytes. */
export async function lfsOidOrSha256(src: ByteSource): Promise<{ sha256: string; size: number; lfs: boolean }> {
  if (src.size <= LFS_POINTER_MAX_SIZE) {
    const pointer = parseLfsPointer(await src.read(0, src.size), src.size)
    if (pointer?.ok) return { sha256: pointer.pointer.oid, size: pointer.pointer.size, lfs: true }
  }
  return { sha256: await sha256Of(src), size: src.size, lfs: false }
}
