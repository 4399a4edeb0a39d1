/** Runs the committed-style action bundle the way the runner does: `node dist/index.js` with INPUT_* and GITHUB_* set. */
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO } from '../../support/shared.js'

const execFileAsync = promisify(execFile)

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  ms: number
}

export interface RunOptions {
  apiUrl: string
  workspace: string
  eventName: string
  eventPath: string
  sha: string
  ref: string
  inputs?: Record<string, string>
  /** Node binary; default MODELGATE_E2E_NODE (run the whole suite on another runtime), else the one running jest. */
  node?: string
  token?: string
}

/** A fresh copy of dist/index.js in a folder without node_modules (as on a runner). */
let bundleDir: Promise<string> | undefined
async function bundle(): Promise<string> {
  bundleDir ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modelgate-action-'))
    await copyFile(path.join(REPO, 'dist', 'index.js'), path.join(dir, 'index.js'))
    await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n')
    return dir
  })()
  return bundleDir
}

export async function runAction(o: RunOptions): Promise<ActionRun> {
  const dir = await bundle()
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'modelgate-runner-'))
  const output = path.join(tmp, 'output')
  const summary = path.join(tmp, 'summary')
  await writeFile(output, '')
  await writeFile(summary, '')
  const inputs = { 'github-token': o.token ?? 'ghs_e2eTokenForTests', ...o.inputs }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: o.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: o.eventPath,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    GITHUB_SHA: o.sha,
    GITHUB_REF: o.ref,
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_RUN_ID: '4242',
    GITHUB_WORKFLOW: 'ModelGate',
    GITHUB_JOB: 'modelgate',
    RUNNER_TEMP: tmp,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  }
  const started = Date.now()
  let code = 0
  let stdout = ''
  let stderr = ''
  try {
    ;({ stdout, stderr } = await execFileAsync(o.node ?? process.env.MODELGATE_E2E_NODE ?? process.execPath, [path.join(dir, 'index.js')], { cwd: o.workspace, env, maxBuffer: 1 << 26 }))
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    ;({ code, stdout, stderr } = e)
  }
  const result = { code, stdout, stderr, outputs: parseOutputs(await readFile(output, 'utf8')), summary: await readFile(summary, 'utf8'), ms: Date.now() - started }
  await rm(tmp, { recursive: true, force: true })
  return result
}

/** Removes the bundle copy (call from afterAll). */
export async function disposeBundle(): Promise<void> {
  if (bundleDir) await rm(await bundleDir, { recursive: true, force: true })
  bundleDir = undefined
}

/** GITHUB_OUTPUT's heredoc format: name<<delimiter\nvalue\ndelimiter */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const m of text.matchAll(re)) out[m[1] as string] = m[3] as string
  return out
}
