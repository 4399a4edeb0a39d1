import { assessAdvisories, AdvisoryCache } from '../../src/advisories/index.js'
import { startFakeOsv, fixtureRecords, type FakeOsv } from './support/fake-osv.js'
import { brief, changeInventory, config, dependency, inventory, uvLock500 } from './helpers.js'

let osv: FakeOsv
beforeAll(async () => {
  osv = await startFakeOsv({ records: fixtureRecords() })
})
afterAll(() => osv.close())
beforeEach(() => osv.clear())
afterEach(() => expect(osv.violations).toEqual([]))

const source = (): { kind: 'osv'; url: string } => ({ kind: 'osv', url: osv.url })

describe('OSV API: the torch.load weights_only RCE (GHSA-53q9-r3pm-6pq6)', () => {
  test('torch==2.5.1 is flagged with the advisory, its alias, the range and "fixed in 2.6.0" on the manifest line', async () => {
    const deps = await inventory({ 'requirements.txt': 'numpy==1.26.4\ntorch==2.5.1\n' })
    const { findings, matches } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(findings).toEqual([
      {
        rule: 'vulnerable-dependency',
        severity: 'error',
        path: 'requirements.txt',
        line: 2,
        message:
          'torch 2.5.1 is affected by GHSA-53q9-r3pm-6pq6 (CVE-2025-32434, PYSEC-2025-41) [critical]: PyTorch: `torch.load` with `weights_only=True` leads to remote code execution. Affected versions: < 2.6.0; fixed in 2.6.0.',
        fix: 'Upgrade torch to 2.6.0 or later. If the vulnerable code path is not used here, add GHSA-53q9-r3pm-6pq6 to advisories.ignore in .modelgate.yml with a reason and an expiry.'
      }
    ])
    // GHSA and PyPA's PYSEC record are one vulnerability: one finding, the GHSA record leads.
    expect(matches.map((m) => [m.dependency.name, m.status, m.advisory.id, m.advisory.aliases, m.advisory.level, m.affectedRange, m.fixed, m.severity])).toEqual([
      ['torch', 'affected', 'GHSA-53q9-r3pm-6pq6', ['CVE-2025-32434', 'PYSEC-2025-41'], 'critical', '< 2.6.0', '2.6.0', 'error']
    ])
    // One batch for both packages; records fetched only for the ids OSV lists for torch 2.5.1.
    expect(osv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/querybatch', 'GET /v1/vulns/GHSA-53q9-r3pm-6pq6', 'GET /v1/vulns/PYSEC-2025-41'])
    expect(osv.requests[0]!.body).toEqual({
      queries: [
        { package: { ecosystem: 'PyPI', name: 'numpy' }, version: '1.26.4' },
        { package: { ecosystem: 'PyPI', name: 'torch' }, version: '2.5.1' }
      ]
    })
  })

  test('torch==2.6.0 is not flagged; local builds match as their public release (2.5.1+cu121 yes, 2.6.0+cu121 no)', async () => {
    const deps = await inventory({ 'requirements.txt': 'torch==2.6.0\n', 'gpu/requirements.txt': 'torch==2.5.1+cu121\n', 'gpu2/requirements.txt': 'torch==2.6.0+cu124\n' })
    const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(brief(findings)).toEqual(['gpu/requirements.txt:1 vulnerable-dependency error'])
    expect(findings[0]!.message).toContain('torch 2.5.1+cu121 is affected by GHSA-53q9-r3pm-6pq6')
    // The local label is not sent: OSV matches public versions.
    expect((osv.requests[0]!.body as { queries: { version?: string }[] }).queries.map((q) => q.version)).toEqual(['2.5.1', '2.6.0'])
  })

  test('pre-releases and epochs follow PEP 440', async () => {
    const deps = [dependency('torch', '2.6.0rc1', { line: 1 }), dependency('torch', '2.6.0.post1', { line: 2 }), dependency('torch', '1!1.0', { line: 3 })]
    const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    // 2.6.0rc1 < 2.6.0 (affected); 2.6.0.post1 > 2.6.0; an epoch-1 version sorts after every epoch-0 one.
    expect(brief(findings)).toEqual(['requirements.txt:1 vulnerable-dependency error'])
  })

  test('torch>=2.0 is unresolved (a note naming the advisories), never reported as safe', async () => {
    const deps = await inventory({ 'requirements.txt': 'torch>=2.0\n' })
    const { findings, matches } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(findings).toEqual([
      {
        rule: 'vulnerable-dependency',
        severity: 'note',
        path: 'requirements.txt',
        line: 1,
        message:
          'torch>=2.0 is unresolved: it does not pin one version, so ModelGate cannot tell whether the installed version is affected by the advisory known for torch: GHSA-53q9-r3pm-6pq6 (< 2.6.0).',
        fix: 'Pin an exact version of torch or commit a lock file (uv.lock, poetry.lock, Pipfile.lock) next to this manifest so its version can be checked.'
      }
    ])
    expect(matches.map((m) => [m.status, m.advisory.id])).toEqual([['unresolved', 'GHSA-53q9-r3pm-6pq6']])
    // Asked without a version; the records only name the advisories (GHSA and PYSEC are one).
    expect(osv.requests.map((r) => r.path)).toEqual(['/v1/querybatch', '/v1/vulns/GHSA-53q9-r3pm-6pq6', '/v1/vulns/PYSEC-2025-41'])
    expect(osv.requests[0]!.body).toEqual({ queries: [{ package: { ecosystem: 'PyPI', name: 'torch' } }] })
  })

  test('a lock-file pin wins over a range for the same package', async () => {
    const uvLock = (v: string): string =>
      `version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[[package]]\nname = "torch"\nversion = "${v}"\nsource = { registry = "https://pypi.org/simple" }\n`
    const pyproject = '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["torch>=2.0"]\n'
    const safe = await inventory({ 'pyproject.toml': pyproject, 'uv.lock': uvLock('2.6.0') })
    expect((await assessAdvisories({ dependencies: safe, config: config(), mode: 'tree', source: source() })).findings).toEqual([])

    const stale = await inventory({ 'pyproject.toml': pyproject, 'uv.lock': uvLock('2.5.1') })
    const { findings } = await assessAdvisories({ dependencies: stale, config: config(), mode: 'tree', source: source() })
    // Reported once, on the lock file's line; the range itself is settled by the lock.
    expect(brief(findings)).toEqual(['uv.lock:9 vulnerable-dependency error'])

    // A lock file in another project folder does not settle this one's range.
    const elsewhere = await inventory({ 'pyproject.toml': pyproject, 'other/uv.lock': uvLock('2.6.0') })
    expect(brief((await assessAdvisories({ dependencies: elsewhere, config: config(), mode: 'tree', source: source() })).findings)).toEqual(['pyproject.toml:4 vulnerable-dependency note'])
  })

  test('change mode: a PR whose only dependency change is the bump to 2.6.0 produces no vulnerable-dependency finding', async () => {
    const deps = await changeInventory({ 'requirements.txt': 'transformers==4.40.0\ntorch==2.5.1\n' }, { 'requirements.txt': 'transformers==4.40.0\ntorch==2.6.0\n' })
    expect(deps.map((d) => [d.name, d.version, d.change])).toEqual([
      ['transformers', '4.40.0', 'unchanged'],
      ['torch', '2.6.0', 'changed']
    ])
    const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'change', source: source() })
    // transformers 4.40.0 is vulnerable too, but untouched: the base's debt, not this PR's.
    expect(findings).toEqual([])
    expect(osv.requests[0]!.body).toEqual({ queries: [{ package: { ecosystem: 'PyPI', name: 'torch' }, version: '2.6.0' }] })
  })

  test('change mode: an advisory still present on a changed line, or on an added dependency, is reported', async () => {
    const deps = await changeInventory({ 'requirements.txt': 'torch==2.4.0\n' }, { 'requirements.txt': 'torch==2.5.1\ntransformers==4.40.0\n' })
    const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'change', source: source() })
    expect(brief(findings)).toEqual(['requirements.txt:1 vulnerable-dependency error', 'requirements.txt:2 vulnerable-dependency error'])
    expect(findings[1]!.message).toBe(
      'transformers 4.40.0 is affected by GHSA-qxrp-vhvm-j765 (CVE-2024-11392) [high]: Deserialization of Untrusted Data in Hugging Face Transformers. Affected versions: < 4.48.0; fixed in 4.48.0.'
    )
  })
})

describe('severity policy and ignores', () => {
  const deps = (): ReturnType<typeof dependency>[] => [dependency('torch', '2.5.1', { line: 1 }), dependency('transformers', '4.40.0', { line: 2 }), dependency('semver', '7.5.1', { ecosystem: 'npm', path: 'package-lock.json', line: 9 })]

  test('fail-on-severity: at or above → error, below → warning (moderate and up) or note (low)', async () => {
    const run = async (level: string): Promise<string[]> =>
      brief((await assessAdvisories({ dependencies: deps(), config: config(`advisories:\n  fail-on-severity: ${level}\n`), mode: 'tree', source: source() })).findings)
    expect(await run('high')).toEqual(['requirements.txt:1 vulnerable-dependency error', 'requirements.txt:2 vulnerable-dependency error', 'package-lock.json:9 vulnerable-dependency warning'])
    expect(await run('critical')).toEqual(['requirements.txt:1 vulnerable-dependency error', 'requirements.txt:2 vulnerable-dependency warning', 'package-lock.json:9 vulnerable-dependency warning'])
    expect(await run('moderate')).toEqual(['requirements.txt:1 vulnerable-dependency error', 'requirements.txt:2 vulnerable-dependency error', 'package-lock.json:9 vulnerable-dependency error'])
  })

  test('the npm advisory is matched per semver branch with the fix of that branch', async () => {
    const cases = ['5.7.1', '5.7.2', '6.3.0', '6.3.1', '7.5.1', '7.5.2', '7.5.2-beta.1']
    const { findings } = await assessAdvisories({
      dependencies: cases.map((v, i) => dependency('semver', v, { ecosystem: 'npm', path: 'package-lock.json', line: i + 1 })),
      config: config(),
      mode: 'tree',
      source: source()
    })
    expect(findings.map((f) => [f.line, /Affected versions: ([^;]+); fixed in ([^.]+\.[^.]+\.\d+)/.exec(f.message)?.slice(1)])).toEqual([
      [1, ['< 5.7.2', '5.7.2']],
      [3, ['>= 6.0.0, < 6.3.1', '6.3.1']],
      [5, ['>= 7.0.0, < 7.5.2', '7.5.2']],
      [7, ['>= 7.0.0, < 7.5.2', '7.5.2']]
    ])
    expect(findings[0]!.message).toContain('[moderate]')
  })

  test('ignore by id or alias with a reason; an expired ignore reports the advisory again and says so', async () => {
    const yaml = (expires: string): string => `advisories:\n  ignore:\n    - id: CVE-2025-32434\n      reason: models are only loaded from our own signed registry\n      expires: ${expires}\n`
    const now = new Date('2025-06-01T12:00:00Z')
    const kept = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(yaml('2025-06-01')), mode: 'tree', source: source(), now })
    expect(kept.findings).toEqual([])
    expect(kept.matches[0]).toMatchObject({ status: 'affected', severity: null, ignored: { id: 'CVE-2025-32434', expired: false } })

    const lapsed = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(yaml('2025-05-31')), mode: 'tree', source: source(), now })
    expect(brief(lapsed.findings)).toEqual(['requirements.txt:1 vulnerable-dependency error'])
    expect(lapsed.findings[0]!.message).toMatch(/The ignore entry for it \("models are only loaded from our own signed registry"\) expired on 2025-05-31\.$/)
  })

  test('ignores apply to unresolved ranges too', async () => {
    const { findings } = await assessAdvisories({
      dependencies: [dependency('torch', null, { specifier: '>=2.0', pinned: false })],
      config: config('advisories:\n  ignore:\n    - id: GHSA-53q9-r3pm-6pq6\n      reason: accepted\n'),
      mode: 'tree',
      source: source()
    })
    expect(findings).toEqual([])
  })
})

describe('the source failing is advisories-unavailable, never a pass and never a crash', () => {
  test('HTTP 503 on the batch: a warning per manifest; an error with advisories.required', async () => {
    const deps = [dependency('torch', '2.5.1', { line: 1 }), dependency('transformers', '4.40.0', { line: 2 }), dependency('semver', '7.5.1', { ecosystem: 'npm', path: 'package-lock.json', line: 4 })]
    osv.failNext('querybatch', 503)
    const out = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(out.findings).toEqual([
      {
        rule: 'advisories-unavailable',
        severity: 'warning',
        path: 'requirements.txt',
        line: null,
        message: `Known vulnerabilities could not be checked for 2 dependencies in this file (torch 2.5.1, transformers 4.40.0): the OSV API at ${osv.url} could not be queried (HTTP 503 for POST /v1/querybatch). They are not counted as safe.`,
        fix: 'Re-run when the advisory source is reachable, choose another with advisories.source / advisories.osv-url, or give local OSV records (advisories.path, --advisories) for offline runs.'
      },
      expect.objectContaining({ rule: 'advisories-unavailable', severity: 'warning', path: 'package-lock.json', line: 4 })
    ])
    osv.failNext('querybatch', 500)
    const required = await assessAdvisories({ dependencies: deps, config: config('advisories:\n  required: true\n'), mode: 'tree', source: source() })
    expect(brief(required.findings)).toEqual(['requirements.txt:- advisories-unavailable error', 'package-lock.json:4 advisories-unavailable error'])
  })

  test('a broken answer, an unreachable host, and a record that cannot be fetched', async () => {
    const deps = [dependency('torch', '2.5.1')]
    osv.failNext('querybatch', 'garbage')
    expect((await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })).findings[0]!.message).toContain('is not JSON')

    const closed = await startFakeOsv({ records: [] })
    await closed.close()
    const down = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: { kind: 'osv', url: closed.url } })
    expect(brief(down.findings)).toEqual(['requirements.txt:1 advisories-unavailable warning'])
    expect(down.findings[0]!.message).toContain('could not be queried (fetch failed)')

    osv.failNext('vulns', 500, 2)
    const noRecord = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(brief(noRecord.findings)).toEqual(['requirements.txt:1 advisories-unavailable warning'])
    expect(noRecord.findings[0]!.message).toContain('lists GHSA-53q9-r3pm-6pq6, PYSEC-2025-41 for this version, but the record could not be read (HTTP 500 for GET /v1/vulns/GHSA-53q9-r3pm-6pq6)')
  })

  test('a batch answer with the wrong number of results is refused', async () => {
    const wrong = await startFakeOsv({ records: [] })
    const fakeFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      return String(input).endsWith('/v1/querybatch') ? new Response(JSON.stringify({ results: [] }), { status: 200 }) : res
    }
    const out = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'osv', url: wrong.url, fetch: fakeFetch } })
    await wrong.close()
    expect(out.findings[0]!.message).toContain('answered 0 results for 1 queries')
  })
})

describe('batching and caching', () => {
  test('a 500-dependency lock file is one /v1/querybatch request', async () => {
    const deps = await inventory({ 'uv.lock': uvLock500() })
    expect(deps).toHaveLength(500)
    const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(brief(findings)).toEqual(['uv.lock:4 vulnerable-dependency error'])
    expect(osv.count('querybatch')).toBe(1)
    expect((osv.requests[0]!.body as { queries: unknown[] }).queries).toHaveLength(500)
    expect(osv.count('vulns')).toBe(2)
  })

  test('more than 1000 packages: batches of 1000 (OSV’s limit)', async () => {
    const deps = Array.from({ length: 2001 }, (_, i) => dependency(`pkg-${i}`, '1.0.0', { line: i + 1 }))
    await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
    expect(osv.requests.map((r) => (r.body as { queries: unknown[] }).queries.length)).toEqual([1000, 1000, 1])
  })

  test('answers and records are cached per run; duplicate packages are asked once', async () => {
    const cache = new AdvisoryCache()
    const deps = [dependency('torch', '2.5.1', { line: 1 }), dependency('torch', '2.5.1', { path: 'uv.lock', line: 7 }), dependency('Torch', '2.5.1', { path: 'ci/requirements.txt' })]
    const first = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source(), cache })
    expect(brief(first.findings)).toEqual(['requirements.txt:1 vulnerable-dependency error', 'uv.lock:7 vulnerable-dependency error', 'ci/requirements.txt:1 vulnerable-dependency error'])
    expect(osv.requests.map((r) => r.path)).toEqual(['/v1/querybatch', '/v1/vulns/GHSA-53q9-r3pm-6pq6', '/v1/vulns/PYSEC-2025-41'])
    expect((osv.requests[0]!.body as { queries: unknown[] }).queries).toHaveLength(1)
    osv.clear()
    await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source(), cache })
    expect(osv.requests).toEqual([])
  })

  test('paged answers (next_page_token) are followed in a second batch', async () => {
    const paged = await startFakeOsv({ records: fixtureRecords(), pageSize: 1 })
    const { matches } = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'osv', url: paged.url } })
    expect(paged.requests.map((r) => r.body)).toEqual([
      { queries: [{ package: { ecosystem: 'PyPI', name: 'torch' }, version: '2.5.1' }] },
      { queries: [{ package: { ecosystem: 'PyPI', name: 'torch' }, version: '2.5.1', page_token: '1' }] },
      undefined,
      undefined
    ])
    await paged.close()
    expect(matches.map((m) => m.advisory.id)).toEqual(['GHSA-53q9-r3pm-6pq6'])
  })

  test('nothing to check: no request at all (hub references, VCS and path requirements, removed lines are skipped)', async () => {
    const deps = [
      dependency('org/model', 'a'.repeat(40), { ecosystem: 'huggingface' }),
      dependency('peft', 'b'.repeat(40), { specifier: 'git+https://github.com/huggingface/peft@' + 'b'.repeat(40), purl: 'pkg:pypi/peft?vcs_url=git%2Bhttps' }),
      dependency('local', null, { specifier: 'file:./local' }),
      dependency('torch', '2.5.1', { change: 'removed' })
    ]
    expect(await assessAdvisories({ dependencies: deps, config: config(), mode: 'change', source: source() })).toEqual({ findings: [], matches: [] })
    expect(osv.requests).toEqual([])
  })

  test('source off: nothing is asked and nothing reported', async () => {
    expect(await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'off' } })).toEqual({ findings: [], matches: [] })
    expect(osv.requests).toEqual([])
  })
})

test('a pin in a parent folder settles a range only when it is a lock file', async () => {
  const deps = await inventory({
    'requirements.txt': 'torch==2.6.0\n',
    'train/requirements.txt': 'torch>=2.0\n',
    'pkg/package-lock.json': JSON.stringify({ name: 'web', lockfileVersion: 3, packages: { '': { name: 'web' }, 'node_modules/semver': { version: '7.5.4' } } }),
    'pkg/app/package.json': JSON.stringify({ name: 'app', dependencies: { semver: '^7.0.0' } })
  })
  const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: source() })
  expect(brief(findings)).toEqual(['train/requirements.txt:1 vulnerable-dependency note'])
})
