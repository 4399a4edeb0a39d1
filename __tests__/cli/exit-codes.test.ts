import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs'
import path from 'node:path'
import { runCli, type Io } from '../../src/cli/main.js'
import { scan } from '../../src/engine/scan.js'
import { discoverTree } from '../../src/discover/tree.js'
import { cli } from '../support/cli.js'
import { makeTree } from '../support/tree.js'
import { REPO } from '../support/shared.js'
import * as f from '../support/formats.js'

const clean = { 'm/model.safetensors': f.smallSafetensors(), 'm/README.md': '---\nlicense: mit\n---\n' }

function io(cwd: string, stdout: Io['stdout'], env: NodeJS.ProcessEnv = {}): Io & { err: () => string } {
  let stderr = ''
  return { cwd, env, stdout, stderr: (t) => (stderr += t), err: () => stderr }
}

describe('output that cannot be written is exit 2 with one line', () => {
  const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })

  test.each([
    ['a rejected write', () => Promise.reject(enospc())],
    ['a write that throws', () => {
      throw enospc()
    }]
  ])('standard output: %s', async (_what, stdout) => {
    const root = await makeTree(clean)
    for (const argv of [['scan', '--format', 'json'], ['scan'], ['--version']]) {
      const run = io(root, stdout)
      expect([argv, await runCli(argv, run), run.err()]).toEqual([
        argv,
        2,
        'modelgate: cannot write to standard output (ENOSPC: no space left on device, write); free space on the target or write the report with --output FILE\n'
      ])
    }
  })

  test('the real process writing to /dev/full', async () => {
    if (!existsSync('/dev/full')) return // Linux only; CI runs Linux
    const root = await makeTree(clean)
    const fd = openSync('/dev/full', 'w')
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'src', 'cli.ts'), 'scan', root, '--format', 'json'], {
        cwd: REPO,
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8'
      })
      expect([r.status, r.stderr]).toEqual([2, 'modelgate: cannot write to standard output (ENOSPC: no space left on device, write); free space on the target or write the report with --output FILE\n'])
    } finally {
      closeSync(fd)
    }
  })

  test('--output or --bom naming a directory', async () => {
    const root = await makeTree(clean)
    mkdirSync(path.join(root, 'out'))
    const out = path.join(root, 'out')
    expect(await cli(root, 'scan', '--output', 'out')).toEqual({
      code: 2,
      stdout: '',
      stderr: `modelgate: --output ${out}: cannot write it (EISDIR: illegal operation on a directory, open '${out}'); give a writable file path\n`
    })
    const bom = await cli(root, 'scan', '--format', 'json', '--bom', 'out')
    expect([bom.code, bom.stderr]).toEqual([2, `modelgate: --bom ${out}: cannot write it (EISDIR: illegal operation on a directory, open '${out}'); give a writable file path\n`])
  })

  test('--output under a file (the folder cannot be made)', async () => {
    const root = await makeTree({ ...clean, 'taken': 'a file' })
    const r = await cli(root, 'scan', '--output', 'taken/report.txt')
    const file = path.join(root, 'taken', 'report.txt')
    expect([r.code, r.stderr]).toEqual([2, `modelgate: --output ${file}: cannot write it (EEXIST: file already exists, mkdir '${path.join(root, 'taken')}'); give a writable file path\n`])
  })
})

describe('a crash is exit 2 with the cause, never 0', () => {
  const crash = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'sha256')")
  }

  test('an engine that throws: one line naming the cause', async () => {
    const root = await makeTree(clean)
    let stdout = ''
    const run = io(root, (t) => (stdout += t))
    expect(await runCli(['scan'], run, { scan: crash })).toBe(2)
    expect([stdout, run.err()]).toEqual([
      '',
      "modelgate: internal error: Cannot read properties of undefined (reading 'sha256'); run with MODELGATE_DEBUG=1 for the stack trace to report it\n"
    ])
  })

  test('MODELGATE_DEBUG=1 adds the stack', async () => {
    const root = await makeTree(clean)
    const run = io(root, () => {}, { MODELGATE_DEBUG: '1' })
    expect(await runCli(['scan'], run, { scan: crash })).toBe(2)
    const [first, second, third] = run.err().split('\n')
    expect(first).toBe("modelgate: internal error: Cannot read properties of undefined (reading 'sha256'); run with MODELGATE_DEBUG=1 for the stack trace to report it")
    expect(second).toBe("TypeError: Cannot read properties of undefined (reading 'sha256')")
    expect(third).toMatch(/^ {4}at crash \(.*exit-codes\.test\.ts:\d+:\d+\)$/)
  })

  test('a thrown non-Error value', async () => {
    const root = await makeTree(clean)
    const run = io(root, () => {})
    expect(await runCli(['scan'], run, { scan: () => Promise.reject('boom\n\u001b[2K') })).toBe(2)
    expect(run.err()).toBe('modelgate: internal error: boom\\n\\u001b[2K; run with MODELGATE_DEBUG=1 for the stack trace to report it\n')
  })

  test('a file the engine could not finish is a scan-incomplete finding: exit 1, never a pass', async () => {
    const root = await makeTree(clean)
    // The real engine, with one file whose read fails the way a disk or a vanished file does.
    const failingRead = (opts: Parameters<typeof scan>[0]) =>
      scan({
        ...opts,
        discover: async (isIgnored) => {
          const found = await discoverTree(opts.root, isIgnored)
          return {
            ...found,
            candidates: found.candidates.map((c) => (c.path === 'm/model.safetensors' ? { ...c, open: () => Promise.reject(new Error('EIO: i/o error, read')) } : c))
          }
        }
      })
    let stdout = ''
    const run = io(root, (t) => (stdout += t))
    expect(await runCli(['scan', '--format', 'json'], run, { scan: failingRead })).toBe(1)
    expect(run.err()).toBe('')
    const report = JSON.parse(stdout) as { verdict: string; artifacts: { path: string }[]; findings: unknown[] }
    expect(report.verdict).toBe('fail')
    expect(report.artifacts.map((a) => a.path)).toEqual(['m/README.md'])
    expect(report.findings).toEqual([
      {
        rule: 'scan-incomplete',
        severity: 'error',
        path: 'm/model.safetensors',
        line: null,
        message: 'ModelGate could not finish scanning this file (EIO: i/o error, read), so it cannot be reported as safe.',
        fix: 'Re-run the scan; if it fails again, check that the file is readable and not larger than expected, and report the message above.'
      }
    ])
    // --fail-on never is the only way to pass with it, and only because the user asked.
    expect(await runCli(['scan', '--format', 'json', '--fail-on', 'never'], io(root, () => {}), { scan: failingRead })).toBe(0)
  })
})
