import { createGitHubClient } from '../../src/github/client.js'
import { assessAdvisories, AdvisoryCache } from '../../src/advisories/index.js'
import { advisory, startFakeGitHub, validateResponse, type FakeGitHub } from '../support/fake-github/index.js'
import { semverAdvisory, torchAdvisory, transformersAdvisory } from './support/github-records.js'
import { brief, changeInventory, config, dependency, inventory } from './helpers.js'

const TOKEN = 'ghs_advisoriesTest'

let gh: FakeGitHub
beforeEach(async () => {
  gh = await startFakeGitHub({ seed: { owner: 'octo-org', repo: 'models', token: TOKEN, advisories: [torchAdvisory(), transformersAdvisory(), semverAdvisory()] } })
})
afterEach(async () => {
  await gh.close()
  // every request valid for GitHub, every answer valid against GitHub's schema
  expect(gh.violations).toEqual([])
  for (const r of gh.requests) {
    const op = r.route ? gh.index.operations[r.route] : undefined
    if (!op || r.response === undefined || op.responses[String(r.status)] === undefined) continue
    expect({ op: op.operationId, errors: validateResponse(op, r.status, r.response) }).toEqual({ op: op.operationId, errors: [] })
  }
})

const client = (): ReturnType<typeof createGitHubClient> => createGitHubClient({ token: TOKEN, baseUrl: gh.url, log: () => {} })

test('torch==2.5.1 flagged from the global advisory database, 2.6.0 not, a range unresolved; one request per ecosystem', async () => {
  const deps = [
    ...(await inventory({ 'requirements.txt': 'torch==2.5.1\ntransformers==4.48.0\n', 'serve/requirements.txt': 'torch==2.6.0\n', 'train/requirements.txt': 'torch>=2.0\n' })),
    dependency('semver', '6.3.0', { ecosystem: 'npm', path: 'web/package-lock.json', line: 12 })
  ]
  const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: { kind: 'github', client: client() } })
  expect(brief(findings)).toEqual(['requirements.txt:1 vulnerable-dependency error', 'train/requirements.txt:1 vulnerable-dependency note', 'web/package-lock.json:12 vulnerable-dependency warning'])
  expect(findings[0]!.message).toBe(
    'torch 2.5.1 is affected by GHSA-53q9-r3pm-6pq6 (CVE-2025-32434) [critical]: PyTorch: `torch.load` with `weights_only=True` leads to remote code execution. Affected versions: < 2.6.0; fixed in 2.6.0.'
  )
  expect(findings[1]!.message).toContain('torch>=2.0 is unresolved')
  expect(findings[2]!.message).toContain('semver 6.3.0 is affected by GHSA-c2qf-rxjj-qqgw (CVE-2022-25883) [moderate]')
  expect(findings[2]!.message).toContain('Affected versions: >= 6.0.0, < 6.3.1; fixed in 6.3.1.')
  expect(gh.operations()).toEqual(['security-advisories/list-global-advisories', 'security-advisories/list-global-advisories'])
  // A bare name covers every pin of the package; pins of other packages carry their version.
  expect(gh.requests.map((r) => r.query)).toEqual([
    { ecosystem: 'pip', affects: 'torch,transformers@4.48.0', per_page: '100' },
    { ecosystem: 'npm', affects: 'semver@6.3.0', per_page: '100' }
  ])
  expect(gh.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true)
})

test('change mode: the bump to 2.6.0 passes', async () => {
  const deps = await changeInventory({ 'requirements.txt': 'torch==2.5.1\n' }, { 'requirements.txt': 'torch==2.6.0\n' })
  const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'change', source: { kind: 'github', client: client() } })
  expect(findings).toEqual([])
  expect(gh.requests.map((r) => r.query.affects)).toEqual(['torch@2.6.0'])
})

test('many packages: affects split at GitHub’s limits, results paged with the cursor', async () => {
  const many = Array.from({ length: 150 }, (_, i) =>
    advisory({ ghsa_id: `GHSA-tes${String(i).padStart(1, '0')}-xxxx-yyyy`, package: 'tensorflow', vulnerable_version_range: '< 9.0.0', first_patched_version: '9.0.0', severity: 'low' })
  )
  gh.state.advisories.push(...many)
  const deps = [dependency('tensorflow', '2.15.0'), ...Array.from({ length: 1499 }, (_, i) => dependency(`package-number-${i}`, '1.0.0', { line: i + 2 }))]
  const { findings } = await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: { kind: 'github', client: client() } })
  expect(findings).toHaveLength(150)
  expect(new Set(findings.map((f) => f.severity))).toEqual(new Set(['note']))
  const terms = gh.requests.filter((r) => !r.query.after).map((r) => String(r.query.affects).split(','))
  expect(terms.flat()).toHaveLength(1500)
  for (const t of terms) {
    expect(t.length).toBeLessThanOrEqual(1000)
    expect(encodeURIComponent(t.join(',')).length).toBeLessThanOrEqual(6000)
  }
  // the chunk with tensorflow pages through 150 advisories: 100 + 50
  expect(gh.requests.filter((r) => r.query.after)).toHaveLength(1)
})

test('a rate limit that outlasts the job is advisories-unavailable (error when required), not a crash', async () => {
  gh.failNext({ route: 'security-advisories/list-global-advisories', kind: 'rate-limit', retryAfter: 3600, times: Infinity })
  const deps = [dependency('torch', '2.5.1')]
  const out = await assessAdvisories({ dependencies: deps, config: config('advisories:\n  required: true\n'), mode: 'tree', source: { kind: 'github', client: client() } })
  expect(brief(out.findings)).toEqual(['requirements.txt:1 advisories-unavailable error'])
  expect(out.findings[0]!.message).toContain("GitHub's advisory database could not be queried (HTTP 403")
})

test('local records are used alongside GitHub and a GitHub failure still reports what they match', async () => {
  gh.failNext({ route: 'security-advisories/list-global-advisories', kind: 'server-error', status: 404, times: Infinity })
  const { FIXTURES } = await import('./support/fake-osv.js')
  const out = await assessAdvisories({ dependencies: [dependency('torch', '2.5.1')], config: config(), mode: 'tree', source: { kind: 'github', client: client() }, files: [FIXTURES] })
  expect(brief(out.findings)).toEqual(['requirements.txt:1 vulnerable-dependency error', 'requirements.txt:1 advisories-unavailable warning'])
})

test('answers are cached per run', async () => {
  const cache = new AdvisoryCache()
  const c = client()
  const deps = [dependency('torch', '2.5.1')]
  await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: { kind: 'github', client: c }, cache })
  await assessAdvisories({ dependencies: deps, config: config(), mode: 'tree', source: { kind: 'github', client: c }, cache })
  expect(gh.requests).toHaveLength(1)
})
