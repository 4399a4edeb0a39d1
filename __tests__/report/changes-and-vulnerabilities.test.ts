/** The PR comment's vulnerability table and library/hub-reference change list, and the pure functions behind them. */
import { vulnerabilityRows } from '../../src/advisories/table.js'
import type { AdvisoryMatch } from '../../src/advisories/index.js'
import { bomChanges } from '../../src/report/bom-changes.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import type { Artifact, Finding, Report } from '../../src/types.js'
import { dependency } from '../support/builders.js'

const torch = dependency('torch', '2.5.1', { line: 2, change: 'changed', previousSpecifier: '==2.4.0' })
const match = (id: string, over: Partial<AdvisoryMatch> = {}): AdvisoryMatch => ({
  dependency: torch,
  status: 'affected',
  advisory: { id, aliases: ['CVE-2025-32434'], summary: 'RCE', url: `https://github.com/advisories/${id}`, level: 'critical', levelSource: 'database' },
  affectedRange: '< 2.6.0',
  fixed: '2.6.0',
  ignored: null,
  severity: 'error',
  ...over
})
const found = (id: string, severity: Finding['severity'] = 'error'): Finding => ({ rule: 'vulnerable-dependency', severity, path: 'requirements.txt', line: 2, message: `torch 2.5.1 is affected by ${id} [critical]`, fix: 'Upgrade.' })

describe('vulnerabilityRows', () => {
  test('one row per reported advisory, with the severity of the finding that survived overrides', () => {
    const rows = vulnerabilityRows([match('GHSA-53q9-r3pm-6pq6'), match('PYSEC-2025-41', { advisory: { ...match('x').advisory, id: 'PYSEC-2025-41', level: null } })], [found('GHSA-53q9-r3pm-6pq6', 'warning'), found('PYSEC-2025-41')])
    expect(rows).toEqual([
      { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'torch', version: '2.5.1', id: 'GHSA-53q9-r3pm-6pq6', aliases: ['CVE-2025-32434'], level: 'critical', affected: '< 2.6.0', fixed: '2.6.0', url: 'https://github.com/advisories/GHSA-53q9-r3pm-6pq6', severity: 'warning' },
      { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'torch', version: '2.5.1', id: 'PYSEC-2025-41', aliases: ['CVE-2025-32434'], level: null, affected: '< 2.6.0', fixed: '2.6.0', url: 'https://github.com/advisories/x', severity: 'error' }
    ])
  })

  test('no row without its finding (dropped in change mode or switched off), for ignored or unresolved matches', () => {
    expect(vulnerabilityRows([match('GHSA-53q9-r3pm-6pq6')], [])).toEqual([])
    expect(vulnerabilityRows([match('GHSA-53q9-r3pm-6pq6', { severity: null })], [found('GHSA-53q9-r3pm-6pq6')])).toEqual([])
    expect(vulnerabilityRows([match('GHSA-53q9-r3pm-6pq6', { status: 'unresolved' })], [found('GHSA-53q9-r3pm-6pq6')])).toEqual([])
    // a finding on the same line about another advisory does not stand in for this one, even one whose id extends it
    expect(vulnerabilityRows([match('GHSA-53q9-r3pm-6pq6')], [found('GHSA-aaaa-bbbb-cccc')])).toEqual([])
    expect(vulnerabilityRows([match('PYSEC-2023-1')], [found('PYSEC-2023-10')])).toEqual([])
    expect(vulnerabilityRows([match('PYSEC-2023-1')], [found('PYSEC-2023-1')])).toHaveLength(1)
  })
})

const report = (over: Partial<Report>): Report => ({
  schemaVersion: 1,
  tool: { name: 'ModelGate', version: '0.1.0' },
  mode: 'change',
  verdict: 'pass',
  base: 'b'.repeat(40),
  head: 'a'.repeat(40),
  artifacts: [],
  dependencies: [],
  findings: [],
  ...over
})
const artifact = (path: string, change: Artifact['change'], extra: Partial<Artifact> = {}): Artifact => ({ path, kind: 'model', format: 'safetensors', change, size: 1, sha256: 'c'.repeat(64), lfs: null, signature: null, license: null, facts: {}, ...extra })

describe('bomChanges', () => {
  test('models, datasets, libraries and hub references the change adds, removes or changes, removals first', () => {
    const r = report({
      artifacts: [
        artifact('models/new.safetensors', 'added'),
        artifact('models/old.bin', 'removed', { format: 'pytorch-zip' }),
        artifact('models/swapped.safetensors', 'modified', { previous: { sha256: 'd'.repeat(64), size: 1 } }),
        artifact('models/moved.onnx', 'renamed', { oldPath: 'moved.onnx', format: 'onnx' }),
        artifact('data/train.csv', 'added', { kind: 'dataset', format: 'csv' }),
        artifact('models/same.safetensors', 'unchanged'),
        artifact('config.json', 'added', { kind: 'model-config', format: 'hf-config' })
      ],
      dependencies: [
        torch,
        dependency('numpy', '1.26.4', { line: 1, change: 'unchanged' }),
        dependency('scipy', null, { line: 3, change: 'removed', specifier: '>=1.11' }),
        dependency('org/model', null, { ecosystem: 'huggingface', path: 'app.py', line: 4, change: 'added', specifier: null, purl: 'pkg:huggingface/org/model', hubKind: 'model' })
      ]
    })
    expect(bomChanges(r)).toEqual([
      { kind: 'removed', type: 'model', name: 'models/old.bin', details: [] },
      { kind: 'removed', type: 'library', name: 'scipy (requirements.txt)', details: ['>=1.11'] },
      { kind: 'changed', type: 'model', name: 'models/moved.onnx', details: ['renamed from moved.onnx'] },
      { kind: 'changed', type: 'model', name: 'models/swapped.safetensors', details: [`sha256 ${'d'.repeat(12)} → ${'c'.repeat(12)}`] },
      { kind: 'changed', type: 'library', name: 'torch (requirements.txt)', details: ['version ==2.4.0 → ==2.5.1'] },
      { kind: 'added', type: 'dataset', name: 'data/train.csv', details: [] },
      { kind: 'added', type: 'model', name: 'models/new.safetensors', details: [] },
      { kind: 'added', type: 'hub reference', name: 'org/model (app.py)', details: [] }
    ])
  })

  test('a tree snapshot has no changes', () => {
    expect(bomChanges(report({ mode: 'tree', artifacts: [artifact('m.safetensors', 'unchanged')], dependencies: [torch] }))).toEqual([])
  })
})

describe('the comment', () => {
  test('a vulnerability table and the library changes, repository text escaped in cells', () => {
    const evil = dependency('evil|pkg', '1.0', { line: 7, change: 'added', specifier: '==1.0 <img src=x>' })
    const r = report({
      verdict: 'fail',
      dependencies: [torch, evil],
      findings: [found('GHSA-53q9-r3pm-6pq6')],
      vulnerabilities: [
        { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'torch', version: '2.5.1', id: 'GHSA-53q9-r3pm-6pq6', aliases: [], level: 'critical', affected: '< 2.6.0', fixed: '2.6.0', url: null, severity: 'error' },
        { path: 'package-lock.json', line: 40, ecosystem: 'npm', name: 'semver', version: '7.5.1', id: 'weird id](javascript:x)', aliases: [], level: null, affected: null, fixed: null, url: null, severity: 'error' }
      ]
    })
    const lines = renderMarkdown(r).split('\n')
    const at = lines.indexOf('#### Known vulnerabilities')
    expect(lines.slice(at, at + 15)).toEqual([
      '#### Known vulnerabilities',
      '',
      '| Package | Version | Advisory | Severity | Fixed in | Declared in |',
      '|---|---|---|---|---|---|',
      '| `torch` | `2.5.1` | [GHSA-53q9-r3pm-6pq6](https://github.com/advisories/GHSA-53q9-r3pm-6pq6) | critical | `2.6.0` | `requirements.txt:2` |',
      '| `semver` | `7.5.1` | `weird id](javascript:x)` | not given | no fix published | `package-lock.json:40` |',
      '',
      '#### Library and hub reference changes',
      '',
      '- ✏️ changed library `torch (requirements.txt)`: version ==2.4.0 → ==2.5.1',
      '- ➕ added library `evil|pkg (requirements.txt)`: ==1.0 &lt;img src=x&gt;',
      '',
      '#### Findings',
      '',
      '- 🛑 **error** `vulnerable-dependency` in `requirements.txt:2`: torch 2.5.1 is affected by GHSA-53q9-r3pm-6pq6 \\[critical\\]<br>**Fix:** Upgrade.'
    ])
  })

  test('over 15 changes, the rest fold into details', () => {
    const deps = Array.from({ length: 17 }, (_, i) => dependency(`pkg${String(i).padStart(2, '0')}`, '1.0', { line: i + 1, change: 'added' }))
    const md = renderMarkdown(report({ dependencies: deps }))
    expect(md).toContain('- ➕ added library `pkg14 (requirements.txt)`: ==1.0\n\n<details><summary>2 more changes</summary>\n\n- ➕ added library `pkg15 (requirements.txt)`: ==1.0\n- ➕ added library `pkg16 (requirements.txt)`: ==1.0\n\n</details>')
  })
})
