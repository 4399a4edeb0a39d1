import type { PullFile } from '../discover/pull-request.js'
import { commentableLines } from '../github/patch-lines.js'
import { fingerprint, fingerprintOf, RESOLVED_MARKER, resolvedBody, reviewCommentBody } from '../report/review-comment.js'
import type { Finding } from '../types.js'

/** At most this many new review comments per run: the sticky comment carries the rest. */
export const MAX_REVIEW_COMMENTS = 10

export interface ExistingReviewComment {
  id: number
  body: string
  /** Written with this token (its identity): only those are ours to edit or delete. */
  ours: boolean
  inReplyTo: number | null
}

export type NewReviewComment = { path: string; body: string } & ({ subjectType: 'line'; line: number } | { subjectType: 'file' })

export interface ReviewPlan {
  create: NewReviewComment[]
  /** Stale, with replies: edited to say it is resolved, so the conversation stays. */
  resolve: Array<{ id: number; body: string }>
  /** Stale, without replies: deleted. */
  remove: number[]
  /** Findings that would have had a comment but for the per-run cap. */
  overCap: number
}

/**
 * Which review comments to write: errors and warnings on files of the PR, a line comment when the
 * finding's line is inside the diff, else a file-level one (binary and LFS files, whole-file
 * findings). Fingerprints make re-runs idempotent; a fingerprint no longer found is stale.
 */
export function planReview(findings: readonly Finding[], files: readonly PullFile[], existing: readonly ExistingReviewComment[], headSha: string, max = MAX_REVIEW_COMMENTS): ReviewPlan {
  const byPath = new Map(files.map((f) => [f.filename, f]))
  const ours = existing.filter((c) => c.ours && fingerprintOf(c.body) !== null)
  const active = new Set(ours.filter((c) => !c.body.includes(RESOLVED_MARKER)).map((c) => fingerprintOf(c.body)))
  const current = new Set(findings.map(fingerprint))

  const create: NewReviewComment[] = []
  let overCap = 0
  for (const f of findings) {
    const file = byPath.get(f.path)
    if (f.severity === 'note' || !file || active.has(fingerprint(f))) continue
    if (create.length >= max) {
      overCap++
      continue
    }
    active.add(fingerprint(f)) // the same finding twice in one run gets one comment
    const body = reviewCommentBody(f)
    if (f.line !== null && commentableLines(file.patch).has(f.line)) create.push({ path: f.path, body, subjectType: 'line', line: f.line })
    else create.push({ path: f.path, body, subjectType: 'file' })
  }

  const resolve: ReviewPlan['resolve'] = []
  const remove: number[] = []
  for (const c of ours) {
    if (c.body.includes(RESOLVED_MARKER) || current.has(fingerprintOf(c.body) ?? '')) continue
    if (existing.some((r) => r.inReplyTo === c.id)) resolve.push({ id: c.id, body: resolvedBody(c.body, headSha) })
    else remove.push(c.id)
  }
  return { create, resolve, remove, overCap }
}
