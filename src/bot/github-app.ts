import { App } from '@octokit/app'
import { Octokit } from '@octokit/core'
import { retry } from '@octokit/plugin-retry'
import { createGitHubClient, type GitHubClient } from '../github/client.js'
import { TOOL } from '../version.js'
import type { BotConfig } from './config.js'
import type { Logger } from './log.js'

/**
 * The app's identity: app JWTs and per-installation tokens (@octokit/auth-app, cached until
 * shortly before they expire). Tokens go straight into the one ModelGate client (throttling +
 * retry) and are never logged. Webhook signatures are checked in signature.ts, over the raw bytes.
 */
export class GitHubApp {
  private readonly app: App

  constructor(
    private readonly cfg: Pick<BotConfig, 'appId' | 'privateKey' | 'apiUrl'>,
    private readonly log: Logger
  ) {
    const AppOctokit = Octokit.plugin(retry).defaults({ baseUrl: cfg.apiUrl, userAgent: `${TOOL.name}/${TOOL.version}` })
    this.app = new App({
      appId: cfg.appId,
      privateKey: cfg.privateKey,
      Octokit: AppOctokit as unknown as typeof Octokit,
      log: { debug: () => {}, info: () => {}, warn: (...d: unknown[]) => log('warn', d.map(String).join(' ')), error: (...d: unknown[]) => log('error', d.map(String).join(' ')) }
    })
  }

  /**
   * A client acting as the installation (its token lives inside the client only). With `signal`,
   * the client is a scan's: once the signal aborts, a request in flight is cut off and every later
   * one (a retry, a page, a request waiting for its pacing slot) fails at once without reaching
   * GitHub, so a stopped scan makes no more calls.
   */
  async installationClient(installationId: number, signal?: AbortSignal): Promise<GitHubClient> {
    const { token } = (await this.app.octokit.auth({ type: 'installation', installationId })) as { token: string }
    const client = createGitHubClient({ token, baseUrl: this.cfg.apiUrl, throttleId: `installation-${installationId}`, log: (line) => this.log('info', line, { installation: installationId }) })
    if (signal) {
      // registered last, so it runs first: before the throttling and retry plugins
      client.hook.wrap('request', async (request, options) => {
        if (signal.aborted) throw new DOMException('the scan was stopped', 'AbortError')
        // every hook is handed this same options object (a new one passed on would be dropped by
        // the plugins), so the signal goes onto it; `request` itself may be the client's defaults
        const perRequest: typeof options.request & { retries?: number } = { ...options.request, signal }
        options.request = perRequest
        // an aborted request is not retried: the retry plugin would wait 1 + 4 + 9 s to fail again
        const noRetry = (): void => void (perRequest.retries = 0)
        signal.addEventListener('abort', noRetry, { once: true })
        try {
          return await request(options)
        } finally {
          signal.removeEventListener('abort', noRetry)
        }
      })
    }
    return client
  }

  /**
   * Asks GitHub to deliver a webhook again (app JWT): how a replica that is shutting down hands
   * work back without shared state. The delivery is found by its GUID among the recent ones.
   */
  async redeliver(guid: string): Promise<boolean> {
    const octokit = this.app.octokit
    let cursor: string | undefined
    for (let page = 0; page < 10; page++) {
      const res = await octokit.request('GET /app/hook/deliveries', { per_page: 100, ...(cursor ? { cursor } : {}) })
      const hit = res.data.find((d) => d.guid === guid && !d.redelivery)
      if (hit) {
        await octokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', { delivery_id: Number(hit.id) })
        return true
      }
      const next = /<[^>]*[?&]cursor=([^&>]+)[^>]*>;\s*rel="next"/.exec(res.headers.link ?? '')?.[1]
      if (!next) return false
      cursor = decodeURIComponent(next)
    }
    return false
  }
}
