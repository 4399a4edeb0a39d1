import type { GitHubClient } from '../github/client.js'
import { publishCheckRun as publish } from '../report-github/check-run.js'
import type { Report } from '../types.js'
import { actionLog } from './log.js'

export { CHECK_NAME } from '../report-github/check-run.js'

/** A completed "ModelGate" check run on `headSha`; annotations added 50 per request. */
export async function publishCheckRun(client: GitHubClient, repo: { owner: string; repo: string }, headSha: string, report: Report, detailsUrl?: string): Promise<void> {
  await publish(client, repo, headSha, report, { ...(detailsUrl ? { detailsUrl } : {}), log: actionLog })
}

