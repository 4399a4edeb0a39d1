import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { makeTree } from '../support/tree.js'
import { gitIn } from '../support/git.js'
import * as f from '../support/formats.js'

const artifacts = async (root: string) => (await scan({ root, failOn: 'never' })).report.artifacts.map((a) => a.path)
const st = f.smallSafetensors()

describe('tree mode on a folder inside a git work tree', () => {
  test('honours the .gitignore files from the top down to the folder, as git does', async () => {
    const top = await makeTree({
      '.gitignore': '*.gguf\n/m/sub/anchored.safetensors\n',
      'm/.gitignore': 'sub/x.safetensors\n!sub/keep.gguf\n',
      'm/sub/.gitignore': 'local.safetensors\n',
      'm/sub/x.safetensors': st,
      'm/sub/anchored.safetensors': st,
      'm/sub/a.gguf': f.gguf(),
      'm/sub/keep.gguf': f.gguf(),
      'm/sub/local.safetensors': st,
      'm/sub/ok.safetensors': st,
      'm/sub/deeper/x.safetensors': st
    })
    gitIn(top, 'init', '-q')
    const sub = path.join(top, 'm', 'sub')
    expect(await artifacts(sub)).toEqual(['deeper/x.safetensors', 'keep.gguf', 'ok.safetensors'])
    // git's own answer for the same folder
    expect(gitIn(sub, 'ls-files', '--others', '--exclude-standard', '.').split('\n').filter((p) => !p.endsWith('.gitignore'))).toEqual(['deeper/x.safetensors', 'keep.gguf', 'ok.safetensors'])
    // and the folder one level up sees the same files under its own prefix
    expect((await artifacts(path.join(top, 'm'))).filter((p) => p.startsWith('sub/'))).toEqual(['sub/deeper/x.safetensors', 'sub/keep.gguf', 'sub/ok.safetensors'])
  })

  test('a folder git ignores as a whole was named on purpose: it is scanned under its own .gitignore files', async () => {
    const top = await makeTree({
      '.gitignore': 'downloads/\nvendor/\n*.tmp.safetensors\n',
      'downloads/.gitignore': 'partial.safetensors\n',
      'downloads/model.safetensors': st,
      'downloads/partial.safetensors': st,
      'downloads/model.tmp.safetensors': st,
      'vendor/pkg/model.safetensors': st
    })
    gitIn(top, 'init', '-q')
    expect(await artifacts(path.join(top, 'downloads'))).toEqual(['model.safetensors', 'model.tmp.safetensors'])
    expect(await artifacts(path.join(top, 'vendor', 'pkg'))).toEqual(['model.safetensors'])
    expect(await artifacts(top)).toEqual([])
  })

  test('a .git file (worktrees, submodules) marks the top too', async () => {
    const top = await makeTree({ '.git': 'gitdir: /elsewhere/.git/worktrees/x\n', '.gitignore': 'sub/x.safetensors\n', 'sub/x.safetensors': st, 'sub/y.safetensors': st })
    expect(await artifacts(path.join(top, 'sub'))).toEqual(['y.safetensors'])
  })

  test('outside a git work tree, .gitignore files above the folder do not apply (git would not read them)', async () => {
    const top = await makeTree({ '.gitignore': '*.safetensors\n', 'sub/m.safetensors': st })
    expect(await artifacts(path.join(top, 'sub'))).toEqual(['m.safetensors'])
  })
})
