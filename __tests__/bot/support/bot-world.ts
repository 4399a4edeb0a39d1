/**
 * The bot against the fake GitHub: an app key pair, a fake seeded with the app (JWT-checked
 * installation tokens, check runs carrying the app's id), the server in process, as the built
 * `dist/server.js` or from source in a process of its own (a replica a test can kill), signed
 * deliveries of real @octokit/webhooks-examples payloads, and gates for answers the fake holds.
 */
import { ChildProcess, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { readBotConfig, type BotConfig } from '../../../src/bot/config.js'
import type { Logger } from '../../../src/bot/log.js'
import { startBotServer, type BotServer } from '../../../src/bot/server.js'
import { REPO } from '../../support/shared.js'
import type { FakeGitHubSeed } from '../../support/fake-github/index.js'

export const APP_ID = 424242
export const INSTALLATION = 77
export const SECRET = 'test-webhook-secret'
export const BOT = { login: 'modelgate[bot]', id: 9100, type: 'Bot' as const }

const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
export const PRIVATE_KEY = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
export const PUBLIC_KEY = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()

/** Seed fields that make the fake answer as GitHub does for this app's installation. */
export function appSeed(deliveries: NonNullable<FakeGitHubSeed['app']>['deliveries'] = []): Pick<FakeGitHubSeed, 'app' | 'actor'> {
  return { app: { id: APP_ID, slug: 'modelgate', publicKey: PUBLIC_KEY, installationId: INSTALLATION, deliveries }, actor: BOT }
}

export function botEnv(apiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return { APP_ID: String(APP_ID), PRIVATE_KEY, WEBHOOK_SECRET: SECRET, PORT: '0', HOST: '127.0.0.1', GITHUB_API_URL: apiUrl, ...extra }
}

export interface LogLine {
  level: string
  msg: string
  fields: Record<string, unknown>
}

export async function startBot(apiUrl: string, overrides: Partial<BotConfig> = {}): Promise<{ server: BotServer; logs: LogLine[] }> {
  const logs: LogLine[] = []
  const log: Logger = (level, msg, fields = {}) => void logs.push({ level, msg, fields })
  const server = await startBotServer({ ...readBotConfig(botEnv(apiUrl)), ...overrides }, log)
  return { server, logs }
}

export const sign = (body: string | Buffer, secret = SECRET): string => `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`

export interface Delivery {
  status: number
  body: string
  ms: number
}

export async function deliver(url: string, event: string, payload: unknown, opts: { delivery?: string; signature?: string | null; raw?: string | Buffer } = {}): Promise<Delivery> {
  const body = opts.raw ?? JSON.stringify(payload)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/test',
    'x-github-event': event,
    'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
    'x-github-hook-installation-target-type': 'integration'
  }
  const signature = opts.signature === undefined ? sign(body) : opts.signature
  if (signature !== null) headers['x-hub-signature-256'] = signature
  const started = Date.now()
  const res = await fetch(`${url}/api/github/webhooks`, { method: 'POST', headers, body })
  return { status: res.status, body: await res.text(), ms: Date.now() - started }
}

/** Adds the installation the way GitHub sends it to an app. */
export function forApp<T extends Record<string, unknown>>(payload: T): T {
  return { ...payload, installation: { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' } }
}

/** `node dist/server.js` (and its license-text data file) copied to a folder with no node_modules, as deployed. */
export interface ChildServer {
  proc: ChildProcess
  url: Promise<string>
  stdout: () => string
  stderr: () => string
  exit: Promise<number | null>
  dir: string
}

export async function spawnDistServer(env: Record<string, string>): Promise<ChildServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelgate-server-'))
  await copyFile(path.join(REPO, 'dist', 'server.js'), path.join(dir, 'server.js'))
  await copyFile(path.join(REPO, 'dist', 'spdx-license-texts.json'), path.join(dir, 'spdx-license-texts.json'))
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n')
  const child = watch(spawn(process.execPath, [path.join(dir, 'server.js')], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }), dir)
  void child.exit.then(() => rm(dir, { recursive: true, force: true }))
  return child
}

/** `src/server.ts` run from source (tsx) as its own process: a replica a test can kill outright (SIGKILL). */
export function spawnSourceServer(env: Record<string, string>): ChildServer {
  return watch(spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'server.ts')], { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }), REPO)
}

function watch(proc: ChildProcess, dir: string): ChildServer {
  let out = ''
  let err = ''
  let resolveUrl: (u: string) => void
  const url = new Promise<string>((r) => (resolveUrl = r))
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString()
    const m = /"webhooks":"(http:\/\/[^"]+)\/api\/github\/webhooks"/.exec(out)
    if (m) resolveUrl(m[1] as string)
  })
  proc.stderr?.on('data', (c: Buffer) => (err += c.toString()))
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)))
  return { proc, url, stdout: () => out, stderr: () => err, exit, dir }
}

/** A promise the test settles itself: with the fake's `hold`, a GitHub answer held until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

/** Waits for a condition on the fake's state (the server answers before it works). */
export async function until(cond: () => boolean, ms = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
