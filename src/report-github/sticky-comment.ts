import type { GitHubClient } from '../github/client.js'
import { COMMENT_MARKER } from '../report/markdown.js'
import { planComment, type CommentPolicy } from './comment-plan.js'
import type { ReportLog } from './log.js'
import { BY_BOT, type IsOurs } from './own-comments.js'

export interface StickyTarget {
  owner: string
  repo: string
  number: number
}

/**
 * Finds our comment by its hidden marker and its author (the token's identity: a person can paste
 * the marker, not write as us) and creates, updates or leaves it.
 */
export async function upsertStickyComment(client: GitHubClient, t: StickyTarget, policy: CommentPolicy, findings: number, body: string, log: ReportLog, isOurs: IsOurs = BY_BOT): Promise<void> {
  if (policy === 'never') return
  const comments = await client.paginate(client.rest.issues.listComments, { owner: t.owner, repo: t.repo, issue_number: t.number, per_page: 100 })
  const mine = comments.find((c) => isOurs(c.user) && (c.body ?? '').startsWith(COMMENT_MARKER))
  const plan = planComment(policy, findings, mine ? { id: mine.id, body: mine.body ?? '' } : null, body)
  if (plan.kind === 'create') {
    const { data } = await client.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: t.number, body: plan.body })
    log.info(`PR comment created: ${data.html_url}`)
  } else if (plan.kind === 'update') {
    const { data } = await client.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: plan.id, body: plan.body })
    log.info(`PR comment updated: ${data.html_url}`)
  } else log.info(`PR comment: nothing to do (${plan.reason})`)
}
