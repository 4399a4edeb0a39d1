import { createHash, type Hash } from 'node:crypto'
import type { ByteSource } from '../util/byte-source.js'
import { sha256Of } from './sha256.js'

/**
 * Wraps a source so that an inspector streaming the file from the start feeds the
 * SHA-256 in the same pass: a 1 GiB pickle is read once, not twice. Reads that are
 * not the next bytes in order (header peeks, random access) leave the hash alone;
 * `digest()` then hashes whatever the inspector did not reach.
 */
export class HashingSource implements ByteSource {
  private readonly hash: Hash = createHash('sha256')
  private hashedUpTo = 0

  constructor(private readonly inner: ByteSource) {}

  get size(): number {
    return this.inner.size
  }

  read(offset: number, length: number): Promise<Buffer> {
    return this.inner.read(offset, length)
  }

  async *stream(start = 0, end = this.inner.size): AsyncIterable<Buffer> {
    let at = start
    for await (const chunk of this.inner.stream(start, end)) {
      if (at === this.hashedUpTo) {
        this.hash.update(chunk)
        this.hashedUpTo += chunk.length
      }
      at += chunk.length
      yield chunk
    }
  }

  /** The digest of the whole source, reading only what the inspector's streaming did not cover. */
  async digest(): Promise<string> {
    if (this.hashedUpTo === 0) return sha256Of(this.inner)
    for await (const chunk of this.inner.stream(this.hashedUpTo, this.inner.size)) this.hash.update(chunk)
    this.hashedUpTo = this.inner.size
    return this.hash.digest('hex')
  }
}
