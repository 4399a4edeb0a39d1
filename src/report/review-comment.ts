import { createHash } from 'node:crypto'
import type { Finding } from '../types.js'
import { escapeInline } from './escape.js'
import { ICON } from './markdown.js'

const FINGERPRINT = /<!-- modelgate:finding:([0-9a-f]{16}) -->/
export const RESOLVED_MARKER = '<!-- modelgate:resolved -->'

/** Stable across runs and line shifts: the same rule, file and message is the same finding. */
export function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.rule}\0${f.path}\0${f.message}`).digest('hex').slice(0, 16)
}

export function fingerprintOf(body: string): string | null {
  return FINGERPRINT.exec(body)?.[1] ?? null
}

export function reviewCommentBody(f: Finding): string {
  return [`<!-- modelgate:finding:${fingerprint(f)} -->`, `${ICON[f.severity]} **${f.severity}** \`${f.rule}\`: ${escapeInline(f.message)}`, '', `**Fix:** ${escapeInline(f.fix)}`].join('\n')
}

/** What a comment becomes when its finding is gone but people replied to it (so it is kept, not deleted). */
export function resolvedBody(previous: string, commit: string): string {
  const fp = fingerprintOf(previous)
  const original = previous
    .split('\n')
    .filter((l) => !FINGERPRINT.test(l))
    .join('\n')
  return [`<!-- modelgate:finding:${fp ?? 'unknown'} -->`, RESOLVED_MARKER, `✅ **Resolved:** ModelGate no longer reports this at ${commit.slice(0, 7)}.`, '', '<details><summary>Original finding</summary>', '', original, '', '</details>'].join('\n')
}
