import { TOOL } from '../version.js'
import { clipLine } from '../util/clip.js'

/** How ModelGate reaches the Hub: one endpoint, an optional token, a timeout per request. */
export interface HubHttp {
  /** Base URL of the Hub (HF_ENDPOINT), e.g. https://huggingface.co. */
  endpoint: URL
  /** HF_TOKEN: sent only to the endpoint's own origin, never logged. */
  token: string | null
  fetch: typeof fetch
  timeoutMs: number
}

/** Why a request got no usable answer, as data (status and the Hub's X-Error-Code when it answered). */
export interface HubFailure {
  status: number | null
  /** The Hub's `X-Error-Code` (RepoNotFound, GatedRepo, RevisionNotFound, EntryNotFound), when given. */
  code: string | null
  /** One phrase, e.g. `HTTP 404 (RevisionNotFound: Invalid rev id: v9)` or `no answer within 30 s`. */
  reason: string
}

export class HubRequestError extends Error {
  constructor(readonly failure: HubFailure) {
    super(failure.reason)
  }
}

export function failureOf(err: unknown): HubFailure {
  if (err instanceof HubRequestError) return err.failure
  return { status: null, code: null, reason: clipLine(err instanceof Error ? err.message : String(err), 160) }
}

const MAX_REDIRECTS = 5
const REDIRECT = new Set([301, 302, 303, 307, 308])

export interface GetOptions {
  /** `Range` header value, e.g. `bytes=0-65535`. */
  range?: string
  accept?: string
  /** Aborts the request (and its body) from outside, e.g. a per-file deadline. */
  signal?: AbortSignal
  /** Overrides the per-request timeout (long ranged streams). */
  timeoutMs?: number
}

/**
 * GET with redirects followed by hand (the Hub sends `/resolve/` to a CDN): the
 * token is attached only while the URL is on the endpoint's origin, so it never
 * reaches the CDN or any host a redirect names. A final answer that is not 2xx
 * becomes a HubRequestError with the Hub's error code.
 */
export async function hubGet(http: HubHttp, url: string, opts: GetOptions = {}): Promise<{ res: Response; url: string }> {
  const timeoutMs = opts.timeoutMs ?? http.timeoutMs
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout
  let current = new URL(url)
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': `${TOOL.name.toLowerCase()}/${TOOL.version}`, accept: opts.accept ?? '*/*' }
    if (opts.range) headers.range = opts.range
    if (http.token && current.origin === http.endpoint.origin) headers.authorization = `Bearer ${http.token}`
    let res: Response
    try {
      res = await http.fetch(current, { headers, redirect: 'manual', signal })
    } catch (err) {
      throw new HubRequestError({ status: null, code: null, reason: networkReason(err, timeoutMs, timeout, opts.signal) })
    }
    if (REDIRECT.has(res.status)) {
      await res.body?.cancel().catch(() => {})
      const location = res.headers.get('location')
      if (!location) throw new HubRequestError({ status: res.status, code: null, reason: `HTTP ${res.status} without a Location header` })
      if (hop + 1 >= MAX_REDIRECTS) throw new HubRequestError({ status: res.status, code: null, reason: `more than ${MAX_REDIRECTS} redirects` })
      let next: URL
      try {
        next = new URL(location, current)
      } catch {
        throw new HubRequestError({ status: res.status, code: null, reason: 'a redirect to an invalid URL' })
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new HubRequestError({ status: res.status, code: null, reason: `a redirect to a ${next.protocol} URL` })
      current = next
      continue
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {})
      const code = res.headers.get('x-error-code')
      const message = res.headers.get('x-error-message')
      const detail = [code, message].filter(Boolean).map((s) => clipLine(s!, 120)).join(': ')
      throw new HubRequestError({ status: res.status, code, reason: `HTTP ${res.status}${detail ? ` (${detail})` : ''}` })
    }
    return { res, url: current.href }
  }
}

function networkReason(err: unknown, timeoutMs: number, timeout: AbortSignal, outer?: AbortSignal): string {
  if (timeout.aborted) return `no answer within ${Math.round(timeoutMs / 100) / 10} s`
  if (outer?.aborted) return clipLine(String(outer.reason instanceof Error ? outer.reason.message : (outer.reason ?? 'aborted')), 120)
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause
  if (cause && typeof cause.code === 'string') return `connection failed (${cause.code})`
  return `connection failed (${clipLine(err instanceof Error ? err.message : String(err), 120)})`
}

/** Reads a body up to `max` bytes; more is a failure, not a truncated answer. */
export async function readBounded(res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > max) {
    await res.body?.cancel().catch(() => {})
    throw new HubRequestError({ status: res.status, code: null, reason: `the answer is ${declared} bytes, more than the ${max}-byte limit` })
  }
  if (!res.body) return Buffer.alloc(0)
  const parts: Buffer[] = []
  let total = 0
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > max) throw new HubRequestError({ status: res.status, code: null, reason: `the answer is more than the ${max}-byte limit` })
      parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength))
    }
  } catch (err) {
    await reader.cancel().catch(() => {})
    if (err instanceof HubRequestError) throw err
    throw new HubRequestError({ status: res.status, code: null, reason: `the answer could not be read (${clipLine(err instanceof Error ? err.message : String(err), 120)})` })
  }
  return Buffer.concat(parts, total)
}

/** A JSON answer, bounded; anything else is a failure saying what came instead. */
export async function readJson(res: Response, max: number): Promise<unknown> {
  const body = await readBounded(res, max)
  try {
    return JSON.parse(body.toString('utf8')) as unknown
  } catch {
    throw new HubRequestError({ status: res.status, code: null, reason: `the answer is not JSON (${res.headers.get('content-type') ?? 'no content type'}, ${body.length} bytes)` })
  }
}
