import http from 'node:http'
import type { AddressInfo } from 'node:net'
import full from 'spdx-license-list/full.js'
import { assessLicenses } from '../../src/licenses/assess.js'
import { PackageIndex } from '../../src/licenses/package-index.js'
import { registryOptions } from '../../src/licenses/registry-options.js'
import { scan } from '../../src/engine/scan.js'
import { fsTreeReader } from '../../src/verify/tree-reader.js'
import { makeTree } from '../support/tree.js'
import { config, dependency } from './helpers.js'

/** A loopback stand-in for PyPI's JSON API and the npm registry: never the network. */
const ROUTES: Record<string, unknown> = {
  '/pypi/torch/2.1.0/json': { info: { license: 'BSD-3-Clause', license_expression: null, classifiers: ['License :: OSI Approved :: BSD License'] } },
  '/pypi/newpkg/1.0/json': { info: { license_expression: 'Apache-2.0 OR MIT', license: null, classifiers: [] } },
  '/pypi/oldpkg/json': { info: { license: 'UNKNOWN', classifiers: ['Programming Language :: Python', 'License :: OSI Approved :: MIT License'] } },
  '/pypi/textpkg/1.0/json': { info: { license: full['Apache-2.0']!.licenseText, classifiers: [] } },
  '/pypi/gplpkg/1.0/json': { info: { license: '', classifiers: ['License :: OSI Approved :: GNU General Public License v3 (GPLv3)'] } },
  '/pypi/apachepkg/1.0/json': { info: { license: null, classifiers: ['License :: OSI Approved :: Apache Software License'] } },
  '/pypi/nolicense/1.0/json': { info: { license: '', classifiers: [] } },
  '/pypi/bsdfamily/1.0/json': { info: { license: null, classifiers: ['License :: OSI Approved :: BSD License'] } },
  '/pypi/ncmit/1.0/json': { info: { license: 'CC-BY-NC-4.0, MIT', classifiers: ['License :: OSI Approved :: MIT License'] } },
  '/pypi/looseapache/1.0/json': { info: { license: 'Apache', classifiers: ['License :: OSI Approved :: Apache Software License'] } },
  '/pypi/notice/1.0/json': { info: { license: 'Copyright 2018 Databricks, Inc.  All rights reserved.', classifiers: ['License :: OSI Approved :: Apache Software License'] } },
  '/pypi/ownername/1.0/json': { info: { license: 'The MIT License (Microsoft)', classifiers: ['License :: OSI Approved :: MIT License'] } },
  '/pypi/proprietary/1.0/json': { info: { license: null, classifiers: ['License :: Other/Proprietary License', 'License :: OSI Approved :: MIT License'] } },
  '/pypi/proponly/1.0/json': { info: { license: null, classifiers: ['License :: Other/Proprietary License'] } },
  '/pypi/twoopen/1.0/json': { info: { license: '', classifiers: ['License :: OSI Approved :: MIT License', 'License :: OSI Approved :: Apache Software License'] } },
  '/pypi/newbsd/1.0/json': { info: { license: 'new BSD', classifiers: ['License :: OSI Approved :: BSD License'] } },
  '/@tensorflow%2Ftfjs/4.22.0': { name: '@tensorflow/tfjs', license: 'Apache-2.0' },
  '/onnxruntime-web/latest': { name: 'onnxruntime-web', license: { type: 'MIT', url: 'x' } },
  '/legacy/1.0.0': { name: 'legacy', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }
}

/** A chunked answer (no content-length) that never ends: only a reader that stops at its cap gets past it. */
const stream = { sent: 0, closed: Promise.resolve() }
function endless(res: http.ServerResponse): void {
  inFlight--
  stream.sent = 0
  stream.closed = new Promise((resolve) => res.on('close', () => resolve()))
  res.writeHead(200, { 'content-type': 'application/json' })
  res.write('{"info": {"license": "')
  const chunk = 'a'.repeat(16 * 1024)
  const pump = (): void => {
    while (!res.destroyed) {
      stream.sent += chunk.length
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
  }
  pump()
}

let server: http.Server
let base = ''
const hits: string[] = []
let inFlight = 0
let maxInFlight = 0

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!)
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    // A little latency so concurrent requests overlap.
    if (req.url === '/pypi/endless/1.0/json') return endless(res)
    if (req.url === '/pypi/huge/1.0/json') return res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(200_000) }).end(`{"info":{"license":"${'a'.repeat(200_000 - 24)}"}}`)
    setTimeout(() => {
      inFlight--
      if (req.url === '/pypi/broken/1.0/json') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"info": ')
      if (req.url === '/pypi/down/1.0/json') return res.writeHead(503).end('busy')
      const body = ROUTES[req.url!]
      if (!body) return res.writeHead(404).end('not found')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }, 20)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  hits.length = 0
  maxInFlight = 0
})

const short = (a: Awaited<ReturnType<PackageIndex['lookup']>>): string => (a.ok ? `${a.license?.state ?? 'none'} ${a.license?.expression ?? a.license?.note ?? ''}` : `failed: ${a.reason}`)

test('PyPI: license_expression, license, full license text, classifiers (OR), UNKNOWN ignored', async () => {
  const index = new PackageIndex({ pypiUrl: base })
  expect(short(await index.lookup(dependency('newpkg', '1.0')))).toBe('known Apache-2.0 OR MIT')
  expect(short(await index.lookup(dependency('torch', '2.1.0')))).toBe('known BSD-3-Clause')
  expect(short(await index.lookup(dependency('oldpkg', null)))).toBe('known MIT')
  expect(short(await index.lookup(dependency('textpkg', '1.0')))).toBe('known Apache-2.0')
  expect(short(await index.lookup(dependency('gplpkg', '1.0')))).toBe('known GPL-3.0-only')
  expect(await index.lookup(dependency('apachepkg', '1.0'))).toMatchObject({ ok: true, license: { expression: 'Apache-2.0', note: 'the classifier `Apache Software License` names no version; read as Apache-2.0' } })
  expect(short(await index.lookup(dependency('nolicense', '1.0')))).toBe('none ')
  expect(short(await index.lookup(dependency('bsdfamily', '1.0')))).toBe('unknown The classifier `License :: OSI Approved :: BSD License` does not name one license.')
  expect(hits.sort()).toEqual(
    ['/pypi/apachepkg/1.0/json', '/pypi/bsdfamily/1.0/json', '/pypi/gplpkg/1.0/json', '/pypi/newpkg/1.0/json', '/pypi/nolicense/1.0/json', '/pypi/oldpkg/json', '/pypi/textpkg/1.0/json', '/pypi/torch/2.1.0/json']
  )
})

test('PyPI fails closed: an unreadable `license` field is not settled by the classifiers; a proprietary classifier is no alternative', async () => {
  const index = new PackageIndex({ pypiUrl: base })
  expect(short(await index.lookup(dependency('ncmit', '1.0')))).toBe(
    'unknown The `license` field `CC-BY-NC-4.0, MIT` cannot be read as a license (`CC-BY-NC-4.0, MIT` joins licenses with `,`, which SPDX does not define (do all of them apply, or may one be chosen?); write `CC-BY-NC-4.0 AND MIT` if all of them apply or `CC-BY-NC-4.0 OR MIT` if one may be chosen); the classifiers say MIT, which does not settle it: the field may add or change terms.'
  )
  expect(short(await index.lookup(dependency('ownername', '1.0')))).toBe(
    'unknown The `license` field `The MIT License (Microsoft)` cannot be read as a license (`The MIT License (Microsoft)` is not an SPDX license expression or a Hugging Face license id); the classifiers say MIT, which does not settle it: the field may add or change terms.'
  )
  // A field that only names the classifiers' license loosely, or only says who holds the copyright, is settled by them.
  expect(short(await index.lookup(dependency('looseapache', '1.0')))).toBe('known Apache-2.0')
  expect(short(await index.lookup(dependency('notice', '1.0')))).toBe('known Apache-2.0')
  expect(short(await index.lookup(dependency('newbsd', '1.0')))).toBe('known BSD-3-Clause')
  expect(short(await index.lookup(dependency('proprietary', '1.0')))).toBe(
    'unknown The classifiers name a proprietary license (`Other/Proprietary License`) beside MIT: whether the open license may be chosen, or the proprietary terms also apply, is not said.'
  )
  expect(short(await index.lookup(dependency('proponly', '1.0')))).toBe('known LicenseRef-Proprietary')
  expect(short(await index.lookup(dependency('twoopen', '1.0')))).toBe('known MIT OR Apache-2.0')
})

test('npm: license string, legacy object and list, scoped names, latest for unpinned', async () => {
  const index = new PackageIndex({ npmUrl: `${base}/` })
  expect(short(await index.lookup(dependency('@tensorflow/tfjs', '4.22.0', { ecosystem: 'npm' })))).toBe('known Apache-2.0')
  expect(short(await index.lookup(dependency('onnxruntime-web', null, { ecosystem: 'npm' })))).toBe('known MIT')
  expect(short(await index.lookup(dependency('legacy', '1.0.0', { ecosystem: 'npm' })))).toBe('known MIT OR Apache-2.0')
  expect(hits).toEqual(['/@tensorflow%2Ftfjs/4.22.0', '/onnxruntime-web/latest', '/legacy/1.0.0'])
})

test('failures become "unknown" answers, never throws', async () => {
  const index = new PackageIndex({ pypiUrl: base, timeoutMs: 2000 })
  expect(short(await index.lookup(dependency('missing', '1.0')))).toBe('failed: the package index answered HTTP 404')
  expect(short(await index.lookup(dependency('down', '1.0')))).toBe('failed: the package index answered HTTP 503')
  expect(short(await index.lookup(dependency('broken', '1.0')))).toMatch(/^failed: the package index could not be read \(.*JSON.*\)$/)
  const refused = new PackageIndex({ pypiUrl: 'http://127.0.0.1:1' })
  expect(short(await refused.lookup(dependency('torch', '2.1.0')))).toMatch(/^failed: the package index could not be read \(/)
  const git = dependency('mylib', null, { specifier: 'git+https://github.com/x/mylib@abc', purl: 'pkg:pypi/mylib?vcs_url=git%2Bhttps' })
  expect(short(await index.lookup(git))).toBe('failed: the dependency is not installed from the package index')
  expect(short(await index.lookup(dependency('x', null, { ecosystem: 'conda' })))).toBe('failed: ModelGate does not look up conda licenses')
})

test('one request per package version per run, and at most `concurrency` in flight', async () => {
  const index = new PackageIndex({ pypiUrl: base, concurrency: 2 })
  const names = ['newpkg', 'gplpkg', 'nolicense', 'bsdfamily', 'textpkg', 'apachepkg']
  const deps = [...names, ...names].map((n) => dependency(n, '1.0'))
  await Promise.all(deps.map((d) => index.lookup(d)))
  expect(hits).toHaveLength(6)
  expect(maxInFlight).toBe(2)
})

test('offline: nothing is asked, dependencies are unknown, and no finding is raised', async () => {
  const root = await makeTree({ 'requirements.txt': 'torch==2.1.0\n' })
  const r = await assessLicenses({
    artifacts: [],
    dependencies: [dependency('torch', '2.1.0')],
    config: config('licenses:\n  allow: [MIT]'),
    tree: fsTreeReader(root),
    registry: { pypiUrl: base, offline: true }
  })
  expect(hits).toEqual([])
  expect(r.licenses.get('pkg:pypi/torch@2.1.0')).toMatchObject({ state: 'unknown', expression: null, reason: 'offline: the package index was not consulted.' })
  expect(r.findings).toEqual([])
})

test('assessLicenses with the fake index: findings land on the manifest line', async () => {
  const root = await makeTree({ 'requirements.txt': 'x\n' })
  const deps = [
    dependency('gplpkg', '1.0', { line: 3 }),
    dependency('newpkg', '1.0', { line: 4 }),
    dependency('nolicense', '1.0', { line: 5 }),
    dependency('bsdfamily', '1.0', { line: 6 }),
    dependency('missing', '1.0', { line: 7 }),
    dependency('torch', '2.1.0', { line: 8, ml: false }),
    dependency('oldpkg', null, { line: 9, change: 'unchanged' })
  ]
  const r = await assessLicenses({ artifacts: [], dependencies: deps, config: config('licenses:\n  deny: [GPL-3.0-only]'), tree: fsTreeReader(root), registry: { pypiUrl: base } })
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    'license-denied error requirements.txt:3 The package index declares `License :: OSI Approved :: GNU General Public License v3 (GPLv3)`, read as GPL-3.0-only, which the license policy denies (GPL-3.0-only in licenses.deny). Applies to `pkg:pypi/gplpkg@1.0`.',
    'license-missing warning requirements.txt:5 No license found for this dependency: The package index has no license for nolicense 1.0. Applies to `pkg:pypi/nolicense@1.0`.',
    'license-unknown warning requirements.txt:6 The license of this dependency cannot be read as an SPDX license: The classifier `License :: OSI Approved :: BSD License` does not name one license. Applies to `pkg:pypi/bsdfamily@1.0`.'
  ])
  expect([...r.licenses.keys()]).toEqual(['pkg:pypi/gplpkg@1.0', 'pkg:pypi/newpkg@1.0', 'pkg:pypi/nolicense@1.0', 'pkg:pypi/bsdfamily@1.0', 'pkg:pypi/missing@1.0'])
  expect(r.licenses.get('pkg:pypi/newpkg@1.0')).toMatchObject({ state: 'known', expression: 'Apache-2.0 OR MIT', source: { source: 'package-index', path: `${base}/pypi/newpkg/1.0/json` } })
  expect(r.licenses.get('pkg:pypi/missing@1.0')).toMatchObject({ state: 'unknown', reason: 'the package index answered HTTP 404.' })
})

test('through the engine: a library license the index declares is on the dependency and its BOM component', async () => {
  const { scan } = await import('../../src/engine/scan.js')
  const { serializeBom } = await import('../../src/bom/cyclonedx.js')
  const root = await makeTree({ 'requirements.txt': 'newpkg==1.0\ntorch==2.1.0\n' })
  const { report } = await scan({ root, failOn: 'never', registry: { pypiUrl: base } })
  // newpkg is not an ML package, so only torch is looked up
  expect(report.dependencies.map((d) => [d.name, d.license ?? null])).toEqual([
    ['newpkg', null],
    ['torch', 'BSD-3-Clause']
  ])
  const bom = JSON.parse(serializeBom(report, { subject: 'x', format: 'json', now: new Date(0) }))
  expect(bom.components.find((c: { purl?: string }) => c.purl === 'pkg:pypi/torch@2.1.0').licenses).toEqual([{ license: { id: 'BSD-3-Clause' } }])
})

test('a chunked answer larger than the cap is cut off at the cap, never read to its end', async () => {
  const index = new PackageIndex({ pypiUrl: base, maxBodyBytes: 64 * 1024 })
  expect(short(await index.lookup(dependency('endless', '1.0')))).toBe('failed: the package index answer is larger than 64 KiB, so it was not read')
  // The reader hung up: the server's endless stream ends with the connection.
  await stream.closed
  expect(stream.sent).toBeGreaterThan(64 * 1024)
  // A declared content-length over the cap is refused before reading.
  expect(short(await index.lookup(dependency('huge', '1.0')))).toBe('failed: the package index answer is larger than 64 KiB, so it was not read')
  // Through the license check: unknown, and (an outage is not evidence) no finding.
  const r = await assessLicenses({ artifacts: [], dependencies: [dependency('endless', '1.0')], config: config('licenses:\n  allow: [MIT]'), tree: fsTreeReader(await makeTree({})), registry: { pypiUrl: base, maxBodyBytes: 64 * 1024 } })
  expect(r.licenses.get('pkg:pypi/endless@1.0')).toMatchObject({ state: 'unknown', reason: 'the package index answer is larger than 64 KiB, so it was not read.' })
  expect(r.findings).toEqual([])
})

test('registry options: the config decides unless the caller says otherwise; the caller keeps the config URLs', () => {
  expect(registryOptions(config().licenses)).toEqual({ offline: true })
  expect(registryOptions(config('licenses:\n  lookups: true').licenses)).toEqual({ offline: false })
  const urls = config('licenses:\n  pypi-url: https://pypi.internal.example/root\n  npm-url: https://npm.internal.example')
  expect(registryOptions(urls.licenses)).toEqual({ pypiUrl: 'https://pypi.internal.example/root', npmUrl: 'https://npm.internal.example', offline: true })
  // The CLI's --online passes {}.
  expect(registryOptions(urls.licenses, {})).toEqual({ pypiUrl: 'https://pypi.internal.example/root', npmUrl: 'https://npm.internal.example' })
  expect(registryOptions(config('licenses:\n  lookups: true').licenses, { offline: true })).toEqual({ offline: true })
})

describe('through the engine: `licenses.lookups` and the index URLs in .modelgate.yml', () => {
  const files = { 'requirements.txt': 'torch==2.1.0\n', 'package.json': JSON.stringify({ name: 'app', dependencies: { '@tensorflow/tfjs': '4.22.0' } }) }
  const licenses = (deps: { name: string; license?: string }[]) => deps.map((d) => [d.name, d.license ?? null])

  test('lookups: true with pypi-url and npm-url: the action and the bot (which pass no registry) ask the configured indexes', async () => {
    const root = await makeTree({ ...files, '.modelgate.yml': `licenses:\n  lookups: true\n  pypi-url: ${base}\n  npm-url: ${base}/\n` })
    const { report } = await scan({ root, failOn: 'never' })
    expect(licenses(report.dependencies)).toEqual([
      ['@tensorflow/tfjs', 'Apache-2.0'],
      ['torch', 'BSD-3-Clause']
    ])
    expect(hits.sort()).toEqual(['/@tensorflow%2Ftfjs/4.22.0', '/pypi/torch/2.1.0/json'])
  })

  test('the CLI flag (--online: registry {}) switches lookups on and uses the configured URLs', async () => {
    const root = await makeTree({ ...files, '.modelgate.yml': `licenses:\n  pypi-url: ${base}\n  npm-url: ${base}\n` })
    const { report } = await scan({ root, failOn: 'never', registry: {} })
    expect(licenses(report.dependencies)).toEqual([
      ['@tensorflow/tfjs', 'Apache-2.0'],
      ['torch', 'BSD-3-Clause']
    ])
    expect(hits).toHaveLength(2)
  })

  test('neither: nothing is asked', async () => {
    const root = await makeTree({ ...files, '.modelgate.yml': `licenses:\n  pypi-url: ${base}\n` })
    const { report } = await scan({ root, failOn: 'never' })
    expect(licenses(report.dependencies)).toEqual([
      ['@tensorflow/tfjs', null],
      ['torch', null]
    ])
    expect(hits).toEqual([])
  })
})
