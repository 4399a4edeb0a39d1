import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import { serializeBom } from '../bom/cyclonedx.js'
import { serializeSpdx3 } from '../bom/spdx3/document.js'
import { renderComment } from '../report/comment.js'
import { escapeInline } from '../report/escape.js'
import { renderJson } from '../report/json.js'
import { renderMarkdown } from '../report/markdown.js'
import { renderSarif } from '../report/sarif.js'
import type { Report } from '../types.js'
import type { ActionInputs } from './inputs.js'

/** GitHub drops a job summary over 1 MiB. */
export const MAX_SUMMARY_BYTES = 1024 * 1024

export async function writeFileIn(workspace: string, rel: string, text: string): Promise<string> {
  const abs = path.resolve(workspace, rel)
  await mkdir(path.dirname(abs), { recursive: true })
  await writeFile(abs, text)
  return abs
}

export const writeJsonReport = (workspace: string, rel: string, report: Report) => writeFileIn(workspace, rel, renderJson(report))
export const writeSarif = (workspace: string, rel: string, report: Report) => writeFileIn(workspace, rel, renderSarif(report))
export const writeBom = (workspace: string, rel: string, report: Report, subject: string, format: ActionInputs['bomFormat'] = 'json', now = new Date()) =>
  writeFileIn(workspace, rel, format === 'spdx3' ? serializeSpdx3(report, { subject, now }) : serializeBom(report, { subject, format, now }))

/**
 * The job summary: the full Markdown report, or over 1 MiB a compact one plus the full Markdown
 * as a file next to the JSON report (for actions/upload-artifact).
 */
export async function writeJobSummary(workspace: string, reportRel: string, report: Report, runUrl?: string): Promise<void> {
  const full = renderMarkdown(report)
  let text = full
  if (Buffer.byteLength(full) > MAX_SUMMARY_BYTES) {
    const mdRel = reportRel.replace(/\.json$/i, '') + '.md'
    const file = await writeFileIn(workspace, mdRel, full)
    text = renderComment(report, { limit: 60_000, ...(runUrl ? { runUrl } : {}) }) + `\nFull report: \`${path.relative(workspace, file)}\` in the workspace (upload it with actions/upload-artifact).\n`
  }
  await core.summary.addRaw(text).write()
}

/**
 * The job summary of a run that could not scan (an input, the event, the checkout, a permission):
 * what went wrong and that nothing passed, so the reason is on the run's page, not only in the log.
 */
export async function writeFailureSummary(message: string): Promise<void> {
  const text = [
    '### ❌ **ModelGate could not run**',
    '',
    escapeInline(message),
    '',
    'Nothing was scanned, so this run does not pass. The message above says what to change; see docs/action.md.',
    ''
  ].join('\n')
  await core.summary.addRaw(text).write()
}
