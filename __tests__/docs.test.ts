import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { RULE_IDS } from '../src/types.js'
import { RULES } from '../src/assess/rules.js'
import { TOOL } from '../src/version.js'
import { REPO } from './support/shared.js'

test('docs/rules.md has one section per rule id, and nothing else', async () => {
  const md = await readFile(path.join(REPO, 'docs', 'rules.md'), 'utf8')
  const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])
  expect(sections).toEqual([...RULE_IDS])
  for (const id of RULE_IDS) expect(md).toContain(`## ${id}\n**Default severity:** ${RULES[id].severity}`)
})

test('each rule section says what the rule finds, why it matters and how to fix it, in that order', async () => {
  const md = await readFile(path.join(REPO, 'docs', 'rules.md'), 'utf8')
  const sections = md.split(/^(?=## )/m).slice(1)
  const parts = sections.map((section) => {
    const id = /^## (\S+)/.exec(section)![1]!
    const labels = [...section.matchAll(/^\*\*(What|Why|How to fix):\*\* (\S)/gm)].map((m) => m[1])
    return [id, labels]
  })
  expect(parts).toEqual(RULE_IDS.map((id) => [id, ['What', 'Why', 'How to fix']]))
})

test('the version in source and in each committed bundle equals package.json', async () => {
  const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string }
  expect(TOOL.version).toBe(pkg.version)
  for (const bundle of ['cli.js', 'index.js', 'server.js']) {
    const text = await readFile(path.join(REPO, 'dist', bundle), 'utf8')
    // esbuild prints src/version.ts's constant this way; exactly one copy per bundle.
    const found = [...text.matchAll(/\bTOOL = \{ name: "ModelGate", version: "([^"]*)" \}/g)].map((m) => m[1])
    expect([bundle, found]).toEqual([bundle, [pkg.version]])
  }
})

test('README opens with exactly the two set-up commands', async () => {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8')
  expect(readme.split('\n').slice(0, 6)).toEqual([
    '# ModelGate',
    '',
    '```sh',
    'npm run demo          # scan examples/demo-repo: report, CycloneDX BOM and the PR comment it would post',
    'npm ci && npm test    # the whole test suite',
    '```'
  ])
  const ci = await readFile(path.join(REPO, '.ci', 'run'), 'utf8')
  expect(ci).toContain('npm ci --no-audit --no-fund\nstatus=0\nnpm test -- ')
})
