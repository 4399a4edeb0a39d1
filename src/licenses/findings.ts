import type { Finding, RuleId, Severity } from '../types.js'
import { byCodeUnit } from '../util/compare.js'

/** A finding before merging: the subject (artifact path or purl) it is about. */
export interface PendingFinding {
  rule: RuleId
  severity: Severity
  path: string
  line: number | null
  message: string
  fix: string
  subject: string
}

const MAX_NAMED = 5

/**
 * One finding per place and problem: ten shards under one card that says
 * `cc-by-nc-4.0` make one `license-denied` on the card's `license:` line that names
 * the files it covers, not ten identical ones.
 */
export function mergeFindings(pending: PendingFinding[]): Finding[] {
  const groups = new Map<string, { f: PendingFinding; subjects: string[] }>()
  for (const p of pending) {
    const key = [p.rule, p.severity, p.path, p.line ?? '', p.message].join('\0')
    const g = groups.get(key)
    if (!g) groups.set(key, { f: p, subjects: [p.subject] })
    else if (!g.subjects.includes(p.subject)) g.subjects.push(p.subject)
  }
  const out: Finding[] = []
  for (const { f, subjects } of groups.values()) {
    const others = subjects.filter((s) => s !== f.path).sort(byCodeUnit)
    const applies =
      others.length === 0 || (subjects.length === 1 && subjects[0] === f.path)
        ? ''
        : ` Applies to ${others.slice(0, MAX_NAMED).map((s) => `\`${s}\``).join(', ')}${others.length > MAX_NAMED ? ` and ${others.length - MAX_NAMED} more` : ''}.`
    out.push({ rule: f.rule, severity: f.severity, path: f.path, line: f.line, message: f.message + applies, fix: f.fix })
  }
  return out.sort((a, b) => byCodeUnit(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || byCodeUnit(a.rule, b.rule))
}
