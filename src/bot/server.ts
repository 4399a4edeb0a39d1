import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { TOOL } from '../version.js'
import { BodyBudget, readBody } from './body.js'
import type { BotConfig } from './config.js'
import { jobKey, route, type Job } from './events.js'
import { GitHubApp } from './github-app.js'
import { runJob } from './jobs.js'
import type { Logger } from './log.js'
import { Metrics } from './metrics.js'
import { WorkQueue, type Running } from './queue.js'
import { signatureMatches } from './signature.js'

export const WEBHOOK_PATH = '/api/github/webhooks'
/** GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024
/** Retry-After when the body budget is spent: bodies in flight finish within the request timeout. */
const BUSY_RETRY_SECONDS = 10

export interface BotServer {
  url: string
  port: number
  metrics: Metrics
  queue: WorkQueue<Job>
  /** Stops accepting, finishes or hands back the work, closes the socket. */
  shutdown(reason?: string): Promise<void>
  /** Resolves when the queue is empty and nothing runs (tests). */
  idle(): Promise<void>
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> }

/** Starts the webhook server: POST /api/github/webhooks, GET /healthz, GET /metrics. */
export async function startBotServer(cfg: BotConfig, log: Logger): Promise<BotServer> {
  const app = new GitHubApp(cfg, log)
  const metrics = new Metrics()
  const bodies = new BodyBudget(cfg.bodyBudgetBytes)
  let stopping = false

  const queue: WorkQueue<Job> = new WorkQueue<Job>(
    cfg.concurrency,
    cfg.queueLimit,
    async (item: Running<Job>) => {
      const job = item.value
      const { outcome, runId } = await runJob(job, {
        appId: cfg.appId,
        client: (id, signal) => app.installationClient(id, signal),
        log,
        scanTimeoutMs: cfg.scanTimeoutMs,
        cancelled: () => item.cancelled,
        signal: item.stop.signal,
        onScanDuration: (s) => metrics.scanDuration(s),
        onClaimed: (release) => (item.release = release)
      })
      metrics.job(outcome)
      log('info', `job ${outcome}`, { delivery: job.deliveryId, event: job.event, repo: `${job.owner}/${job.repo}`, checkRun: runId, waitedMs: item.startedAt - item.enqueuedAt, tookMs: Date.now() - item.startedAt })
    },
    (err, item) => {
      metrics.job('error')
      log('error', `job failed: ${(err as Error).message ?? String(err)}`, { delivery: item.value.deliveryId, event: item.value.event, repo: `${item.value.owner}/${item.value.repo}`, status: (err as { status?: number }).status })
    }
  )

  async function webhook(req: http.IncomingMessage): Promise<Answer> {
    const body = await readBody(req, bodies, MAX_BODY_BYTES)
    if (body.kind === 'too-large') return { status: 413, body: { error: `payload over ${MAX_BODY_BYTES} bytes` } }
    if (body.kind === 'busy') {
      return { status: 503, headers: { 'retry-after': String(BUSY_RETRY_SECONDS) }, body: { error: `the server is already receiving ${size(bodies.limit)} of webhook bodies (MODELGATE_WEBHOOK_MEMORY); redeliver later` } }
    }
    let ids: { event: string; delivery: string }
    let payload: unknown
    try {
      // checked over the raw chunks before anything else: an unauthenticated body is never joined, decoded or parsed
      if (!signatureMatches(cfg.webhookSecret, body.chunks, header(req, 'x-hub-signature-256'))) return { status: 401, body: { error: 'signature (X-Hub-Signature-256) missing or wrong' } }
      const found = deliveryIds(req)
      if ('problem' in found) return { status: 400, body: { error: found.problem } }
      ids = found
      try {
        payload = JSON.parse(Buffer.concat(body.chunks, body.size).toString('utf8'))
      } catch {
        return { status: 400, body: { error: 'body is not JSON (set the webhook content type to application/json)' } }
      }
    } finally {
      body.release()
    }
    const { event, delivery } = ids
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { status: 400, body: { error: 'body is not a JSON object' } }
    const r = route(event, delivery, payload, cfg.appId)
    if (r.kind === 'ignored') {
      log('debug', `ignored: ${r.reason}`, { delivery, event })
      return { status: 204 }
    }
    if (r.kind === 'invalid') {
      log('warn', `rejected: ${r.reason}`, { delivery, event })
      return { status: 400, body: { error: r.reason } }
    }
    if (r.kind === 'logged') {
      log('info', r.msg, { delivery, event, ...r.fields })
      return { status: 200, body: { ok: true } }
    }
    if (stopping) return { status: 503, headers: { 'retry-after': '30' }, body: { error: 'shutting down; redeliver' } }
    if (!queue.push(jobKey(r.job), r.job)) return { status: 503, headers: { 'retry-after': '60' }, body: { error: 'queue full; redeliver later' } }
    log('info', 'queued', { delivery, event: r.job.event, repo: `${r.job.owner}/${r.job.repo}`, depth: queue.depth })
    return { status: 202, body: { queued: delivery } }
  }

  async function handle(req: http.IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === WEBHOOK_PATH) {
      if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: { error: 'POST webhooks here' } }
      const a = await webhook(req)
      metrics.delivery(a.status)
      return a
    }
    if (url.pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      return stopping ? { status: 503, body: { status: 'shutting-down' } } : { status: 200, body: { status: 'ok', version: TOOL.version, queue: queue.depth, running: queue.active } }
    }
    if (url.pathname === '/metrics' && req.method === 'GET') return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4' }, body: metrics.render(queue, bodies.inFlight) }
    return { status: 404, body: { error: 'not found' } }
  }

  const server = http.createServer((req, res) => {
    handle(req).then(
      (a) => send(res, a),
      (err: unknown) => {
        log('error', `request failed: ${(err as Error).message}`)
        send(res, { status: 500, body: { error: 'internal error' } })
      }
    )
  })
  server.requestTimeout = 30_000
  server.headersTimeout = 15_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(cfg.port, cfg.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`
  log('info', 'listening', { port, webhooks: `${url}${WEBHOOK_PATH}`, app: cfg.appId, api: cfg.apiUrl, concurrency: cfg.concurrency })

  let shutdownPromise: Promise<void> | undefined
  async function doShutdown(reason: string): Promise<void> {
    stopping = true
    log('info', 'shutting down', { reason, queued: queue.depth, running: queue.active, graceMs: cfg.shutdownGraceMs })
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const left = await queue.drain(cfg.shutdownGraceMs)
    // what did not finish goes back to GitHub: a redelivery reaches another replica (the claims of
    // interrupted scans are voided first, so the redelivery scans again)
    for (const item of [...left.running, ...left.waiting]) {
      const job = item.value
      const release = (item as Partial<Running<Job>>).release
      if (release) await release('the server stopped (shutdown) before the scan finished; the delivery was handed back to GitHub for another replica')
      let handedBack = false
      try {
        handedBack = await app.redeliver(job.deliveryId)
      } catch (err) {
        log('warn', `redelivery request failed: ${(err as Error).message}`, { delivery: job.deliveryId })
      }
      log(handedBack ? 'info' : 'error', handedBack ? 'handed back for redelivery' : 'could not hand back: redeliver it from the app settings (Advanced)', { delivery: job.deliveryId, event: job.event, repo: `${job.owner}/${job.repo}` })
      metrics.job(handedBack ? 'handed-back' : 'lost')
    }
    server.closeAllConnections()
    await closed
    log('info', 'stopped')
  }

  return {
    url,
    port,
    metrics,
    queue,
    idle: () => queue.idle(),
    shutdown: (reason = 'shutdown') => (shutdownPromise ??= doShutdown(reason))
  }
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return typeof v === 'string' && v ? v : undefined
}

/** The event and delivery id from GitHub's headers, or what is wrong with them. */
function deliveryIds(req: http.IncomingMessage): { event: string; delivery: string } | { problem: string } {
  const event = header(req, 'x-github-event')
  const delivery = header(req, 'x-github-delivery')
  if (!event || !delivery) return { problem: 'X-GitHub-Event and X-GitHub-Delivery are required' }
  if (!/^[\w.-]{1,100}$/.test(delivery)) return { problem: 'X-GitHub-Delivery is not a delivery id' }
  return { event, delivery }
}

/** "64 MiB", or bytes when not a whole number of MiB. */
function size(bytes: number): string {
  return bytes % 2 ** 20 === 0 ? `${bytes / 2 ** 20} MiB` : `${bytes} bytes`
}

function send(res: http.ServerResponse, a: Answer): void {
  if (res.headersSent) return
  const headers: Record<string, string> = { ...a.headers }
  if (a.status === 204 || a.body === undefined) {
    res.writeHead(a.status, headers)
    res.end()
    return
  }
  const text = typeof a.body === 'string' ? a.body : JSON.stringify(a.body) + '\n'
  res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', ...headers, 'content-length': String(Buffer.byteLength(text)) })
  res.end(text)
  // an oversized upload may still be streaming in: stop reading it
  if (a.status === 413) res.once('finish', () => res.req.destroy())
}
