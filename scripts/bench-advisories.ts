// node --import tsx scripts/bench-advisories.ts: advisories for a 500-package uv.lock against a
// loopback OSV API built from the real advisory fixtures. Prints how many requests the fake saw
// (one /v1/querybatch for all packages, then one record per advisory id that may apply) and the time.
// BENCH_PACKAGES (default 500) and BENCH_LATENCY_MS (per response, default 20) vary the run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { scan } from '../src/engine/scan.js'
import { DEFAULT_CONFIG } from '../src/config/schema.js'
import { assessAdvisories } from '../src/advisories/index.js'
import { fixtureRecords, startFakeOsv } from '../__tests__/advisories/support/fake-osv.js'

const PACKAGES = Number(process.env.BENCH_PACKAGES ?? 500)
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20)

const pkg = (name: string, version: string): string => `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "https://pypi.org/simple" }\n`
const lock = ['version = 1\nrequires-python = ">=3.10"\n', pkg('torch', '2.5.1'), pkg('transformers', '4.40.0'), ...Array.from({ length: PACKAGES - 2 }, (_, i) => pkg(`pkg-${i}`, `1.${i}.0`))].join('\n')

const root = await mkdtemp(path.join(os.tmpdir(), 'modelgate-bench-advisories-'))
const osv = await startFakeOsv({ records: fixtureRecords(), latencyMs: LATENCY })
try {
  await writeFile(path.join(root, 'uv.lock'), lock)
  const { report } = await scan({ root, failOn: 'never' })
  const started = performance.now()
  const { findings } = await assessAdvisories({ dependencies: report.dependencies, config: DEFAULT_CONFIG, mode: 'tree', source: { kind: 'osv', url: osv.url } })
  const ms = performance.now() - started
  const batches = osv.count('querybatch')
  const records = osv.count('vulns')
  console.log(`dependencies in uv.lock:      ${report.dependencies.length}`)
  console.log(`/v1/querybatch requests:      ${batches} (${(osv.requests[0]?.body as { queries?: unknown[] } | undefined)?.queries?.length ?? 0} queries in the first)`)
  console.log(`/v1/vulns/{id} requests:      ${records}`)
  console.log(`all requests:                 ${osv.requests.length}`)
  console.log(`findings:                     ${findings.map((f) => `${f.path}:${f.line} ${f.rule} ${f.severity}`).join(', ')}`)
  console.log(`time (latency ${LATENCY} ms/answer): ${ms.toFixed(1)} ms`)
  if (batches !== Math.ceil(PACKAGES / 1000)) {
    console.error(`expected ${Math.ceil(PACKAGES / 1000)} batch request(s), saw ${batches}`)
    process.exitCode = 1
  }
} finally {
  await osv.close()
  await rm(root, { recursive: true, force: true })
}
