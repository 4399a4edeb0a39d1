/** The check run against the fake, in process: annotations go out 50 per request, all on one run. */
import { publishCheckRun } from '../../src/action/check-run.js'
import { createGitHubClient } from '../../src/github/client.js'
import { inBatches, toAnnotations } from '../../src/report/annotations.js'
import type { Finding, Report } from '../../src/types.js'
import { startFakeGitHub } from '../support/fake-github/index.js'

const HEAD = 'a'.repeat(40)
const finding = (i: number): Finding => ({ rule: 'unknown-global', severity: i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'note', path: `m/${i}.pkl`, line: i % 2 ? i : null, message: `msg ${i}`, fix: 'fix' })

test('annotations: level per severity, line 1 for whole-file findings, plain-text message with the fix', () => {
  expect(toAnnotations([finding(0), finding(1), finding(2)])).toEqual([
    { path: 'm/0.pkl', start_line: 1, end_line: 1, annotation_level: 'failure', title: 'unknown-global', message: 'msg 0\nFix: fix' },
    { path: 'm/1.pkl', start_line: 1, end_line: 1, annotation_level: 'warning', title: 'unknown-global', message: 'msg 1\nFix: fix' },
    { path: 'm/2.pkl', start_line: 1, end_line: 1, annotation_level: 'notice', title: 'unknown-global', message: 'msg 2\nFix: fix' }
  ])
  expect(inBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
})

test('120 findings: create with 50, two updates with 50 and 20', async () => {
  const gh = await startFakeGitHub({ seed: { owner: 'o', repo: 'r', token: 't', refs: { main: HEAD }, files: { [HEAD]: { 'a.txt': 'a' } } } })
  try {
    const client = createGitHubClient({ token: 't', baseUrl: gh.url, log: () => {} })
    const findings = Array.from({ length: 120 }, (_, i) => finding(i))
    const report: Report = { schemaVersion: 1, tool: { name: 'ModelGate', version: '0.1.0' }, mode: 'tree', verdict: 'fail', artifacts: [], dependencies: [], findings }
    await publishCheckRun(client, { owner: 'o', repo: 'r' }, HEAD, report)
    expect(gh.violations).toEqual([])
    expect(gh.requests.map((r) => [r.operationId, (r.body as { output: { annotations: unknown[] } }).output.annotations.length])).toEqual([
      ['checks/create', 50],
      ['checks/update', 50],
      ['checks/update', 20]
    ])
    expect(gh.state.checkRuns).toHaveLength(1)
    expect(gh.state.checkRuns[0]).toMatchObject({ conclusion: 'failure', status: 'completed' })
    expect(gh.state.checkRuns[0]?.annotations).toHaveLength(120)
  } finally {
    await gh.close()
  }
})
