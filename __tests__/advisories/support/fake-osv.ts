/**
 * A loopback stand-in for the OSV API (https://google.github.io/osv.dev/api/): `POST /v1/query`,
 * `POST /v1/querybatch` and `GET /v1/vulns/{id}`, answering from real OSV records. Requests are
 * validated as OSV documents them (≤1000 queries a batch, a package with name and ecosystem,
 * version or purl but not both) and recorded so tests can count them. Version matching follows
 * the OSV schema's evaluation algorithm, written here independently of ModelGate's matcher.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import * as pep440 from '@renovatebot/pep440'
import semver from 'semver'

export interface OsvRequest {
  method: string
  path: string
  body: unknown
  status: number
}

export interface FakeOsvOptions {
  records: Record<string, unknown>[]
  /** Ids per query page; more become a `next_page_token` (OSV pages large answers). */
  pageSize?: number
  /** Delay per response, ms. */
  latencyMs?: number
}

export interface FakeOsv {
  url: string
  requests: OsvRequest[]
  /** Problems a real OSV would answer 400 for, or that look like client bugs. */
  violations: string[]
  /** Answer the next `times` requests to `route` (`querybatch`, `vulns`) with `status` (or a broken body). */
  failNext(route: 'querybatch' | 'vulns', status: number | 'garbage', times?: number): void
  count(route: 'querybatch' | 'vulns' | 'query'): number
  clear(): void
  close(): Promise<void>
}

export const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'osv')

/** The real records shipped as fixtures (see fixtures/osv/README.md). */
export function fixtureRecords(): Record<string, unknown>[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as Record<string, unknown>)
}

type Json = Record<string, unknown>
const norm = (eco: string, name: string): string => (eco === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name)

function cmp(eco: string, a: string, b: string): number {
  return eco === 'PyPI' ? pep440.compare(a, b) : semver.compare(a, b)
}

/** The OSV schema's algorithm: sorted events, the last applicable one decides. */
function affects(eco: string, affected: Json, version: string): boolean {
  if (((affected.versions as string[] | undefined) ?? []).includes(version)) return true
  for (const range of (affected.ranges as Json[] | undefined) ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue
    const events = ((range.events as Json[]) ?? []).map((e) => Object.entries(e)[0] as [string, string])
    events.sort(([, a], [, b]) => (a === '0' ? -1 : b === '0' ? 1 : cmp(eco, a, b)))
    let hit = false
    for (const [kind, v] of events) {
      if (kind === 'introduced' && (v === '0' || cmp(eco, version, v) >= 0)) hit = true
      else if (kind === 'fixed' && cmp(eco, version, v) >= 0) hit = false
      else if (kind === 'last_affected' && cmp(eco, version, v) > 0) hit = false
      else if (kind === 'limit' && v !== '*' && cmp(eco, version, v) >= 0) hit = false
    }
    if (hit) return true
  }
  return false
}

export async function startFakeOsv(opts: FakeOsvOptions): Promise<FakeOsv> {
  const byId = new Map(opts.records.map((r) => [String(r.id), r]))
  const requests: OsvRequest[] = []
  const violations: string[] = []
  const faults: { route: string; status: number | 'garbage'; times: number }[] = []
  const pageSize = opts.pageSize ?? 1000

  const answerQuery = (q: Json, where: string): Json | string => {
    const pkg = (q.package ?? {}) as Json
    if (q.version !== undefined && pkg.purl !== undefined) return `${where}: version and purl together`
    if (typeof pkg.name !== 'string' || typeof pkg.ecosystem !== 'string') return `${where}: package.name and package.ecosystem are required`
    if (!['PyPI', 'npm'].includes(pkg.ecosystem)) return `${where}: unexpected ecosystem ${String(pkg.ecosystem)}`
    if (q.version !== undefined && typeof q.version !== 'string') return `${where}: version must be a string`
    const eco = pkg.ecosystem
    const name = norm(eco, pkg.name)
    const ids = opts.records
      .filter((r) =>
        ((r.affected as Json[] | undefined) ?? []).some((a) => {
          const p = (a.package ?? {}) as Json
          return p.ecosystem === eco && norm(eco, String(p.name)) === name && (q.version === undefined || affects(eco, a, q.version as string))
        })
      )
      .map((r) => ({ id: String(r.id), modified: String(r.modified) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
    const start = typeof q.page_token === 'string' ? Number(q.page_token) : 0
    const page = ids.slice(start, start + pageSize)
    return { ...(page.length ? { vulns: page } : {}), ...(start + pageSize < ids.length ? { next_page_token: String(start + pageSize) } : {}) }
  }

  const handle = (method: string, url: string, body: unknown): { status: number; body: unknown } => {
    const route = url === '/v1/querybatch' ? 'querybatch' : url === '/v1/query' ? 'query' : url.startsWith('/v1/vulns/') ? 'vulns' : null
    const fault = faults.find((f) => f.route === route && f.times > 0)
    if (fault) {
      fault.times--
      return { status: fault.status === 'garbage' ? 200 : fault.status, body: fault.status === 'garbage' ? '{"results": [' : { code: 13, message: 'internal error' } }
    }
    if (route === 'querybatch' && method === 'POST') {
      const queries = (body as Json | null)?.queries
      if (!Array.isArray(queries)) return bad('queries must be a list')
      if (queries.length > 1000) return bad('Too many queries.')
      const results: Json[] = []
      for (const [i, q] of queries.entries()) {
        const r = answerQuery(q as Json, `queries[${i}]`)
        if (typeof r === 'string') return bad(r)
        results.push(r)
      }
      return { status: 200, body: { results } }
    }
    if (route === 'query' && method === 'POST') {
      const r = answerQuery((body ?? {}) as Json, 'query')
      return typeof r === 'string' ? bad(r) : { status: 200, body: r }
    }
    if (route === 'vulns' && method === 'GET') {
      const rec = byId.get(decodeURIComponent(url.slice('/v1/vulns/'.length)))
      return rec ? { status: 200, body: rec } : { status: 404, body: { code: 5, message: 'Bug not found.' } }
    }
    violations.push(`unknown route ${method} ${url}`)
    return { status: 404, body: { code: 5, message: 'Not Found' } }
  }
  const bad = (message: string): { status: number; body: unknown } => {
    violations.push(message)
    return { status: 400, body: { code: 3, message } }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown
      if (text) {
        try {
          body = JSON.parse(text)
        } catch {
          body = text
        }
      }
      if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) violations.push(`${req.url}: POST without a JSON content-type`)
      const answer = handle(req.method ?? 'GET', req.url ?? '/', body)
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', body, status: answer.status })
      const send = (): void => {
        res.writeHead(answer.status, { 'content-type': 'application/json' })
        res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
      }
      if (opts.latencyMs) setTimeout(send, opts.latencyMs)
      else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    requests,
    violations,
    failNext: (route, status, times = 1) => void faults.push({ route, status, times }),
    count: (route) => requests.filter((r) => (route === 'vulns' ? r.path.startsWith('/v1/vulns/') : r.path === `/v1/${route}`)).length,
    clear: () => {
      requests.length = 0
      violations.length = 0
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
