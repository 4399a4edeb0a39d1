import { fromOsv, evaluate } from '../../src/advisories/model.js'
import { fromGitHub } from '../../src/advisories/sources/github.js'
import { cvss3BaseScore } from '../../src/advisories/cvss.js'
import { comparableVersion, normalizeName } from '../../src/advisories/versions.js'
import { severityFor } from '../../src/advisories/index.js'
import { advisory } from '../support/fake-github/index.js'
import { fixtureRecords } from './support/fake-osv.js'
import { config } from './helpers.js'

/** A made-up record (TEST- ids) for event shapes the real fixtures do not have. */
const record = (events: Record<string, string>[], extra: Record<string, unknown> = {}): ReturnType<typeof fromOsv> =>
  fromOsv({ id: 'TEST-0001', modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'Demo_Pkg' }, ranges: [{ type: 'ECOSYSTEM', events }], ...extra }] })

const state = (a: ReturnType<typeof fromOsv>, v: string): string => {
  const ev = evaluate(a!.affected[0]!, comparableVersion('pypi', v)!)
  return ev.state === 'affected' ? `affected ${ev.range} fixed ${ev.fixed}` : ev.state
}

test('OSV events: introduced/fixed pairs, last_affected, limit, unsorted events', () => {
  const two = record([{ introduced: '3.0' }, { fixed: '4.0' }, { introduced: '1.0' }, { fixed: '2.0' }])
  expect(['0.9', '1.0', '1.5', '2.0', '3.5', '4.0'].map((v) => state(two, v))).toEqual([
    'not-affected',
    'affected >= 1.0, < 2.0 fixed 2.0',
    'affected >= 1.0, < 2.0 fixed 2.0',
    'not-affected',
    'affected >= 3.0, < 4.0 fixed 4.0',
    'not-affected'
  ])
  const last = record([{ introduced: '0' }, { last_affected: '2.5.1' }])
  expect(['2.5.1', '2.5.1+cu121', '2.5.2'].map((v) => state(last, v))).toEqual(['affected <= 2.5.1 fixed null', 'affected <= 2.5.1 fixed null', 'not-affected'])
  const limited = record([{ introduced: '1.0' }, { limit: '3.0' }])
  expect(['2.9', '3.0'].map((v) => state(limited, v))).toEqual(['affected >= 1.0, < 3.0 fixed null', 'not-affected'])
  const open = record([{ introduced: '0' }])
  expect(state(open, '99.0')).toBe('affected >= 0 (every version) fixed null')
})

test('listed versions, GIT-only ranges and unreadable versions', () => {
  const listed = fromOsv({ id: 'TEST-0002', affected: [{ package: { ecosystem: 'PyPI', name: 'demo' }, versions: ['1.0.0', '1.0.1'] }] })
  expect(state(listed, '1.0')).toBe('affected = 1.0.0 fixed null')
  expect(state(listed, '1.0.2')).toBe('not-affected')
  const git = fromOsv({ id: 'TEST-0003', affected: [{ package: { ecosystem: 'PyPI', name: 'demo' }, ranges: [{ type: 'GIT', repo: 'https://example.invalid/x', events: [{ introduced: '0' }, { fixed: 'abc' }] }] }] })
  expect(state(git, '1.0')).toBe('unreadable')
  const bad = record([{ introduced: '0' }, { fixed: 'not a version!' }])
  expect(state(bad, '1.0')).toBe('unreadable')
  expect(bad!.affected[0]!.name).toBe('demo-pkg')
})

test('the real records: ids, aliases, severity from the database word or CVSS', () => {
  const byId = new Map(fixtureRecords().map((r) => [String(r.id), fromOsv(r)!]))
  expect(byId.get('GHSA-53q9-r3pm-6pq6')).toMatchObject({ aliases: ['CVE-2025-32434'], level: 'critical', levelSource: 'database', url: 'https://github.com/advisories/GHSA-53q9-r3pm-6pq6' })
  expect(byId.get('PYSEC-2025-41')).toMatchObject({ aliases: ['CVE-2025-32434', 'GHSA-53q9-r3pm-6pq6'], level: null })
  expect(byId.get('PYSEC-2025-41')!.summary).toMatch(/^PyTorch is a Python package/)
  const noWord = fixtureRecords().find((r) => r.id === 'GHSA-qxrp-vhvm-j765')!
  expect(fromOsv({ ...noWord, database_specific: {} })).toMatchObject({ level: 'high', levelSource: 'CVSS 7.5' })
})

test('CVSS v3 base scores', () => {
  expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8)
  expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H')).toBe(7.5)
  expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L')).toBe(5.3)
  expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H')).toBe(9.9)
  expect(cvss3BaseScore('CVSS:3.0/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:N')).toBe(0)
  expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeNull()
  expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L')).toBeNull()
})

test('GitHub ranges: bounds, exact versions, first patched version in both API shapes', () => {
  const a = fromGitHub({ ...advisory({ ghsa_id: 'GHSA-test-0000-0001', package: 'Torch', vulnerable_version_range: '>= 1.0, <= 2.5.1', first_patched_version: null, severity: 'unknown' }), cvss_severities: { cvss_v3: { vector_string: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: null } } })
  expect(a).toMatchObject({ level: 'critical', levelSource: 'CVSS 9.8' })
  expect(evaluate(a.affected[0]!, '2.5.1')).toMatchObject({ state: 'affected', range: '>= 1.0, <= 2.5.1', fixed: null })
  expect(evaluate(a.affected[0]!, '0.9').state).toBe('not-affected')
  const exact = fromGitHub(advisory({ ghsa_id: 'GHSA-test-0000-0002', vulnerable_version_range: '= 2.0.0', first_patched_version: '2.0.1' }))
  expect(evaluate(exact.affected[0]!, '2.0.0')).toMatchObject({ state: 'affected', fixed: '2.0.1' })
  expect(evaluate(exact.affected[0]!, '2.0.1').state).toBe('not-affected')
  const old = { ...advisory({ ghsa_id: 'GHSA-test-0000-0003' }) }
  ;(old.vulnerabilities as Record<string, unknown>[])[0]!.first_patched_version = { identifier: '2.6.0' }
  expect(evaluate(fromGitHub(old).affected[0]!, '2.5.0')).toMatchObject({ fixed: '2.6.0' })
})

test('versions and names per ecosystem', () => {
  expect(comparableVersion('pypi', '2.5.1+cu121')).toBe('2.5.1')
  expect(comparableVersion('pypi', 'v1.0')).toBe('1.0')
  expect(comparableVersion('pypi', 'banana')).toBeNull()
  expect(comparableVersion('npm', '7.5.2-beta.1')).toBe('7.5.2-beta.1')
  expect(comparableVersion('npm', '^7.0.0')).toBeNull()
  expect(normalizeName('pypi', 'Scikit_Learn')).toBe('scikit-learn')
  expect(normalizeName('npm', '@huggingface/transformers')).toBe('@huggingface/transformers')
})

test('severity mapping and config validation', () => {
  expect(['critical', 'high', 'moderate', 'low', null].map((l) => severityFor(l as 'low' | null, 'high'))).toEqual(['error', 'error', 'warning', 'note', 'error'])
  expect(['critical', 'high', 'moderate', 'low'].map((l) => severityFor(l as 'low', 'low'))).toEqual(['error', 'error', 'error', 'error'])
  expect(config().advisories).toEqual({ source: 'auto', 'fail-on-severity': 'high', required: false, ignore: [] })
  expect(() => config('advisories:\n  fail-on-severity: medium\n')).toThrow(/fail-on-severity/)
  expect(() => config('advisories:\n  sources: osv\n')).toThrow(/sources/)
  expect(() => config('advisories:\n  osv-url: ftp://x\n')).toThrow(/http\(s\) URL/)
  expect(() => config('advisories:\n  ignore:\n    - id: GHSA-53q9-r3pm-6pq6\n')).toThrow(/reason/)
  expect(() => config('advisories:\n  ignore:\n    - id: GHSA-53q9-r3pm-6pq6\n      reason: x\n      expires: 2025-02-30\n')).toThrow(/calendar/)
  expect(config('severity:\n  vulnerable-dependency: warning\n  advisories-unavailable: off\n').severity).toEqual({ 'vulnerable-dependency': 'warning', 'advisories-unavailable': 'off' })
})
