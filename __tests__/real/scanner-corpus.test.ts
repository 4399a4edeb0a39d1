import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import type { Finding } from '../../src/types.js'
import { SHARED } from '../support/shared.js'

type Expected = 'malicious' | 'safe' | 'unscannable' | 'suspicious' | 'no-verdict'

/**
 * The engine end to end over peer scanners' samples (../shared/scanner-corpus/expected.json):
 * every malicious file gets an error, no safe file gets an unsafe-serialization or
 * unknown-global warning or error, and unscannable files fail closed. Prints the table.
 */
test('scanner corpus: 247/247 malicious detected, 0/79 false alarms, unscannable fail closed', async () => {
  const root = path.join(SHARED, 'scanner-corpus')
  const expected = JSON.parse(await readFile(path.join(root, 'expected.json'), 'utf8')) as Record<string, { expected: Expected }>
  const { report } = await scan({ root, failOn: 'error' })
  const findings = new Map<string, Finding[]>()
  for (const f of report.findings) findings.set(f.path, [...(findings.get(f.path) ?? []), f])

  const judge = (file: string, verdict: Expected): boolean => {
    const fs = findings.get(file) ?? []
    const error = fs.some((f) => f.severity === 'error')
    const alarm = fs.some((f) => (f.rule === 'unsafe-serialization' || f.rule === 'unknown-global') && f.severity !== 'note')
    if (verdict === 'malicious' || verdict === 'unscannable') return error
    if (verdict === 'safe') return !alarm
    return true
  }
  const source = (file: string) => file.split('/')[0]!
  const rows = new Map<string, Record<'malicious' | 'safe' | 'unscannable', [number, number]>>()
  const misses: string[] = []
  for (const [file, { expected: verdict }] of Object.entries(expected)) {
    if (verdict === 'suspicious' || verdict === 'no-verdict') continue
    const row = rows.get(source(file)) ?? { malicious: [0, 0], safe: [0, 0], unscannable: [0, 0] }
    rows.set(source(file), row)
    const ok = judge(file, verdict)
    row[verdict][0] += verdict === 'safe' ? (ok ? 0 : 1) : ok ? 1 : 0
    row[verdict][1]++
    if (!ok) misses.push(`${verdict}: ${file} → ${(findings.get(file) ?? []).map((f) => `${f.severity}:${f.rule}`).join(', ') || 'no findings'}`)
  }
  const total = { malicious: [0, 0], safe: [0, 0], unscannable: [0, 0] } as Record<'malicious' | 'safe' | 'unscannable', [number, number]>
  const lines = ['source      | malicious detected | safe false alarms | unscannable fail-closed']
  for (const [name, row] of [...rows].sort()) {
    for (const k of ['malicious', 'safe', 'unscannable'] as const) total[k] = [total[k][0] + row[k][0], total[k][1] + row[k][1]]
    lines.push(`${name.padEnd(11)} | ${`${row.malicious[0]}/${row.malicious[1]}`.padEnd(18)} | ${`${row.safe[0]}/${row.safe[1]}`.padEnd(17)} | ${row.unscannable[0]}/${row.unscannable[1]}`)
  }
  lines.push(`TOTAL       | ${`${total.malicious[0]}/${total.malicious[1]}`.padEnd(18)} | ${`${total.safe[0]}/${total.safe[1]}`.padEnd(17)} | ${total.unscannable[0]}/${total.unscannable[1]}`)
  console.log(`ModelGate engine over ../shared/scanner-corpus\n${lines.join('\n')}`)
  expect(misses).toEqual([])
  expect(total).toEqual({ malicious: [247, 247], safe: [0, 79], unscannable: [2, 2] })
})
