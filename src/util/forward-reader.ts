/**
 * Forward-only reading of a chunked stream (a file's `stream()`, gunzip output):
 * exact-length reads, skips and peeks across chunk boundaries. Parsers that walk a
 * file front to back (TFRecord, Arrow streams, tar) use it so their walk is the same
 * read that hashes the file (see hash/hashing-source.ts), and so a compressed tar is
 * read as it inflates.
 */
export class ForwardReader {
  /** Bytes consumed so far: the offset of the next byte. */
  position = 0
  /** Received, not yet consumed: chunk[at..]. Only peek() joins chunks; reads copy just what they return. */
  private chunk: Buffer = Buffer.alloc(0)
  private at = 0
  private ended = false
  private readonly it: AsyncIterator<Buffer>

  constructor(chunks: AsyncIterable<Buffer>) {
    this.it = chunks[Symbol.asyncIterator]()
  }

  /** The next `n` bytes (fewer only at end of input). They are held in memory: callers bound `n`. */
  async read(n: number): Promise<Buffer> {
    if (n <= this.chunk.length - this.at) return this.take(n)
    const parts: Buffer[] = []
    let got = 0
    while (got < n && (await this.ready())) {
      const part = this.take(n - got)
      parts.push(part)
      got += part.length
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got)
  }

  /** The next `n` bytes (fewer only at end of input) without consuming them. Callers bound `n`. */
  async peek(n: number): Promise<Buffer> {
    let have = this.chunk.length - this.at
    if (have < n) {
      const parts = [this.chunk.subarray(this.at)]
      while (have < n) {
        const c = await this.next()
        if (!c) break
        parts.push(c)
        have += c.length
      }
      this.chunk = Buffer.concat(parts, have)
      this.at = 0
    }
    return this.chunk.subarray(this.at, this.at + n)
  }

  /** Passes over `n` bytes without keeping them; returns how many there were. */
  async skip(n: number): Promise<number> {
    let done = 0
    while (done < n && (await this.ready())) {
      const k = Math.min(n - done, this.chunk.length - this.at)
      this.at += k
      this.position += k
      done += k
    }
    return done
  }

  /** The next `n` bytes as they arrive, in chunks; `position` follows what the caller has taken. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    const end = this.position + n
    while (this.position < end && (await this.ready())) yield this.take(end - this.position)
  }

  /** Stops the underlying stream (closes the file, ends a gunzip) when the walk ends early. */
  async close(): Promise<void> {
    if (!this.ended) await this.it.return?.()
    this.ended = true
  }

  /** Up to `k` bytes of the current chunk, consumed. */
  private take(k: number): Buffer {
    const end = Math.min(this.chunk.length, this.at + k)
    const out = this.chunk.subarray(this.at, end)
    this.position += end - this.at
    this.at = end
    return out
  }

  /** Whether a byte is there to consume, pulling the next chunk when the current one is used up. */
  private async ready(): Promise<boolean> {
    if (this.at < this.chunk.length) return true
    const c = await this.next()
    if (!c) return false
    this.chunk = c
    this.at = 0
    return true
  }

  /** The next non-empty chunk, or null at end of input. */
  private async next(): Promise<Buffer | null> {
    while (!this.ended) {
      const r = await this.it.next()
      if (r.done) this.ended = true
      else if (r.value.length > 0) return r.value
    }
    return null
  }
}
