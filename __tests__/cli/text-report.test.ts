import { cli } from '../support/cli.js'
import { makeTree } from '../support/tree.js'
import * as f from '../support/formats.js'
import { inert, renderText } from '../../src/report/text.js'
import { TOOL } from '../../src/version.js'
import type { Artifact, Report } from '../../src/types.js'

const card = '---\nlicense: mit\npipeline_tag: fill-mask\n---\n'
const requirements = 'torch>=2\nnumpy==1.26.4\n'
const cut = f.smallSafetensors().subarray(0, 20)
const short = (data: Buffer | string) => f.sha256(data).slice(0, 12)
const UNPARSEABLE_FIX = 'Replace it with a valid safetensors file (re-export or re-download it), or rename it if it is not one. If it is meant to be a Git LFS pointer, check that `git lfs` tracked it.'

describe('text report (the default format)', () => {
  test('a whole-tree scan, exactly', async () => {
    const root = await makeTree({ 'm/model.safetensors': f.smallSafetensors(), 'm/README.md': card, 'm/bad.safetensors': cut, 'requirements.txt': requirements })
    const r = await cli(root, 'scan')
    expect([r.code, r.stderr]).toEqual([1, ''])
    expect(r.stdout).toBe(
      [
        `ModelGate ${TOOL.version}: whole tree`,
        '2 models, 0 datasets, 1 dependency manifest, 1 card, 0 signature files',
        '',
        `  m/README.md  model-card/huggingface-model-card  45 B  sha256:${short(card)}`,
        `  m/bad.safetensors  model/safetensors  20 B  sha256:${short(cut)}`,
        `  m/model.safetensors  model/safetensors  120 B  sha256:${short(f.smallSafetensors())}`,
        `  requirements.txt  dependency-manifest/requirements  23 B  sha256:${short(requirements)}`,
        '',
        'ERROR unparseable-artifact m/bad.safetensors',
        '  Cannot parse this safetensors file: header length 96 runs past the end of the 20-byte file (truncated header). A file that cannot be parsed is never reported as safe.',
        `  fix: ${UNPARSEABLE_FIX}`,
        'WARNING unpinned-dependency requirements.txt:1',
        '  ML dependency torch is not pinned (`>=2`): any release that matches can be installed, including one published after this review.',
        '  fix: Pin the exact version you tested: `torch==<version>`, or install from a lock file with hashes.',
        '',
        'Verdict: FAIL (1 error, 1 warning, 0 notes)',
        ''
      ].join('\n')
    )
  })

  test('a file name cannot forge report lines or send terminal escapes', async () => {
    const name = 'x\nVerdict: PASS (0 errors)\n\u001b[2K.safetensors'
    const bytes = f.smallSafetensors().subarray(0, 30)
    const root = await makeTree({ [name]: bytes })
    const r = await cli(root, 'scan')
    const shown = 'x\\nVerdict: PASS (0 errors)\\n\\u001b[2K.safetensors'
    expect(r.code).toBe(1)
    expect(r.stdout).toBe(
      [
        `ModelGate ${TOOL.version}: whole tree`,
        '1 model, 0 datasets, 0 dependency manifests, 0 cards, 0 signature files',
        '',
        `  ${shown}  model/safetensors  30 B  sha256:${short(bytes)}`,
        '',
        `ERROR unparseable-artifact ${shown}`,
        '  Cannot parse this safetensors file: header length 96 runs past the end of the 30-byte file (truncated header). A file that cannot be parsed is never reported as safe.',
        `  fix: ${UNPARSEABLE_FIX}`,
        `WARNING license-missing ${shown}`,
        '  No license found for this model: No model or dataset card declares a license, and there is no LICENSE file or license metadata beside it.',
        '  fix: Add `license:` (an SPDX or Hugging Face license id) to the model or dataset card front matter, or a LICENSE file beside the artifact.',
        '',
        'Verdict: FAIL (1 error, 1 warning, 0 notes)',
        ''
      ].join('\n')
    )
  })

  test('change mode: refs, change types, renames, LFS pointers, lines; repository text in messages is escaped', () => {
    const artifact = (over: Partial<Artifact>): Artifact => ({ path: '', kind: 'model', format: 'safetensors', change: 'added', size: 0, sha256: 'ab'.repeat(32), lfs: null, signature: null, license: null, facts: {}, ...over })
    const report: Report = {
      schemaVersion: 1,
      tool: { name: 'ModelGate', version: '9.9.9' },
      mode: 'change',
      verdict: 'pass',
      base: '0123456789abcdef0123456789abcdef01234567',
      head: 'fedcba9876543210fedcba9876543210fedcba98',
      artifacts: [
        artifact({ path: 'models/new\u202egnp.safetensors', size: 1536, lfs: { oid: 'cd'.repeat(32), size: 1536 }, sha256: 'cd'.repeat(32) }),
        artifact({ path: 'models/moved.gguf', format: 'gguf', change: 'renamed', oldPath: 'old/\tmoved.gguf', size: 3 * 1024 * 1024 }),
        artifact({ path: 'requirements.txt', kind: 'dependency-manifest', format: 'requirements', change: 'modified', size: 12 })
      ],
      dependencies: [],
      findings: [
        {
          rule: 'unknown-global',
          severity: 'note',
          path: 'requirements.txt',
          line: 3,
          message: "Pickle imports 'evil\r\nmodule\u009b31m' ",
          fix: 'Remove it.\u2028Then re-run.'
        }
      ]
    }
    expect(renderText(report)).toBe(
      [
        'ModelGate 9.9.9: change 0123456789ab...fedcba987654',
        '2 models, 0 datasets, 1 dependency manifest, 0 cards, 0 signature files',
        '',
        `  models/new\\u202egnp.safetensors [added]  model/safetensors  1.5 KiB  sha256:${'cd'.repeat(6)} (Git LFS pointer)`,
        `  models/moved.gguf [renamed from old/\\tmoved.gguf]  model/gguf  3.0 MiB  sha256:${'ab'.repeat(6)}`,
        `  requirements.txt [modified]  dependency-manifest/requirements  12 B  sha256:${'ab'.repeat(6)}`,
        '',
        'NOTE unknown-global requirements.txt:3',
        "  Pickle imports 'evil\\r\\nmodule\\u009b31m' ",
        '  fix: Remove it.\\u2028Then re-run.',
        '',
        'Verdict: PASS (0 errors, 0 warnings, 1 note)',
        ''
      ].join('\n')
    )
  })

  test('inert: every control, bidi and invisible character becomes a visible escape; other text is unchanged', () => {
    expect(inert('a\u0000b\u0007c\u001bd\u007fe\u0085f\u061cg\u200bh\u200ei\u202aj\u2066k\u2069l\ufeffm')).toBe(
      'a\\u0000b\\u0007c\\u001bd\\u007fe\\u0085f\\u061cg\\u200bh\\u200ei\\u202aj\\u2066k\\u2069l\\ufeffm'
    )
    expect(inert('models/bert — base/模型 ✓ `x` C:\\path')).toBe('models/bert — base/模型 ✓ `x` C:\\path')
  })
})
