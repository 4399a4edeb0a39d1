/** Issue (conversation) comments: the sticky-comment routes. */
import { created, MAX_COMMENT, notFound, ok, paginate, validationFailed, type Ctx, type Reply } from '../reply.js'
import { issueComment } from '../shapes.js'
import type { IssueCommentRecord } from '../state.js'

function checkBody(ctx: Ctx): string {
  const body = String(ctx.body.body)
  // not in the schema: GitHub's limit on comment bodies
  if (body.length > MAX_COMMENT) {
    throw validationFailed(ctx, [
      { resource: 'IssueComment', code: 'unprocessable', field: 'data', message: `Body cannot be more than ${MAX_COMMENT} characters` }
    ])
  }
  return body
}

function issueExists(ctx: Ctx, n: number): boolean {
  return ctx.state.pulls.has(n) || ctx.state.issueComments.some((c) => c.issue === n)
}

function find(ctx: Ctx): IssueCommentRecord {
  const c = ctx.state.issueComments.find((x) => x.id === ctx.params.comment_id)
  if (!c) throw notFound(ctx)
  return c
}

export function listIssueComments(ctx: Ctx): Reply {
  const n = Number(ctx.params.issue_number)
  if (!issueExists(ctx, n)) throw notFound(ctx)
  const since = ctx.query.since as string | undefined
  const all = ctx.state.issueComments.filter((c) => c.issue === n && (!since || c.updated_at >= since))
  const { page, headers } = paginate(ctx, all)
  return ok(
    page.map((c) => issueComment(ctx.state, ctx.urls, c)),
    headers
  )
}

export function createIssueComment(ctx: Ctx): Reply {
  const n = Number(ctx.params.issue_number)
  if (!issueExists(ctx, n)) throw notFound(ctx)
  const at = ctx.state.now()
  const c: IssueCommentRecord = { id: ctx.state.id(), issue: n, body: checkBody(ctx), user: ctx.state.actor, created_at: at, updated_at: at }
  ctx.state.issueComments.push(c)
  return created(issueComment(ctx.state, ctx.urls, c))
}

export const getIssueComment = (ctx: Ctx): Reply => ok(issueComment(ctx.state, ctx.urls, find(ctx)))

export function updateIssueComment(ctx: Ctx): Reply {
  const c = find(ctx)
  c.body = checkBody(ctx)
  c.updated_at = ctx.state.now()
  return ok(issueComment(ctx.state, ctx.urls, c))
}

export function deleteIssueComment(ctx: Ctx): Reply {
  const c = find(ctx)
  ctx.state.issueComments.splice(ctx.state.issueComments.indexOf(c), 1)
  return { status: 204 }
}
