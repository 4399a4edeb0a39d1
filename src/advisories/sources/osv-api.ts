import { fromOsv, type Advisory } from '../model.js'
import { mapPool } from '../../util/map-pool.js'
import { clipLine } from '../../util/clip.js'
import { queryKey, type AdvisorySource, type PackageQuery, type QueryAnswer } from './types.js'

export interface OsvApiOptions {
  /** Base URL (default https://api.osv.dev); the API lives under `/v1/`. */
  url?: string
  fetch?: typeof fetch
  /** Record look-ups in flight at once (default 8). */
  concurrency?: number
  /** Per request (default 30 s for a batch, 10 s for a record). */
  timeoutMs?: number
}

export const DEFAULT_OSV_URL = 'https://api.osv.dev'
/** OSV's documented maximum of queries in one `/v1/querybatch` request. */
export const OSV_BATCH_LIMIT = 1000
/** Follow-up batches for queries whose answer is paged (`next_page_token`). */
const MAX_PAGE_ROUNDS = 10
const MAX_BODY = 32 * 1024 * 1024
const ECOSYSTEM = { pypi: 'PyPI', npm: 'npm' } as const

/** Answers and records kept for one run, so a package or record is asked for once. */
export class OsvCache {
  readonly answers = new Map<string, Promise<QueryAnswer>>()
  readonly records = new Map<string, Promise<Advisory | Failure>>()
}

/** A failure as data: errors thrown by fetch may come from another realm, so `instanceof Error` is not relied on. */
type Failure = { failed: string }
const failure = (err: unknown): Failure => ({ failed: err && typeof err === 'object' && 'message' in err ? String((err as { message: unknown }).message) : String(err) })
const isFailure = (x: unknown): x is Failure => typeof x === 'object' && x !== null && 'failed' in x
/** Records fetched for an unpinned package, to name its advisories (aliases, ranges); the rest are listed by id. */
export const RANGE_RECORD_LIMIT = 100

/**
 * The OSV API: every package of the run in one `POST /v1/querybatch` (ids only, in query order;
 * up to 1000 queries a request), then `GET /v1/vulns/{id}` once per advisory id that may affect a
 * pinned version. Unpinned packages are asked about without a version (their records, up to
 * RANGE_RECORD_LIMIT, only name the advisories). Every failure becomes an answer with a reason, never an exception.
 */
export class OsvApi implements AdvisorySource {
  readonly label: string
  private readonly base: string

  constructor(
    private readonly opts: OsvApiOptions = {},
    private readonly cache = new OsvCache()
  ) {
    this.base = (opts.url ?? DEFAULT_OSV_URL).replace(/\/+$/, '')
    this.label = `the OSV API at ${this.base}`
  }

  async query(queries: PackageQuery[]): Promise<QueryAnswer[]> {
    const fresh: PackageQuery[] = []
    const seen = new Set<string>()
    for (const q of queries) {
      const k = this.key(q)
      if (!this.cache.answers.has(k) && !seen.has(k)) {
        seen.add(k)
        fresh.push(q)
      }
    }
    if (fresh.length > 0) {
      const batch = this.batch(fresh)
      fresh.forEach((q, i) => this.cache.answers.set(this.key(q), batch.then((ids) => this.hydrate(q, ids[i]!))))
    }
    return Promise.all(queries.map((q) => this.cache.answers.get(this.key(q))!))
  }

  private key(q: PackageQuery): string {
    return `${this.base}\u0000${queryKey(q)}`
  }

  /** Ids per query, or the reason the batch failed (the same for every query in it). */
  private async batch(queries: PackageQuery[]): Promise<(string[] | Failure)[]> {
    const out: (string[] | Failure)[] = []
    for (let start = 0; start < queries.length; start += OSV_BATCH_LIMIT) {
      const chunk = queries.slice(start, start + OSV_BATCH_LIMIT)
      out.push(...(await this.batchChunk(chunk)))
    }
    return out
  }

  private async batchChunk(queries: PackageQuery[]): Promise<(string[] | Failure)[]> {
    const ids: Set<string>[] = queries.map(() => new Set())
    let pending = queries.map((q, i) => ({ i, body: osvQuery(q) as Record<string, unknown> }))
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_PAGE_ROUNDS) return queries.map(() => failure(`kept paging after ${MAX_PAGE_ROUNDS} requests`))
      let data: unknown
      try {
        data = await this.post('/v1/querybatch', { queries: pending.map((p) => p.body) })
      } catch (err) {
        const f = failure(err)
        return queries.map(() => f)
      }
      const results = (data as { results?: unknown }).results
      if (!Array.isArray(results) || results.length !== pending.length) {
        const f = failure(`it answered ${Array.isArray(results) ? `${results.length} results for ${pending.length} queries` : 'without a results list'}`)
        return queries.map(() => f)
      }
      const next: typeof pending = []
      results.forEach((r: unknown, j) => {
        const p = pending[j]!
        const row = (r ?? {}) as { vulns?: unknown; next_page_token?: unknown }
        for (const v of Array.isArray(row.vulns) ? row.vulns : []) {
          const id = (v as { id?: unknown }).id
          if (typeof id === 'string' && id) ids[p.i]!.add(id)
        }
        if (typeof row.next_page_token === 'string' && row.next_page_token) next.push({ i: p.i, body: { ...osvQuery(queries[p.i]!), page_token: row.next_page_token } })
      })
      pending = next
    }
    return ids.map((s) => [...s].sort())
  }

  /** Records for the ids of a pinned version (matched again locally); bare ids for an unpinned package. */
  private async hydrate(q: PackageQuery, ids: string[] | Failure): Promise<QueryAnswer> {
    if (isFailure(ids)) return { ok: false, reason: `${this.label} could not be queried (${clipLine(ids.failed, 160)})` }
    const limit = Math.max(1, this.opts.concurrency ?? 8)
    if (q.version === null) {
      // For a range the records only name the advisories; one that cannot be read is still listed by id.
      const records = await mapPool(ids.slice(0, RANGE_RECORD_LIMIT), limit, (id) => this.record(id))
      return { ok: true, advisories: ids.map((id, i) => { const r = records[i]; return r && !isFailure(r) ? r : stub(id) }) }
    }
    const records = await mapPool(ids, limit, (id) => this.record(id))
    const broken = ids.filter((_, i) => isFailure(records[i]))
    if (broken.length > 0) {
      const first = records.find(isFailure)!
      return { ok: false, reason: `${this.label} lists ${broken.join(', ')} for this version, but the record could not be read (${clipLine(first.failed, 160)})` }
    }
    return { ok: true, advisories: records as Advisory[] }
  }

  private record(id: string): Promise<Advisory | Failure> {
    const k = `${this.base}\u0000${id}`
    let r = this.cache.records.get(k)
    if (!r) {
      r = this.get(`/v1/vulns/${encodeURIComponent(id)}`).then(
        (data) => fromOsv(data) ?? failure(`the record for ${id} has no id`),
        failure
      )
      this.cache.records.set(k, r)
    }
    return r
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.request(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) })
  }

  private get(path: string): Promise<unknown> {
    return this.request(path, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) })
  }

  private async request(path: string, init: RequestInit): Promise<unknown> {
    const f = this.opts.fetch ?? fetch
    const res = await f(`${this.base}${path}`, { ...init, redirect: 'follow' })
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${init.method ?? 'GET'} ${path}`)
    if (Number(res.headers.get('content-length') ?? 0) > MAX_BODY) throw new Error(`the answer to ${path} is too large`)
    const text = await res.text()
    if (text.length > MAX_BODY) throw new Error(`the answer to ${path} is too large`)
    try {
      const data = JSON.parse(text) as unknown
      if (!data || typeof data !== 'object') throw new Error('not a JSON object')
      return data
    } catch (err) {
      throw new Error(`the answer to ${path} is not JSON (${(err as Error).message})`)
    }
  }
}

function osvQuery(q: PackageQuery): Record<string, unknown> {
  return { package: { ecosystem: ECOSYSTEM[q.ecosystem], name: q.name }, ...(q.version !== null ? { version: q.version } : {}) }
}

const stub = (id: string): Advisory => ({ id, aliases: [], summary: null, url: `https://osv.dev/vulnerability/${id}`, level: null, levelSource: null, modified: null, withdrawn: false, affected: [], stub: true })
