import { mkdir, mkdtemp, writeFile, copyFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { assessAdvisories, advisoryFiles, chooseAdvisorySource, loadOsvRecords } from '../../src/advisories/index.js'
import { FIXTURES, fixtureRecords } from './support/fake-osv.js'
import { brief, config, dependency, inventory } from './helpers.js'

async function tmp(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'modelgate-advisories-'))
}

test('the inventory reads both sides of the npm lock-file case used elsewhere', async () => {
  const deps = await inventory({
    'pkg/package-lock.json': JSON.stringify({ name: 'web', lockfileVersion: 3, packages: { '': { name: 'web' }, 'node_modules/semver': { version: '7.5.4' } } }),
    'pkg/app/package.json': JSON.stringify({ name: 'app', dependencies: { semver: '^7.0.0' } })
  })
  expect(deps.map((d) => [d.path, d.name, d.specifier, d.version])).toEqual([
    ['pkg/app/package.json', 'semver', '^7.0.0', null],
    ['pkg/package-lock.json', 'semver', '7.5.4', '7.5.4']
  ])
})

describe('local OSV records', () => {
  test('one record per file, an array in one file, an OSV API answer, and a folder in the bulk-export layout', async () => {
    const dir = await tmp()
    const records = fixtureRecords()
    await writeFile(path.join(dir, 'one.json'), JSON.stringify(records.find((r) => r.id === 'GHSA-53q9-r3pm-6pq6')))
    await writeFile(path.join(dir, 'all.json'), JSON.stringify(records))
    await writeFile(path.join(dir, 'answer.json'), JSON.stringify({ vulns: records.slice(0, 2) }))
    const bulk = path.join(dir, 'export')
    await mkdir(path.join(bulk, 'PyPI'), { recursive: true })
    await mkdir(path.join(bulk, 'npm'), { recursive: true })
    for (const r of records) await writeFile(path.join(bulk, JSON.stringify(r).includes('"npm"') ? 'npm' : 'PyPI', `${String(r.id)}.json`), JSON.stringify(r))
    await writeFile(path.join(bulk, 'PyPI', 'notes.txt'), 'not a record')

    for (const p of ['one.json', 'all.json', 'answer.json', 'export']) {
      const loaded = await loadOsvRecords([path.join(dir, p)])
      expect(loaded.problems).toEqual([])
      const { findings } = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'files' }, files: [path.join(dir, p)] })
      expect(brief(findings)).toEqual(['requirements.txt:1 vulnerable-dependency error'])
      expect(findings[0]!.message).toContain('fixed in 2.6.0')
    }
    expect((await loadOsvRecords([bulk])).advisories.map((a) => a.id).sort()).toEqual(['GHSA-53q9-r3pm-6pq6', 'GHSA-c2qf-rxjj-qqgw', 'GHSA-qxrp-vhvm-j765', 'PYSEC-2025-41'])
  })

  test('PyPI names are compared normalised (PEP 503)', async () => {
    const dir = await tmp()
    const rec = { ...fixtureRecords().find((r) => r.id === 'GHSA-qxrp-vhvm-j765')!, affected: [{ package: { ecosystem: 'PyPI', name: 'Transformers' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.48.0' }] }] }] }
    await writeFile(path.join(dir, 'r.json'), JSON.stringify(rec))
    const { findings } = await assessAdvisories({ dependencies: [dependency('transformers', '4.40.0')], config: config(), mode: 'tree', source: { kind: 'files' }, files: [path.join(dir, 'r.json')] })
    expect(brief(findings)).toEqual(['requirements.txt:1 vulnerable-dependency error'])
  })

  test('a broken or missing file is advisories-unavailable, and what could be read still matches', async () => {
    const dir = await tmp()
    await copyFile(path.join(FIXTURES, 'GHSA-53q9-r3pm-6pq6.json'), path.join(dir, 'GHSA-53q9-r3pm-6pq6.json'))
    await writeFile(path.join(dir, 'broken.json'), '{"id": "GHSA-x", ')
    const out = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'files' }, files: [dir, path.join(dir, 'missing')] })
    expect(brief(out.findings)).toEqual(['requirements.txt:1 vulnerable-dependency error', 'requirements.txt:1 advisories-unavailable warning'])
    expect(out.findings[1]!.message).toContain('broken.json is not a JSON OSV record')
    expect(out.findings[1]!.message).toContain('missing cannot be read')
  })

  test('the files source without files says so (no silent pass)', async () => {
    const out = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'files' } })
    expect(brief(out.findings)).toEqual(['requirements.txt:1 advisories-unavailable warning'])
    expect(out.findings[0]!.message).toContain('no local advisory records were given (advisories.path or --advisories)')
  })

  test('withdrawn advisories are not reported', async () => {
    const dir = await tmp()
    const rec = { ...fixtureRecords().find((r) => r.id === 'GHSA-53q9-r3pm-6pq6')!, withdrawn: '2025-05-01T00:00:00Z' }
    await writeFile(path.join(dir, 'w.json'), JSON.stringify(rec))
    const out = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'files' }, files: [dir] })
    expect(out.findings).toEqual([])
  })
})

describe('choosing the source', () => {
  test('auto: GitHub in the action, OSV in the CLI, local records offline; an explicit choice wins', () => {
    const gh = {} as Parameters<typeof chooseAdvisorySource>[1]['github']
    expect(chooseAdvisorySource(config(), { github: gh! }).kind).toBe('github')
    expect(chooseAdvisorySource(config(), {})).toEqual({ kind: 'osv' })
    expect(chooseAdvisorySource(config('advisories:\n  osv-url: http://127.0.0.1:9/\n'), {})).toEqual({ kind: 'osv', url: 'http://127.0.0.1:9/' })
    expect(chooseAdvisorySource(config(), { offline: true })).toEqual({ kind: 'files' })
    expect(chooseAdvisorySource(config('advisories:\n  source: off\n'), { offline: true })).toEqual({ kind: 'off' })
    expect(chooseAdvisorySource(config('advisories:\n  source: github\n'), {})).toEqual({ kind: 'unavailable', reason: 'advisories.source is `github`, but this run has no GitHub token' })
    expect(chooseAdvisorySource(config('advisories:\n  source: osv\n'), { github: gh! }).kind).toBe('osv')
    expect(advisoryFiles(config('advisories:\n  path: [sec/osv, extra.json]\n'), '/repo', ['/tmp/x'])).toEqual(['/repo/sec/osv', '/repo/extra.json', '/tmp/x'])
  })

  test('an unavailable source reports every checked dependency', async () => {
    const out = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'unavailable', reason: 'no token' } })
    expect(brief(out.findings)).toEqual(['requirements.txt:1 advisories-unavailable warning'])
  })
})

test('a root yarn.lock or pnpm-lock.yaml settles the ranges of workspace packages below it', async () => {
  const dir = await tmp()
  await copyFile(path.join(FIXTURES, 'GHSA-c2qf-rxjj-qqgw.json'), path.join(dir, 'semver.json'))
  const app = JSON.stringify({ name: 'app', dependencies: { semver: '^7.0.0' } })
  const yarnLock = '# yarn lockfile v1\n\n\nsemver@^7.0.0:\n  version "7.5.1"\n  resolved "https://registry.yarnpkg.com/semver/-/semver-7.5.1.tgz"\n'
  const pnpmLock = "lockfileVersion: '9.0'\n\npackages:\n\n  semver@7.5.1:\n    resolution: {integrity: sha512-x}\n"
  for (const [name, lock] of [['yarn.lock', yarnLock], ['pnpm-lock.yaml', pnpmLock]] as const) {
    const deps = await inventory({ [name]: lock, 'packages/app/package.json': app })
    const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: { kind: 'files' }, files: [dir] })
    // the pinned 7.5.1 in the lock is what is checked; the range itself is not reported as unresolved
    expect(brief(findings)).toEqual([`${name}:${name === 'yarn.lock' ? 4 : 5} vulnerable-dependency warning`])
  }
})
