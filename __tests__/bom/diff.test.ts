import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { diffBoms, renderBomDiff } from '../../src/bom/diff.js'
import { cli } from '../support/cli.js'
import { makeTree } from '../support/tree.js'

const lib = (name: string, version: string) => ({ type: 'library', name, version, purl: `pkg:pypi/${name}@${version}`, 'bom-ref': `lib:pkg:pypi/${name}@${version}` })
const model = (ref: string, sha: string, license?: string) => ({ type: 'machine-learning-model', name: ref, 'bom-ref': ref, hashes: [{ alg: 'SHA-256', content: sha }], ...(license ? { licenses: [{ license: { id: license } }] } : {}) })
const oldBom = { components: [lib('torch', '2.1.0'), lib('numpy', '1.26.0'), model('model:a', '1'.repeat(64), 'MIT'), { ...model('model:dir', '0'), components: [model('file:dir/w.bin', '5'.repeat(64))] }] }
const newBom = { components: [lib('torch', '2.4.1'), lib('transformers', '4.44.0'), model('model:a', '2'.repeat(64), 'Apache-2.0'), { ...model('model:dir', '0'), components: [model('file:dir/w.bin', '5'.repeat(64))] }] }

test('added, removed and changed components with what changed', () => {
  expect(diffBoms(oldBom, newBom)).toEqual([
    { kind: 'removed', type: 'library', id: 'pkg:pypi/numpy', name: 'numpy', details: [] },
    { kind: 'changed', type: 'machine-learning-model', id: 'model:a', name: 'model:a', details: [`sha256 ${'1'.repeat(64)} → ${'2'.repeat(64)}`, 'license MIT → Apache-2.0'] },
    { kind: 'changed', type: 'library', id: 'pkg:pypi/torch', name: 'torch', details: ['version 2.1.0 → 2.4.1'] },
    { kind: 'added', type: 'library', id: 'pkg:pypi/transformers', name: 'transformers', details: [] }
  ])
})

test('modelgate bom diff renders the changes; a bad file is exit 2', async () => {
  const root = await makeTree({})
  await writeFile(path.join(root, 'old.json'), JSON.stringify(oldBom))
  await writeFile(path.join(root, 'new.json'), JSON.stringify(newBom))
  const r = await cli(root, 'bom', 'diff', 'old.json', 'new.json')
  expect(r).toEqual({ code: 0, stderr: '', stdout: renderBomDiff(diffBoms(oldBom, newBom)) })
  expect(r.stdout.split('\n')[0]).toBe('- library numpy (pkg:pypi/numpy)')
  expect((await cli(root, 'bom', 'diff', 'old.json', 'missing.json')).code).toBe(2)
  expect(await cli(root, 'bom', 'diff', 'old.json', 'old.json')).toEqual({ code: 0, stderr: '', stdout: 'No model, dataset or library changes.\n' })
})
