/** The shipped example workflows: the shapes docs/action.md promises, and the fork pattern's untrusted-input handling. */
import { mkdtemp, readFile, readdir, writeFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { REPO } from '../support/shared.js'

type Step = { uses?: string; with?: Record<string, unknown>; run?: string }
type Workflow = { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> }
const dir = path.join(REPO, 'examples', 'workflows')
const load = async (name: string) => parse(await readFile(path.join(dir, name), 'utf8')) as Workflow

test('every example: no paths filters, explicit permissions, ModelGate pinned to a major version', async () => {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yml')).sort()
  expect(names).toEqual(['modelgate-fork-comment.yml', 'modelgate-fork-scan.yml', 'modelgate-pull-request.yml', 'modelgate-snapshot.yml'])
  for (const n of names) {
    const wf = await load(n)
    expect(JSON.stringify(wf.on)).not.toMatch(/paths/)
    expect(wf.permissions).toBeDefined()
    for (const step of Object.values(wf.jobs).flatMap((j) => j.steps)) if (step.uses?.startsWith('modelgate/')) expect(step.uses).toBe('modelgate/modelgate@v0')
  }
  expect(Object.keys((await load('modelgate-pull-request.yml')).on)).toEqual(['pull_request', 'merge_group'])
  expect(Object.keys((await load('modelgate-snapshot.yml')).on)).toEqual(['push', 'schedule', 'workflow_dispatch'])
  const fork = await load('modelgate-fork-scan.yml')
  // read-only, but with the PR's file list: a private repository answers pulls.listFiles with 403 without it
  expect(fork.permissions).toEqual({ contents: 'read', 'pull-requests': 'read' })
})

test('every example that runs on merge_group checks out the full history (the queue commit is compared with its base locally)', async () => {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yml')).sort()
  const queued: string[] = []
  for (const n of names) {
    const wf = await load(n)
    if (!('merge_group' in wf.on)) continue
    queued.push(n)
    const checkouts = Object.values(wf.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.uses?.startsWith('actions/checkout'))
    expect(checkouts.map((s) => s.with?.['fetch-depth'])).toEqual([0])
  }
  expect(queued).toEqual(['modelgate-pull-request.yml'])
})

describe('fork pattern, part 2: the report is untrusted input', () => {
  const HEAD = 'c'.repeat(40)
  async function post(report: unknown, prNumber = '7', headSha = HEAD) {
    const wf = await load('modelgate-fork-comment.yml')
    const steps = wf.jobs.comment!.steps
    expect(steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false)
    const script = String(steps.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script)
    const work = await mkdtemp(path.join(os.tmpdir(), 'modelgate-fork-'))
    await mkdir(path.join(work, 'untrusted'))
    await writeFile(path.join(work, 'untrusted', 'modelgate-pr-number.txt'), prNumber)
    await writeFile(path.join(work, 'untrusted', 'modelgate-report.json'), typeof report === 'string' ? report : JSON.stringify(report))
    const calls: Array<[string, unknown]> = []
    const github = {
      rest: {
        pulls: { get: async () => ({ data: { head: { sha: headSha } } }) },
        issues: {
          listComments: 'listComments',
          createComment: async (a: unknown) => void calls.push(['create', a]),
          updateComment: async (a: unknown) => void calls.push(['update', a])
        }
      },
      paginate: async () => []
    }
    const context = { repo: { owner: 'o', repo: 'r' }, serverUrl: 'https://github.com', payload: { workflow_run: { id: 99, head_sha: HEAD } } }
    const cwd = process.cwd()
    process.chdir(work)
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...a: string[]) => (...v: unknown[]) => Promise<void>
      await new AsyncFunction('require', 'github', 'context', script)(createRequire(import.meta.url), github, context)
    } finally {
      process.chdir(cwd)
    }
    return calls
  }
  const finding = { rule: 'unsafe-serialization', severity: 'error', path: 'models/<img src=x>@evil [x](https://e.example).pkl', line: null, message: '@everyone <script>', fix: '' }

  test('repo-controlled paths are reduced to a safe character set; messages are not rendered', async () => {
    const calls = await post({ schemaVersion: 1, verdict: 'fail', findings: [finding] })
    expect(calls).toEqual([
      [
        'create',
        {
          owner: 'o',
          repo: 'r',
          issue_number: 7,
          body: [
            '<!-- modelgate:sticky-comment -->',
            '### ❌ **ModelGate: fail**',
            '',
            '1 errors, 0 warnings, 0 notes. Details, fixes and the BOM: [the scan run](https://github.com/o/r/actions/runs/99).',
            '',
            '- **error** `unsafe-serialization` in `models/?img?src?x??evil??x??https?//e.example?.pkl`',
            ''
          ].join('\n')
        }
      ]
    ])
  })

  test('a report for another commit, a bogus PR number, an unknown rule or a non-JSON file is rejected', async () => {
    await expect(post({ schemaVersion: 1, verdict: 'fail', findings: [] }, '7', 'd'.repeat(40))).rejects.toThrow('untrusted report rejected: the PR head is not the scanned commit')
    await expect(post({ schemaVersion: 1, verdict: 'fail', findings: [] }, '7; rm -rf /')).rejects.toThrow('untrusted report rejected: PR number')
    await expect(post({ schemaVersion: 1, verdict: 'fail', findings: [{ ...finding, rule: '<b>x</b>' }] })).rejects.toThrow('untrusted report rejected: finding rule or severity')
    await expect(post('{"schemaVersion": 1,')).rejects.toThrow(/untrusted report rejected: not JSON/)
  })
})
