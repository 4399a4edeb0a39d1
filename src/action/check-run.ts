import * as core from '@actions/core'
import type { GitHubClient } from '../github/client.js'
import { ANNOTATIONS_PER_REQUEST, inBatches, toAnnotations } from '../report/annotations.js'
import { renderComment } from '../report/comment.js'
import { summarise } from '../report/summary.js'
import type { Report } from '../types.js'

export const CHECK_NAME = 'ModelGate'
/** Check-run output.summary and output.text are limited to 65,535 characters. */
const MAX_CHECK_TEXT = 65_535

/** A completed "ModelGate" check run on `headSha`; annotations added 50 per request. */
export async function publishCheckRun(client: GitHubClient, repo: { owner: string; repo: string }, headSha: string, report: Report, detailsUrl?: string): Promise<void> {
  const s = summarise(report)
  const title = `${report.verdict === 'fail' ? 'Fail' : 'Pass'}: ${s.bySeverity.error} error(s), ${s.bySeverity.warning} warning(s), ${s.models} model(s)`
  const summary = renderComment(report, { limit: MAX_CHECK_TEXT, ...(detailsUrl ? { runUrl: detailsUrl } : {}) })
  const [first = [], ...more] = inBatches(toAnnotations(report.findings), ANNOTATIONS_PER_REQUEST)
  const { data: run } = await client.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    status: 'completed',
    conclusion: report.verdict === 'fail' ? 'failure' : 'success',
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
    output: { title, summary, annotations: first }
  })
  for (const batch of more) await client.rest.checks.update({ ...repo, check_run_id: run.id, output: { title, summary, annotations: batch } })
  core.info(`check run: ${run.html_url ?? run.id}`)
}
