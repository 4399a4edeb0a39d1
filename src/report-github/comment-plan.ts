/** When to post the sticky comment: the action's `comment` input; the bot uses `on-findings`. */
export type CommentPolicy = 'on-findings' | 'always' | 'never'

export type CommentPlan = { kind: 'create'; body: string } | { kind: 'update'; id: number; body: string } | { kind: 'none'; reason: string }

/**
 * The sticky comment's next state. `on-findings` (default) posts only when there is something to
 * say, but once a comment exists it is kept current: it turns into the all-clear when findings go
 * away. An unchanged body is not rewritten, so re-runs do not notify anyone.
 */
export function planComment(policy: CommentPolicy, findings: number, existing: { id: number; body: string } | null, body: string): CommentPlan {
  if (policy === 'never') return { kind: 'none', reason: 'comment: never' }
  if (existing) {
    return existing.body === body ? { kind: 'none', reason: 'the comment is up to date' } : { kind: 'update', id: existing.id, body }
  }
  if (policy === 'on-findings' && findings === 0) return { kind: 'none', reason: 'no findings' }
  return { kind: 'create', body }
}
