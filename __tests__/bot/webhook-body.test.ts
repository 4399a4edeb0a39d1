/**
 * Webhook bodies before their signature is checked: bytes held by every upload in progress count
 * against one budget (MODELGATE_WEBHOOK_MEMORY), so a burst of unauthenticated uploads cannot grow
 * the server's memory beyond it. Every wait here is on the server's own gauge, never on a clock.
 */
import crypto from 'node:crypto'
import http from 'node:http'
import type { BotServer } from '../../src/bot/server.js'
import { webhookExample } from '../action/support/pr-world.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import { appSeed, deliver, forApp, sign, startBot } from './support/bot-world.js'

const BUDGET = 1024 * 1024
const WRONG = 'sha256=' + '0'.repeat(64)

let gh: FakeGitHub
let bot: BotServer

beforeEach(async () => {
  gh = await startFakeGitHub({ seed: { owner: 'Codertocat', repo: 'Hello-World', token: 'ghs_bodyTest', ...appSeed() } })
  bot = (await startBot(gh.url, { bodyBudgetBytes: BUDGET })).server
})

afterEach(async () => {
  await bot.shutdown('test')
  // nothing unauthenticated reached GitHub
  expect(gh.requests).toEqual([])
  await gh.close()
})

interface Upload {
  req: http.ClientRequest
  answer: Promise<{ status: number; retryAfter: string | undefined; body: string }>
}

/** A POST whose body the test writes piece by piece; without `length` it is sent chunked. */
function upload(length?: number, signature = WRONG, event = 'push'): Upload {
  const url = new URL(`${bot.url}/api/github/webhooks`)
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': signature }
  if (length !== undefined) headers['content-length'] = String(length)
  const req = http.request(url, { method: 'POST', headers })
  const answer = new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body }))
    })
    req.on('error', reject)
  })
  return { req, answer }
}

async function inFlight(): Promise<number> {
  const m = await (await fetch(`${bot.url}/metrics`)).text()
  return Number(/^modelgate_webhook_body_bytes_in_flight (\d+)$/m.exec(m)?.[1])
}

/** Waits until the server holds exactly `bytes` of bodies. */
async function holding(bytes: number): Promise<void> {
  while ((await inFlight()) !== bytes) await new Promise((r) => setTimeout(r, 10))
}

const BUSY = { error: 'the server is already receiving 1 MiB of webhook bodies (MODELGATE_WEBHOOK_MEMORY); redeliver later' }

test('over the budget a delivery gets 503 with Retry-After; bytes leave the budget when a body ends or its client goes away', async () => {
  // an upload in progress: 600,000 of its 800,000 bytes sent
  const slow = upload(800_000)
  slow.req.write(Buffer.alloc(600_000, 0x20))
  await holding(600_000)

  // a declared length that does not fit in what is left: refused before a byte is read
  const big = await fetch(`${bot.url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'big-1', 'x-hub-signature-256': WRONG },
    body: Buffer.alloc(500_000, 0x20)
  })
  expect([big.status, big.headers.get('retry-after'), await big.json()]).toEqual([503, '10', BUSY])

  // a chunked body (no length declared) that outgrows what is left: refused once it does, the rest discarded
  const chunked = upload()
  chunked.req.write(Buffer.alloc(300_000, 0x20))
  chunked.req.end(Buffer.alloc(300_000, 0x20))
  const c = await chunked.answer
  expect([c.status, c.retryAfter, JSON.parse(c.body)]).toEqual([503, '10', BUSY])

  // a small signed delivery still fits beside the upload in progress
  expect((await deliver(bot.url, 'issues', forApp(webhookExample('issues', 'opened')))).status).toBe(204)
  expect(await inFlight()).toBe(600_000)

  // the slow upload ends: its signature is wrong (401) and its bytes leave the budget
  slow.req.end(Buffer.alloc(200_000, 0x20))
  expect((await slow.answer).status).toBe(401)
  await holding(0)
  // the same 500,000 bytes now fit: read, and refused for their signature
  expect((await deliver(bot.url, 'push', null, { raw: Buffer.alloc(500_000, 0x20), signature: WRONG })).status).toBe(401)

  // a client that goes away mid-upload frees its bytes too
  const gone = upload(900_000)
  gone.answer.catch(() => {})
  gone.req.write(Buffer.alloc(700_000, 0x20))
  await holding(700_000)
  gone.req.destroy()
  await holding(0)

  const metrics = await (await fetch(`${bot.url}/metrics`)).text()
  expect(metrics.split('\n').filter((l) => l.startsWith('modelgate_webhook_deliveries_total'))).toEqual([
    'modelgate_webhook_deliveries_total{status="503"} 2',
    'modelgate_webhook_deliveries_total{status="204"} 1',
    'modelgate_webhook_deliveries_total{status="401"} 2'
  ])
})

test('the signature is checked over the raw bytes however they are split into chunks, and before the body is decoded', async () => {
  const body = Buffer.from(JSON.stringify(forApp(webhookExample('issues', 'opened'))))
  // signed as sent, in three pieces, one splitting a multi-byte character: accepted (204: not an event the bot acts on)
  const withUtf8 = Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(',"note":"ü"}')])
  const ok = upload(undefined, sign(withUtf8), 'issues')
  const cut = withUtf8.indexOf(Buffer.from('ü')) + 1
  ok.req.write(withUtf8.subarray(0, 10))
  ok.req.write(withUtf8.subarray(10, cut))
  ok.req.end(withUtf8.subarray(cut))
  expect((await ok.answer).status).toBe(204)
  // not JSON at all, but signed with another secret: 401, the body is never parsed
  expect((await deliver(bot.url, 'push', null, { raw: '{"not json', signature: sign('{"not json', 'another-secret') })).status).toBe(401)
  // a signature header that is not sha256=<64 hex>: 401
  for (const signature of ['sha1=' + '0'.repeat(40), 'sha256=' + 'z'.repeat(64), 'sha256=' + '0'.repeat(63), sign(body).toUpperCase()]) {
    expect([signature, (await deliver(bot.url, 'push', null, { raw: body, signature })).status]).toEqual([signature, 401])
  }
})
