import type { Report } from '../types.js'
import { code } from './escape.js'
import { COMMENT_MARKER, countsLine, footer, heading, ICON, renderMarkdown } from './markdown.js'
import { plural } from './summary.js'

/** GitHub refuses issue comments longer than this (characters). */
export const MAX_COMMENT_CHARS = 65_536

export interface CommentOptions {
  /** Where the full report is (the workflow run); ours, so it may be a link. */
  runUrl?: string
  limit?: number
}

/**
 * The sticky comment: the full Markdown report when it fits, else a compact one (one line per
 * finding, as many as fit, then a pointer to the full report). Never longer than `limit`.
 */
export function renderComment(report: Report, opts: CommentOptions = {}): string {
  const limit = opts.limit ?? MAX_COMMENT_CHARS
  const full = renderMarkdown(report)
  if (full.length <= limit) return full
  return renderCompact(report, limit, opts.runUrl)
}

export function renderCompact(report: Report, limit: number, runUrl?: string): string {
  const where = runUrl ? `[the workflow run](${runUrl})` : 'the job summary'
  const head = [COMMENT_MARKER, heading(report), '', countsLine(report), '', `The full report is too long for a comment: see ${where} and the JSON report artifact.`, '']
  const tail = ['', footer(report)]
  const size = (lines: string[]) => lines.join('\n').length + 1
  const items: string[] = []
  let used = size([...head, ...tail]) + 80 // room for the "… and N more" line
  for (const f of report.findings) {
    const line = `- ${ICON[f.severity]} **${f.severity}** \`${f.rule}\` in ${code(`${f.path}${f.line ? `:${f.line}` : ''}`)}`
    if (used + line.length + 1 > limit) break
    items.push(line)
    used += line.length + 1
  }
  const more = report.findings.length - items.length
  if (more > 0) items.push(`- … and ${plural(more, 'more finding')}`)
  const body = [...head, ...items, ...tail].join('\n') + '\n'
  // a path can be arbitrarily long: never exceed the limit, whatever the lines hold
  return body.length <= limit ? body : body.slice(0, limit - 2) + '…\n'
}
