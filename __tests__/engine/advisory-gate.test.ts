import path from 'node:path'
import { cli } from '../support/cli.js'
import { gitIn } from '../support/git.js'
import { makeTree, writeTree } from '../support/tree.js'
import { REPO } from '../support/shared.js'

const RECORDS = path.join(REPO, '__tests__', 'advisories', 'fixtures', 'osv')

/** Known vulnerabilities through the CLI with local OSV records: nothing leaves the machine. */
describe('the advisory gate', () => {
  test('torch==2.5.1 fails with the advisory and its fix; torch==2.6.0 passes; a range is a note', async () => {
    const bad = await makeTree({ 'requirements.txt': 'torch==2.5.1\n' })
    const r = await cli(bad, 'scan', '--advisories', RECORDS, '--format', 'json')
    expect(r.code).toBe(1)
    const finding = JSON.parse(r.stdout).findings.find((f: { rule: string }) => f.rule === 'vulnerable-dependency')
    expect(finding).toMatchObject({ severity: 'error', path: 'requirements.txt', line: 1 })
    expect(finding.message).toContain('GHSA-53q9-r3pm-6pq6')
    expect(finding.message).toContain('2.6.0')

    const good = await makeTree({ 'requirements.txt': 'torch==2.6.0\n' })
    const ok = await cli(good, 'scan', '--advisories', RECORDS, '--format', 'json')
    expect(JSON.parse(ok.stdout).findings.filter((f: { rule: string }) => f.rule === 'vulnerable-dependency')).toEqual([])

    const range = await makeTree({ 'requirements.txt': 'torch>=2.0\n' })
    const unresolved = JSON.parse((await cli(range, 'scan', '--advisories', RECORDS, '--format', 'json')).stdout)
    expect(unresolved.findings.filter((f: { rule: string }) => f.rule === 'vulnerable-dependency').map((f: { severity: string }) => f.severity)).toEqual(['note'])
  })

  test('a PR whose only change is the bump to the fixed version passes', async () => {
    const root = await makeTree({ 'requirements.txt': 'torch==2.5.1\n', 'README.md': '# x\n' })
    gitIn(root, 'init', '-q')
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'base')
    gitIn(root, 'checkout', '-qb', 'pr')
    await writeTree(root, { 'requirements.txt': 'torch==2.6.0\n' })
    gitIn(root, 'commit', '-qam', 'bump torch')
    const r = await cli(root, 'scan', '--base', 'main', '--advisories', RECORDS, '--format', 'json')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.dependencies.map((d: { name: string; change: string; previousSpecifier: string }) => [d.name, d.change, d.previousSpecifier])).toEqual([['torch', 'changed', '==2.5.1']])
    expect(report.findings).toEqual([])
  })
})
