import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDvc } from '../../src/inventory/manifests/dvc.js'
import { parseMlmodel } from '../../src/inventory/manifests/mlmodel.js'
import { checkLfs, lfsRuleFor, parseGitattributes } from '../../src/inventory/lfs-rules.js'
import { scan } from '../../src/engine/scan.js'
import { makeTree } from '../support/tree.js'
import { SHARED } from '../support/shared.js'
import { brief } from './helpers.js'

const SHA = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd'

describe('DVC', () => {
  test('a .dvc file from dvc add: path, hash and size as facts', () => {
    const result = parseDvc('outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 14445097\n  hash: md5\n  path: data.xml\n', 'dvc-pointer')
    expect(result).toEqual({ facts: { outputs: 1, hashedOutputs: 1, path: 'data.xml', md5: '22a1a2931c8370d3aeedd7183606fd7f', size: 14445097 }, issues: [], dependencies: [] })
  })

  test('a .dvc file from dvc import: the source repository is a dependency, pinned by rev_lock', () => {
    const pinned = parseDvc(`md5: 1\nfrozen: true\ndeps:\n- path: data/raw.csv\n  repo:\n    url: https://github.com/iterative/dataset-registry\n    rev: main\n    rev_lock: ${SHA}\nouts:\n- md5: a304afb96060aad90176268345e10355\n  path: raw.csv\n`, 'dvc-pointer')
    expect(pinned.dependencies).toEqual([{ line: 6, ecosystem: 'github', name: 'iterative/dataset-registry', specifier: 'main', version: SHA, pinned: true, ml: true, purl: `pkg:github/iterative/dataset-registry@${SHA}` }])
    expect(pinned.facts).toEqual({ outputs: 1, hashedOutputs: 1, path: 'raw.csv', md5: 'a304afb96060aad90176268345e10355', importedFrom: 'https://github.com/iterative/dataset-registry' })
    expect(pinned.issues).toEqual([])
    const open = parseDvc('deps:\n- path: model.pt\n  repo:\n    url: git@github.com:org/models.git\n    rev: v2\nouts:\n- path: model.pt\n', 'dvc-pointer')
    expect(open.dependencies!.map((d) => `${d.line} ${d.name} ${d.specifier} ${d.pinned}`)).toEqual(['4 org/models v2 false'])
    expect(brief(open.issues)).toEqual(['4 unpinned-dependency warning'])
    expect(open.facts.hashedOutputs).toBe(0)
  })

  test('dvc.yaml stages for formulation: paths made repo-relative with wdir, templates and escapes left out', () => {
    const yaml = [
      'stages:',
      '  prepare:',
      '    wdir: ..',
      '    cmd: [python prep.py, python split.py]',
      '    deps: [raw/data.csv, src/prep.py]',
      '    outs: [data/train.csv]',
      '  train:',
      '    cmd: python train.py ${epochs}',
      '    deps: [../data/train.csv, ../../outside.csv, /etc/passwd, "${item}.csv"]',
      '    outs: [model.pkl]',
      '  sweep:',
      '    foreach: [a, b]',
      '    do: {cmd: "echo ${item}"}',
      '  broken: 3',
      ''
    ].join('\n')
    expect(parseDvc(yaml, 'dvc-pipeline', 'ml/dvc.yaml').stages).toEqual([
      { name: 'prepare', cmd: 'python prep.py && python split.py', deps: ['raw/data.csv', 'src/prep.py'], outs: ['data/train.csv'] },
      { name: 'train', cmd: 'python train.py ${epochs}', deps: ['data/train.csv'], outs: ['ml/model.pkl'] }
    ])
    expect(parseDvc('stages:\n  s:\n    cmd: x\n', 'dvc-pipeline').stages).toEqual([{ name: 's', cmd: 'x', deps: [], outs: [] }])
    expect(parseDvc('stages: {}\n', 'dvc-pipeline').stages).toBeUndefined()
  })

  test('dvc.yaml stages and artifacts; dvc.lock hashes', () => {
    const yaml = 'stages:\n  train:\n    cmd: python train.py\n    deps: [data]\n    outs: [model.pt, {metrics.json: {cache: false}}]\nartifacts:\n  classifier:\n    path: model.pt\n    type: model\n'
    expect(parseDvc(yaml, 'dvc-pipeline')).toEqual({
      facts: { stages: 1, outputs: 2, artifacts: 'classifier:model:model.pt' },
      issues: [],
      dependencies: [],
      stages: [{ name: 'train', cmd: 'python train.py', deps: ['data'], outs: ['model.pt', 'metrics.json'] }]
    })
    const lock = 'schema: "2.0"\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: model.pt\n      hash: md5\n      md5: 3b0f0d0b\n      size: 10\n    - path: tmp\n'
    expect(parseDvc(lock, 'dvc-lock').facts).toEqual({ stages: 1, outputs: 2, hashedOutputs: 1 })
    expect(brief(parseDvc('stages: [\n', 'dvc-lock').issues)).toEqual(['2 unparseable-artifact error'])
  })
})

describe('MLflow MLmodel', () => {
  test('flavors, saved library versions and the Hub source of a transformers model', () => {
    const text = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.transformers
    python_version: 3.10.14
  transformers:
    source_model_name: distilbert/distilbert-base-uncased
    source_model_revision: main
    transformers_version: 4.41.2
    pipeline_model_type: DistilBertForSequenceClassification
mlflow_version: 2.14.1
model_uuid: 9f2c
run_id: 77aa
`
    const result = parseMlmodel(text)
    expect(result.facts).toEqual({ flavors: 'python_function,transformers', run_id: '77aa', model_uuid: '9f2c', artifact_path: 'model', loaderModule: 'mlflow.transformers', python: '3.10.14' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.ecosystem} ${d.name} ${d.specifier} ${d.pinned} ${d.group ?? '-'}`)).toEqual([
      '14 pypi mlflow ==2.14.1 true flavor',
      '12 pypi transformers ==4.41.2 true flavor',
      '10 huggingface distilbert/distilbert-base-uncased main false -'
    ])
    expect(brief(result.issues)).toEqual(['10 unpinned-hub-reference warning'])
  })

  test('a pickled sklearn model: its format is recorded (the .pkl itself goes to the pickle scanner)', () => {
    const result = parseMlmodel('flavors:\n  sklearn:\n    pickled_model: model.pkl\n    serialization_format: cloudpickle\n    sklearn_version: 1.5.0\n')
    expect(result.facts).toEqual({ flavors: 'sklearn', serialization: 'cloudpickle', pickledModel: 'model.pkl' })
    expect(result.dependencies!.map((d) => d.purl)).toEqual(['pkg:pypi/scikit-learn@1.5.0'])
    expect(parseMlmodel('flavors: 3\n')).toEqual({ facts: {}, issues: [], dependencies: [] })
  })

  test('through the engine: MLmodel, conda.yaml, python_env.yaml and a .dvc file are all inventoried', async () => {
    const root = await makeTree({
      'mlruns/model/MLmodel': 'flavors:\n  sklearn:\n    sklearn_version: 1.5.0\nmlflow_version: 2.14.1\n',
      'mlruns/model/conda.yaml': 'dependencies:\n- python=3.10.14\n- pip:\n  - mlflow==2.14.1\n',
      'mlruns/model/python_env.yaml': 'python: 3.10.14\ndependencies:\n  - mlflow==2.14.1\n',
      'data/train.csv.dvc': 'outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 100\n  path: train.csv\n',
      'dvc.yaml': 'stages:\n  prep:\n    cmd: python prep.py\n    outs: [data/clean.csv]\n'
    })
    const { report } = await scan({ root, failOn: 'error' })
    expect(report.artifacts.map((a) => `${a.path} ${a.kind}/${a.format} ${JSON.stringify(a.facts)}`)).toEqual([
      'data/train.csv.dvc dataset/dvc-pointer {"outputs":1,"hashedOutputs":1,"path":"train.csv","md5":"22a1a2931c8370d3aeedd7183606fd7f","size":100}',
      'dvc.yaml dependency-manifest/dvc-pipeline {"stages":1,"outputs":1}',
      'mlruns/model/MLmodel dependency-manifest/mlflow-model {"flavors":"sklearn"}',
      'mlruns/model/conda.yaml dependency-manifest/mlflow-conda {}',
      'mlruns/model/python_env.yaml dependency-manifest/mlflow-python-env {"python":"3.10.14"}'
    ])
    expect(report.dependencies.map((d) => `${d.path}:${d.line} ${d.name}@${d.version}`)).toEqual([
      'mlruns/model/MLmodel:3 scikit-learn@1.5.0',
      'mlruns/model/MLmodel:4 mlflow@2.14.1',
      'mlruns/model/conda.yaml:2 python@3.10.14',
      'mlruns/model/conda.yaml:4 mlflow@2.14.1',
      'mlruns/model/python_env.yaml:3 mlflow@2.14.1'
    ])
    expect(report.findings.map((f) => `${f.rule} ${f.path}`)).toEqual(['license-missing data/train.csv.dvc'])
  })
})

describe('.gitattributes LFS rules', () => {
  test('the standard Hugging Face .gitattributes, against the real mirror it came with', async () => {
    const dir = path.join(SHARED, 'real-world', '877325778+bge-large-zh-v1.5')
    const rules = parseGitattributes(await readFile(path.join(dir, '.gitattributes'), 'utf8'), '.gitattributes')
    expect(rules.length).toBe(35)
    expect(rules.every((r) => r.lfs)).toBe(true)
    expect(lfsRuleFor(rules, 'model.safetensors')).toMatchObject({ pattern: '*.safetensors', line: 25 })
    expect(lfsRuleFor(rules, 'saved_model/variables/variables.index')).toMatchObject({ pattern: 'saved_model/**/*' })
    expect(lfsRuleFor(rules, 'runs/events.out.tfevents.1')).toMatchObject({ pattern: '*tfevents*' })
    expect(lfsRuleFor(rules, 'config.json')).toBeNull()
    const { report } = await scan({ root: dir, failOn: 'error' })
    const files = report.artifacts.map((a) => ({ path: a.path, pointer: a.lfs !== null, size: a.size, kind: a.kind }))
    expect(checkLfs(rules, files)).toEqual([])
  })

  test('a model that skipped LFS, an unset override, a deeper file and a model in plain Git', () => {
    const rules = [
      ...parseGitattributes('# models\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n"with space.bin" filter=lfs\n*.onnx filter=lfs\n', '.gitattributes'),
      ...parseGitattributes('*.onnx -filter\n/local/*.pt filter=lfs\n', 'models/.gitattributes')
    ]
    expect(rules.map((r) => `${r.file}:${r.line} ${r.pattern} ${r.lfs}`)).toEqual([
      '.gitattributes:2 *.safetensors true',
      '.gitattributes:3 with space.bin true',
      '.gitattributes:4 *.onnx true',
      'models/.gitattributes:1 *.onnx false',
      'models/.gitattributes:2 /local/*.pt true'
    ])
    const MB = 1024 * 1024
    const problems = checkLfs(rules, [
      { path: 'a/model.safetensors', pointer: false, size: 5 * MB, kind: 'model' },
      { path: 'b/model.safetensors', pointer: true, size: 5 * MB, kind: 'model' },
      { path: 'models/net.onnx', pointer: false, size: 5 * MB, kind: 'model' },
      { path: 'models/local/w.pt', pointer: false, size: 100, kind: 'model' },
      { path: 'models/other/w.pt', pointer: false, size: 100, kind: 'model' },
      { path: 'tiny.pkl', pointer: false, size: 10, kind: 'model' },
      { path: 'data/big.parquet', pointer: false, size: 20 * MB, kind: 'dataset' },
      { path: 'README.md', pointer: false, size: 20 * MB, kind: null }
    ])
    expect(problems.map((p) => `${p.rule} ${p.path}${p.matched ? ` (${p.matched.file}:${p.matched.line})` : ''}`)).toEqual([
      'lfs-pointer-missing a/model.safetensors (.gitattributes:2)',
      'lfs-untracked models/net.onnx',
      'lfs-pointer-missing models/local/w.pt (models/.gitattributes:2)',
      'lfs-untracked data/big.parquet'
    ])
  })
})
