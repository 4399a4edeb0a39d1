import type { Artifact, Finding, Report } from '../types.js'
import { formatSize } from './format-size.js'
import { plural, summarise } from './summary.js'

/** Hidden marker that lets the action find and update its own sticky comment. */
export const COMMENT_MARKER = '<!-- modelgate:sticky-comment -->'
const ICON = { error: '🛑', warning: '⚠️', note: 'ℹ️' } as const

/** The PR comment body: verdict, inventory table, findings with their fixes. */
export function renderMarkdown(report: Report): string {
  const s = summarise(report)
  const out: string[] = [COMMENT_MARKER]
  const verdict = report.verdict === 'pass' ? '✅ **ModelGate: pass**' : '❌ **ModelGate: fail**'
  out.push(`### ${verdict}`, '')
  out.push(
    `${plural(s.models, 'model')} · ${plural(s.datasets, 'dataset')} · ${plural(s.manifests, 'dependency manifest')} · ${plural(s.cards, 'card')} · ${plural(s.signatures, 'signature file')}` +
      ` — ${plural(s.bySeverity.error, 'error')}, ${plural(s.bySeverity.warning, 'warning')}, ${plural(s.bySeverity.note, 'note')}`
  )
  if (report.artifacts.length > 0) {
    const changeCol = report.mode === 'change'
    out.push('', `| Artifact | Kind | Format |${changeCol ? ' Change |' : ''} Size | SHA-256 |`, `|---|---|---|${changeCol ? '---|' : ''}---|---|`)
    for (const a of report.artifacts) out.push(artifactRow(a, changeCol))
  }
  if (report.findings.length > 0) {
    out.push('', '#### Findings', '')
    for (const f of report.findings) out.push(findingItem(f))
  }
  out.push('', `<sub>${report.tool.name} ${report.tool.version} · rules: docs/rules.md</sub>`)
  return out.join('\n') + '\n'
}

function artifactRow(a: Artifact, changeCol: boolean): string {
  const change = changeCol ? ` ${a.change}${a.oldPath ? ` (from ${code(cell(a.oldPath))})` : ''} |` : ''
  const digest = `${code(a.sha256.slice(0, 12))}${a.lfs ? ' (LFS)' : ''}`
  return `| ${code(cell(a.path))} | ${a.kind} | ${a.format} |${change} ${formatSize(a.size)} | ${digest} |`
}

function findingItem(f: Finding): string {
  const where = code(`${f.path}${f.line ? `:${f.line}` : ''}`.replace(/[\r\n]+/g, ' '))
  return `- ${ICON[f.severity]} **${f.severity}** \`${f.rule}\` in ${where}: ${inline(f.message)}<br>**Fix:** ${inline(f.fix)}`
}

/** A code span that survives backticks in file names (CommonMark: a longer fence, padded). */
function code(text: string): string {
  if (!text.includes('`')) return `\`${text}\``
  const longest = Math.max(...(text.match(/`+/g) ?? ['']).map((r) => r.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence} ${text} ${fence}`
}

/** Table cells and list items must stay on one line and must not close the table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')
}
function inline(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/<!--/g, '&lt;!--')
}
