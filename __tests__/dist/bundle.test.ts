import { execFile } from 'node:child_process'
import { copyFile, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO } from '../support/shared.js'

const run = promisify(execFile)

/** Runs a bundle the way users do: `node file`, from a folder with no node_modules. */
async function runBundle(bundle: 'cli.js' | 'index.js', args: string[], env: Record<string, string> = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelgate-dist-'))
  await copyFile(path.join(REPO, 'dist', bundle), path.join(dir, bundle))
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n')
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(dir, bundle), ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('dist/ bundles run with no node_modules', () => {
  test('dist/cli.js scans the demo repository', async () => {
    const r = await runBundle('cli.js', ['scan', path.join(REPO, 'examples', 'demo-repo'), '--format', 'json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.findings.map((f: { rule: string; path: string }) => `${f.rule} ${f.path}`)).toContain('unparseable-artifact models/broken/model.safetensors')
    expect(report.artifacts.length).toBeGreaterThan(5)
  })

  test('dist/index.js runs as an action: outputs, report, BOM and job summary', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'modelgate-ws-'))
    await cp(path.join(REPO, 'examples', 'demo-repo'), workspace, { recursive: true })
    const output = path.join(workspace, '..', `${path.basename(workspace)}.output`)
    const summary = path.join(workspace, '..', `${path.basename(workspace)}.summary`)
    await writeFile(output, '')
    await writeFile(summary, '')
    const r = await runBundle('index.js', [], {
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_REPOSITORY: 'acme/demo',
      'INPUT_FAIL-ON': 'error',
      'INPUT_BOM-PATH': 'bom.cdx.json',
      'INPUT_REPORT-PATH': 'report.json'
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('::error::ModelGate: 2 error(s), 9 warning(s) at fail-on=error; see the job summary')
    const outputs = await readFile(output, 'utf8')
    for (const [k, v] of [['verdict', 'fail'], ['findings', '11'], ['bom-path', path.join(workspace, 'bom.cdx.json')]]) {
      expect(outputs).toMatch(new RegExp(`${k}<<(ghadelimiter_[0-9a-f-]+)\\n${v!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n\\1`))
    }
    expect(await readFile(summary, 'utf8')).toMatch(/^<!-- modelgate:sticky-comment -->\n### ❌ \*\*ModelGate: fail\*\*/)
    expect(JSON.parse(await readFile(path.join(workspace, 'bom.cdx.json'), 'utf8')).metadata.component.name).toBe('acme/demo')
    expect(JSON.parse(await readFile(path.join(workspace, 'report.json'), 'utf8')).verdict).toBe('fail')
  })
})
