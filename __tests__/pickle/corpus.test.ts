/**
 * Conformance over ../shared/scanner-corpus, driven by its expected.json, restricted
 * to what the pickle scanner judges on its own: raw pickle streams (all protocols,
 * back-to-back pickles, legacy torch). Containers (zip, npy, joblib, 7z, HDF5) are
 * the engine's job. Prints a detection table and fails on any regression.
 */
import { createReadStream, existsSync, readFileSync, openSync, readSync, closeSync } from 'node:fs'
import path from 'node:path'
import { scanPickle, type PickleScanResult } from '../../src/inspect/pickle/index.js'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const corpus = path.resolve(repoRoot, '../shared/scanner-corpus')

interface Expected {
  expected: 'malicious' | 'safe' | 'unscannable' | 'suspicious' | 'no-verdict'
  note: string
}

const CONTAINER_MAGIC = ['504b0304', '504b0506', '934e554d', '1f8b', '377abcaf', '894844460d0a1a0a', '425a68', 'fd377a58']
const PICKLE_EXTS = new Set(['.pkl', '.pickle', '.pt', '.pth', '.bin', '.model', '.ckpt', '.dat', '.data', ''])

function head(file: string): Buffer {
  const fd = openSync(file, 'r')
  try {
    const b = Buffer.alloc(8)
    const n = readSync(fd, b, 0, 8, 0)
    return b.subarray(0, n)
  } finally {
    closeSync(fd)
  }
}

/** Raw pickle streams: PROTO magic, or a pickle-ish name without a container magic. */
function isRawPickle(rel: string, h: Buffer): boolean {
  if (h[0] === 0x80 && h.length > 1 && h[1]! <= 5) return true
  const hex = h.toString('hex')
  if (CONTAINER_MAGIC.some((m) => hex.startsWith(m))) return false
  return PICKLE_EXTS.has(path.extname(rel).toLowerCase())
}

const errors = (r: PickleScanResult) => r.issues.filter((i) => i.severity === 'error')
const falseAlarm = (r: PickleScanResult) =>
  r.issues.some((i) => (i.rule === 'unsafe-serialization' && i.severity === 'error') || (i.rule === 'unknown-global' && i.severity === 'warning'))

describe('scanner-corpus conformance (raw pickles)', () => {
  const expected = JSON.parse(readFileSync(path.join(corpus, 'expected.json'), 'utf8')) as Record<string, Expected>
  const files = Object.entries(expected).filter(([rel]) => isRawPickle(rel, head(path.join(corpus, rel))))
  const results = new Map<string, PickleScanResult>()

  beforeAll(async () => {
    for (const [rel] of files) results.set(rel, await scanPickle(createReadStream(path.join(corpus, rel), { highWaterMark: 4096 })))
  })

  it('covers the raw-pickle part of the corpus', () => {
    expect(existsSync(corpus)).toBe(true)
    expect(files.length).toBeGreaterThan(200)
  })

  it('prints the detection table', () => {
    type Row = { mal: number; malHit: number; safe: number; safeAlarm: number; safeOtherError: number; unsc: number; unscClosed: number; other: number }
    const rows = new Map<string, Row>()
    const misses: string[] = []
    for (const [rel, e] of files) {
      const src = rel.split('/')[0]!
      const row = rows.get(src) ?? { mal: 0, malHit: 0, safe: 0, safeAlarm: 0, safeOtherError: 0, unsc: 0, unscClosed: 0, other: 0 }
      rows.set(src, row)
      const r = results.get(rel)!
      if (e.expected === 'malicious') {
        row.mal++
        if (errors(r).length > 0) row.malHit++
        else misses.push(`MISSED ${rel}`)
      } else if (e.expected === 'safe') {
        row.safe++
        if (falseAlarm(r)) {
          row.safeAlarm++
          misses.push(`FALSE ALARM ${rel}: ${r.issues.map((i) => i.message).join(' | ')}`)
        } else if (errors(r).length > 0) row.safeOtherError++
      } else if (e.expected === 'unscannable') {
        row.unsc++
        if (errors(r).length > 0) row.unscClosed++
      } else row.other++
    }
    const total: Row = { mal: 0, malHit: 0, safe: 0, safeAlarm: 0, safeOtherError: 0, unsc: 0, unscClosed: 0, other: 0 }
    const lines = ['source      | malicious detected | safe false alarms | safe, not a pickle (fail closed) | unscannable fail-closed | no verdict']
    for (const [src, r] of [...rows.entries()].sort()) {
      for (const k of Object.keys(total) as (keyof Row)[]) total[k] += r[k]
      lines.push(`${src.padEnd(11)} | ${`${r.malHit}/${r.mal}`.padEnd(18)} | ${`${r.safeAlarm}/${r.safe}`.padEnd(17)} | ${`${r.safeOtherError}/${r.safe}`.padEnd(32)} | ${`${r.unscClosed}/${r.unsc}`.padEnd(23)} | ${r.other}`)
    }
    lines.push(`${'TOTAL'.padEnd(11)} | ${`${total.malHit}/${total.mal}`.padEnd(18)} | ${`${total.safeAlarm}/${total.safe}`.padEnd(17)} | ${`${total.safeOtherError}/${total.safe}`.padEnd(32)} | ${`${total.unscClosed}/${total.unsc}`.padEnd(23)} | ${total.other}`)
    console.log(['Pickle scanner detection table (raw pickles in ../shared/scanner-corpus)', ...lines, ...misses].join('\n'))
    expect(misses).toEqual([])
  })

  it('flags every malicious raw pickle with at least one error', () => {
    const missed = files.filter(([rel, e]) => e.expected === 'malicious' && errors(results.get(rel)!).length === 0).map(([rel]) => rel)
    expect(missed).toEqual([])
  })

  it('raises no unsafe-serialization error and no unknown-global warning on safe pickles', () => {
    const alarms = files.filter(([rel, e]) => e.expected === 'safe' && falseAlarm(results.get(rel)!)).map(([rel]) => rel)
    expect(alarms).toEqual([])
  })

  it('fails closed on unscannable files', () => {
    const open = files.filter(([rel, e]) => e.expected === 'unscannable' && errors(results.get(rel)!).length === 0).map(([rel]) => rel)
    expect(open).toEqual([])
  })

  it('never reports complete=false without an error', () => {
    for (const r of results.values()) if (!r.complete) expect(errors(r).length).toBeGreaterThan(0)
  })

  it('names the dangerous import in the frame-boundary divergence sample (only visible to the drop-frame reading)', () => {
    const r = results.get('fickling/generated/test_bypasses/TestBypasses.test_frame_boundary_divergence__dce8b00f.pkl')!
    const unsafe = r.issues.filter((i) => i.rule === 'unsafe-serialization')
    expect(unsafe.map((i) => i.message).join('\n')).toMatch(/os\.system/)
    expect(r.issues.some((i) => i.rule === 'unparseable-artifact' && /FRAME boundary/.test(i.message))).toBe(true)
  })
})
