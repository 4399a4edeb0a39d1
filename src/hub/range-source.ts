import type { ByteSource } from '../util/byte-source.js'
import { hubGet, HubRequestError, type HubFailure, type HubHttp } from './http.js'

/** Thrown when a file needs more bytes than `hub.max-bytes`: the judge reports it as incomplete. */
export class BudgetExceeded extends Error {
  constructor(readonly budget: number) {
    super(`the ${budget}-byte budget for reading it from the Hub ran out`)
  }
}

/** The first read: what identification looks at (HEAD_BYTES), so identifying and most headers cost one request. */
const HEAD_WINDOW = 64 * 1024
/** Later small reads fetch this much: neighbouring zip headers share a request, a jump over tensor data wastes little. */
const WINDOW = 16 * 1024
const CACHED_WINDOWS = 16
const MAX_CACHED_WINDOW = 1024 * 1024
/** Streams get extra time per byte on top of the request timeout (2 MiB/s floor). */
const STREAM_BYTES_PER_SECOND = 2 * 1024 * 1024

/**
 * A file on the Hub read by HTTP range requests, as a ByteSource: the parsers read
 * only the ranges they need (a safetensors header, a zip's central directory, a
 * pickle member), never the whole file. Every byte received counts against a
 * budget; the first redirect target (the CDN URL) is reused for later reads, so
 * the token goes to the Hub once and never to the CDN.
 */
export class RangeSource implements ByteSource {
  /** Bytes received so far. */
  fetched = 0
  /** Set when a read failed: the parsers may swallow the error, the judge must not. */
  stopped: { budget: true } | { failure: HubFailure } | null = null
  private target: string
  private windows: { start: number; data: Buffer }[] = []

  private constructor(
    private readonly http: HubHttp,
    url: string,
    readonly size: number,
    readonly budget: number,
    private readonly signal: AbortSignal | undefined
  ) {
    this.target = url
  }

  /**
   * Opens the file with its first window (what identification reads anyway); the size comes
   * from `Content-Range` (or the listing when the answer is empty). Throws HubRequestError.
   */
  static async open(http: HubHttp, url: string, listedSize: number | null, budget: number, signal?: AbortSignal): Promise<RangeSource> {
    const probe = new RangeSource(http, url, listedSize ?? 0, budget, signal)
    const want = Math.min(HEAD_WINDOW, budget)
    const { data, total, url: final } = await probe.fetchRange(0, want, true)
    const size = total ?? listedSize ?? data.length
    const src = new RangeSource(http, final, size, budget, signal)
    src.fetched = data.length
    if (data.length > 0) src.windows.push({ start: 0, data: data.subarray(0, Math.min(data.length, size)) })
    return src
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const want = Math.max(0, Math.min(length, this.size - offset))
    if (want === 0) return Buffer.alloc(0)
    const hit = this.windows.find((w) => offset >= w.start && offset + want <= w.start + w.data.length)
    if (hit) return hit.data.subarray(offset - hit.start, offset - hit.start + want)
    const span = Math.min(Math.max(want, WINDOW), this.size - offset, Math.max(want, this.budget - this.fetched))
    this.spend(span)
    const { data } = await this.guard(() => this.fetchRange(offset, span, false))
    // Big reads (a 100 MB safetensors header) are used once: only small windows are kept.
    if (data.length <= MAX_CACHED_WINDOW) {
      this.windows.push({ start: offset, data })
      if (this.windows.length > CACHED_WINDOWS) this.windows.shift()
    }
    return data.subarray(0, want)
  }

  async readInto(target: Buffer, position: number): Promise<number> {
    const b = await this.read(position, target.length)
    return b.copy(target)
  }

  stream(start = 0, end = this.size): AsyncIterable<Buffer> {
    return this.ranged(start, Math.min(end, this.size))
  }

  private async *ranged(begin: number, stop: number): AsyncGenerator<Buffer> {
    if (stop <= begin) return
    let from = begin
    // Parsers stream from where identification already read (a pickle from byte 0): that part is not fetched again.
    const cached = this.windows.find((w) => from >= w.start && from < w.start + w.data.length)
    if (cached) {
      const upto = Math.min(stop, cached.start + cached.data.length)
      yield cached.data.subarray(from - cached.start, upto - cached.start)
      from = upto
      if (from >= stop) return
    }
    const { res } = await this.guard(() => hubGet(this.http, this.target, { range: `bytes=${from}-${stop - 1}`, ...this.timing(stop - from) }))
    if (res.status !== 206 && from > 0) {
      await res.body?.cancel().catch(() => {})
      throw this.fail({ status: res.status, code: null, reason: `the file server ignored a Range request (HTTP ${res.status})` })
    }
    if (!res.body) return
    const reader = res.body.getReader()
    let left = stop - from
    try {
      while (left > 0) {
        const { done, value } = await this.guard(() => reader.read())
        if (done) break
        const chunk = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, left))
        this.spend(chunk.length)
        left -= chunk.length
        yield chunk
      }
    } finally {
      await reader.cancel().catch(() => {})
    }
  }

  /** Counts bytes against the budget; past it, the read stops and the file is marked incomplete. */
  private spend(n: number): void {
    if (this.fetched + n > this.budget) {
      this.stopped ??= { budget: true }
      throw new BudgetExceeded(this.budget)
    }
    this.fetched += n
  }

  private fail(failure: HubFailure): HubRequestError {
    this.stopped ??= { failure }
    return new HubRequestError(failure)
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof HubRequestError) throw this.fail(err.failure)
      if (err instanceof BudgetExceeded) throw err
      throw this.fail({ status: null, code: null, reason: `reading the file failed (${err instanceof Error ? err.message : String(err)})` })
    }
  }

  private timing(bytes: number): { timeoutMs: number; signal?: AbortSignal } {
    return { timeoutMs: this.http.timeoutMs + Math.ceil((bytes / STREAM_BYTES_PER_SECOND) * 1000), ...(this.signal ? { signal: this.signal } : {}) }
  }

  /** One ranged GET, read to the end of the range; `first` accepts a 200 (server without Range support) for the head. */
  private async fetchRange(offset: number, length: number, first: boolean): Promise<{ data: Buffer; total: number | null; url: string }> {
    const { res, url } = await hubGet(this.http, this.target, { range: `bytes=${offset}-${offset + length - 1}`, ...this.timing(length) })
    let total: number | null = null
    if (res.status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '')
      if (!m || Number(m[1]) !== offset) {
        await res.body?.cancel().catch(() => {})
        throw new HubRequestError({ status: 206, code: null, reason: `the file server answered another range (${res.headers.get('content-range') ?? 'no Content-Range'})` })
      }
      total = m[3] === '*' ? null : Number(m[3])
    } else if (!first || offset !== 0) {
      await res.body?.cancel().catch(() => {})
      throw new HubRequestError({ status: res.status, code: null, reason: `the file server ignored a Range request (HTTP ${res.status})` })
    } else {
      const declared = Number(res.headers.get('content-length') ?? NaN)
      total = Number.isSafeInteger(declared) ? declared : null
    }
    const data = await readPrefix(res, length)
    // Fewer bytes than asked is only right at the end of the file; anywhere else the answer was cut short.
    if (data.length < length && offset + data.length < (total ?? this.size)) {
      throw new HubRequestError({ status: res.status, code: null, reason: `the file server sent ${data.length} of ${length} bytes at offset ${offset}` })
    }
    return { data, total, url }
  }
}

/** The first `length` bytes of a body (all of a 206 answer; the head of a 200 one), then the rest is dropped. */
async function readPrefix(res: Response, length: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0)
  const parts: Buffer[] = []
  let total = 0
  const reader = res.body.getReader()
  try {
    while (total < length) {
      const { done, value } = await reader.read()
      if (done) break
      const take = Math.min(value.byteLength, length - total)
      parts.push(Buffer.from(value.buffer, value.byteOffset, take))
      total += take
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(parts, total)
}
