import { cli } from '../support/cli.js'
import { gitIn } from '../support/git.js'
import { makeTree, writeTree } from '../support/tree.js'

/** The license gate as a pull request meets it: a non-commercial dataset under a policy that denies NC fails. */
test('a PR adding a cc-by-nc-4.0 dataset under a policy denying NC fails the gate; under an allowing policy it passes', async () => {
  const root = await makeTree({ '.modelgate.yml': 'licenses:\n  deny: ["CC-BY-NC-*"]\n', 'README.md': '# service\n' })
  gitIn(root, 'init', '-q')
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'base')
  gitIn(root, 'checkout', '-qb', 'pr')
  await writeTree(root, {
    'data/reviews/README.md': '---\nlicense: cc-by-nc-4.0\ntask_categories: [text-classification]\n---\n# reviews\n',
    'data/reviews/train.csv': 'text,label\ngood,1\n'
  })
  gitIn(root, 'add', '-A')
  gitIn(root, 'commit', '-qm', 'add dataset')
  const r = await cli(root, 'scan', '--base', 'main', '--format', 'json')
  expect(r.code).toBe(1)
  const report = JSON.parse(r.stdout)
  expect(report.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { rule: string; path: string; line: number | null }) => `${f.rule} ${f.path}:${f.line}`)).toEqual(['license-denied data/reviews/README.md:2'])
  expect(report.artifacts.find((a: { path: string }) => a.path === 'data/reviews/train.csv').license).toBe('CC-BY-NC-4.0')

  // Relaxing the policy inside the PR does not help: in change mode the policy comes from the base.
  await writeTree(root, { '.modelgate.yml': 'licenses:\n  deny: []\n' })
  gitIn(root, 'commit', '-qam', 'relax policy in the PR')
  expect((await cli(root, 'scan', '--base', 'main')).code).toBe(1)

  // Once the base policy allows it, the same dataset passes.
  gitIn(root, 'checkout', '-q', 'main')
  await writeTree(root, { '.modelgate.yml': 'licenses:\n  deny: ["GPL-3.0-only"]\n' })
  gitIn(root, 'commit', '-qam', 'relax policy')
  gitIn(root, 'checkout', '-q', 'pr')
  gitIn(root, '-c', 'core.editor=true', 'rebase', '-q', '-X', 'theirs', 'main')
  const ok = await cli(root, 'scan', '--base', 'main')
  expect(ok.code).toBe(0)
})
