import type { Report } from '../types.js'
import { formatSize } from './format-size.js'
import { plural, summarise } from './summary.js'

/** Terminal output: one line per artifact, then each finding with its fix. */
export function renderText(report: Report): string {
  const s = summarise(report)
  const lines: string[] = []
  const scope = report.mode === 'change' ? `change ${short(report.base)}...${short(report.head)}` : 'whole tree'
  lines.push(`ModelGate ${report.tool.version}: ${scope}`)
  lines.push(`${plural(s.models, 'model')}, ${plural(s.datasets, 'dataset')}, ${plural(s.manifests, 'dependency manifest')}, ${plural(s.cards, 'card')}, ${plural(s.signatures, 'signature file')}`)
  if (report.artifacts.length > 0) lines.push('')
  for (const a of report.artifacts) {
    const change = report.mode === 'change' ? ` [${a.change}${a.oldPath ? ` from ${a.oldPath}` : ''}]` : ''
    const lfs = a.lfs ? ' (Git LFS pointer)' : ''
    lines.push(`  ${a.path}${change}  ${a.kind}/${a.format}  ${formatSize(a.size)}  sha256:${a.sha256.slice(0, 12)}${lfs}`)
  }
  lines.push('')
  if (report.findings.length === 0) lines.push('No findings.')
  for (const f of report.findings) {
    lines.push(`${f.severity.toUpperCase()} ${f.rule} ${f.path}${f.line ? `:${f.line}` : ''}`)
    lines.push(`  ${f.message}`)
    lines.push(`  fix: ${f.fix}`)
  }
  lines.push('')
  lines.push(`Verdict: ${report.verdict.toUpperCase()} (${plural(s.bySeverity.error, 'error')}, ${plural(s.bySeverity.warning, 'warning')}, ${plural(s.bySeverity.note, 'note')})`)
  // Every line is our template around repository text (paths, messages quoting file content): no
  // template holds a control character, so escaping whole lines makes all of that text inert.
  return lines.map(inert).join('\n') + '\n'
}

function short(ref: string | undefined): string {
  return ref ? ref.slice(0, 12) : '?'
}

/**
 * C0/C1 controls (newlines that would forge report lines, ESC that starts terminal sequences),
 * bidi overrides and isolates that reorder what is shown, zero-width and line/paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Shows each unsafe character as an escape (`\n`, `\u001b`, `\u202e`) instead of letting the terminal act on it. */
export function inert(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
