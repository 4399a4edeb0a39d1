import { scan } from '../../src/engine/scan.js'
import { makeTree } from '../support/tree.js'
import * as f from '../support/formats.js'

const paths = async (root: string) => (await scan({ root, failOn: 'error' })).report

describe('whole-tree discovery', () => {
  test('honours nested .gitignore files with git precedence, and skips .git', async () => {
    const root = await makeTree({
      '.gitignore': '*.onnx\ncheckpoints/\n',
      'keep/.gitignore': '!special.onnx\n',
      'a.onnx': f.onnx(),
      'keep/special.onnx': f.onnx(),
      'keep/other.onnx': f.onnx(),
      'checkpoints/model.safetensors': f.smallSafetensors(),
      '.git/objects/model.safetensors': f.smallSafetensors(),
      'models/model.safetensors': f.smallSafetensors()
    })
    const report = await paths(root)
    expect(report.artifacts.map((a) => a.path)).toEqual(['keep/special.onnx', 'models/model.safetensors'])
  })

  test("honours the config's ignore globs (files and whole folders)", async () => {
    const root = await makeTree({
      '.modelgate.yml': 'ignore:\n  - "vendor/**"\n  - "**/*.gguf"\n  - fixtures\n',
      'vendor/m.safetensors': f.smallSafetensors(),
      'fixtures/deep/m.safetensors': f.smallSafetensors(),
      'm/model.gguf': f.gguf(),
      'm/model.safetensors': f.smallSafetensors()
    })
    expect((await paths(root)).artifacts.map((a) => a.path)).toEqual(['m/model.safetensors'])
  })

  test('never follows symlinks; one leading out of the tree is reported', async () => {
    const outside = await makeTree({ 'secret.safetensors': f.smallSafetensors() })
    const root = await makeTree({
      'm/model.safetensors': f.smallSafetensors(),
      'm/alias.safetensors': { symlink: 'model.safetensors' },
      'm/escape.safetensors': { symlink: `${outside}/secret.safetensors` },
      'linked-dir': { symlink: outside }
    })
    const report = await paths(root)
    expect(report.artifacts.map((a) => a.path)).toEqual(['m/model.safetensors'])
    expect(report.findings.filter((f) => f.rule === 'symlink-outside-tree')).toEqual([
      {
        rule: 'symlink-outside-tree',
        severity: 'warning',
        path: 'linked-dir',
        line: null,
        message: `Symbolic link to '${outside}' points outside the repository; ModelGate does not follow it, so whatever it points to is not scanned.`,
        fix: 'Commit the file itself (or a Git LFS pointer to it) instead of a link out of the repository.'
      },
      {
        rule: 'symlink-outside-tree',
        severity: 'warning',
        path: 'm/escape.safetensors',
        line: null,
        message: `Symbolic link to '${outside}/secret.safetensors' points outside the repository; ModelGate does not follow it, so whatever it points to is not scanned.`,
        fix: 'Commit the file itself (or a Git LFS pointer to it) instead of a link out of the repository.'
      }
    ])
    expect(report.verdict).toBe('pass')
  })

  test('hashes each artifact and records LFS pointers by oid and size', async () => {
    const weights = f.smallSafetensors()
    const pointer = f.lfsPointer(Buffer.alloc(5000, 7))
    const root = await makeTree({ 'a/model.safetensors': weights, 'b/model.safetensors': pointer.text })
    const report = await paths(root)
    expect(report.artifacts).toEqual([
      { path: 'a/model.safetensors', kind: 'model', format: 'safetensors', change: 'unchanged', size: weights.length, sha256: f.sha256(weights), lfs: null, signature: { state: 'unsigned', required: false }, license: null, facts: { tensors: 1, dtypes: 'F32', header_bytes: 96, 'metadata.format': 'pt', metadata_keys: 'format', parameters: 4 } },
      { path: 'b/model.safetensors', kind: 'model', format: 'safetensors', change: 'unchanged', size: 5000, sha256: pointer.oid, lfs: { oid: pointer.oid, size: 5000 }, signature: { state: 'unsigned', required: false }, license: null, facts: {} }
    ])
  })

  test('severity overrides change or silence a rule', async () => {
    const root = await makeTree({
      '.modelgate.yml': 'severity:\n  unparseable-artifact: warning\n  symlink-outside-tree: "off"\n  license-missing: "off"\n',
      'bad.gguf': 'nope',
      'link': { symlink: '/etc/hostname' }
    })
    const report = await paths(root)
    expect(report.findings.map((x) => [x.rule, x.severity, x.path])).toEqual([['unparseable-artifact', 'warning', 'bad.gguf']])
    expect(report.verdict).toBe('pass')
    expect((await scan({ root, failOn: 'warning' })).report.verdict).toBe('fail')
  })
})
