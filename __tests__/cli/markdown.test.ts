import { renderMarkdown } from '../../src/report/markdown.js'
import type { Report } from '../../src/types.js'

const base: Report = { schemaVersion: 1, tool: { name: 'ModelGate', version: '0.1.0' }, mode: 'change', verdict: 'fail', artifacts: [], dependencies: [], findings: [] }

test('hostile file names cannot break the table or the comment', () => {
  const md = renderMarkdown({
    ...base,
    artifacts: [{ path: 'a|b`c\nd.pt', kind: 'model', format: 'pickle', change: 'renamed', oldPath: 'x``y.pt', size: 3, sha256: 'f'.repeat(64), lfs: null, signature: null, license: null, facts: {} }],
    findings: [{ rule: 'unsafe-serialization', severity: 'error', path: 'a|b`c\nd.pt', line: null, message: 'bad <!-- hidden -->\nthing', fix: 'fix it' }]
  })
  expect(md.split('\n').slice(5, 8)).toEqual([
    '| Artifact | Change | Format | Size | SHA-256 | License | Signature |',
    '|---|---|---|---|---|---|---|',
    '| `` a\\|b`c d.pt `` | renamed (from ``` x``y.pt ```) | `pickle` | 3 B | `ffffffffffff` | — | unsigned |'
  ])
  expect(md).toContain('- 🛑 **error** `unsafe-serialization` in `` a|b`c d.pt ``: bad &lt;!-- hidden --&gt; thing<br>**Fix:** fix it')
})

test('a replaced model shows the digest it replaced', () => {
  const md = renderMarkdown({
    ...base,
    artifacts: [{ path: 'm.safetensors', kind: 'model', format: 'safetensors', change: 'modified', size: 3, sha256: 'b'.repeat(64), previous: { sha256: 'a'.repeat(64), size: 2 }, lfs: null, signature: null, license: null, facts: {} }]
  })
  expect(md).toContain('| `m.safetensors` | modified (was `aaaaaaaaaaaa`) |')
})
