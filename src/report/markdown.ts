import type { Artifact, Finding, Report } from '../types.js'
import { code, escapeInline } from './escape.js'
import { formatSize } from './format-size.js'
import { signatureStatus, signatureTable } from './signature-status.js'
import { plural, summarise } from './summary.js'
import { bomChanges } from './bom-changes.js'

/** Hidden marker that lets the action find and update its own sticky comment. */
export const COMMENT_MARKER = '<!-- modelgate:sticky-comment -->'
export const ICON = { error: '🛑', warning: '⚠️', note: 'ℹ️' } as const
/** BOM changes listed before the rest folds into `<details>`. */
const LISTED_CHANGES = 15
/** Findings shown before the rest folds into `<details>`. */
export const LISTED_FINDINGS = 25

/**
 * The report as GitHub Markdown (PR comment, job summary, `--format markdown`): verdict, a table of
 * the models and datasets, findings with their fixes, and everything else folded into `<details>`.
 * Every repo-controlled string goes through escape.ts.
 */
export function renderMarkdown(report: Report): string {
  const out: string[] = [COMMENT_MARKER, heading(report), '', countsLine(report)]
  const change = report.mode === 'change'
  const main = report.artifacts.filter((a) => a.kind === 'model' || a.kind === 'dataset')
  const rest = report.artifacts.filter((a) => a.kind !== 'model' && a.kind !== 'dataset')
  if (main.length > 0) {
    out.push('', `| Artifact |${change ? ' Change |' : ''} Format | Size | SHA-256 | License | Signature |`, `|---|${change ? '---|' : ''}---|---|---|---|---|`)
    for (const a of main) out.push(mainRow(a, change, report.findings))
  }
  out.push(...signatureTable(main), ...vulnerabilityTable(report), ...bomChangeList(report))
  const shown = report.findings.filter((f) => f.severity !== 'note').slice(0, LISTED_FINDINGS)
  const folded = report.findings.filter((f) => !shown.includes(f))
  if (shown.length > 0) out.push('', '#### Findings', '', ...shown.map(findingItem))
  if (folded.length > 0) {
    const label = shown.length > 0 ? `${plural(folded.length, 'more finding')}` : plural(folded.length, 'note')
    out.push('', `<details><summary>${label}</summary>`, '', ...folded.map(findingItem), '', '</details>')
  }
  out.push(...licenseExceptionList(report))
  if (rest.length > 0) {
    out.push('', `<details><summary>${plural(rest.length, 'other file')} (manifests, cards, configs, signatures)</summary>`, '')
    out.push(`| File |${change ? ' Change |' : ''} Kind | Format | Size | SHA-256 |`, `|---|${change ? '---|' : ''}---|---|---|---|`)
    for (const a of rest) out.push(`| ${code(a.path, 'cell')} |${change ? ` ${changeCell(a)} |` : ''} ${a.kind} | ${code(a.format, 'cell')} | ${formatSize(a.size)} | ${digest(a)} |`)
    out.push('', '</details>')
  }
  out.push('', footer(report))
  return out.join('\n') + '\n'
}

export function heading(report: Report): string {
  if (report.verdict === 'fail') return '### ❌ **ModelGate: fail**'
  return report.findings.length === 0 ? '### ✅ **ModelGate: all clear**' : '### ✅ **ModelGate: pass**'
}

export function countsLine(report: Report): string {
  const s = summarise(report)
  return (
    `${plural(s.models, 'model')} · ${plural(s.datasets, 'dataset')} · ${plural(s.manifests, 'dependency manifest')} · ${plural(s.cards, 'card')} · ${plural(s.signatures, 'signature file')}` +
    ` — ${plural(s.bySeverity.error, 'error')}, ${plural(s.bySeverity.warning, 'warning')}, ${plural(s.bySeverity.note, 'note')}`
  )
}

export function footer(report: Report): string {
  const scope = report.mode === 'change' && report.head ? ` · ${report.base ? `${report.base.slice(0, 7)}...` : ''}${report.head.slice(0, 7)}` : ''
  return `<sub>${report.tool.name} ${report.tool.version}${scope} · rules: docs/rules.md</sub>`
}

function mainRow(a: Artifact, change: boolean, findings: Finding[]): string {
  const license = a.license ? code(a.license, 'cell') : '—'
  return `| ${code(a.path, 'cell')} |${change ? ` ${changeCell(a)} |` : ''} ${code(a.format, 'cell')} | ${formatSize(a.size)} | ${digest(a)} | ${license} | ${signatureStatus(a, findings)} |`
}

function changeCell(a: Artifact): string {
  const was = a.previous && a.previous.sha256 !== a.sha256 ? ` (was ${code(a.previous.sha256.slice(0, 12), 'cell')})` : ''
  return `${a.change}${a.oldPath ? ` (from ${code(a.oldPath, 'cell')})` : ''}${was}`
}

function digest(a: Artifact): string {
  return `${code(a.sha256.slice(0, 12))}${a.lfs ? ' (LFS)' : ''}`
}

export function findingItem(f: Finding): string {
  const where = code(`${f.path}${f.line ? `:${f.line}` : ''}`)
  return `- ${ICON[f.severity]} **${f.severity}** \`${f.rule}\` in ${where}: ${escapeInline(f.message)}<br>**Fix:** ${escapeInline(f.fix)}`
}

/** License exceptions in force (`licenses.exceptions`): what each covers and why, folded; the policy's own text, escaped like the rest. */
function licenseExceptionList(report: Report): string[] {
  const rows = report.licenseExceptions ?? []
  if (rows.length === 0) return []
  const out = ['', `<details><summary>${plural(rows.length, 'license exception')} in force</summary>`, '', '| Covers | License | Exception | Reason | Expires |', '|---|---|---|---|---|']
  for (const r of rows.slice(0, LISTED_FINDINGS)) {
    out.push(`| ${code(r.path, 'cell')} | ${r.license ? code(r.license, 'cell') : '—'} | ${code(r.pattern, 'cell')} | ${escapeInline(r.reason)} | ${r.expires ?? 'no expiry'} |`)
  }
  if (rows.length > LISTED_FINDINGS) out.push('', `… and ${rows.length - LISTED_FINDINGS} more in the JSON report (\`licenseExceptions\`).`)
  return [...out, '', '</details>']
}

/** Known vulnerabilities in their own table: package, version, advisory, fixed in, where. */
function vulnerabilityTable(report: Report): string[] {
  const rows = report.vulnerabilities ?? []
  if (rows.length === 0) return []
  const out = ['', '#### Known vulnerabilities', '', '| Package | Version | Advisory | Severity | Fixed in | Declared in |', '|---|---|---|---|---|---|']
  for (const v of rows) {
    out.push(
      `| ${code(v.name, 'cell')} | ${code(v.version, 'cell')} | ${advisoryLink(v.id)} | ${v.level ?? 'not given'} | ${v.fixed ? code(v.fixed, 'cell') : 'no fix published'} | ${code(`${v.path}${v.line ? `:${v.line}` : ''}`, 'cell')} |`
    )
  }
  return out
}

/** Advisory ids come from the advisory database, not the repository; still, only a plain id becomes a link. */
function advisoryLink(id: string): string {
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) return `[${id}](https://github.com/advisories/${id})`
  if (/^[A-Z][A-Z0-9]*-[A-Za-z0-9._-]+$/.test(id)) return `[${id}](https://osv.dev/vulnerability/${id})`
  return code(id, 'cell')
}

/**
 * What the change does to the ML-BOM's libraries and hub references (change mode only); models and
 * datasets are already in the artifact table with their change, previous digest, license and signature.
 */
function bomChangeList(report: Report): string[] {
  const changes = bomChanges(report).filter((c) => c.type === 'library' || c.type === 'hub reference')
  if (changes.length === 0) return []
  const sign = { added: '➕ added', removed: '➖ removed', changed: '✏️ changed' } as const
  const item = (c: (typeof changes)[number]) => `- ${sign[c.kind]} ${c.type} ${code(c.name)}${c.details.length ? `: ${c.details.map((d) => escapeInline(d)).join('; ')}` : ''}`
  const out = ['', '#### Library and hub reference changes', '', ...changes.slice(0, LISTED_CHANGES).map(item)]
  if (changes.length > LISTED_CHANGES) out.push('', `<details><summary>${plural(changes.length - LISTED_CHANGES, 'more change')}</summary>`, '', ...changes.slice(LISTED_CHANGES).map(item), '', '</details>')
  return out
}
