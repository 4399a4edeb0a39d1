import { rm, writeFile, rename } from 'node:fs/promises'
import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { parseRawDiff } from '../../src/discover/change.js'
import { makeTree, writeTree } from '../support/tree.js'
import { gitIn } from '../support/git.js'
import * as f from '../support/formats.js'

describe('change mode', () => {
  let root: string
  let base: string
  const renamed = f.safetensors({ w: { dtype: 'F32', shape: [4], data: Buffer.alloc(16, 1) } })
  const modifiedAfter = f.safetensors({ w: { dtype: 'F32', shape: [4], data: Buffer.alloc(16, 9) } })

  beforeAll(async () => {
    root = await makeTree({
      'keep/model.onnx': f.onnx(),
      'mod/model.safetensors': f.smallSafetensors(),
      'gone/model.gguf': f.gguf(),
      'old/name.safetensors': renamed,
      'README.txt': 'hello\n'
    })
    gitIn(root, 'init', '-q')
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'base')
    base = gitIn(root, 'rev-parse', 'HEAD')
    gitIn(root, 'checkout', '-qb', 'feature')
    await writeTree(root, { 'new/model.npy': f.npy(), 'mod/model.safetensors': modifiedAfter, 'README.txt': 'changed\n' })
    await rm(path.join(root, 'gone/model.gguf'))
    await writeTree(root, { 'new/.keep': '' })
    await rename(path.join(root, 'old/name.safetensors'), path.join(root, 'new/name.safetensors'))
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'change')
  })

  test('yields each changed artifact with its change type, reading content from git', async () => {
    // The working tree no longer matches HEAD: change mode must read the committed blobs.
    await writeFile(path.join(root, 'new/model.npy'), 'garbage')
    const { report } = await scan({ root, base: 'main', failOn: 'error' })
    await writeFile(path.join(root, 'new/model.npy'), f.npy())
    expect(report.mode).toBe('change')
    expect(report.base).toBe(base)
    expect(report.head).toBe(gitIn(root, 'rev-parse', 'HEAD'))
    expect(report.artifacts.map((a) => [a.path, a.change, a.oldPath ?? null, a.format, a.sha256])).toEqual([
      ['gone/model.gguf', 'removed', null, 'gguf', f.sha256(f.gguf())],
      ['mod/model.safetensors', 'modified', null, 'safetensors', f.sha256(modifiedAfter)],
      ['new/model.npy', 'added', null, 'numpy', f.sha256(f.npy())],
      ['new/name.safetensors', 'renamed', 'old/name.safetensors', 'safetensors', f.sha256(renamed)]
    ])
    // A replaced model carries the digest it replaced (the comment shows old → new).
    expect(report.artifacts.find((a) => a.path === 'mod/model.safetensors')?.previous).toEqual({ sha256: f.sha256(f.smallSafetensors()), size: f.smallSafetensors().length })
    expect(report.artifacts.find((a) => a.path === 'new/name.safetensors')?.previous).toEqual({ sha256: f.sha256(renamed), size: renamed.length })
    expect(report.artifacts.find((a) => a.path === 'new/model.npy')?.previous).toBeUndefined()
    // Nothing is wrong with these files but their missing licenses; the removed one is not reported at all.
    expect(report.findings.map((f) => `${f.rule} ${f.path}`)).toEqual(['license-missing mod/model.safetensors', 'license-missing new/model.npy', 'license-missing new/name.safetensors'])
  })

  test('--head selects another commit', async () => {
    const { report } = await scan({ root, base: 'main', head: 'main', failOn: 'error' })
    expect(report.artifacts).toEqual([])
  })

  test('an unknown ref is a usage error that says what to do', async () => {
    await expect(scan({ root, base: 'no-such-branch', failOn: 'error' })).rejects.toThrow(
      `--base no-such-branch: not a commit in ${root}; fetch it first (e.g. actions/checkout with fetch-depth: 0)`
    )
  })

  test('a ref that looks like an option is refused', async () => {
    await expect(scan({ root, base: '--output=/tmp/x', failOn: 'error' })).rejects.toThrow("--base --output=/tmp/x: a ref cannot start with '-'")
  })
})

describe('parseRawDiff', () => {
  test('reads modes, shas, statuses and rename pairs', () => {
    const z = '0'.repeat(40)
    const a = 'a'.repeat(40)
    const b = 'b'.repeat(40)
    const raw = Buffer.from(
      [`:000000 100644 ${z} ${a} A`, 'x y.bin', `:100644 100644 ${a} ${b} M`, 'm.pt', `:100644 000000 ${a} ${z} D`, 'd.pt', `:100644 100644 ${a} ${b} R087`, 'old.pt', 'new.pt', `:100644 120000 ${a} ${b} T`, 'link.pt', ''].join('\0')
    )
    expect(parseRawDiff(raw).map((e) => [e.change, e.path, e.oldPath ?? null, e.newMode])).toEqual([
      ['added', 'x y.bin', null, '100644'],
      ['modified', 'm.pt', null, '100644'],
      ['removed', 'd.pt', null, '000000'],
      ['renamed', 'new.pt', 'old.pt', '100644'],
      ['modified', 'link.pt', null, '120000']
    ])
  })
})
