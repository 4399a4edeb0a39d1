/**
 * Streaming bytes for the pickle emulator. Chunks arrive from the file stream and
 * are shared by every cursor (the main parse and any frame-divergence forks); a
 * chunk is released as soon as no cursor can read it again, so memory stays at a
 * few chunks however large the file is. All reads are synchronous: the emulator
 * checks `has(n)` and suspends (yields) when the data has not arrived yet.
 */
export class ChunkStore {
  private chunks: Buffer[] = []
  private starts: number[] = []
  /** Sequence number of chunks[0]. */
  private base = 0
  /** Absolute offset one past the last byte received. */
  end = 0
  eof = false
  /** Largest number of bytes held at once (for the bounded-memory check). */
  peak = 0
  readonly cursors = new Set<Cursor>()

  push(buf: Buffer): void {
    if (buf.length === 0) return
    this.chunks.push(buf)
    this.starts.push(this.end)
    this.end += buf.length
    const held = this.end - (this.starts[0] ?? this.end)
    if (held > this.peak) this.peak = held
  }

  chunk(seq: number): Buffer | undefined {
    return this.chunks[seq - this.base]
  }

  /** Sequence number and in-chunk offset of an absolute position still held. */
  locate(pos: number): { seq: number; off: number } | null {
    for (let i = 0; i < this.chunks.length; i++) {
      const s = this.starts[i]!
      if (pos < s + this.chunks[i]!.length) return pos >= s ? { seq: this.base + i, off: pos - s } : null
    }
    // Not received yet (or exactly at the end): wait at the next chunk.
    return pos >= this.end ? { seq: this.base + this.chunks.length, off: pos - this.end } : null
  }

  /** First absolute offset still held. */
  get heldFrom(): number {
    return this.starts[0] ?? this.end
  }

  /**
   * Drops chunks no cursor needs. A cursor pins its current opcode's start while it
   * is inside a FRAME (a straddle fork replays that opcode), but never more than
   * `maxPinned` bytes, so a hostile frame cannot make us buffer the file.
   */
  trim(maxPinned: number): void {
    let min = Infinity
    let minPos = Infinity
    for (const c of this.cursors) {
      min = Math.min(min, c.keepFrom)
      minPos = Math.min(minPos, c.pos)
    }
    if (min === Infinity) min = this.end
    if (minPos - min > maxPinned) min = minPos
    while (this.chunks.length > 0 && this.starts[0]! + this.chunks[0]!.length <= min) {
      this.chunks.shift()
      this.starts.shift()
      this.base++
    }
  }
}

/** A read position over a ChunkStore, with the FRAME bookkeeping of one parse. */
export class Cursor {
  pos: number
  private seq = 0
  private off = 0
  /** Absolute end of the current FRAME, or -1 outside frames. */
  frameEnd = -1
  /** Opcode start pinned while inside a frame (a straddle fork replays it), or -1. */
  pin = -1

  constructor(
    readonly store: ChunkStore,
    pos: number
  ) {
    this.pos = pos
    this.seek(pos)
    store.cursors.add(this)
  }

  /** Moves to an absolute position at or after the store's first held byte. */
  seek(pos: number): boolean {
    const at = this.store.locate(pos)
    if (!at) return false
    this.pos = pos
    this.seq = at.seq
    this.off = at.off
    return true
  }

  /** First position this cursor may still read. */
  get keepFrom(): number {
    return this.pin >= 0 && this.pin < this.pos ? this.pin : this.pos
  }

  release(): void {
    this.store.cursors.delete(this)
  }

  has(n: number): boolean {
    return this.store.end - this.pos >= n
  }

  get available(): number {
    return this.store.end - this.pos
  }

  /**
   * The chunk holding `pos`, with seq/off pointing into it. The caller has checked
   * that the byte has arrived. Re-locates when the chunk the cursor sat at the end of
   * was released.
   */
  private here(): Buffer {
    let c = this.store.chunk(this.seq)
    while (c === undefined || this.off >= c.length) {
      if (c === undefined) {
        const at = this.store.locate(this.pos)
        if (!at || this.store.chunk(at.seq) === undefined) throw new Error(`cursor at ${this.pos} has no data`)
        this.seq = at.seq
        this.off = at.off
      } else {
        this.seq++
        this.off = 0
      }
      c = this.store.chunk(this.seq)
    }
    return c
  }

  /** One byte; the caller has checked `has(1)`. */
  u8(): number {
    const c = this.here()
    this.pos++
    return c[this.off++]!
  }

  /** Little-endian unsigned integer of `n` ≤ 8 bytes, as a JS number (exact to 2^53). */
  uint(n: number): number {
    let v = 0
    let mul = 1
    for (let i = 0; i < n; i++) {
      v += this.u8() * mul
      mul *= 256
    }
    return v
  }

  /** Copies `n` available bytes (copies, so a kept value never pins a whole chunk). */
  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n)
    let done = 0
    while (done < n) {
      const c = this.here()
      const k = Math.min(n - done, c.length - this.off)
      c.copy(out, done, this.off, this.off + k)
      done += k
      this.off += k
    }
    this.pos += n
    return out
  }

  /** Skips up to `n` bytes of what has arrived; returns how many were skipped. */
  skip(n: number): number {
    const k = Math.min(n, this.available)
    let left = k
    while (left > 0) {
      const c = this.here()
      const s = Math.min(c.length - this.off, left)
      this.off += s
      left -= s
    }
    this.pos += k
    return k
  }

  /**
   * Scans arrived bytes for `\n` (up to `limit` bytes ahead). Returns the count of
   * bytes up to and including the newline, or -1 when none is there yet.
   */
  lineLength(limit: number): number {
    if (this.available === 0) return -1
    this.here()
    let seq = this.seq
    let off = this.off
    const max = Math.min(limit, this.available)
    let seen = 0
    while (seen < max) {
      const c = this.store.chunk(seq)
      if (!c) break
      if (off >= c.length) {
        seq++
        off = 0
        continue
      }
      const stop = Math.min(c.length, off + (max - seen))
      const i = c.indexOf(0x0a, off)
      if (i >= 0 && i < stop) return seen + (i - off) + 1
      seen += stop - off
      off = stop
    }
    return -1
  }
}
