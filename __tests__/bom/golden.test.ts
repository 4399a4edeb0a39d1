import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import type { Report } from '../../src/types.js'
import { refProblems, schemaErrors } from '../support/bom-checks.js'
import { SHARED } from '../support/shared.js'
import { BOM_NOW, fineTunePullRequest, scanLikeCli } from './scan-like-cli.js'
import { xsdErrors } from './xsd.js'

/**
 * Exact expected BOMs. `UPDATE_GOLDEN=1` rewrites the files; review the diff by
 * eye for wrong facts before committing, and fix the code rather than the golden.
 */
const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden')
const UPDATE = process.env.UPDATE_GOLDEN === '1'
const realWorld = (name: string) => path.join(SHARED, 'real-world', name)

const cases: [string, () => Promise<{ report: Report; subject: string }>][] = [
  ['bge-large-zh-v1.5', async () => ({ report: await scanLikeCli(realWorld('877325778+bge-large-zh-v1.5')), subject: '877325778+bge-large-zh-v1.5' })],
  ['roberta-base-squad2', async () => ({ report: await scanLikeCli(realWorld('AbidHasan95+roberta-base-squad2')), subject: 'AbidHasan95+roberta-base-squad2' })],
  ['whisper-tiny-nbaiLab', async () => ({ report: await scanLikeCli(realWorld('CoralReefFish+whisper-tiny-nbaiLab')), subject: 'CoralReefFish+whisper-tiny-nbaiLab' })],
  ['customer-churn-app', async () => ({ report: await scanLikeCli(realWorld('0Xuser100+Customer-Churn-Prediction-App')), subject: '0Xuser100+Customer-Churn-Prediction-App' })],
  ['llama-cpp-gguf-vocab', async () => ({ report: await scanLikeCli(realWorld('ggerganov+llama.cpp')), subject: 'ggerganov+llama.cpp' })],
  [
    'fine-tune-pull-request',
    async () => {
      const pr = await fineTunePullRequest()
      return { report: await scanLikeCli(pr.root, { base: pr.base, head: pr.head }), subject: path.basename(pr.root) }
    }
  ]
]

describe('golden BOMs: exact CycloneDX output for real repositories and a fine-tune pull request', () => {
  test.each(cases)('%s', async (name, make) => {
    const { report, subject } = await make()
    const json = serializeBom(report, { subject, format: 'json', now: BOM_NOW })
    const file = path.join(GOLDEN, `${name}.cdx.json`)
    if (UPDATE) writeFileSync(file, json)
    if (!existsSync(file)) throw new Error(`${name}: no golden file ${path.relative(process.cwd(), file)}; run with UPDATE_GOLDEN=1 and review it`)
    const expected = readFileSync(file, 'utf8')
    if (json !== expected) throw new Error(`${name}: the BOM differs from ${path.relative(process.cwd(), file)} (UPDATE_GOLDEN=1 rewrites it):\n${jsonDiff(JSON.parse(expected), JSON.parse(json)).join('\n')}`)
    expect(json).toBe(expected)

    expect(await schemaErrors(json, '1.6')).toBeNull()
    expect(refProblems(json)).toEqual({ duplicates: [], dangling: [] })
    expect(await schemaErrors(serializeBom(report, { subject, format: 'json', specVersion: '1.7', now: BOM_NOW }), '1.7')).toBeNull()
    for (const v of ['1.6', '1.7'] as const) expect(await xsdErrors(serializeBom(report, { subject, format: 'xml', specVersion: v, now: BOM_NOW }), v)).toEqual([])
  })
})

/** What differs, one JSON path per line (at most 40), so a failing golden reads as a list of changed facts. */
function jsonDiff(a: unknown, b: unknown, at = '$', out: string[] = []): string[] {
  if (out.length >= 40) return out
  const show = (v: unknown) => (JSON.stringify(v) ?? 'undefined').slice(0, 160)
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) out.push(`+ ${at}[${i}] ${show(b[i])}`)
      else if (i >= b.length) out.push(`- ${at}[${i}] ${show(a[i])}`)
      else jsonDiff(a[i], b[i], `${at}[${i}]`, out)
    }
  } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const x = a as Record<string, unknown>
    const y = b as Record<string, unknown>
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (!(k in y)) out.push(`- ${at}.${k} ${show(x[k])}`)
      else if (!(k in x)) out.push(`+ ${at}.${k} ${show(y[k])}`)
      else jsonDiff(x[k], y[k], `${at}.${k}`, out)
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`~ ${at} ${show(a)} → ${show(b)}`)
  return out
}
