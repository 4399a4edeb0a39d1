import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { REPO } from '../support/shared.js'

// package.json `bin` is what makes `npx modelgate` work: run it the way a user does, with the network off.
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> }

function npmExec(...args: string[]) {
  const r = spawnSync('npm', ['exec', '--offline', '--', 'modelgate', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' }
  })
  return [r.status, r.stdout, r.stderr]
}

describe('npx modelgate (package.json bin → dist/cli.js)', () => {
  test('the bin is dist/cli.js', () => {
    expect(pkg.bin).toEqual({ modelgate: 'dist/cli.js' })
  })

  test('npm exec --offline -- modelgate --version prints the package version', () => {
    expect(npmExec('--version')).toEqual([0, `${pkg.version}\n`, ''])
  })

  test('the exit status comes through npm exec', () => {
    expect(npmExec('scan', '--fail-on', 'sometimes')).toEqual([2, '', 'modelgate: --fail-on sometimes: expected one of error, warning, never\n'])
  })
})
