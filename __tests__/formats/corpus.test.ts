/**
 * The non-pickle part of ../shared/scanner-corpus: every malicious sample these parsers own
 * gets an error, every safe one gets no error and no unsafe-serialization warning.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { FileByteSource } from '../../src/util/byte-source.js'
import type { InspectResult } from '../../src/inspect/types.js'
import {
  inspectChatTemplateFile,
  inspectHdf5,
  inspectNpy,
  inspectNpz,
  inspectSafetensors,
  inspectSavedModel
} from '../../src/inspect/formats/index.js'

const CORPUS = resolve(process.cwd(), '../shared/scanner-corpus')
const d = existsSync(join(CORPUS, 'expected.json')) ? describe : describe.skip

type Parser = (s: FileByteSource, ctx: { path: string }) => Promise<InspectResult>
/** Which parser owns a corpus file (by content kind; pickles and plain zips belong elsewhere). */
function parserFor(path: string, head: Buffer): Parser | null {
  if (path.includes('/jinja2/')) return inspectChatTemplateFile
  if (path.endsWith('.safetensors')) return inspectSafetensors
  if (path.endsWith('saved_model.pb')) return inspectSavedModel
  if (head.subarray(0, 8).equals(Buffer.from('\x89HDF\r\n\x1a\n', 'latin1'))) return inspectHdf5
  if (head.subarray(0, 6).toString('latin1') === '\x93NUMPY') return inspectNpy
  if (path.endsWith('.npz')) return inspectNpz
  return null
}

d('scanner corpus (non-pickle formats)', () => {
  const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, { expected: string }>
  const rows: Array<[string, string, Parser]> = []
  for (const [path, e] of Object.entries(expected)) {
    const head = readFileSync(join(CORPUS, path)).subarray(0, 16)
    const p = parserFor(path, head)
    if (p && (e.expected === 'malicious' || e.expected === 'safe')) rows.push([path, e.expected, p])
  }

  it('owns 28 malicious and 25 safe samples', () => {
    expect(rows.filter((r) => r[1] === 'malicious').length).toBe(28)
    expect(rows.filter((r) => r[1] === 'safe').length).toBe(25)
  })

  it.each(rows)('%s is %s', async (path, verdict, parser) => {
    const s = await FileByteSource.open(join(CORPUS, path))
    const r = await parser(s, { path }).finally(() => s.close())
    const errors = r.issues.filter((i) => i.severity === 'error')
    if (verdict === 'malicious') {
      // Object-array .npy files are malicious through their pickle: this parser must hand it on.
      if ((r as { payloadOffset?: number }).payloadOffset !== undefined) return
      expect(errors.length).toBeGreaterThan(0)
    } else {
      expect(errors).toEqual([])
      expect(r.issues.filter((i) => i.rule === 'unsafe-serialization' && i.severity === 'warning')).toEqual([])
    }
  })
})
