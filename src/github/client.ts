import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { TOOL } from '../version.js'

/** How many times a rate-limited request is retried before the step gives up. */
const MAX_RATE_LIMIT_RETRIES = 3
/** Never sleep longer than this for a rate limit inside a CI job; fail the step instead. */
const MAX_WAIT_SECONDS = 120

export type GitHubClient = ReturnType<typeof getOctokit>

export interface ClientOptions {
  token: string
  /** GITHUB_API_URL: api.github.com, GHES, or a loopback fake in tests. */
  baseUrl: string
  log: (line: string) => void
  /**
   * Pacing lane: the throttling plugin paces writes (one a second) per id across every client in
   * the process. The bot passes one per installation, so installations do not wait for each other.
   */
  throttleId?: string
}

/**
 * The one Octokit every ModelGate front end uses: @actions/github's (runner proxy settings), with
 * throttling (GitHub's pacing of writes, secondary rate limits honoured) and retry (5xx, network).
 */
export function createGitHubClient(opts: ClientOptions): GitHubClient {
  const onLimit =
    (kind: string) =>
    (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
      const again = retryCount < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_WAIT_SECONDS
      opts.log(`GitHub ${kind} on ${options.method ?? ''} ${options.url ?? ''}: ${again ? `retrying in ${retryAfter} s` : 'giving up'}`)
      return again
    }
  return getOctokit(
    opts.token,
    {
      baseUrl: opts.baseUrl,
      userAgent: `${TOOL.name}/${TOOL.version}`,
      throttle: { onRateLimit: onLimit('rate limit'), onSecondaryRateLimit: onLimit('secondary rate limit'), ...(opts.throttleId ? { id: opts.throttleId } : {}) },
      retry: { retries: 3 }
    },
    throttling,
    retry
  )
}
