import { planComment } from '../../src/action/comment-plan.js'
import { renderComment, renderCompact } from '../../src/report/comment.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import type { Artifact, Finding, Report } from '../../src/types.js'

const report = (findings: Finding[], artifacts: Artifact[] = []): Report => ({
  schemaVersion: 1,
  tool: { name: 'ModelGate', version: '0.1.0' },
  mode: 'change',
  verdict: findings.some((f) => f.severity === 'error') ? 'fail' : 'pass',
  base: 'b'.repeat(40),
  head: 'a'.repeat(40),
  artifacts,
  dependencies: [],
  findings
})
const finding = (i: number, severity: Finding['severity'] = 'error'): Finding => ({
  rule: 'unsafe-serialization',
  severity,
  path: `models/m${String(i).padStart(4, '0')}.pkl`,
  line: null,
  message: 'Loading this pickle runs code: '.padEnd(400, '.'),
  fix: 'Convert it.'
})
const model: Artifact = { path: 'models/x.safetensors', kind: 'model', format: 'safetensors', change: 'added', size: 2048, sha256: 'c'.repeat(64), lfs: null, signature: null, license: 'apache-2.0', facts: {} }

test('all-clear: verdict, the table of changed models, no findings section', () => {
  expect(renderComment(report([], [model]))).toBe(
    [
      '<!-- modelgate:sticky-comment -->',
      '### ✅ **ModelGate: all clear**',
      '',
      '1 model · 0 datasets · 0 dependency manifests · 0 cards · 0 signature files — 0 errors, 0 warnings, 0 notes',
      '',
      '| Artifact | Change | Format | Size | SHA-256 | License | Signature |',
      '|---|---|---|---|---|---|---|',
      '| `models/x.safetensors` | added | `safetensors` | 2.0 KiB | `cccccccccccc` | `apache-2.0` | unsigned |',
      '',
      '<sub>ModelGate 0.1.0 · bbbbbbb...aaaaaaa · rules: docs/rules.md</sub>',
      ''
    ].join('\n')
  )
})

test('signature column: verification state, else what the findings say', () => {
  const unsigned: Finding = { rule: 'unsigned-model', severity: 'error', path: model.path, line: null, message: 'm', fix: 'f' }
  expect(renderMarkdown(report([unsigned], [model]))).toContain('| `apache-2.0` | ❌ missing (required) |')
  expect(renderMarkdown(report([{ ...unsigned, rule: 'signature-invalid' }], [model]))).toContain('| ❌ invalid |')
  expect(renderMarkdown(report([], [{ ...model, signature: { state: 'unsigned', required: true } }]))).toContain('| ❌ missing (required) |')
  const facts = { signatureFile: 'm.sig', format: 'oms', method: 'sigstore', signer: 'ci@@example.com|x', issuer: null, keyHint: null, rekorLogIndex: null, rootDigest: null } as const
  expect(renderMarkdown(report([], [{ ...model, signature: { state: 'verified', ...facts } }]))).toContain('| ✅ `ci@@example.com\\|x` |')
  expect(renderMarkdown(report([], [{ ...model, signature: { state: 'digest-mismatch', reason: 'r', ...facts } }]))).toContain('| ❌ digest mismatch |')
})

test('signature details: method, signer and issuer or key, Rekor log index, root digest', () => {
  const keyless = { signatureFile: 'models/model.sig', format: 'oms', method: 'sigstore', signer: 'https://github.com/o/r/.github/workflows/release.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com', keyHint: null, rekorLogIndex: '123456789', rootDigest: 'ab'.repeat(32) } as const
  const keyed = { signatureFile: 'w.bin.sig', format: 'detached', method: 'public-key', signer: null, issuer: null, keyHint: 'keys/release.pub', rekorLogIndex: null, rootDigest: null } as const
  const md = renderMarkdown(
    report([], [
      { ...model, signature: { state: 'verified', ...keyless } },
      { ...model, path: 'w.bin', signature: { state: 'invalid', reason: 'bad', ...keyed } },
      { ...model, path: 'z.safetensors', signature: { state: 'unsigned', required: false } }
    ])
  ).split('\n')
  const at = md.indexOf('#### Signatures')
  expect(md.slice(at, at + 6)).toEqual([
    '#### Signatures',
    '',
    '| Artifact | Status | Signature | Method | Signer or key | Rekor log index | Root digest |',
    '|---|---|---|---|---|---|---|',
    '| `models/x.safetensors` | ✅ verified | `models/model.sig` | Sigstore keyless | `https://github.com/o/r/.github/workflows/release.yml@refs/heads/main` (`https://token.actions.githubusercontent.com`) | `123456789` | `abababababab` |',
    '| `w.bin` | ❌ invalid | `w.bin.sig` | public key | key `keys/release.pub` | — | — |'
  ])
  expect(md[at + 6]).toBe('')
  // nothing signed, no table
  expect(renderMarkdown(report([], [model]))).not.toContain('#### Signatures')
})

test('the first 25 errors/warnings are listed, the rest and the notes fold into <details>', () => {
  const md = renderMarkdown(report([...Array.from({ length: 27 }, (_, i) => finding(i)), finding(99, 'note')]))
  const lines = md.split('\n')
  const open = lines.indexOf('<details><summary>3 more findings</summary>')
  expect(lines.slice(0, open).filter((l) => l.startsWith('- 🛑')).length).toBe(25)
  expect(lines.slice(open).filter((l) => l.startsWith('- ')).map((l) => /^- \S+ \*\*(\w+)\*\* `[^`]+` in `([^`]+)`/.exec(l)?.slice(1).join(' '))).toEqual([
    'error models/m0025.pkl',
    'error models/m0026.pkl',
    'note models/m0099.pkl'
  ])
})

test('over 65,536 characters: a compact comment with as many one-line findings as fit, never over the limit', () => {
  const many = report(Array.from({ length: 2000 }, (_, i) => finding(i)))
  expect(renderMarkdown(many).length).toBeGreaterThan(65_536)
  const body = renderComment(many, { runUrl: 'https://github.com/o/r/actions/runs/1' })
  expect(body.length).toBeLessThanOrEqual(65_536)
  const lines = body.split('\n')
  expect(lines.slice(0, 6)).toEqual([
    '<!-- modelgate:sticky-comment -->',
    '### ❌ **ModelGate: fail**',
    '',
    '2000 models · 0 datasets · 0 dependency manifests · 0 cards · 0 signature files — 2000 errors, 0 warnings, 0 notes'.replace('2000 models', '0 models'),
    '',
    'The full report is too long for a comment: see [the workflow run](https://github.com/o/r/actions/runs/1) and the JSON report artifact.'
  ])
  expect(lines[7]).toBe('- 🛑 **error** `unsafe-serialization` in `models/m0000.pkl`')
  const listed = lines.filter((l) => l.startsWith('- 🛑')).length
  expect(lines).toContain(`- … and ${2000 - listed} more findings`)
  // a tiny limit still holds
  expect(renderCompact(many, 300).length).toBeLessThanOrEqual(300)
})

test('sticky comment plan: only on findings by default, always kept current once it exists, no-op when unchanged', () => {
  expect(planComment('on-findings', 0, null, 'ok')).toEqual({ kind: 'none', reason: 'no findings' })
  expect(planComment('on-findings', 2, null, 'bad')).toEqual({ kind: 'create', body: 'bad' })
  expect(planComment('on-findings', 0, { id: 7, body: 'bad' }, 'all clear')).toEqual({ kind: 'update', id: 7, body: 'all clear' })
  expect(planComment('always', 0, null, 'ok')).toEqual({ kind: 'create', body: 'ok' })
  expect(planComment('always', 1, { id: 7, body: 'same' }, 'same')).toEqual({ kind: 'none', reason: 'the comment is up to date' })
  expect(planComment('never', 5, { id: 7, body: 'x' }, 'y')).toEqual({ kind: 'none', reason: 'comment: never' })
})
