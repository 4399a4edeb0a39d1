// npm run bench: ModelGate's scan (identify + streaming SHA-256) of a generated 1 GiB model,
// as a throughput ratio against `openssl dgst -sha256` on the same file in the same run, and peak RSS.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const SIZE = Number(process.env.BENCH_BYTES ?? 1024 ** 3)
const RUNS = 3
const repo = path.resolve(import.meta.dirname, '..')
const dir = path.join(repo, '.bench', 'model')
const file = path.join(dir, 'model.safetensors')

function generate(): void {
  if (existsSync(file) && statSync(file).size === SIZE) return
  mkdirSync(dir, { recursive: true })
  let header = Buffer.from(JSON.stringify({ weight: { dtype: 'U8', shape: [0], data_offsets: [0, 0] } }))
  const dataLen = SIZE - 8 - header.length - 64
  header = Buffer.from(JSON.stringify({ weight: { dtype: 'U8', shape: [dataLen], data_offsets: [0, dataLen] } }))
  header = Buffer.concat([header, Buffer.alloc(SIZE - 8 - dataLen - header.length, 0x20)])
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(header.length))
  const fd = openSync(file, 'w')
  writeSync(fd, Buffer.concat([len, header]))
  const block = randomBytes(1 << 20)
  for (let left = dataLen; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length))
  closeSync(fd)
}

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env })
  if (r.status !== 0 && !(cmd === process.execPath && r.status === 1)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`)
  return Number(process.hrtime.bigint() - start) / 1e9
}

generate()
const rssFile = path.join(os.tmpdir(), `modelgate-bench-rss-${process.pid}`)
const gib = SIZE / 1024 ** 3
time('openssl', ['dgst', '-sha256', file]) // warm the page cache
const openssl: number[] = []
const modelgate: number[] = []
const hasher: number[] = []
let peakKiB = 0
let hasherPeakKiB = 0
let opensslDigest = ''
for (let i = 0; i < RUNS; i++) {
  openssl.push(time('openssl', ['dgst', '-sha256', file]))
  opensslDigest = spawnSync('openssl', ['dgst', '-sha256', '-r', file], { encoding: 'utf8' }).stdout.split(' ')[0]!
  const h = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts', 'bench-hash.ts'), file], { encoding: 'utf8', cwd: repo })
  const parsed = JSON.parse(h.stdout) as { digest: string; seconds: number; maxRssKiB: number }
  if (parsed.digest !== opensslDigest) throw new Error(`digest mismatch: modelgate ${parsed.digest}, openssl ${opensslDigest}`)
  hasher.push(parsed.seconds)
  hasherPeakKiB = Math.max(hasherPeakKiB, parsed.maxRssKiB)
  modelgate.push(time(process.execPath, ['--import', path.join(repo, 'scripts', 'bench-rss.mjs'), path.join(repo, 'dist', 'cli.js'), 'scan', dir, '--format', 'json'], { ...process.env, BENCH_RSS_FILE: rssFile }))
  peakKiB = Math.max(peakKiB, Number(readFileSync(rssFile, 'utf8')))
}
rmSync(rssFile, { force: true })
const best = (xs: number[]) => Math.min(...xs)
const line = (name: string, s: number, extra = '') => console.log(`${name.padEnd(38)} ${s.toFixed(3)} s  ${(gib / s).toFixed(2)} GiB/s${extra}`)
console.log(`file: ${path.relative(repo, file)} (${gib.toFixed(2)} GiB), best of ${RUNS}, page cache warm, ${os.cpus()[0]?.model ?? 'cpu'}`)
line('openssl dgst -sha256 (whole process)', best(openssl))
line('modelgate hasher (streaming SHA-256)', best(hasher), `  ratio ${(best(openssl) / best(hasher)).toFixed(3)} (target >= 0.9)  peak RSS ${(hasherPeakKiB / 1024).toFixed(1)} MiB`)
line('modelgate scan, dist/cli.js end to end', best(modelgate), `  ratio ${(best(openssl) / best(modelgate)).toFixed(3)}  peak RSS ${(peakKiB / 1024).toFixed(1)} MiB (target < 150 MiB)`)
console.log('(end to end includes Node start-up and loading the bundle, a constant ~0.1 s)')
