import { byCodeUnit } from '../util/compare.js'
import type { Config } from '../config/schema.js'
import type { FailOn, Finding, Severity, Verdict } from '../types.js'

const RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 }

/** Applies the config's per-rule overrides; `off` drops the finding. */
export function applySeverityOverrides(findings: Finding[], config: Config): Finding[] {
  const out: Finding[] = []
  for (const f of findings) {
    const override = config.severity[f.rule]
    if (override === 'off') continue
    out.push(override ? { ...f, severity: override } : f)
  }
  return out
}

export function verdictFor(findings: readonly Finding[], failOn: FailOn): Verdict {
  if (failOn === 'never') return 'pass'
  const threshold = RANK[failOn]
  return findings.some((f) => RANK[f.severity] >= threshold) ? 'fail' : 'pass'
}

/** Errors first, then by path and line, so reports read the same on every run. */
export function compareFindings(a: Finding, b: Finding): number {
  return RANK[b.severity] - RANK[a.severity] || byCodeUnit(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || byCodeUnit(a.rule, b.rule)
}
