import { parsePyproject } from '../../src/inventory/manifests/pyproject.js'
import { parseSetupCfg } from '../../src/inventory/manifests/setup-cfg.js'
import { parseSetupPy } from '../../src/inventory/manifests/setup-py.js'
import { parsePipfile, parsePipfileLock } from '../../src/inventory/manifests/pipfile.js'
import { parsePythonLock } from '../../src/inventory/manifests/python-locks.js'
import { parseCondaEnvironment, parsePythonEnv } from '../../src/inventory/manifests/conda.js'
import type { DeclaredDependency } from '../../src/inspect/types.js'
import { brief, memoryReader } from './helpers.js'

const SHA = 'fedcba9876543210fedcba9876543210fedcba98'

/** `line name specifier version pinned ml group` for compact exact comparisons (the purl is checked where it matters). */
function rows(deps: DeclaredDependency[] | undefined): string[] {
  return (deps ?? []).map((d) => [d.line ?? '-', d.ecosystem, d.name, d.specifier ?? '-', d.version ?? '-', d.pinned ? 'pinned' : 'open', d.ml ? 'ml' : '-', d.group ?? ''].join(' ').trim())
}

describe('pyproject.toml', () => {
  const text = `[build-system]
requires = ["setuptools>=68", "wheel"]

[project]
name = "demo"
dependencies = [
  "torch==2.3.1",
  "transformers>=4.40",
  'numpy',
]

[project.optional-dependencies]
gpu = ["bitsandbytes>=0.43 ; sys_platform == 'linux'"]
serve = ["vllm==0.5.0", "not a requirement!"]

[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]

[tool.uv]
dev-dependencies = ["ruff"]
constraint-dependencies = ["numpy==1.26.4"]

[tool.uv.sources]
transformers = { git = "https://github.com/huggingface/transformers", rev = "${SHA}" }

[tool.pdm.dev-dependencies]
docs = ["mkdocs"]

[tool.poetry.dependencies]
python = "^3.10"
accelerate = "0.31.0"
peft = "^0.11"
datasets = { version = "==2.20.0", extras = ["audio"] }
diffusers = { git = "https://github.com/huggingface/diffusers", branch = "main" }
local-lib = { path = "../lib", develop = true }

[tool.poetry.group.train.dependencies]
lightning = { version = ">=2.2" }
`
  test('PEP 621, PEP 735, build, uv, PDM and Poetry tables, each dependency on its line', () => {
    const result = parsePyproject(text)
    expect(rows(result.dependencies)).toEqual([
      '7 pypi torch ==2.3.1 2.3.1 pinned ml',
      `8 pypi transformers git+https://github.com/huggingface/transformers@${SHA} ${SHA} pinned ml`,
      '9 pypi numpy - 1.26.4 pinned -',
      "13 pypi bitsandbytes >=0.43 - open ml optional:gpu",
      '14 pypi vllm ==0.5.0 0.5.0 pinned ml optional:serve',
      '17 pypi pytest >=8 - open - test',
      '2 pypi setuptools >=68 - open - build',
      '2 pypi wheel - - open - build',
      '27 pypi mkdocs - - open - docs',
      '20 pypi ruff - - open - dev',
      '31 pypi accelerate 0.31.0 0.31.0 pinned ml',
      '32 pypi peft ^0.11 - open ml',
      '33 pypi datasets ==2.20.0 2.20.0 pinned ml',
      '34 pypi diffusers git+https://github.com/huggingface/diffusers@main - open ml',
      '35 pypi local-lib file:../lib - open -',
      '38 pypi lightning >=2.2 - open ml train'
    ])
    expect(result.dependencies![1]!.purl).toBe(`pkg:pypi/transformers?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Ftransformers%40${SHA}`)
    expect(result.dependencies![2]!.purl).toBe('pkg:pypi/numpy@1.26.4')
    expect(result.issues.map((i) => `${i.line} ${i.rule} ${i.fix}`)).toEqual([
      '14 unparseable-artifact Fix the syntax on line 14 so that the pyproject.toml parses (the package manager would reject it too).',
      '13 unpinned-dependency Pin the exact version you tested: `bitsandbytes==0.43` (or the version you really use), or install from a lock file with hashes.',
      '32 unpinned-dependency Pin the exact version you tested: `peft = "0.11"` (or the version you really use), or install from a lock file with hashes.',
      '34 unpinned-dependency Pin a commit: `diffusers @ git+https://github.com/huggingface/diffusers@<40-hex commit sha>`.',
      '38 unpinned-dependency Pin the exact version you tested: `lightning = "2.2"` (or the version you really use), or install from a lock file with hashes.'
    ])
  })

  test('invalid TOML is one finding with the line, and no dependencies', () => {
    const result = parsePyproject('[project]\ndependencies = ["torch"\nname = "x"\n')
    expect(result.dependencies).toEqual([])
    expect(brief(result.issues)).toEqual(['3 unparseable-artifact error'])
    expect(result.issues[0]!.message).toMatch(/^Cannot parse this pyproject.toml: .+\. Its dependencies cannot be inventoried or checked\.$/)
  })

  test('a hostile document (wrong types everywhere) yields nothing and no crash', () => {
    const result = parsePyproject('project = 1\n[tool]\npoetry = "x"\nuv = []\n[dependency-groups]\ndev = "pytest"\n')
    expect(result).toEqual({ facts: {}, issues: [], dependencies: [] })
  })
})

describe('setup.cfg and setup.py', () => {
  test('setup.cfg: dangling and one-line lists, extras, file: includes', async () => {
    const text = `[metadata]
name = demo

[options]
install_requires =
    torch>=2.1  # comment
    numpy==1.26.4
setup_requires = setuptools_scm; wheel
tests_require = file: requirements/test.txt

[options.extras_require]
hf =
    transformers==4.41.2
    safetensors
`
    const result = await parseSetupCfg(text, { path: 'setup.cfg', reader: memoryReader({ 'requirements/test.txt': 'pytest\nonnx\n' }) })
    expect(rows(result.dependencies)).toEqual([
      '6 pypi torch >=2.1 - open ml',
      '7 pypi numpy ==1.26.4 1.26.4 pinned -',
      '8 pypi setuptools-scm - - open - build',
      '8 pypi wheel - - open - build',
      '9 pypi pytest - - open - test',
      '9 pypi onnx - - open ml test',
      '13 pypi transformers ==4.41.2 4.41.2 pinned ml optional:hf',
      '14 pypi safetensors - - open ml optional:hf'
    ])
    expect(result.dependencies![5]!.declaredIn).toEqual({ path: 'requirements/test.txt', line: 2 })
    expect(brief(result.issues)).toEqual(['6 unpinned-dependency warning', '14 unpinned-dependency warning'])
    expect(result.facts).toEqual({ includes: 'requirements/test.txt' })
  })

  test('setup.cfg: a stray continuation line and a non key line are findings', async () => {
    const result = await parseSetupCfg('  orphan\n[options]\nnot a key line\ninstall_requires = torch==2.3.1\n', { path: 'setup.cfg' })
    expect(rows(result.dependencies)).toEqual(['4 pypi torch ==2.3.1 2.3.1 pinned ml'])
    expect(brief(result.issues)).toEqual(['1 unparseable-artifact error', '3 unparseable-artifact error'])
  })

  test('setup.py is read, never run: literal lists count, computed ones are a note', () => {
    const text = `from setuptools import setup
REQS = open("requirements.txt").read().splitlines()
setup(
    name="demo",
    install_requires=[
        "torch==2.3.1",
        'transformers>=4.40',  # comment with "quotes"
    ],
    extras_require={"onnx": ["onnxruntime-gpu"], "dev": REQS},
    setup_requires=REQS,
)
`
    const result = parseSetupPy(text)
    expect(rows(result.dependencies)).toEqual(['6 pypi torch ==2.3.1 2.3.1 pinned ml', '7 pypi transformers >=4.40 - open ml', '9 pypi onnxruntime-gpu - - open ml optional:onnx'])
    expect(brief(result.issues)).toEqual(['7 unpinned-dependency warning', '9 unpinned-dependency warning', '9 scan-incomplete note', '10 scan-incomplete note'])
    expect(result.issues[3]!.message).toBe('`setup_requires` in setup.py is computed, and ModelGate never runs setup.py, so these dependencies are not in the inventory.')
  })
})

describe('Pipfile and Pipfile.lock', () => {
  test('Pipfile: packages, dev-packages, custom categories, git and path entries', () => {
    const text = `[[source]]
url = "https://pypi.org/simple"
name = "pypi"

[packages]
torch = "*"
numpy = "==1.26.4"
transformers = {version = ">=4.40", extras = ["torch"]}
peft = {git = "https://github.com/huggingface/peft.git", ref = "${SHA}"}
mylib = {path = ".", editable = true}

[dev-packages]
pytest = "*"

[ml]
xgboost = "==2.0.3"
`
    const result = parsePipfile(text)
    expect(rows(result.dependencies)).toEqual([
      '6 pypi torch * - open ml',
      '7 pypi numpy ==1.26.4 1.26.4 pinned -',
      '8 pypi transformers >=4.40 - open ml',
      `9 pypi peft git+https://github.com/huggingface/peft.git@${SHA} ${SHA} pinned ml`,
      '10 pypi mylib file:. - open -',
      '13 pypi pytest * - open - dev',
      '16 pypi xgboost ==2.0.3 2.0.3 pinned ml ml'
    ])
    expect(result.issues.map((i) => `${i.line} ${i.rule} ${i.fix}`)).toEqual([
      '6 unpinned-dependency Pin the exact version you tested: `torch = "==<version>"`, or install from a lock file with hashes.',
      '8 unpinned-dependency Pin the exact version you tested: `transformers = "==4.40"` (or the version you really use), or install from a lock file with hashes.'
    ])
  })

  test('Pipfile.lock: every entry exact, on its line', () => {
    const text = JSON.stringify(
      {
        _meta: { hash: { sha256: 'x' }, 'pipfile-spec': 6 },
        default: { torch: { hashes: ['sha256:a'], version: '==2.3.1' }, peft: { git: 'https://github.com/huggingface/peft.git', ref: SHA } },
        develop: { pytest: { hashes: [], version: '==8.2.0' } }
      },
      null,
      4
    )
    const result = parsePipfileLock(text)
    expect(rows(result.dependencies)).toEqual(['9 pypi torch ==2.3.1 2.3.1 pinned ml', `15 pypi peft git+https://github.com/huggingface/peft.git@${SHA} ${SHA} pinned ml`, '21 pypi pytest ==8.2.0 8.2.0 pinned - dev'])
    expect(result.issues).toEqual([])
  })

  test('a truncated Pipfile.lock is a finding with its line', () => {
    const result = parsePipfileLock('{\n  "default": {\n    "torch": {"version": "==2.3.1"\n')
    expect(result.dependencies).toEqual([])
    expect(brief(result.issues)).toEqual(['4 unparseable-artifact error'])
  })
})

describe('poetry.lock and uv.lock', () => {
  test('poetry.lock: registry, git (resolved commit) and directory packages', () => {
    const text = `[[package]]
name = "torch"
version = "2.3.1"
description = ""
optional = false

[[package]]
name = "Transformers"
version = "4.42.0.dev0"

[package.source]
type = "git"
url = "https://github.com/huggingface/transformers.git"
reference = "main"
resolved_reference = "${SHA}"

[[package]]
name = "mylib"
version = "0.1.0"

[package.source]
type = "directory"
url = "../mylib"

[metadata]
lock-version = "2.0"
`
    const result = parsePythonLock(text, 'poetry.lock')
    expect(rows(result.dependencies)).toEqual(['1 pypi torch ==2.3.1 2.3.1 pinned ml', `7 pypi transformers git+https://github.com/huggingface/transformers.git@${SHA} ${SHA} pinned ml`])
    expect(result.dependencies![0]!.purl).toBe('pkg:pypi/torch@2.3.1')
    expect(result.issues).toEqual([])
  })

  test('uv.lock: the project itself is left out; git sources carry the commit', () => {
    const text = `version = 1
requires-python = ">=3.10"

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "safetensors"
version = "0.4.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "peft"
version = "0.12.0"
source = { git = "https://github.com/huggingface/peft?rev=main#${SHA}" }
`
    const result = parsePythonLock(text, 'uv.lock')
    expect(rows(result.dependencies)).toEqual(['9 pypi safetensors ==0.4.3 0.4.3 pinned ml', `14 pypi peft git+https://github.com/huggingface/peft@${SHA} ${SHA} pinned ml`])
    expect(result.issues).toEqual([])
  })

  test('a lock file that is not TOML is a finding', () => {
    expect(brief(parsePythonLock('[[package]\nname = "x"\n', 'uv.lock').issues)).toEqual(['1 unparseable-artifact error'])
  })
})

describe('conda environments and MLflow environments', () => {
  test('environment.yml: match specs, channels, and a pip list with -r', async () => {
    const text = `name: train
channels:
  - pytorch
  - conda-forge
dependencies:
  - python=3.11
  - pytorch::pytorch=2.3.1=py3.11_cuda12.1_cudnn8.9.2_0
  - cudatoolkit
  - scikit-learn>=1.4
  - numpy 1.26.4
  - pip
  - pip:
      - transformers==4.41.2
      - -r requirements-extra.txt
      - sentence-transformers
`
    const result = await parseCondaEnvironment(text, 'conda environment file', { path: 'envs/environment.yml', reader: memoryReader({ 'envs/requirements-extra.txt': 'datasets\n' }) })
    expect(rows(result.dependencies)).toEqual([
      '6 conda python =3.11 3.11 pinned -',
      '7 conda pytorch =2.3.1=py3.11_cuda12.1_cudnn8.9.2_0 2.3.1 pinned ml',
      '8 conda cudatoolkit - - open -',
      '9 conda scikit-learn >=1.4 - open ml',
      '10 conda numpy 1.26.4 1.26.4 pinned -',
      '11 conda pip - - open -',
      '13 pypi transformers ==4.41.2 4.41.2 pinned ml pip',
      '14 pypi datasets - - open ml pip',
      '15 pypi sentence-transformers - - open ml pip'
    ])
    expect(result.dependencies![1]!.purl).toBe('pkg:conda/pytorch@2.3.1?channel=pytorch')
    // datasets (line 14) comes from requirements-extra.txt, a requirements file that reports its own findings.
    expect(result.issues.map((i) => `${i.line} ${i.rule} ${i.fix}`)).toEqual([
      '9 unpinned-dependency Pin the exact version you tested: `scikit-learn=1.4` (or the version you really use), or install from a lock file with hashes.',
      '15 unpinned-dependency Pin the exact version you tested: `sentence-transformers==<version>`, or install from a lock file with hashes.'
    ])
    expect(result.facts).toEqual({ includes: 'envs/requirements-extra.txt' })
  })

  test('MLflow conda.yaml as MLflow writes it', async () => {
    const text = `channels:
- conda-forge
dependencies:
- python=3.10.14
- pip<=24.0
- pip:
  - mlflow==2.14.1
  - cloudpickle==3.0.0
  - scikit-learn==1.5.0
name: mlflow-env
`
    const result = await parseCondaEnvironment(text, 'MLflow conda.yaml', { path: 'model/conda.yaml' })
    expect(rows(result.dependencies)).toEqual([
      '4 conda python =3.10.14 3.10.14 pinned -',
      '5 conda pip <=24.0 - open -',
      '7 pypi mlflow ==2.14.1 2.14.1 pinned ml pip',
      '8 pypi cloudpickle ==3.0.0 3.0.0 pinned - pip',
      '9 pypi scikit-learn ==1.5.0 1.5.0 pinned ml pip'
    ])
    expect(result.issues).toEqual([])
  })

  test('MLflow python_env.yaml', async () => {
    const text = 'python: 3.10.14\nbuild_dependencies:\n  - pip==24.0\n  - setuptools\ndependencies:\n  - -r requirements.txt\n  - torch\n'
    const result = await parsePythonEnv(text, { path: 'model/python_env.yaml', reader: memoryReader({ 'model/requirements.txt': 'mlflow==2.14.1\n' }) })
    expect(rows(result.dependencies)).toEqual(['3 pypi pip ==24.0 24.0 pinned - build', '4 pypi setuptools - - open - build', '6 pypi mlflow ==2.14.1 2.14.1 pinned ml', '7 pypi torch - - open ml'])
    expect(brief(result.issues)).toEqual(['7 unpinned-dependency warning'])
    expect(result.facts).toEqual({ python: '3.10.14', includes: 'model/requirements.txt' })
  })

  test('hostile YAML: bad syntax, wrong shapes and alias bombs are findings, not crashes', async () => {
    const bad = await parseCondaEnvironment('dependencies: [torch\n', 'conda environment file', { path: 'environment.yml' })
    expect(brief(bad.issues)).toEqual(['2 unparseable-artifact error'])
    const shape = await parseCondaEnvironment('dependencies:\n  nope: 1\n', 'conda environment file', { path: 'environment.yml' })
    expect(brief(shape.issues)).toEqual(['2 unparseable-artifact error'])
    const items = await parseCondaEnvironment('dependencies:\n  - 12\n  - "!!"\n', 'conda environment file', { path: 'environment.yml' })
    expect(brief(items.issues)).toEqual(['2 unparseable-artifact error', '3 unparseable-artifact error'])
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`), 'dependencies: *j'].join('\n')
    const started = Date.now()
    const result = await parseCondaEnvironment(bomb, 'conda environment file', { path: 'environment.yml' })
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.dependencies).toEqual([])
    expect(brief(result.issues)).toEqual(['- unparseable-artifact error'])
  })
})
