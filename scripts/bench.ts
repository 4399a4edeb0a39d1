// npm run bench: ModelGate's scan of large generated models, as a throughput ratio against
// `openssl dgst -sha256` on the same file in the same run, with peak RSS.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bulkPickle, denseFloatPickle, safetensorsFile, torchZip } from './bench-fixtures.js'

const GiB = 1024 ** 3
const SIZE = Number(process.env.BENCH_BYTES ?? GiB)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const repo = path.resolve(import.meta.dirname, '..')
const work = path.join(repo, '.bench')
const rssFile = path.join(os.tmpdir(), `modelgate-bench-rss-${process.pid}`)
const cli = process.env.BENCH_CLI ?? path.join(repo, 'dist', 'cli.js')

interface Case {
  name: string
  file: string
  make: () => void
}
const cases: Case[] = [
  { name: 'safetensors, 1 GiB (identify + SHA-256)', file: 'safetensors/model.safetensors', make: () => safetensorsFile(path.join(work, 'safetensors/model.safetensors'), SIZE) },
  { name: 'bulk pickle, 1 GiB BINBYTES8 (scan + SHA-256)', file: 'bulk/model.pkl', make: () => bulkPickle(path.join(work, 'bulk/model.pkl'), SIZE) },
  { name: 'torch zip, 1 GiB storage (members + SHA-256)', file: 'torchzip/pytorch_model.bin', make: () => torchZip(path.join(work, 'torchzip/pytorch_model.bin'), SIZE) },
  { name: 'torch zip, 64 MiB storage (same layout)', file: 'torchzip-small/pytorch_model.bin', make: () => torchZip(path.join(work, 'torchzip-small/pytorch_model.bin'), 64 * 1024 * 1024) },
  { name: 'opcode-dense pickle, 5M floats', file: 'dense/floats.pkl', make: () => denseFloatPickle(path.join(work, 'dense/floats.pkl'), 5_000_000) }
]

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env, maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stdout.toString().slice(0, 400)}`)
  return Number(process.hrtime.bigint() - start) / 1e9
}

const best = (xs: number[]) => Math.min(...xs)
console.log(`ModelGate benchmark: best of ${RUNS}, page cache warm, ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
console.log('case'.padEnd(48), 'size'.padStart(9), 'openssl'.padStart(9), 'modelgate'.padStart(10), 'ratio'.padStart(7), 'peak RSS'.padStart(10), ' notes')
for (const c of cases) {
  c.make()
  const file = path.join(work, c.file)
  const size = statSync(file).size
  timed('openssl', ['dgst', '-sha256', file])
  const openssl: number[] = []
  const ours: number[] = []
  let peakKiB = 0
  let notes = ''
  for (let i = 0; i < RUNS; i++) {
    openssl.push(timed('openssl', ['dgst', '-sha256', file]))
    ours.push(timed(process.execPath, ['--import', path.join(repo, 'scripts', 'bench-rss.mjs'), cli, 'scan', path.dirname(file), '--format', 'json', '--fail-on', 'never'], { ...process.env, BENCH_RSS_FILE: rssFile }))
    peakKiB = Math.max(peakKiB, Number(readFileSync(rssFile, 'utf8')))
  }
  const report = JSON.parse(spawnSync(process.execPath, [cli, 'scan', path.dirname(file), '--format', 'json', '--fail-on', 'never'], { maxBuffer: 64 << 20 }).stdout.toString()) as { findings: { rule: string }[]; artifacts: { facts: Record<string, unknown> }[] }
  notes = report.findings.length === 0 ? 'clean' : `findings: ${report.findings.map((f) => f.rule).join(',')}`
  if (c.file.startsWith('dense')) notes += `, ${((5_000_000 + 10_002) / best(ours) / 1e6).toFixed(1)}M opcodes/s end to end`
  const mib = (size / 1024 / 1024).toFixed(0) + ' MiB'
  console.log(c.name.padEnd(48), mib.padStart(9), `${best(openssl).toFixed(3)}s`.padStart(9), `${best(ours).toFixed(3)}s`.padStart(10), (best(openssl) / best(ours)).toFixed(3).padStart(7), `${(peakKiB / 1024).toFixed(0)} MiB`.padStart(10), ' ' + notes)
}
rmSync(rssFile, { force: true })
console.log('ratio = openssl time / modelgate time on the same file (>= 0.9 is the target); modelgate times are dist/cli.js end to end, Node start-up included.')

// Inspection alone (no hashing), in process: a torch zip's scan reads the central directory and
// the pickle members, never the storages, so its time must not grow with the weights.
const { INSPECTORS } = await import('../src/inspect/registry.js')
const { FileByteSource } = await import('../src/util/byte-source.js')
for (const rel of ['torchzip/pytorch_model.bin', 'torchzip-small/pytorch_model.bin']) {
  const src = await FileByteSource.open(path.join(work, rel))
  const times: number[] = []
  for (let i = 0; i < RUNS * 3; i++) {
    const t = process.hrtime.bigint()
    await INSPECTORS['pytorch-zip']!(src, { path: rel, facts: {} })
    times.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  await src.close()
  console.log(`torch zip inspection only (${(src.size / 1024 / 1024).toFixed(0)} MiB file): ${best(times).toFixed(2)} ms`)
}
