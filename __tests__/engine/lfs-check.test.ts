import { scan } from '../../src/engine/scan.js'
import { gitIn } from '../support/git.js'
import { makeTree, writeTree } from '../support/tree.js'
import * as f from '../support/formats.js'

const big = f.safetensors({ w: { dtype: 'U8', shape: [2 * 1024 * 1024], data: Buffer.alloc(2 * 1024 * 1024, 3) } })

test('a file .gitattributes sends to LFS but committed whole is a warning in change mode; a large untracked model is a note', async () => {
  const root = await makeTree({ '.gitattributes': '*.safetensors filter=lfs diff=lfs merge=lfs -text\n', 'README.md': '# x\n' })
  gitIn(root, 'init', '-q')
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'base')
  gitIn(root, 'checkout', '-qb', 'pr')
  const pointer = f.lfsPointer(big)
  await writeTree(root, { 'models/a/model.safetensors': big, 'models/b/model.safetensors': pointer.text, 'models/c/model.gguf.bin': big })
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'models')
  const { report } = await scan({ root, base: 'main', failOn: 'error' })
  expect(report.findings.filter((x) => x.rule.startsWith('lfs-')).map((x) => [x.rule, x.severity, x.path, x.message])).toEqual([
    ['lfs-pointer-missing', 'warning', 'models/a/model.safetensors', '`*.safetensors` in .gitattributes:1 sends this file to Git LFS, but the commit holds its 2.0 MiB of content instead of an LFS pointer.'],
    ['lfs-untracked', 'note', 'models/c/model.gguf.bin', 'This 2.0 MiB file is committed to plain Git; no .gitattributes rule sends it to Git LFS.']
  ])
  // In tree mode the working tree may hold smudged LFS content: only the note is judged there.
  const tree = await scan({ root, failOn: 'error' })
  expect(tree.report.findings.filter((x) => x.rule.startsWith('lfs-')).map((x) => x.rule)).toEqual(['lfs-untracked'])
})
