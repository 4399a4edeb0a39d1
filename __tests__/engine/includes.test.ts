import { scan } from '../../src/engine/scan.js'
import { makeTree } from '../support/tree.js'

/** `-r` includes are followed through the scan's own view of the repository, never out of it. */
test('requirements includes are followed inside the tree, and refused outside it', async () => {
  const outside = await makeTree({ 'evil.txt': 'torch\n' })
  const root = await makeTree({
    'requirements.txt': '-r requirements/base.txt\n-r ../escape.txt\n',
    'requirements/base.txt': 'torch==2.4.1\ntransformers\n',
    'linked': { symlink: outside }
  })
  const { report } = await scan({ root, failOn: 'error' })
  const fromInclude = report.dependencies.filter((d) => d.path === 'requirements.txt').map((d) => `${d.name} ${d.specifier ?? '-'} line ${d.line}`)
  expect(fromInclude).toEqual(['torch ==2.4.1 line 1', 'transformers - line 1'])
  expect(report.dependencies.filter((d) => d.path === 'requirements/base.txt').map((d) => d.name)).toEqual(['torch', 'transformers'])
  expect(report.findings.filter((f) => f.path === 'requirements.txt').map((f) => [f.rule, f.severity, f.line])).toEqual([['scan-incomplete', 'note', 2]])
})
