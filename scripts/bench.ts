// npm run bench: ModelGate's scan of large generated models, as a throughput ratio against
// `openssl dgst -sha256` on the same file in the same run, with peak RSS, each next to its target.
// `npm run bench -- --quick` (or BENCH_QUICK=1): 64 MiB files, one run, a minute instead of many;
// too small for the ratio target (Node start-up weighs in), fine to see that everything runs.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { bulkPickle, denseFloatPickle, safetensorsFile, torchZip } from './bench-fixtures.js'
import { against, judge, TARGETS, type Verdict } from './bench-targets.js'

const GiB = 1024 ** 3
const MiB = 1024 ** 2
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const SIZE = Number(process.env.BENCH_BYTES ?? (QUICK ? 64 * MiB : GiB))
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 3))
const FLOATS = QUICK ? 1_000_000 : 5_000_000
const repo = path.resolve(import.meta.dirname, '..')
// Quick inputs live apart: the generators reuse a file that exists, whatever size a full run left.
const work = path.join(repo, '.bench', ...(QUICK ? ['quick'] : []))
const rssFile = path.join(os.tmpdir(), `modelgate-bench-rss-${process.pid}`)
const cli = process.env.BENCH_CLI ?? path.join(repo, 'dist', 'cli.js')
const sizeText = (bytes: number) => (bytes >= GiB ? `${Number((bytes / GiB).toFixed(2))} GiB` : `${Math.round(bytes / MiB)} MiB`)

interface Case {
  name: string
  file: string
  make: () => void
  /** The targets this case is measured against: hashing cases against openssl, the dense pickle by its opcode rate. */
  ratio: boolean
  opcodes?: number
}
const cases: Case[] = [
  { name: `safetensors, ${sizeText(SIZE)} (identify + SHA-256)`, file: 'safetensors/model.safetensors', ratio: true, make: () => safetensorsFile(path.join(work, 'safetensors/model.safetensors'), SIZE) },
  { name: `bulk pickle, ${sizeText(SIZE)} BINBYTES8 (scan + SHA-256)`, file: 'bulk/model.pkl', ratio: true, make: () => bulkPickle(path.join(work, 'bulk/model.pkl'), SIZE) },
  { name: `torch zip, ${sizeText(SIZE)} storage (members + SHA-256)`, file: 'torchzip/pytorch_model.bin', ratio: true, make: () => torchZip(path.join(work, 'torchzip/pytorch_model.bin'), SIZE) },
  { name: 'torch zip, 64 MiB storage (same layout)', file: 'torchzip-small/pytorch_model.bin', ratio: false, make: () => torchZip(path.join(work, 'torchzip-small/pytorch_model.bin'), 64 * MiB) },
  {
    name: `opcode-dense pickle, ${FLOATS / 1e6}M floats`,
    file: 'dense/floats.pkl',
    ratio: false,
    // PROTO + EMPTY_LIST, then per batch of 1000: MARK, the BINFLOATs, APPENDS (STOP not counted, as before)
    opcodes: FLOATS + 2 * Math.ceil(FLOATS / 1000) + 2,
    make: () => denseFloatPickle(path.join(work, 'dense/floats.pkl'), FLOATS)
  }
]

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env, maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stdout.toString().slice(0, 400)}`)
  return Number(process.hrtime.bigint() - start) / 1e9
}

const best = (xs: number[]) => Math.min(...xs)
const verdicts: Verdict[] = []
const judged = (shown: string, value: number, target: (typeof TARGETS)[keyof typeof TARGETS]) => {
  verdicts.push(judge(value, target))
  return against(shown, value, target)
}
console.log(`ModelGate benchmark${QUICK ? ' (quick)' : ''}: best of ${RUNS}, page cache warm, ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`)
console.log('case'.padEnd(48), 'size'.padStart(9), 'openssl'.padStart(9), 'modelgate'.padStart(10), '  ratio'.padEnd(30), 'peak RSS'.padEnd(32), 'notes')
for (const c of cases) {
  c.make()
  const file = path.join(work, c.file)
  const size = statSync(file).size
  timed('openssl', ['dgst', '-sha256', file])
  const openssl: number[] = []
  const ours: number[] = []
  let peakKiB = 0
  for (let i = 0; i < RUNS; i++) {
    openssl.push(timed('openssl', ['dgst', '-sha256', file]))
    ours.push(timed(process.execPath, ['--import', path.join(repo, 'scripts', 'bench-rss.mjs'), cli, 'scan', path.dirname(file), '--format', 'json', '--fail-on', 'never'], { ...process.env, BENCH_RSS_FILE: rssFile }))
    peakKiB = Math.max(peakKiB, Number(readFileSync(rssFile, 'utf8')))
  }
  const report = JSON.parse(spawnSync(process.execPath, [cli, 'scan', path.dirname(file), '--format', 'json', '--fail-on', 'never'], { maxBuffer: 64 << 20 }).stdout.toString()) as { findings: { rule: string }[] }
  let notes = report.findings.length === 0 ? 'clean' : `findings: ${report.findings.map((f) => f.rule).join(',')}`
  if (c.opcodes !== undefined) {
    const rate = c.opcodes / best(ours)
    notes += `, ${judged(`${(rate / 1e6).toFixed(1)}M opcodes/s end to end`, rate, TARGETS.opcodesPerSecond)}`
  }
  const ratio = best(openssl) / best(ours)
  const ratioText = c.ratio ? judged(ratio.toFixed(3), ratio, TARGETS.ratio) : `${ratio.toFixed(3)} (no target)`
  const rssMB = (peakKiB * 1024) / 1e6
  console.log(
    c.name.padEnd(48),
    sizeText(size).padStart(9),
    `${best(openssl).toFixed(3)}s`.padStart(9),
    `${best(ours).toFixed(3)}s`.padStart(10),
    `  ${ratioText}`.padEnd(30),
    judged(`${rssMB.toFixed(0)} MB`, rssMB, TARGETS.rssMB).padEnd(32),
    notes
  )
}
rmSync(rssFile, { force: true })
console.log('ratio = openssl time / modelgate time on the same file; modelgate times are dist/cli.js end to end, Node start-up included.')

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

const below = verdicts.filter((v) => v !== 'meets').length
console.log(`targets: ${verdicts.length - below} met, ${below} BELOW TARGET${QUICK ? ' (quick mode: files too small for the ratio target to be meaningful; run `npm run bench` for the real figures)' : ''}`)
