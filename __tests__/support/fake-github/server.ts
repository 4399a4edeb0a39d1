/**
 * A loopback HTTP server that answers like api.github.com for the routes in routes.ts, validates
 * every request against GitHub's OpenAPI description, records every request in order, and can
 * inject rate-limit and 5xx responses once so retry/throttle behaviour is testable.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { loadOpenApiIndex, opKey, type OpenApiIndex } from './openapi-index.js'
import { errorBody, GitHubError, type Ctx, type Reply } from './reply.js'
import { byLiterals, compileTemplate, match, ROUTES, type Matcher, type Route } from './routes.js'
import type { Urls } from './shapes.js'
import { FakeState, type FakeGitHubSeed, type PermissionName } from './state.js'
import { validateBody, validateParams, type Problem } from './validate.js'

export interface Violation {
  seq: number
  method: string
  path: string
  operationId: string | null
  kind: 'unknown-route' | 'unimplemented-route' | 'header' | 'auth' | 'path' | 'query' | 'body' | 'semantic'
  message: string
  /** true when GitHub would refuse the request; false when GitHub would accept it but it looks like a bug */
  rejected: boolean
}

export interface RecordedRequest {
  seq: number
  method: string
  /** pathname, still percent-encoded as sent */
  path: string
  query: Record<string, string | string[]>
  /** "METHOD template" of the matched route, null when unrouted */
  route: string | null
  operationId: string | null
  params: Record<string, string>
  headers: Record<string, string | undefined>
  /** parsed JSON body; the raw text when it was not JSON; undefined without a body */
  body: unknown
  status: number
  /** the JSON body the fake answered (undefined for raw/empty responses) */
  response?: unknown
  fault?: Fault['kind']
}

export interface Fault {
  /** operationId ("checks/create") or route key ("POST /repos/{owner}/{repo}/check-runs") */
  route: string
  /** `slow`: the request is carried out at once, its answer sent only after `delayMs` (a request in flight). */
  kind: 'secondary-rate-limit' | 'rate-limit' | 'server-error' | 'slow' | 'validation-failed'
  delayMs?: number
  /** `slow` only: the answer is sent when this settles, instead of after `delayMs` (held until the test lets it go). */
  hold?: Promise<unknown>
  /** default: 403 for rate limits (use 429 for the other form GitHub sends), 502 for server-error, 422 for validation-failed (never retried) */
  status?: number
  /** seconds, for retry-after / x-ratelimit-reset; default 1 so throttled clients retry fast */
  retryAfter?: number
  /** how many matching requests fail; default 1 */
  times?: number
}

export interface FakeGitHubOptions {
  seed?: FakeGitHubSeed
  faults?: Fault[]
  /** web URL used in html_url fields; default https://github.com */
  htmlUrl?: string
  /** X-GitHub-Api-Version values GitHub accepts */
  apiVersions?: string[]
  /** print one line per request to stderr (also FAKE_GITHUB_LOG=1) */
  log?: boolean
}

export interface FakeGitHub {
  url: string
  requests: RecordedRequest[]
  violations: Violation[]
  state: FakeState
  index: OpenApiIndex
  /** queue a fault for the next matching request(s) */
  failNext(fault: Fault): void
  /** operationIds of the recorded requests, in order */
  operations(): string[]
  /** forget recorded requests and violations (e.g. between two runs of the action) */
  clearLog(): void
  close(): Promise<void>
}

/** Why a GitHub App JWT would be refused (RS256, signed by the app's key, iss = app id, at most 10 minutes), or null. */
function checkAppJwt(jwt: string, state: FakeState): string | null {
  if (!state.app) return 'this fake has no app (seed.app)'
  const [h, p, sig] = jwt.split('.')
  if (!h || !p || !sig) return 'not a JWT'
  let header: { alg?: string }
  let claims: { iss?: unknown; iat?: number; exp?: number }
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  } catch {
    return 'not a JWT'
  }
  if (header.alg !== 'RS256') return `alg ${header.alg}`
  if (!crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), state.app.publicKey, Buffer.from(sig, 'base64url'))) return 'bad signature'
  const now = Math.floor(Date.now() / 1000)
  if (String(claims.iss) !== String(state.app.id)) return `iss ${String(claims.iss)}`
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'iat/exp missing'
  if (claims.iat > now + 60 || claims.exp <= now || claims.exp - claims.iat > 660) return 'expired or too long-lived'
  return null
}

const RECORDED_HEADERS = ['authorization', 'accept', 'user-agent', 'content-type', 'x-github-api-version', 'if-none-match']
const DOCS = 'https://docs.github.com/rest'

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const index = loadOpenApiIndex(ROUTES.map((r) => r.key))
  const routes = new Map<string, Route>(ROUTES.map((r) => [r.key, r]))
  const ours = ROUTES.map((r) => compileTemplate(r.key)).sort(byLiterals)
  let github: Matcher[] | undefined // every GitHub route, compiled on the first unrouted request
  const state = new FakeState(opts.seed)
  const faults: Fault[] = (opts.faults ?? []).map((f) => ({ ...f }))
  const apiVersions = opts.apiVersions ?? ['2022-11-28']
  const log = opts.log ?? process.env.FAKE_GITHUB_LOG === '1'
  const requests: RecordedRequest[] = []
  const violations: Violation[] = []
  let seq = 0
  let remaining = 5000
  const delays = new WeakMap<RecordedRequest, number | Promise<unknown>>()
  const urls: Urls = { api: '', html: opts.htmlUrl ?? 'https://github.com' }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      let rec: { record: RecordedRequest; reply: Reply }
      try {
        rec = handle(req, Buffer.concat(chunks))
      } catch (e) {
        // a bug in the fake itself: answer 500 loudly rather than hang the client
        process.stderr.write(`[fake-github] internal error: ${(e as Error).stack ?? String(e)}\n`)
        const record = requests[requests.length - 1] as RecordedRequest
        rec = { record, reply: { status: 500, body: { message: `fake-github internal error: ${(e as Error).message}` } } }
      }
      const delay = delays.get(rec.record)
      if (delay instanceof Promise) void delay.then(() => send(res, rec.reply), () => send(res, rec.reply))
      else if (delay) setTimeout(() => send(res, rec.reply), delay)
      else send(res, rec.reply)
      rec.record.status = rec.reply.status
      rec.record.response = rec.reply.body
      if (log) process.stderr.write(`[fake-github] ${rec.record.method} ${rec.record.path} → ${rec.reply.status}${rec.record.fault ? ` (${rec.record.fault})` : ''}\n`)
    })
  })

  function handle(req: http.IncomingMessage, raw: Buffer): { record: RecordedRequest; reply: Reply } {
    const url = new URL(req.url ?? '/', urls.api)
    const method = (req.method ?? 'GET').toUpperCase()
    const query: Record<string, string | string[]> = {}
    for (const [k, v] of url.searchParams) {
      const prev = query[k]
      query[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v]
    }
    const headers = Object.fromEntries(RECORDED_HEADERS.map((h) => [h, req.headers[h] as string | undefined]))
    const text = raw.length ? raw.toString('utf8') : undefined
    let body: unknown = text
    let jsonOk = true
    if (text !== undefined) {
      try {
        body = JSON.parse(text)
      } catch {
        jsonOk = false
      }
    }
    const record: RecordedRequest = { seq: ++seq, method, path: url.pathname, query, route: null, operationId: null, params: {}, headers, body, status: 0 }
    requests.push(record)
    const violate = (kind: Violation['kind'], message: string, rejected: boolean): void => {
      violations.push({ seq: record.seq, method, path: url.pathname, operationId: record.operationId, kind, message, rejected })
    }
    const fail = (status: number, message: string, kind: Violation['kind'] | null, docs = DOCS, extra: Record<string, unknown> = {}): { record: RecordedRequest; reply: Reply } => {
      if (kind) violate(kind, message, true)
      return { record, reply: { status, body: errorBody(message, docs, status, extra) } }
    }

    // Headers GitHub cares about, in the order it checks them.
    if (!headers['user-agent']) {
      return fail(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/rest/overview/resources-in-the-rest-api#user-agent-required).', 'header')
    }
    const auth = headers.authorization
    if (!auth) return fail(401, 'Requires authentication', 'auth')
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1]
    if (url.pathname.startsWith('/app/') || url.pathname === '/app') {
      // GitHub App routes take the app's JWT, never an installation token
      const problem = token ? checkAppJwt(token, state) : 'no token'
      if (problem) return fail(401, 'A JSON web token could not be decoded', 'auth', DOCS, { detail: problem })
    } else if (!token || (state.token !== undefined && token !== state.token)) return fail(401, 'Bad credentials', 'auth')
    if (!headers.accept) violate('header', 'no Accept header (send application/vnd.github+json)', false)
    const version = headers['x-github-api-version']
    if (version !== undefined && !apiVersions.includes(version)) {
      return fail(400, `API version ${version} is not supported.`, 'header')
    }

    // Route: ours, else GitHub's (then the fake lacks it), else GitHub would not know it either.
    const hit = match(ours, method, url.pathname)
    if (hit === null || hit === 'wrong-method') {
      github ??= index.all.map(([m, t]) => compileTemplate(opKey(m, t))).sort(byLiterals)
      const real = match(github, method, url.pathname)
      if (real !== null && real !== 'wrong-method') {
        return fail(404, `Not Found (fake-github does not implement ${real.m.key}: add it to routes.ts)`, 'unimplemented-route')
      }
      return fail(404, 'Not Found', 'unknown-route')
    }
    const op = index.operations[hit.m.key]
    const route = routes.get(hit.m.key)
    if (!op || !route) throw new Error(`fake-github: no operation for ${hit.m.key}`)
    record.route = hit.m.key
    record.operationId = op.operationId
    record.params = hit.params

    const fault = takeFault(op.operationId, hit.m.key)
    if (fault) {
      record.fault = fault.kind
      if (fault.kind === 'slow') delays.set(record, fault.hold ?? fault.delayMs ?? 1000)
      else return { record, reply: faultReply(fault) }
    }

    if ('owner' in hit.params && (hit.params.owner?.toLowerCase() !== state.owner.toLowerCase() || hit.params.repo?.toLowerCase() !== state.repo.toLowerCase())) {
      return fail(404, 'Not Found', 'path', op.docsUrl)
    }
    const params: Record<string, unknown> = { ...hit.params }
    const pathProblems = validateParams(op, 'path', params)
    if (pathProblems.some((p) => p.verdict === 'reject')) {
      for (const p of pathProblems) violate('path', p.message, true)
      return { record, reply: { status: 404, body: errorBody('Not Found', op.docsUrl, 404) } }
    }
    const q: Record<string, unknown> = { ...query }
    const problems: Problem[] = validateParams(op, 'query', q)
    if (text !== undefined && !jsonOk) return fail(400, 'Problems parsing JSON', 'body', op.docsUrl)
    if (text !== undefined && !/application\/json/i.test(headers['content-type'] ?? '')) {
      violate('header', `body sent with content-type ${headers['content-type'] ?? '(none)'}, not application/json`, false)
    }
    problems.push(...validateBody(op, body, text !== undefined))
    for (const p of problems) violate(p.where, p.message, p.verdict === 'reject')
    const rejected = problems.filter((p) => p.verdict === 'reject')
    if (rejected.length) {
      return { record, reply: { status: 422, body: errorBody(`Invalid request.\n\n${rejected.map((p) => p.message).join('\n')}`, op.docsUrl, 422) } }
    }

    const denied = route.perm && !route.perm.split('|').some((alt) => {
      const [name, level] = alt.split(':') as [PermissionName, 'read' | 'write']
      return state.can(name, level)
    })
    if (denied) {
      const accepted = (route.perm ?? '').split('|').map((a) => a.replace(':', '=')).join('; ')
      return { record, reply: { status: 403, body: errorBody('Resource not accessible by integration', op.docsUrl, 403), headers: { 'x-accepted-github-permissions': accepted } } }
    }

    const ctx: Ctx = {
      state,
      urls,
      op,
      params: params as Record<string, string | number>,
      query: q,
      body: (body && typeof body === 'object' ? body : {}) as Record<string, unknown>,
      accept: headers.accept ?? '',
      url
    }
    try {
      return { record, reply: route.handle(ctx) }
    } catch (e) {
      if (!(e instanceof GitHubError)) throw e
      if (e.violation) violate('semantic', `${e.status} ${JSON.stringify(e.body.errors ?? e.body.message)}`, true)
      return { record, reply: { status: e.status, body: e.body, headers: e.headers } }
    }
  }

  function takeFault(operationId: string, key: string): Fault | undefined {
    const i = faults.findIndex((f) => f.route === operationId || f.route === key)
    const f = faults[i]
    if (!f) return undefined
    f.times = (f.times ?? 1) - 1
    if (f.times <= 0) faults.splice(i, 1)
    return f
  }

  function faultReply(f: Fault): Reply {
    const wait = f.retryAfter ?? 1
    if (f.kind === 'server-error') return { status: f.status ?? 502, body: { message: 'Server Error' } }
    if (f.kind === 'validation-failed') {
      return { status: f.status ?? 422, body: errorBody('Validation Failed', DOCS, f.status ?? 422, { errors: [{ resource: 'Issue', code: 'unprocessable', field: 'data', message: 'Could not process the request.' }] }) }
    }
    if (f.kind === 'rate-limit') {
      const reset = String(Math.ceil(Date.now() / 1000) + wait)
      return {
        status: f.status ?? 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
        body: errorBody('API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for help, please include the request ID.', 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', f.status ?? 403)
      }
    }
    return {
      status: f.status ?? 403,
      headers: { 'retry-after': String(wait) },
      body: errorBody(
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        f.status ?? 403
      )
    }
  }

  function send(res: http.ServerResponse, reply: Reply): void {
    remaining = Math.max(remaining - 1, 0)
    const headers: Record<string, string> = {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': crypto.randomBytes(8).toString('hex').toUpperCase(),
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-resource': 'core',
      ...reply.headers
    }
    if (reply.raw) {
      res.writeHead(reply.status, { ...headers, 'content-length': String(reply.raw.length) })
      res.end(reply.raw)
    } else if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers)
      res.end()
    } else {
      const text = JSON.stringify(reply.body)
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers, 'content-length': String(Buffer.byteLength(text)) })
      res.end(text)
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  server.unref() // a test that forgets close() must not keep jest alive
  urls.api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: urls.api,
    requests,
    violations,
    state,
    index,
    failNext: (f) => faults.push({ ...f }),
    operations: () => requests.map((r) => r.operationId ?? `${r.method} ${r.path}`),
    clearLog: () => {
      requests.length = 0
      violations.length = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // clients keep connections alive; drop them or close() waits for their timeout
        server.closeAllConnections()
        server.close((e) => (e ? reject(e) : resolve()))
      })
  }
}
