/** A small pull request world shared by the fake's own tests. */
import type { FakeGitHubSeed } from '../support/fake-github/index.js'
import { advisory } from '../support/fake-github/index.js'

export const BASE = 'b'.repeat(40)
export const HEAD = 'a'.repeat(40)
export const TOKEN = 'ghs_fakeTokenForTests'

export const REQUIREMENTS_PATCH = ['@@ -1,3 +1,4 @@', ' numpy==1.26.4', '-torch==2.1.0', '+torch==2.2.0', '+safetensors==0.4.2', ' transformers==4.38.0'].join('\n')

export function seed(extra: Partial<FakeGitHubSeed> = {}): FakeGitHubSeed {
  return {
    owner: 'octo-org',
    repo: 'models',
    token: TOKEN,
    pulls: [
      {
        number: 7,
        title: 'Add a model',
        head: { sha: HEAD, ref: 'add-model' },
        base: { sha: BASE, ref: 'main' },
        files: [
          { filename: 'requirements.txt', status: 'modified', patch: REQUIREMENTS_PATCH },
          { filename: 'models/new.safetensors', status: 'added' },
          { filename: 'models/old.onnx', status: 'removed' },
          { filename: 'docs/MODEL_CARD.md', status: 'renamed', previous_filename: 'README-model.md', patch: '@@ -1 +1,2 @@\n # Card\n+license: mit' }
        ]
      }
    ],
    files: {
      [BASE]: {
        'requirements.txt': 'numpy==1.26.4\ntorch==2.1.0\ntransformers==4.38.0\n',
        'models/old.onnx': Buffer.from([0x08, 0x07, 0x12, 0x00]),
        'README-model.md': '# Card\n'
      },
      [HEAD]: {
        'requirements.txt': 'numpy==1.26.4\ntorch==2.2.0\nsafetensors==0.4.2\ntransformers==4.38.0\n',
        'models/new.safetensors': 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'c'.repeat(64) + '\nsize 123456789\n',
        'docs/MODEL_CARD.md': '# Card\nlicense: mit\n'
      }
    },
    advisories: [
      advisory({ ghsa_id: 'GHSA-aaaa-bbbb-cccc', package: 'torch', severity: 'critical', cve_id: 'CVE-2025-32434' }),
      advisory({ ghsa_id: 'GHSA-dddd-eeee-ffff', package: 'transformers', severity: 'medium' })
    ],
    ...extra
  }
}
