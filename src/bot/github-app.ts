import { App } from '@octokit/app'
import { Octokit } from '@octokit/core'
import { retry } from '@octokit/plugin-retry'
import { createGitHubClient, type GitHubClient } from '../github/client.js'
import { TOOL } from '../version.js'
import type { BotConfig } from './config.js'
import type { Logger } from './log.js'

/**
 * The app's identity: webhook signatures (@octokit/webhooks through @octokit/app), app JWTs and
 * per-installation tokens (@octokit/auth-app, cached until shortly before they expire). Tokens go
 * straight into the one ModelGate client (throttling + retry) and are never logged.
 */
export class GitHubApp {
  private readonly app: App

  constructor(
    private readonly cfg: Pick<BotConfig, 'appId' | 'privateKey' | 'webhookSecret' | 'apiUrl'>,
    private readonly log: Logger
  ) {
    const AppOctokit = Octokit.plugin(retry).defaults({ baseUrl: cfg.apiUrl, userAgent: `${TOOL.name}/${TOOL.version}` })
    this.app = new App({
      appId: cfg.appId,
      privateKey: cfg.privateKey,
      webhooks: { secret: cfg.webhookSecret },
      Octokit: AppOctokit as unknown as typeof Octokit,
      log: { debug: () => {}, info: () => {}, warn: (...d: unknown[]) => log('warn', d.map(String).join(' ')), error: (...d: unknown[]) => log('error', d.map(String).join(' ')) }
    })
  }

  /** X-Hub-Signature-256 over the raw body, compared in constant time. */
  async verify(rawBody: Buffer, signature: string): Promise<boolean> {
    try {
      return await this.app.webhooks.verify(rawBody.toString('utf8'), signature)
    } catch {
      return false
    }
  }

  /** A client acting as the installation (its token lives inside the client only). */
  async installationClient(installationId: number): Promise<GitHubClient> {
    const { token } = (await this.app.octokit.auth({ type: 'installation', installationId })) as { token: string }
    return createGitHubClient({ token, baseUrl: this.cfg.apiUrl, throttleId: `installation-${installationId}`, log: (line) => this.log('info', line, { installation: installationId }) })
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
