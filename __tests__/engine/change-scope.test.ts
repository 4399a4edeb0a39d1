import { createHash } from 'node:crypto'
import { rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { scopeTo, type RawEntry } from '../../src/discover/change.js'
import { makeTree, writeTree } from '../support/tree.js'
import { gitIn } from '../support/git.js'
import * as f from '../support/formats.js'

/** Small safetensors files with unrelated data, so git pairs each rename with its own source and nothing else. */
const weights = (n: number) => {
  const data = Buffer.concat(Array.from({ length: 13 }, (_, i) => createHash('sha256').update(`${n}:${i}`).digest())).subarray(0, 400)
  return f.safetensors({ w: { dtype: 'F32', shape: [100], data } })
}

describe('change mode with DIR: only the changes under DIR, paths repository-relative', () => {
  let root: string

  beforeAll(async () => {
    root = await makeTree({
      'models/.modelgate.yml': 'ignore:\n  - "skip/**"\n',
      'models/old.safetensors': weights(1),
      'models/outbound.safetensors': weights(2),
      'inbound/src.safetensors': weights(3),
      'other/b.safetensors': weights(4)
    })
    gitIn(root, 'init', '-q')
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'base')
    gitIn(root, 'checkout', '-qb', 'feature')
    await writeTree(root, {
      'models/new.safetensors': weights(5),
      'models/skip/x.safetensors': weights(6),
      'other/b.safetensors': weights(7),
      'other/new.safetensors': weights(8),
      'models/evil.safetensors': { symlink: '/etc/passwd' },
      'models/up.bin': { symlink: '../../outside/model.bin' },
      'models/alias.safetensors': { symlink: 'new.safetensors' }
    })
    await rm(path.join(root, 'models/old.safetensors'))
    await writeTree(root, { 'archive/.keep': '' })
    await rename(path.join(root, 'models/outbound.safetensors'), path.join(root, 'archive/outbound.safetensors'))
    await rename(path.join(root, 'inbound/src.safetensors'), path.join(root, 'models/in.safetensors'))
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'change')
  })

  const rows = (artifacts: { path: string; change: string; oldPath?: string }[]) => artifacts.map((a) => [a.path, a.change, a.oldPath ?? null])

  test('a rename into DIR stays a rename, one out of DIR is a removal; ignore globs are relative to DIR, where the config is', async () => {
    const { report } = await scan({ root: path.join(root, 'models'), base: 'main', failOn: 'never' })
    expect(rows(report.artifacts)).toEqual([
      ['models/in.safetensors', 'renamed', 'inbound/src.safetensors'],
      ['models/new.safetensors', 'added', null],
      ['models/old.safetensors', 'removed', null],
      ['models/outbound.safetensors', 'removed', null]
    ])
    expect(report.artifacts.find((a) => a.path === 'models/outbound.safetensors')?.sha256).toBe(f.sha256(weights(2)))
  })

  test('the whole repository, for comparison', async () => {
    const { report } = await scan({ root, base: 'main', failOn: 'never' })
    expect(rows(report.artifacts)).toEqual([
      ['archive/outbound.safetensors', 'renamed', 'models/outbound.safetensors'],
      ['models/in.safetensors', 'renamed', 'inbound/src.safetensors'],
      ['models/new.safetensors', 'added', null],
      ['models/old.safetensors', 'removed', null],
      ['models/skip/x.safetensors', 'added', null],
      ['other/b.safetensors', 'modified', null],
      ['other/new.safetensors', 'added', null]
    ])
  })

  test('symlinks are never followed; those that leave the repository are reported, in-tree ones are not', async () => {
    const { report } = await scan({ root: path.join(root, 'models'), base: 'main', failOn: 'never' })
    const fix = 'Commit the file itself (or a Git LFS pointer to it) instead of a link out of the repository.'
    expect(report.findings.filter((x) => x.rule === 'symlink-outside-tree')).toEqual([
      {
        rule: 'symlink-outside-tree',
        severity: 'warning',
        path: 'models/evil.safetensors',
        line: null,
        message: "Symbolic link to '/etc/passwd' points outside the repository; ModelGate does not follow it, so whatever it points to is not scanned.",
        fix
      },
      {
        rule: 'symlink-outside-tree',
        severity: 'warning',
        path: 'models/up.bin',
        line: null,
        message: "Symbolic link to '../../outside/model.bin' points outside the repository; ModelGate does not follow it, so whatever it points to is not scanned.",
        fix
      }
    ])
    expect(report.artifacts.map((a) => a.path)).not.toContain('models/alias.safetensors')
  })
})

describe('scopeTo', () => {
  const entry = (over: Partial<RawEntry>): RawEntry => ({ oldMode: '100644', newMode: '100644', oldSha: 'a'.repeat(40), newSha: 'b'.repeat(40), change: 'modified', path: '', ...over })

  test('keeps entries under the prefix, turns renames out of it into removals, drops the rest', () => {
    const entries = [
      entry({ path: 'm/a' }),
      entry({ path: 'mx/a' }),
      entry({ path: 'm/in', change: 'renamed', oldPath: 'x/in' }),
      entry({ path: 'x/out', change: 'renamed', oldPath: 'm/out' }),
      entry({ path: 'x/y', change: 'renamed', oldPath: 'z/y' })
    ]
    expect(scopeTo(entries, 'm/')).toEqual([
      entry({ path: 'm/a' }),
      entry({ path: 'm/in', change: 'renamed', oldPath: 'x/in' }),
      { oldMode: '100644', newMode: '000000', oldSha: 'a'.repeat(40), newSha: '0'.repeat(40), change: 'removed', path: 'm/out' }
    ])
    expect(scopeTo(entries, '')).toBe(entries)
  })
})
