/**
 * Pull requests, their files (GitHub lists at most 3,000), reviews and review comments, with the
 * rules the schema does not encode: a line comment must land inside a diff hunk of a file in the PR.
 */
import { parsePatch } from '../diff.js'
import { created, MAX_COMMENT, notFound, ok, paginate, unprocessable, validationFailed, type Ctx, type Reply } from '../reply.js'
import { pull, pullFile, review, reviewComment } from '../shapes.js'
import type { PullSeed, ReviewCommentRecord, ReviewRecord } from '../state.js'

/** pulls.listFiles never returns more than this many files, however large the PR. */
export const MAX_LISTED_FILES = 3000

function findPull(ctx: Ctx): PullSeed {
  const p = ctx.state.pulls.get(Number(ctx.params.pull_number))
  if (!p) throw notFound(ctx)
  return p
}

export const getPull = (ctx: Ctx): Reply => ok(pull(ctx.state, ctx.urls, findPull(ctx)))

export function listPullFiles(ctx: Ctx): Reply {
  const p = findPull(ctx)
  const { page, headers } = paginate(ctx, (p.files ?? []).slice(0, MAX_LISTED_FILES))
  return ok(
    page.map((f) => pullFile(ctx.state, ctx.urls, p, f)),
    headers
  )
}

type Side = 'LEFT' | 'RIGHT'
interface Placement {
  line: number | null
  side: Side | null
  start_line: number | null
  start_side: Side | null
  position: number | null
  diff_hunk: string
}

/** Resolves where a review comment lands, or returns GitHub's reason it cannot. */
function place(p: PullSeed, c: Record<string, unknown>, fileLevel: boolean): Placement | 'path' | 'line' | 'position' {
  const file = (p.files ?? []).find((f) => f.filename === c.path)
  if (!file) return 'path'
  const diff = parsePatch(file.patch)
  const firstHunk = (file.patch ?? '').split('\n').slice(0, 4).join('\n')
  if (fileLevel) return { line: null, side: null, start_line: null, start_side: null, position: null, diff_hunk: firstHunk }
  if (typeof c.position === 'number' && c.line === undefined) {
    if (c.position < 1 || c.position > diff.positions) return 'position'
    return { line: null, side: null, start_line: null, start_side: null, position: c.position, diff_hunk: firstHunk }
  }
  const side = (c.side ?? 'RIGHT') as string
  const startSide = (c.start_side ?? side) as string
  if ((side !== 'LEFT' && side !== 'RIGHT') || (startSide !== 'LEFT' && startSide !== 'RIGHT')) return 'line'
  const lines = (s: Side): Set<number> => (s === 'LEFT' ? diff.left : diff.right)
  if (typeof c.line !== 'number' || !lines(side).has(c.line)) return 'line'
  const start = typeof c.start_line === 'number' ? c.start_line : null
  if (start !== null && (start >= c.line || diff.hunkOf(start, startSide) !== diff.hunkOf(c.line, side))) return 'line'
  return {
    line: c.line,
    side,
    start_line: start,
    start_side: start === null ? null : startSide,
    position: null,
    diff_hunk: diff.hunkAt(c.line, side)
  }
}

function commitOk(p: PullSeed, sha: unknown): boolean {
  return sha === undefined || sha === p.head.sha || (p.commits ?? []).includes(String(sha))
}

/** POST pulls/{n}/reviews: all comments resolve or the whole review is rejected, as on GitHub. */
export function createReview(ctx: Ctx): Reply {
  const p = findPull(ctx)
  const b = ctx.body
  const s = ctx.state
  if (!commitOk(p, b.commit_id)) throw unprocessable(ctx, ['Commit SHA is not part of the pull request'])
  if (b.event === 'APPROVE' && s.actor.login === 'github-actions[bot]') {
    throw unprocessable(ctx, ['GitHub Actions is not permitted to approve pull requests.'])
  }
  const comments = (b.comments ?? []) as Array<Record<string, unknown>>
  if (b.event === 'REQUEST_CHANGES' && !b.body) throw unprocessable(ctx, ['Body is required when requesting changes'])
  if (b.event === 'COMMENT' && !b.body && comments.length === 0) throw unprocessable(ctx, ['Body is required for a comment review without comments'])
  if (String(b.body ?? '').length > MAX_COMMENT) throw unprocessable(ctx, [`Body is too long (maximum is ${MAX_COMMENT} characters)`])
  const placed = comments.map((c) => {
    if (String(c.body).length > MAX_COMMENT) throw unprocessable(ctx, [`Body is too long (maximum is ${MAX_COMMENT} characters)`])
    const at = place(p, c, false)
    if (at === 'path') throw unprocessable(ctx, ['Path could not be resolved'])
    if (at === 'line') throw unprocessable(ctx, ['Line could not be resolved'])
    if (at === 'position') throw unprocessable(ctx, ['Position could not be resolved'])
    return { c, at }
  })
  const now = s.now()
  const r: ReviewRecord = {
    id: s.id(),
    pull: p.number,
    body: String(b.body ?? ''),
    event: (b.event as ReviewRecord['event']) ?? 'PENDING',
    commit_id: String(b.commit_id ?? p.head.sha),
    user: s.actor,
    submitted_at: now
  }
  s.reviews.push(r)
  for (const { c, at } of placed) {
    s.reviewComments.push({ id: s.id(), pull: p.number, review_id: r.id, path: String(c.path), body: String(c.body), commit_id: r.commit_id, ...at, subject_type: 'line', user: s.actor, created_at: now, updated_at: now })
  }
  return ok(review(s, ctx.urls, r))
}

export function listReviews(ctx: Ctx): Reply {
  const p = findPull(ctx)
  const { page, headers } = paginate(
    ctx,
    ctx.state.reviews.filter((r) => r.pull === p.number)
  )
  return ok(
    page.map((r) => review(ctx.state, ctx.urls, r)),
    headers
  )
}

export function listReviewComments(ctx: Ctx): Reply {
  const p = findPull(ctx)
  const { page, headers } = paginate(
    ctx,
    ctx.state.reviewComments.filter((c) => c.pull === p.number)
  )
  return ok(
    page.map((c) => reviewComment(ctx.state, ctx.urls, c)),
    headers
  )
}

const threadError = (ctx: Ctx, field: string, message: string): Error =>
  validationFailed(ctx, [{ resource: 'PullRequestReviewComment', code: 'custom', field: `pull_request_review_thread.${field}`, message }])

/** POST pulls/{n}/comments: a single line comment, a reply, or a file-level comment (subject_type: file). */
export function createReviewComment(ctx: Ctx): Reply {
  const p = findPull(ctx)
  const b = ctx.body
  const s = ctx.state
  if (String(b.body).length > MAX_COMMENT) throw threadError(ctx, 'body', `body is too long (maximum is ${MAX_COMMENT} characters)`)
  if (!commitOk(p, b.commit_id)) throw validationFailed(ctx, [{ resource: 'PullRequestReviewComment', code: 'invalid', field: 'commit_id' }])
  const parent = typeof b.in_reply_to === 'number' ? s.reviewComments.find((c) => c.id === b.in_reply_to && c.pull === p.number) : undefined
  if (typeof b.in_reply_to === 'number' && !parent) throw notFound(ctx)
  let at: Placement
  if (parent) {
    at = { line: parent.line, side: parent.side, start_line: parent.start_line, start_side: parent.start_side, position: parent.position, diff_hunk: parent.diff_hunk }
  } else {
    const r = place(p, b, b.subject_type === 'file')
    if (r === 'path') throw threadError(ctx, 'path', 'pull_request_review_thread.path could not be resolved')
    if (r === 'line' || r === 'position') throw threadError(ctx, 'line', 'pull_request_review_thread.line must be part of the diff')
    at = r
  }
  const now = s.now()
  const c: ReviewCommentRecord = {
    id: s.id(),
    pull: p.number,
    review_id: s.id(),
    path: parent?.path ?? String(b.path),
    body: String(b.body),
    commit_id: String(b.commit_id),
    ...at,
    subject_type: b.subject_type === 'file' ? 'file' : 'line',
    ...(parent ? { in_reply_to_id: parent.id } : {}),
    user: s.actor,
    created_at: now,
    updated_at: now
  }
  s.reviewComments.push(c)
  return created(reviewComment(s, ctx.urls, c))
}

function findReviewComment(ctx: Ctx): ReviewCommentRecord {
  const c = ctx.state.reviewComments.find((x) => x.id === ctx.params.comment_id)
  if (!c) throw notFound(ctx)
  return c
}

export function updateReviewComment(ctx: Ctx): Reply {
  const c = findReviewComment(ctx)
  if (String(ctx.body.body).length > MAX_COMMENT) throw threadError(ctx, 'body', `body is too long (maximum is ${MAX_COMMENT} characters)`)
  c.body = String(ctx.body.body)
  c.updated_at = ctx.state.now()
  return ok(reviewComment(ctx.state, ctx.urls, c))
}

export function deleteReviewComment(ctx: Ctx): Reply {
  const c = findReviewComment(ctx)
  ctx.state.reviewComments.splice(ctx.state.reviewComments.indexOf(c), 1)
  return { status: 204 }
}
