import type { Report } from '../types.js'

/** The machine-readable report (docs/report-format.md). Stable key order for diffs. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n'
}
