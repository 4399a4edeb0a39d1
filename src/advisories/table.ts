import type { Finding, Vulnerability } from '../types.js'
import type { AdvisoryMatch } from './assess.js'

/**
 * The report's vulnerability table: one row per affected dependency and advisory whose
 * `vulnerable-dependency` finding survived change-mode filtering and severity overrides, so the
 * table and the findings never disagree. Unresolved ranges stay findings (notes) only.
 */
export function vulnerabilityRows(matches: readonly AdvisoryMatch[], findings: readonly Finding[]): Vulnerability[] {
  const reported = new Map<string, Finding[]>()
  for (const f of findings) {
    if (f.rule !== 'vulnerable-dependency') continue
    const key = `${f.path}\u0000${f.line}`
    reported.set(key, [...(reported.get(key) ?? []), f])
  }
  const rows: Vulnerability[] = []
  for (const m of matches) {
    const d = m.dependency
    // the finding that reports this advisory (its message names the id)
    const f = reported.get(`${d.path}\u0000${d.line}`)?.find((x) => names(x.message, m.advisory.id))
    if (m.status !== 'affected' || m.severity === null || !f || d.version === null || (d.ecosystem !== 'pypi' && d.ecosystem !== 'npm')) continue
    rows.push({
      path: d.path,
      line: d.line,
      ecosystem: d.ecosystem,
      name: d.name,
      version: d.version,
      id: m.advisory.id,
      aliases: m.advisory.aliases,
      level: m.advisory.level,
      affected: m.affectedRange,
      fixed: m.fixed,
      url: m.advisory.url,
      severity: f.severity
    })
  }
  return rows
}

/** The message names this id as a whole word: ` PYSEC-2023-1` is not ` PYSEC-2023-10`. */
function names(message: string, id: string): boolean {
  for (let i = message.indexOf(` ${id}`); i >= 0; i = message.indexOf(` ${id}`, i + 1)) {
    if (!/[\w-]/.test(message.charAt(i + id.length + 1))) return true
  }
  return false
}
