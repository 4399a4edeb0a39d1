import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { MAX_SUMMARY_BYTES, writeJobSummary } from '../../src/action/report-files.js'
import type { Finding, Report } from '../../src/types.js'

const report = (n: number): Report => ({
  schemaVersion: 1,
  tool: { name: 'ModelGate', version: '0.1.0' },
  mode: 'tree',
  verdict: 'fail',
  artifacts: [],
  dependencies: [],
  findings: Array.from({ length: n }, (_, i): Finding => ({ rule: 'scan-incomplete', severity: 'note', path: `f/${i}.bin`, line: null, message: 'x'.repeat(1000), fix: 'retry' }))
})

// @actions/core remembers the summary file of the first write: one file for the whole suite
const summaryFile = path.join(os.tmpdir(), `modelgate-summary-${process.pid}.md`)
beforeAll(() => void (process.env.GITHUB_STEP_SUMMARY = summaryFile))

async function summaryOf(r: Report): Promise<{ text: string; ws: string }> {
  const ws = await mkdtemp(path.join(os.tmpdir(), 'modelgate-summary-'))
  made.push(ws)
  await writeFile(summaryFile, '')
  core.summary.emptyBuffer()
  await writeJobSummary(ws, 'out/report.json', r)
  return { text: await readFile(summaryFile, 'utf8'), ws }
}

const made: string[] = []
afterAll(async () => {
  delete process.env.GITHUB_STEP_SUMMARY
  for (const d of [summaryFile, ...made]) await rm(d, { recursive: true, force: true })
})

test('the full report when it fits', async () => {
  const { text } = await summaryOf(report(3))
  expect(text.split('\n')[1]).toBe('### ❌ **ModelGate: fail**')
  expect(text).toContain('<details><summary>3 notes</summary>')
})

test('over 1 MiB: a compact summary, the full Markdown as a file next to the JSON report', async () => {
  const { text, ws } = await summaryOf(report(1200))
  expect(Buffer.byteLength(text)).toBeLessThan(MAX_SUMMARY_BYTES)
  expect(text).toContain('Full report: `out/report.md` in the workspace (upload it with actions/upload-artifact).')
  const full = await readFile(path.join(ws, 'out', 'report.md'), 'utf8')
  expect(Buffer.byteLength(full)).toBeGreaterThan(MAX_SUMMARY_BYTES)
})
