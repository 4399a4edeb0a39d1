import { open, type FileHandle } from 'node:fs/promises'
import { createReadStream } from 'node:fs'

/**
 * Random access to a file's bytes without loading it: every parser reads only the
 * ranges it needs, so a multi-GB model costs a few header reads.
 */
export interface ByteSource {
  readonly size: number
  /** Reads up to `length` bytes at `offset`; fewer only at end of file. */
  read(offset: number, length: number): Promise<Buffer>
  /** Streams [start, end) in chunks of bounded size. */
  stream(start?: number, end?: number): AsyncIterable<Buffer>
  /** Fills `target` from `position` (fewer bytes only at end of file); returns the count. For hot loops that reuse buffers. */
  readInto?(target: Buffer, position: number): Promise<number>
}

export class FileByteSource implements ByteSource {
  private constructor(
    private readonly handle: FileHandle,
    private readonly filePath: string,
    readonly size: number,
    private readonly onClose?: () => Promise<void>
  ) {}

  /** `onClose` runs after the handle is closed (e.g. to delete a temporary copy). */
  static async open(filePath: string, onClose?: () => Promise<void>): Promise<FileByteSource> {
    const handle = await open(filePath, 'r')
    try {
      const st = await handle.stat()
      return new FileByteSource(handle, filePath, st.size, onClose)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - offset))
    const buf = Buffer.alloc(want)
    let done = 0
    while (done < want) {
      const { bytesRead } = await this.handle.read(buf, done, want - done, offset + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return done === want ? buf : buf.subarray(0, done)
  }

  async readInto(target: Buffer, position: number): Promise<number> {
    let done = 0
    while (done < target.length) {
      const { bytesRead } = await this.handle.read(target, done, target.length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return done
  }

  stream(start = 0, end = this.size): AsyncIterable<Buffer> {
    if (end <= start) return (async function* () {})()
    return createReadStream(this.filePath, { start, end: end - 1, highWaterMark: 2 << 20 })
  }

  async close(): Promise<void> {
    await this.handle.close()
    await this.onClose?.()
  }
}

/** An in-memory source, for tests and for small blobs fetched as data. */
export class BufferByteSource implements ByteSource {
  constructor(private readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length
  }
  async read(offset: number, length: number): Promise<Buffer> {
    return this.buf.subarray(offset, Math.min(this.buf.length, offset + length))
  }
  async readInto(target: Buffer, position: number): Promise<number> {
    return this.buf.copy(target, 0, position, Math.min(this.buf.length, position + target.length))
  }
  async *stream(start = 0, end = this.buf.length): AsyncIterable<Buffer> {
    const chunk = 1 << 20
    for (let at = start; at < end; at += chunk) yield this.buf.subarray(at, Math.min(end, at + chunk))
  }
}
