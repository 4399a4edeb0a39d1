import { rm } from 'node:fs/promises'
import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { makeTree, writeTree } from '../support/tree.js'
import { gitIn } from '../support/git.js'
import { SHARED } from '../support/shared.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

describe('inventory through the engine', () => {
  test('real repository: Customer-Churn-Prediction-App requirements.txt (CRLF, trailing spaces, nothing pinned)', async () => {
    const { report } = await scan({ root: path.join(SHARED, 'real-world', '0Xuser100+Customer-Churn-Prediction-App'), failOn: 'error' })
    expect(report.dependencies.map((d) => [d.path, d.line, d.name, d.specifier, d.pinned, d.ml, d.purl])).toEqual([
      ['requirements.txt', 1, 'pandas', null, false, false, 'pkg:pypi/pandas'],
      ['requirements.txt', 2, 'numpy', null, false, false, 'pkg:pypi/numpy'],
      ['requirements.txt', 3, 'tensorflow', null, false, true, 'pkg:pypi/tensorflow'],
      ['requirements.txt', 4, 'matplotlib', null, false, false, 'pkg:pypi/matplotlib'],
      ['requirements.txt', 5, 'streamlit', null, false, false, 'pkg:pypi/streamlit'],
      ['requirements.txt', 6, 'scikit-learn', null, false, true, 'pkg:pypi/scikit-learn'],
      ['requirements.txt', 7, 'tensorboard', null, false, false, 'pkg:pypi/tensorboard']
    ])
    expect(report.findings.filter((f) => f.path === 'requirements.txt')).toEqual([
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        path: 'requirements.txt',
        line: 3,
        message: 'ML dependency tensorflow is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `tensorflow==<version>`, or install from a lock file with hashes.'
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        path: 'requirements.txt',
        line: 6,
        message: 'ML dependency scikit-learn is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `scikit-learn==<version>`, or install from a lock file with hashes.'
      }
    ])
    expect(report.artifacts.find((a) => a.path === 'requirements.txt')).toMatchObject({ kind: 'dependency-manifest', format: 'requirements', facts: {} })
  })

  test('the rest of the real-world corpus has no manifests or code: no dependencies, no inventory findings', async () => {
    for (const repo of ['877325778+bge-large-zh-v1.5', 'AbidHasan95+roberta-base-squad2', 'huggingface+huggingface_hub', 'tensorflow+tfjs']) {
      const { report } = await scan({ root: path.join(SHARED, 'real-world', repo), failOn: 'error' })
      expect(report.dependencies).toEqual([])
      expect(report.findings.filter((f) => ['unpinned-dependency', 'unpinned-hub-reference', 'trust-remote-code'].includes(f.rule))).toEqual([])
    }
  })

  test('tree mode: every manifest kind and code file in one tree', async () => {
    const root = await makeTree({
      'requirements.txt': '-r requirements/base.txt\ntorch==2.3.1\n',
      'pyproject.toml': '[project]\nname = "x"\ndependencies = ["transformers>=4.40"]\n',
      'web/package.json': '{\n  "dependencies": {\n    "@huggingface/transformers": "3.0.2"\n  }\n}\n',
      'web/package-lock.json': '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/@huggingface/transformers": {\n      "version": "3.0.2"\n    }\n  }\n}\n',
      'setup.py': 'from setuptools import setup\nsetup(install_requires=REQS)\n',
      'src/train.py': `from transformers import AutoModel\nm = AutoModel.from_pretrained("org/model", revision="${SHA}")\n`,
      'web/app.ts': "const p = await pipeline('text-classification', 'Xenova/toxic-bert')\n",
      'environment.yml': 'dependencies:\n  - pytorch=2.3.1\n  - pip:\n    - mlflow\n'
    })
    const { report } = await scan({ root, failOn: 'error' })
    expect(report.dependencies.map((d) => `${d.path}:${d.line} ${d.ecosystem} ${d.name} ${d.pinned ? 'pinned' : 'open'}`)).toEqual([
      'environment.yml:2 conda pytorch pinned',
      'environment.yml:4 pypi mlflow open',
      'pyproject.toml:3 pypi transformers open',
      'requirements.txt:2 pypi torch pinned',
      'src/train.py:2 huggingface org/model pinned',
      'web/app.ts:1 huggingface Xenova/toxic-bert open',
      'web/package-lock.json:4 npm @huggingface/transformers pinned',
      'web/package.json:3 npm @huggingface/transformers pinned'
    ])
    expect(report.findings.map((f) => `${f.severity} ${f.path}:${f.line} ${f.rule}`)).toEqual([
      'warning environment.yml:4 unpinned-dependency',
      'warning pyproject.toml:3 unpinned-dependency',
      'warning web/app.ts:1 unpinned-hub-reference',
      // The include names a file the tree does not have: said, as a note.
      'note requirements.txt:1 scan-incomplete',
      'note setup.py:2 scan-incomplete'
    ])
    expect(report.artifacts.map((a) => `${a.path} ${a.kind}/${a.format}`)).toEqual([
      'environment.yml dependency-manifest/conda-environment',
      'pyproject.toml dependency-manifest/pyproject',
      'requirements.txt dependency-manifest/requirements',
      'setup.py dependency-manifest/setup-py',
      'web/package-lock.json dependency-manifest/package-lock',
      'web/package.json dependency-manifest/package-json'
    ])
    expect(report.artifacts.find((a) => a.path === 'requirements.txt')!.facts).toEqual({ includes: 'requirements/base.txt' })
  })

  describe('change mode', () => {
    let root: string
    beforeAll(async () => {
      root = await makeTree({
        'requirements.txt': 'torch==2.2.0\ntransformers==4.40.0\nscikit-learn==1.4.2\n',
        'app.py': `from transformers import AutoModel, AutoTokenizer\nmodel = AutoModel.from_pretrained("org/base", revision="${SHA}")\n`,
        'old_loader.py': 'from datasets import load_dataset\nds = load_dataset("org/corpus")\n'
      })
      gitIn(root, 'init', '-q')
      gitIn(root, 'add', '-A')
      gitIn(root, 'commit', '-qm', 'base')
      gitIn(root, 'checkout', '-qb', 'feature')
      await writeTree(root, {
        'requirements.txt': 'torch==2.3.1\ntransformers==4.40.0\n',
        'app.py': `from transformers import AutoModel, AutoTokenizer\nmodel = AutoModel.from_pretrained("org/base", revision="${SHA}")\ntok = AutoTokenizer.from_pretrained("org/new-tokenizer")\n`,
        'data/README.md': '---\nlicense: cc-by-nc-4.0\ntask_categories:\n- text-classification\n---\n# Data\n'
      })
      await rm(path.join(root, 'old_loader.py'))
      gitIn(root, 'add', '-A')
      gitIn(root, 'commit', '-qm', 'bump torch, new tokenizer, drop scikit-learn')
    })

    test('a PR that bumps torch, adds an unpinned from_pretrained and removes a dependency', async () => {
      const { report } = await scan({ root, base: 'main', failOn: 'warning' })
      expect(report.dependencies).toEqual([
        { path: 'app.py', line: 2, ecosystem: 'huggingface', name: 'org/base', specifier: SHA, version: SHA, pinned: true, ml: true, purl: `pkg:huggingface/org/base@${SHA}`, hubKind: 'model', loader: { call: 'from_pretrained', file: null }, change: 'unchanged' },
        { path: 'app.py', line: 3, ecosystem: 'huggingface', name: 'org/new-tokenizer', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:huggingface/org/new-tokenizer', hubKind: 'model', loader: { call: 'from_pretrained', file: null }, change: 'added' },
        {
          path: 'old_loader.py',
          line: 2,
          ecosystem: 'huggingface',
          name: 'org/corpus',
          specifier: null,
          version: null,
          pinned: false,
          ml: true,
          purl: 'pkg:huggingface/org/corpus?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
          hubKind: 'dataset',
          loader: { call: 'load_dataset', file: null },
          change: 'removed'
        },
        { path: 'requirements.txt', line: 1, ecosystem: 'pypi', name: 'torch', specifier: '==2.3.1', version: '2.3.1', pinned: true, ml: true, purl: 'pkg:pypi/torch@2.3.1', change: 'changed', previousSpecifier: '==2.2.0' },
        { path: 'requirements.txt', line: 2, ecosystem: 'pypi', name: 'transformers', specifier: '==4.40.0', version: '4.40.0', pinned: true, ml: true, purl: 'pkg:pypi/transformers@4.40.0', change: 'unchanged' },
        { path: 'requirements.txt', line: 3, ecosystem: 'pypi', name: 'scikit-learn', specifier: '==1.4.2', version: '1.4.2', pinned: true, ml: true, purl: 'pkg:pypi/scikit-learn@1.4.2', change: 'removed' }
      ])
      // Findings are about the change: the removed loader's unpinned reference is not reported.
      expect(report.findings.filter((f) => f.rule !== 'license-missing' && f.rule !== 'license-denied').map((f) => `${f.severity} ${f.path}:${f.line} ${f.rule}`)).toEqual(['warning app.py:3 unpinned-hub-reference'])
      expect(report.findings.find((f) => f.path === 'app.py')).toEqual({
        rule: 'unpinned-hub-reference',
        severity: 'warning',
        path: 'app.py',
        line: 3,
        message: '`AutoTokenizer.from_pretrained` pulls the model org/new-tokenizer from the Hugging Face Hub with no revision, so it loads whatever is on the default branch: whoever can push to org/new-tokenizer decides what runs here.',
        fix: 'Pass `revision="<40-hex commit sha>"` to `AutoTokenizer.from_pretrained`, using the commit you reviewed (https://huggingface.co/org/new-tokenizer/commits).'
      })
      expect(report.verdict).toBe('fail')
      expect(report.artifacts.map((a) => `${a.path} ${a.change} ${a.kind}`)).toEqual(['data/README.md added dataset-card', 'requirements.txt modified dependency-manifest'])
    })
  })
})
