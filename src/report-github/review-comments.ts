import type { PullFile } from '../discover/pull-request.js'
import type { GitHubClient } from '../github/client.js'
import type { Finding } from '../types.js'
import type { ReportLog } from './log.js'
import { BY_BOT, type IsOurs } from './own-comments.js'
import { planReview } from './review-plan.js'
import type { StickyTarget } from './sticky-comment.js'

/** Review comments on the PR's diff: new findings commented, stale ones (ours: the token's identity) resolved or removed. */
export async function syncReviewComments(client: GitHubClient, t: StickyTarget & { headSha: string }, findings: readonly Finding[], files: readonly PullFile[], log: ReportLog, isOurs: IsOurs = BY_BOT): Promise<void> {
  const repo = { owner: t.owner, repo: t.repo }
  const listed = await client.paginate(client.rest.pulls.listReviewComments, { ...repo, pull_number: t.number, per_page: 100 })
  const existing = listed.map((c) => ({ id: c.id, body: c.body, ours: isOurs(c.user), inReplyTo: c.in_reply_to_id ?? null }))
  const plan = planReview(findings, files, existing, t.headSha)
  for (const c of plan.create) {
    const where = c.subjectType === 'line' ? { line: c.line, side: 'RIGHT' as const } : { subject_type: 'file' as const }
    await client.rest.pulls.createReviewComment({ ...repo, pull_number: t.number, commit_id: t.headSha, path: c.path, body: c.body, ...where })
  }
  for (const r of plan.resolve) await client.rest.pulls.updateReviewComment({ ...repo, comment_id: r.id, body: r.body })
  for (const id of plan.remove) await client.rest.pulls.deleteReviewComment({ ...repo, comment_id: id })
  log.info(
    `review comments: ${plan.create.length} new, ${plan.resolve.length} resolved, ${plan.remove.length} removed` +
      (plan.overCap ? `; ${plan.overCap} more findings are only in the PR comment (at most 10 review comments per run)` : '')
  )
}
