/**
 * Sequential access to a chunked stream: exact-length takes and skips across chunk
 * boundaries. Parsers that walk a file front to back (TFRecord, Arrow streams) use it
 * so their walk is the same read that hashes the file (see hash/hashing-source.ts).
 */
export class StreamCursor {
  private chunk: Buffer = Buffer.alloc(0)
  private at = 0
  /** Bytes consumed so far: the file offset of the next byte. */
  position: number
  private readonly it: AsyncIterator<Buffer>

  constructor(stream: AsyncIterable<Buffer>, start = 0) {
    this.it = stream[Symbol.asyncIterator]()
    this.position = start
  }

  /** The next `n` bytes (fewer only at the end of the stream). Callers bound `n`. */
  async take(n: number): Promise<Buffer> {
    if (n <= this.chunk.length - this.at) {
      const out = this.chunk.subarray(this.at, this.at + n)
      this.at += n
      this.position += n
      return out
    }
    const parts: Buffer[] = []
    let got = 0
    while (got < n && (await this.fill())) {
      const k = Math.min(n - got, this.chunk.length - this.at)
      parts.push(this.chunk.subarray(this.at, this.at + k))
      this.at += k
      got += k
    }
    this.position += got
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got)
  }

  /** Passes over `n` bytes without keeping them; returns how many there were. */
  async skip(n: number): Promise<number> {
    let done = 0
    while (done < n && (await this.fill())) {
      const k = Math.min(n - done, this.chunk.length - this.at)
      this.at += k
      done += k
    }
    this.position += done
    return done
  }

  /** Stops the underlying stream (closes the file) when the walk ends early. */
  async close(): Promise<void> {
    await this.it.return?.()
  }

  private async fill(): Promise<boolean> {
    while (this.at >= this.chunk.length) {
      const next = await this.it.next()
      if (next.done) return false
      this.chunk = next.value
      this.at = 0
    }
    return true
  }
}
