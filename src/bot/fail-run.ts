import type { GitHubClient } from '../github/client.js'
import { describeFailure } from '../github/errors.js'
import { CHECK_NAME } from '../report-github/check-run.js'
import type { ReportLog } from '../report-github/log.js'
import { encodeRunKey, type RunKey } from './events.js'

type Repo = { owner: string; repo: string }

export const COULD_NOT_FINISH = 'ModelGate could not finish the scan'

/** Marks a run as no longer a claim (a failed, interrupted or abandoned scan): a redelivery scans again. */
export function voidKey(key: RunKey): string {
  return encodeRunKey({ ...key, kind: 'void' })
}

/**
 * Never leaves a run in progress: a failure conclusion that says why, and a key that no longer
 * counts as a claim. Without a run (it could not be created) a completed one is created instead.
 */
export async function failRun(client: GitHubClient, repo: Repo, sha: string, runId: number | null, key: RunKey, why: string, log: ReportLog): Promise<void> {
  const output = {
    title: COULD_NOT_FINISH,
    summary: `**${COULD_NOT_FINISH}:** ${why}.\n\nNothing was judged, so this check fails closed. Re-run the check to try again.`
  }
  try {
    if (runId !== null) await client.rest.checks.update({ ...repo, check_run_id: runId, status: 'completed', conclusion: 'failure', external_id: voidKey(key), output })
    else await client.rest.checks.create({ ...repo, name: CHECK_NAME, head_sha: sha, status: 'completed', conclusion: 'failure', external_id: voidKey(key), output })
  } catch (err) {
    log.warning(`could not complete check run ${runId ?? '(new)'} as failed: ${describeFailure(err).message}`)
  }
}
