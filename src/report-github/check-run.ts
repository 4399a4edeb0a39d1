import type { GitHubClient } from '../github/client.js'
import { ANNOTATIONS_PER_REQUEST, inBatches, toAnnotations } from '../report/annotations.js'
import { renderComment } from '../report/comment.js'
import { summarise } from '../report/summary.js'
import type { Report } from '../types.js'
import { SILENT_LOG, type ReportLog } from './log.js'

export const CHECK_NAME = 'ModelGate'
/** Check-run output.summary and output.text are limited to 65,535 characters. */
export const MAX_CHECK_TEXT = 65_535

export interface CheckRunOptions {
  detailsUrl?: string
  /** Complete this run (the bot's in-progress claim) instead of creating a new one. */
  runId?: number
  /** Stored on the run (the bot's idempotency key). */
  externalId?: string
  /** Extra Markdown for output.text (the bot's snapshot BOM). */
  text?: string
  log?: ReportLog
}

/** Title line of the check run: verdict and counts. */
export function checkRunTitle(report: Report): string {
  const s = summarise(report)
  return `${report.verdict === 'fail' ? 'Fail' : 'Pass'}: ${s.bySeverity.error} error(s), ${s.bySeverity.warning} warning(s), ${s.models} model(s)`
}

/**
 * A completed "ModelGate" check run on `headSha` (created, or the given run completed), conclusion
 * from the verdict; annotations added 50 per request. Returns the run's id.
 */
export async function publishCheckRun(client: GitHubClient, repo: { owner: string; repo: string }, headSha: string, report: Report, opts: CheckRunOptions = {}): Promise<number> {
  const title = checkRunTitle(report)
  const summary = renderComment(report, { limit: MAX_CHECK_TEXT, ...(opts.detailsUrl ? { runUrl: opts.detailsUrl } : {}) })
  const [first = [], ...more] = inBatches(toAnnotations(report.findings), ANNOTATIONS_PER_REQUEST)
  const output = { title, summary, ...(opts.text ? { text: opts.text } : {}) }
  const fields = {
    status: 'completed' as const,
    conclusion: report.verdict === 'fail' ? ('failure' as const) : ('success' as const),
    ...(opts.detailsUrl ? { details_url: opts.detailsUrl } : {}),
    ...(opts.externalId ? { external_id: opts.externalId } : {})
  }
  const run =
    opts.runId !== undefined
      ? (await client.rest.checks.update({ ...repo, check_run_id: opts.runId, ...fields, output: { ...output, annotations: first } })).data
      : (await client.rest.checks.create({ ...repo, name: CHECK_NAME, head_sha: headSha, ...fields, output: { ...output, annotations: first } })).data
  for (const batch of more) await client.rest.checks.update({ ...repo, check_run_id: run.id, output: { title, summary, annotations: batch } })
  ;(opts.log ?? SILENT_LOG).info(`check run: ${run.html_url ?? run.id}`)
  return run.id
}
