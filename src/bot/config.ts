import { createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** A start-up setting that is missing or invalid: the server exits 2 with this one line. */
export class BotConfigError extends Error {
  override readonly name = 'BotConfigError'
}

export interface BotConfig {
  appId: number
  /** PEM text; never logged. */
  privateKey: string
  webhookSecret: string
  port: number
  /** Interface to bind; default all interfaces (HOST). */
  host: string
  /** REST API base: https://api.github.com, https://HOST/api/v3 on GitHub Enterprise Server, or a test fake. */
  apiUrl: string
  /** Scans running at once in this process. */
  concurrency: number
  /** Deliveries waiting beyond this answer 503 (GitHub shows them as failed; redeliver later). */
  queueLimit: number
  /** A scan taking longer is stopped and its check run completed as a failure. */
  scanTimeoutMs: number
  /** SIGTERM: how long running and queued work may take before it is handed back. */
  shutdownGraceMs: number
  /** Webhook bodies held in memory at once, before their signatures are checked; beyond it, 503. */
  bodyBudgetBytes: number
}

const DEFAULTS = { port: 3000, host: '0.0.0.0', apiUrl: 'https://api.github.com', concurrency: 2, queueLimit: 1000, scanTimeoutSeconds: 600, shutdownGraceSeconds: 25, webhookMemoryMiB: 64 }

/** The documented settings and the optional tuning ones, in the order they are checked. */
export const SETTINGS = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET', 'PORT', 'HOST', 'GITHUB_API_URL', 'MODELGATE_CONCURRENCY', 'MODELGATE_QUEUE_LIMIT', 'MODELGATE_SCAN_TIMEOUT', 'MODELGATE_SHUTDOWN_GRACE', 'MODELGATE_WEBHOOK_MEMORY'] as const

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new BotConfigError(`${name}: '${raw}' is not ${what} (${min}–${max})`)
  return Number(raw)
}

/**
 * Reads and checks every setting before anything starts (Probot's names: APP_ID, PRIVATE_KEY or
 * PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, GITHUB_API_URL). Messages name the setting, never its value
 * when the value is a secret.
 */
export function readBotConfig(env: NodeJS.ProcessEnv): BotConfig {
  const appIdRaw = env.APP_ID?.trim()
  if (!appIdRaw) throw new BotConfigError('APP_ID is not set: give the GitHub App ID (a number, on the app\'s settings page)')
  if (!/^[1-9]\d{0,15}$/.test(appIdRaw)) throw new BotConfigError(`APP_ID: '${appIdRaw}' is not a GitHub App ID (a positive number)`)

  let privateKey: string
  if (env.PRIVATE_KEY?.trim()) {
    if (env.PRIVATE_KEY_PATH?.trim()) throw new BotConfigError('PRIVATE_KEY and PRIVATE_KEY_PATH are both set: give one')
    // platforms that cannot hold newlines in a variable pass them as "\n"
    privateKey = env.PRIVATE_KEY.includes('\\n') && !env.PRIVATE_KEY.includes('\n') ? env.PRIVATE_KEY.replace(/\\n/g, '\n') : env.PRIVATE_KEY
    checkKey(privateKey, 'PRIVATE_KEY')
  } else if (env.PRIVATE_KEY_PATH?.trim()) {
    const file = env.PRIVATE_KEY_PATH.trim()
    try {
      privateKey = readFileSync(file, 'utf8')
    } catch (err) {
      throw new BotConfigError(`PRIVATE_KEY_PATH: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    }
    checkKey(privateKey, 'PRIVATE_KEY_PATH')
  } else {
    throw new BotConfigError("PRIVATE_KEY is not set: give the app's private key (PEM text) in PRIVATE_KEY or its file in PRIVATE_KEY_PATH")
  }

  const webhookSecret = env.WEBHOOK_SECRET ?? ''
  if (!webhookSecret) throw new BotConfigError("WEBHOOK_SECRET is not set: give the app's webhook secret")

  const port = integer(env, 'PORT', DEFAULTS.port, 0, 65535, 'a TCP port')
  const host = env.HOST?.trim() || DEFAULTS.host
  const apiUrl = (env.GITHUB_API_URL?.trim() || DEFAULTS.apiUrl).replace(/\/+$/, '')
  let url: URL
  try {
    url = new URL(apiUrl)
  } catch {
    throw new BotConfigError(`GITHUB_API_URL: '${apiUrl}' is not a URL (e.g. https://api.github.com or https://github.example.com/api/v3)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BotConfigError(`GITHUB_API_URL: '${apiUrl}' is not an http(s) URL`)
  if (url.username || url.password) throw new BotConfigError('GITHUB_API_URL: must not contain credentials')

  return {
    appId: Number(appIdRaw),
    privateKey,
    webhookSecret,
    port,
    host,
    apiUrl,
    concurrency: integer(env, 'MODELGATE_CONCURRENCY', DEFAULTS.concurrency, 1, 64, 'a number of concurrent scans'),
    queueLimit: integer(env, 'MODELGATE_QUEUE_LIMIT', DEFAULTS.queueLimit, 1, 100_000, 'a queue length'),
    scanTimeoutMs: integer(env, 'MODELGATE_SCAN_TIMEOUT', DEFAULTS.scanTimeoutSeconds, 1, 3600, 'a number of seconds') * 1000,
    shutdownGraceMs: integer(env, 'MODELGATE_SHUTDOWN_GRACE', DEFAULTS.shutdownGraceSeconds, 0, 3600, 'a number of seconds') * 1000,
    // at least one body of GitHub's maximum size (25 MiB) must fit
    bodyBudgetBytes: integer(env, 'MODELGATE_WEBHOOK_MEMORY', DEFAULTS.webhookMemoryMiB, 25, 4096, 'a number of MiB') * 1024 * 1024
  }
}

function checkKey(pem: string, name: string): void {
  try {
    const key = createPrivateKey(pem)
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA')
  } catch {
    throw new BotConfigError(`${name}: not an RSA private key in PEM format (download one from the app's settings page)`)
  }
}
