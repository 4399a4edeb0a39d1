import fc from 'fast-check'
import { parseNotebook, scanNotebookFile } from '../../src/inventory/code/notebook.js'
import { codeScannerFor } from '../../src/inventory/registry.js'
import { splitShellLine } from '../../src/inventory/code/shell-words.js'
import { blankEscapes, ipythonEscapes } from '../../src/inventory/code/ipython-lines.js'
import { BufferByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { scan } from '../../src/engine/scan.js'
import { makeTree, writeTree } from '../support/tree.js'
import { gitIn } from '../support/git.js'
import { brief, memoryReader } from './helpers.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

/** A notebook as Jupyter writes it: `json.dumps(nb, sort_keys=True, indent=1)` plus a final newline. */
function jupyter(nb: unknown): string {
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v === null || typeof v !== 'object') return v
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
}

/** Jupyter stores a cell's source one line per array item, each line keeping its newline. */
const lines = (s: string): string[] => s.split(/(?<=\n)/)
const code = (id: string, source: string | string[], extra: Record<string, unknown> = {}) => ({ cell_type: 'code', execution_count: null, id, metadata: {}, outputs: [], source: typeof source === 'string' ? lines(source) : source, ...extra })
const PYTHON = { kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.9' } }
const notebook = (cells: unknown[], metadata: unknown = PYTHON) => ({ cells, metadata, nbformat: 4, nbformat_minor: 5 })

/**
 * The characters that string searches (`indexOf`, `includes`) went through and
 * `charCodeAt` (the tokenizers' reads) took while `run` ran: its work, counted
 * rather than timed, so a test can bound it.
 */
async function work<T>(run: () => T | Promise<T>): Promise<{ result: T; chars: number }> {
  let chars = 0
  const { indexOf, includes, charCodeAt } = String.prototype
  // From where the search starts to the end of the match, or of the string when there is none.
  const searched = (s: string, needle: string, from = 0) => {
    const start = Math.max(0, from)
    const at = indexOf.call(s, needle, start)
    chars += Math.max(0, (at < 0 ? s.length : at + needle.length) - start)
    return at
  }
  String.prototype.indexOf = function (this: string, needle: string, from?: number) {
    return searched(this, needle, from)
  }
  String.prototype.includes = function (this: string, needle: string, from?: number) {
    return searched(this, needle, from) >= 0
  }
  String.prototype.charCodeAt = function (this: string, at: number) {
    chars++
    return charCodeAt.call(this, at)
  }
  try {
    const result = await run()
    return { result, chars }
  } finally {
    Object.assign(String.prototype, { indexOf, includes, charCodeAt })
  }
}

/** The notebook of the main test; its line numbers are checked against the file below. */
const TRAIN = notebook([
  { cell_type: 'markdown', id: 'intro', metadata: {}, source: lines('# Fine-tuning\n%pip install not-code\n') },
  code('setup', '%pip install -q -U torch==2.3.1 "transformers>=4.40" accelerate\n!pip install --quiet datasets>=2.0 -r requirements.txt 2>&1 | tail -1\n!uv pip install --system peft \\\n    bitsandbytes==0.43.1\n%conda install -c pytorch pytorch=2.3.1 torchvision -y\nMODEL_ID = "org/name"', {
    execution_count: 1,
    outputs: [{ name: 'stdout', output_type: 'stream', text: ['Successfully installed torch-2.3.1\n'] }]
  }),
  code('load', `from transformers import AutoModel, AutoTokenizer\nmodel = AutoModel.from_pretrained(MODEL_ID, trust_remote_code=True)\ntok = AutoTokenizer.from_pretrained("org/tok", revision="${SHA}")\nhelp_text = """\n!pip install not-a-command\n"""\n!pip install {extra_pkg}`, {
    execution_count: 2,
    outputs: [{ data: { 'text/plain': ['AutoModel.from_pretrained("in/output")'] }, execution_count: 2, metadata: {}, output_type: 'execute_result' }]
  })
])

describe('notebooks: installs, hub references and lines of the .ipynb', () => {
  test('a notebook as Jupyter writes it: every install line and reference on the line of the file that holds it', async () => {
    const text = jupyter(TRAIN)
    const fileLines = text.split('\n')
    // The layout the expectations below rely on (Jupyter's indent-1, one source line per array item).
    expect([27, 28, 29, 30, 31, 54, 55, 59].map((n) => fileLines[n - 1]!.trim())).toEqual([
      '"%pip install -q -U torch==2.3.1 \\"transformers>=4.40\\" accelerate\\n",',
      '"!pip install --quiet datasets>=2.0 -r requirements.txt 2>&1 | tail -1\\n",',
      '"!uv pip install --system peft \\\\\\n",',
      '"    bitsandbytes==0.43.1\\n",',
      '"%conda install -c pytorch pytorch=2.3.1 torchvision -y\\n",',
      '"model = AutoModel.from_pretrained(MODEL_ID, trust_remote_code=True)\\n",',
      `"tok = AutoTokenizer.from_pretrained(\\"org/tok\\", revision=\\"${SHA}\\")\\n",`,
      '"!pip install {extra_pkg}"'
    ])
    const reader = memoryReader({ 'notebooks/requirements.txt': 'scikit-learn==1.4.2\nxgboost\n' })
    const result = await parseNotebook(text, { path: 'notebooks/train.ipynb', reader })
    expect(result.dependencies).toEqual([
      { line: 27, ecosystem: 'pypi', name: 'torch', specifier: '==2.3.1', version: '2.3.1', pinned: true, ml: true, purl: 'pkg:pypi/torch@2.3.1' },
      { line: 27, ecosystem: 'pypi', name: 'transformers', specifier: '>=4.40', version: null, pinned: false, ml: true, purl: 'pkg:pypi/transformers' },
      { line: 27, ecosystem: 'pypi', name: 'accelerate', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/accelerate' },
      // Unquoted, `>=2.0` is a redirection: pip gets plain `datasets`.
      { line: 28, ecosystem: 'pypi', name: 'datasets', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/datasets' },
      // `-r requirements.txt` is read like pip reads it, beside the notebook; it reports its own findings.
      { line: 28, ecosystem: 'pypi', name: 'scikit-learn', specifier: '==1.4.2', version: '1.4.2', pinned: true, ml: true, purl: 'pkg:pypi/scikit-learn@1.4.2', declaredIn: { path: 'notebooks/requirements.txt', line: 1 } },
      { line: 28, ecosystem: 'pypi', name: 'xgboost', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/xgboost', declaredIn: { path: 'notebooks/requirements.txt', line: 2 } },
      { line: 29, ecosystem: 'pypi', name: 'peft', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/peft' },
      { line: 30, ecosystem: 'pypi', name: 'bitsandbytes', specifier: '==0.43.1', version: '0.43.1', pinned: true, ml: true, purl: 'pkg:pypi/bitsandbytes@0.43.1' },
      { line: 31, ecosystem: 'conda', name: 'pytorch', specifier: '=2.3.1', version: '2.3.1', pinned: true, ml: true, purl: 'pkg:conda/pytorch@2.3.1' },
      { line: 31, ecosystem: 'conda', name: 'torchvision', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:conda/torchvision' },
      // MODEL_ID is set in the cell before: cells share one namespace.
      { line: 54, ecosystem: 'huggingface', name: 'org/name', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:huggingface/org/name', hubKind: 'model', loader: { call: 'from_pretrained', file: null } },
      { line: 55, ecosystem: 'huggingface', name: 'org/tok', specifier: SHA, version: SHA, pinned: true, ml: true, purl: `pkg:huggingface/org/tok@${SHA}`, hubKind: 'model', loader: { call: 'from_pretrained', file: null } }
    ])
    expect(result.issues).toEqual([
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency transformers is not pinned (`>=4.40`): any release that matches can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `transformers==4.40` (or the version you really use), or install from a lock file with hashes.',
        line: 27
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency accelerate is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `accelerate==<version>`, or install from a lock file with hashes.',
        line: 27
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message:
          'ML dependency datasets is not pinned (no version): any release can be installed, including one published after this review. The unquoted `>=2.0` after it is a shell redirection, not a version, so pip never sees it: quote the requirement (`"datasets>=2.0"`).',
        fix: 'Pin the exact version you tested: `datasets==<version>`, or install from a lock file with hashes.',
        line: 28
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency peft is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `peft==<version>`, or install from a lock file with hashes.',
        line: 29
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency torchvision is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `torchvision=<version>`, or install from a lock file with hashes.',
        line: 31
      },
      {
        rule: 'unpinned-hub-reference',
        severity: 'warning',
        message: '`AutoModel.from_pretrained` pulls the model org/name from the Hugging Face Hub with no revision, so it loads whatever is on the default branch: whoever can push to org/name decides what runs here.',
        fix: 'Pass `revision="<40-hex commit sha>"` to `AutoModel.from_pretrained`, using the commit you reviewed (https://huggingface.co/org/name/commits).',
        line: 54
      },
      {
        rule: 'trust-remote-code',
        severity: 'warning',
        message: '`AutoModel.from_pretrained(…)` passes trust_remote_code=True for org/name: Python files from the model repository run in this process when it loads, so whoever can push to that repository runs code here.',
        fix: 'Remove trust_remote_code=True if the architecture is supported natively (recent transformers releases include most); otherwise pin `revision="<40-hex commit sha>"` to a commit whose code you reviewed.',
        line: 54
      },
      {
        rule: 'scan-incomplete',
        severity: 'note',
        message: '`!pip install {extra_pkg}`: `{extra_pkg}` is expanded when the cell runs, so ModelGate cannot tell what this installs or whether it is pinned.',
        fix: 'Write the requirement literally (`name==version`) so it can be reviewed.',
        line: 59
      }
    ])
    expect(result.facts).toEqual({})
    expect(reader.asked).toEqual(['notebooks/requirements.txt'])
  })

  test('a source stored as one string: everything in it is on the line of that string', async () => {
    const text = jupyter(notebook([code('one', 'import torch\n%pip install torch\nm = AutoModel.from_pretrained("org/model")\n!wget https://huggingface.co/org/model/resolve/main/config.json'), code('two', ['x = 1\n', 'y = pipeline("text-classification", model="org/clf")'])]))
    const one = JSON.parse(text).cells[0]
    one.source = one.source.join('')
    const single = jupyter({ ...JSON.parse(text), cells: [one, JSON.parse(text).cells[1]] })
    const at = (needle: string) => single.split('\n').findIndex((l) => l.includes(needle)) + 1
    expect([at('"source": "import torch'), at('"x = 1'), at('org/clf')]).toEqual([9, 18, 19])
    const result = await parseNotebook(single, { path: 'nb.ipynb' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.ecosystem} ${d.name} ${d.specifier ?? '-'} ${d.pinned ? 'pinned' : 'open'}`)).toEqual([
      '9 pypi torch - open',
      // Shell lines are read before the Python: on one line, the wget comes first.
      '9 huggingface org/model main open',
      '9 huggingface org/model - open',
      '19 huggingface org/clf - open'
    ])
    expect(brief(result.issues)).toEqual(['9 unpinned-dependency warning', '9 unpinned-hub-reference warning', '9 unpinned-hub-reference warning', '19 unpinned-hub-reference warning'])
    expect(result.issues[1]).toEqual({
      rule: 'unpinned-hub-reference',
      severity: 'warning',
      message: '`wget` downloads config.json from the model org/model on the Hugging Face Hub at `main`, a branch, tag or short sha that can move (only a full 40-character commit sha cannot): whoever can push to org/model decides what is downloaded here.',
      fix: 'Put the commit you reviewed in the URL: `https://huggingface.co/org/model/resolve/<40-hex commit sha>/config.json` (https://huggingface.co/org/model/commits).',
      line: 9
    })
    expect(result.dependencies![1]!.loader).toEqual({ call: 'hf_hub_url', file: 'config.json' })
  })

  test('pip options: values are not packages; -c pins; -e of a VCS URL; a missing -r file is a note; python -m pip and sudo', async () => {
    const text = jupyter(
      notebook([
        code(
          'a',
          `!pip install -i https://download.pytorch.org/whl/cu121 --extra-index-url=https://pypi.org/simple -t /tmp/x torch -c constraints.txt\n!{sys.executable} -m pip install -Ur missing.txt "lightgbm[gpu]==4.3.0; python_version>'3.8'"\n!sudo -H pip3 install -e git+https://github.com/org/lib.git@${SHA}#egg=lib --no-deps\n%pip install -e . 'transformers @ git+https://github.com/huggingface/transformers@main'\n!pip install --upgrade pip && pip install onnx==1.16.0 ; echo done\n!PIP_NO_CACHE_DIR=1 python3 -m pip install 'openai<2' # comment pip install nope\n!pip install torch=>2 'numpy=>1'\n!pip uninstall -y tensorflow\n`
        )
      ])
    )
    const reader = memoryReader({ 'constraints.txt': 'torch==2.2.2\n' })
    const result = await parseNotebook(text, { path: 'nb.ipynb', reader })
    expect(result.dependencies!.map((d) => `${d.line} ${d.name} ${d.specifier ?? '-'} ${d.version ?? '-'} ${d.pinned ? 'pinned' : 'open'} ${d.purl}`)).toEqual([
      '10 torch - 2.2.2 pinned pkg:pypi/torch@2.2.2',
      '11 lightgbm ==4.3.0 4.3.0 pinned pkg:pypi/lightgbm@4.3.0',
      `12 lib git+https://github.com/org/lib.git@${SHA}#egg=lib ${SHA} pinned pkg:pypi/lib?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Forg%2Flib.git%40${SHA}%23egg%3Dlib`,
      '13 transformers git+https://github.com/huggingface/transformers@main - open pkg:pypi/transformers?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Ftransformers%40main',
      '14 pip - - open pkg:pypi/pip',
      '14 onnx ==1.16.0 1.16.0 pinned pkg:pypi/onnx@1.16.0',
      '15 openai <2 - open pkg:pypi/openai'
    ])
    expect(result.issues.map((i) => `${i.line} ${i.rule} ${i.severity}: ${i.message}`)).toEqual([
      '11 scan-incomplete note: `-r missing.txt`: missing.txt is not a file in the repository, so pip would fail and nothing from it is inventoried.',
      '13 unpinned-dependency warning: ML dependency transformers is installed from https://github.com/huggingface/transformers at `main`, a branch or tag: whatever is pushed there next gets installed.',
      '15 unpinned-dependency warning: ML dependency openai is not pinned (`<2`): any release that matches can be installed, including one published after this review.',
      // Unquoted, `>` cuts the word: pip gets `torch=`.
      '16 unparseable-artifact error: Cannot parse this `!pip install` command: "torch=" is not a valid requirement (unexpected "=" at column 6). Its dependencies cannot be inventoried or checked. The unquoted `>2` after it is a shell redirection, not a version, so pip never sees it: quote the requirement (`"torch=>2"`).',
      '16 unparseable-artifact error: Cannot parse this `!pip install` command: "numpy=>1" is not a valid requirement (unexpected "=" at column 6). Its dependencies cannot be inventoried or checked.'
    ])
    expect(result.issues[4]!.fix).toBe('Fix the syntax on line 16 so that pip accepts the `!pip install` command (it rejects it as it is).')
    expect(reader.asked).toEqual(['constraints.txt', 'missing.txt'])
  })

  test('shell lines and cells: %%bash, %%capture, Hub CLI downloads, git clone pinned by a checkout; other cell magics are not Python', async () => {
    const text = jupyter(
      notebook([
        code('bash', '%%bash\npip install -q xgboost==2.0.3 catboost\nhuggingface-cli download --repo-type dataset org/corpus data.csv --local-dir ./data\n'),
        code('capture', `%%capture\n!hf download org/weights --revision ${SHA} --include "*.safetensors"\n!git clone https://huggingface.co/org/repo && cd repo && git checkout ${SHA}\n!git clone --branch v2 https://huggingface.co/spaces/org/demo.git\n`),
        code('html', '%%writefile app.py\nfrom transformers import pipeline\np = pipeline("text-generation", model="org/written")\n'),
        code('time', '%%time\n%pip install\n%matplotlib inline\nx = ("fmt %s"\n     % 3)\np = pipeline("fill-mask", model="org/fill")\n')
      ])
    )
    const result = await parseNotebook(text, { path: 'nb.ipynb' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.ecosystem} ${d.name} ${d.specifier ?? '-'} ${d.pinned ? 'pinned' : 'open'} ${d.purl}`)).toEqual([
      '11 pypi xgboost ==2.0.3 pinned pkg:pypi/xgboost@2.0.3',
      '11 pypi catboost - open pkg:pypi/catboost',
      '12 huggingface org/corpus - open pkg:huggingface/org/corpus?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
      `23 huggingface org/weights ${SHA} pinned pkg:huggingface/org/weights@${SHA}`,
      `24 huggingface org/repo ${SHA} pinned pkg:huggingface/org/repo@${SHA}`,
      '25 huggingface org/demo v2 open pkg:huggingface/org/demo?repository_url=https%3A%2F%2Fhuggingface.co%2Fspaces',
      '52 huggingface org/fill - open pkg:huggingface/org/fill'
    ])
    // Which files each download takes, in the terms of the Python call that does the same (for hub lookups).
    expect(result.dependencies!.filter((d) => d.hubKind).map((d) => [d.name, d.loader])).toEqual([
      ['org/corpus', { call: 'hf_hub_download', file: 'data.csv' }],
      ['org/weights', { call: 'snapshot_download', file: null }],
      ['org/repo', { call: 'snapshot_download', file: null }],
      ['org/demo', { call: 'snapshot_download', file: null }],
      ['org/fill', { call: 'pipeline', file: null }]
    ])
    expect(result.issues.map((i) => `${i.line} ${i.rule}: ${i.message} | ${i.fix}`)).toEqual([
      '11 unpinned-dependency: ML dependency catboost is not pinned (no version): any release can be installed, including one published after this review. | Pin the exact version you tested: `catboost==<version>`, or install from a lock file with hashes.',
      '12 unpinned-hub-reference: `huggingface-cli download` pulls the dataset org/corpus from the Hugging Face Hub with no revision, so it downloads whatever is on the default branch: whoever can push to org/corpus decides what is downloaded here. | Pass `--revision <40-hex commit sha>` to `huggingface-cli download`, using the commit you reviewed (https://huggingface.co/datasets/org/corpus/commits).',
      '25 unpinned-hub-reference: `git clone` fetches the space org/demo from the Hugging Face Hub at `v2`, a branch, tag or short sha that can move (only a full 40-character commit sha cannot): whoever can push to org/demo decides what is downloaded here. | Check out the commit you reviewed in the same command: `git clone https://huggingface.co/spaces/org/demo.git && git -C demo checkout <40-hex commit sha>` (https://huggingface.co/spaces/org/demo/commits).',
      '52 unpinned-hub-reference: `pipeline` pulls the model org/fill from the Hugging Face Hub with no revision, so it loads whatever is on the default branch: whoever can push to org/fill decides what runs here. | Pass `revision="<40-hex commit sha>"` to `pipeline`, using the commit you reviewed (https://huggingface.co/org/fill/commits).'
    ])
  })

  test('cells share one namespace: a constant from any cell resolves, also in a cell that opens with a docstring; a name set differently in two cells is each one\'s own', async () => {
    const text = jupyter(
      notebook([
        code('doc', '"""Load the model."""\nm = AutoModel.from_pretrained(MODEL_ID, revision=REV)\n'),
        code('paren', '(tok := AutoTokenizer.from_pretrained(MODEL_ID))\n'),
        code('a', 'NAME = "org/a"\nAutoModel.from_pretrained(NAME)  # a\n'),
        code('b', 'NAME = "org/b"\nAutoModel.from_pretrained(NAME)  # b\n'),
        code('neither', 'AutoModel.from_pretrained(NAME)  # neither\n'),
        code('constants', `MODEL_ID = "org/name"\nREV = "${SHA}"\n`)
      ])
    )
    const at = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1
    const result = await parseNotebook(text, { path: 'nb.ipynb' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.name} ${d.version ?? '-'}`)).toEqual([
      `${at('revision=REV')} org/name ${SHA}`,
      `${at('(tok :=')} org/name -`,
      `${at('# a')} org/a -`,
      `${at('# b')} org/b -`
    ])
    expect(brief(result.issues)).toEqual([
      `${at('(tok :=')} unpinned-hub-reference warning`,
      `${at('# a')} unpinned-hub-reference warning`,
      `${at('# b')} unpinned-hub-reference warning`,
      // Set to two values, NAME is no constant of the notebook.
      `${at('# neither')} scan-incomplete note`
    ])
  })

  test('kernels: JavaScript notebooks are scanned as JS, R notebooks not at all; nbformat 3 worksheets are read', async () => {
    const js = jupyter(notebook([code('js', "const p = await pipeline('sentiment-analysis', 'Xenova/bert')\n")], { kernelspec: { display_name: 'Deno', language: 'typescript', name: 'deno' }, language_info: { name: 'typescript' } }))
    expect((await parseNotebook(js, { path: 'a.ipynb' })).dependencies!.map((d) => `${d.line} ${d.name}`)).toEqual(['10 Xenova/bert'])
    const r = jupyter(notebook([code('r', 'install.packages("x")\n!pip install torch\n')], { kernelspec: { display_name: 'R', language: 'R', name: 'ir' }, language_info: { name: 'R' } }))
    expect(await parseNotebook(r, { path: 'b.ipynb' })).toEqual({ facts: {}, issues: [], dependencies: [] })
    const v3 = JSON.stringify(
      { metadata: { name: '' }, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [{ cell_type: 'code', collapsed: false, input: ['!pip install keras\n', 'm = AutoModel.from_pretrained("org/old")'], language: 'python', metadata: {}, outputs: [] }], metadata: {} }] },
      null,
      1
    )
    const old = await parseNotebook(v3, { path: 'c.ipynb' })
    expect(old.dependencies!.map((d) => `${d.line} ${d.name}`)).toEqual(['14 keras', '15 org/old'])
    expect(brief(old.issues)).toEqual(['14 unpinned-dependency warning', '15 unpinned-hub-reference warning'])
  })
})

describe('hostile and malformed notebooks: a clear finding, never a throw', () => {
  const fix = (line: number | null) => `Fix ${line ? `line ${line}` : 'the file'} so that it is valid nbformat JSON (Jupyter cannot open it as it is), or save the notebook again from Jupyter.`
  const malformed = (detail: string, line: number | null) => ({
    rule: 'unparseable-artifact',
    severity: 'error',
    message: `Cannot parse this notebook: ${detail}. Its dependencies cannot be inventoried or checked.`,
    fix: fix(line),
    ...(line ? { line } : {})
  })

  test('truncated JSON, bad escapes, raw control characters, trailing text, empty files', async () => {
    const text = jupyter(TRAIN)
    const cut = text.slice(0, text.indexOf('"model = AutoModel'))
    const cases: [string, unknown][] = [
      [cut, malformed('the file ends inside the JSON, where a value should follow (truncated?)', 54)],
      [text.slice(0, 1200), malformed('a string that is never closed (truncated?)', text.slice(0, 1200).split('\n').length)],
      ['{\n "cells": [\n  {"source": "a\\qb"}\n ]\n}\n', malformed('an invalid escape "\\\\q" in a string', 3)],
      ['{\n "cells": ["a\u0001"]\n}', malformed('a raw control character (U+0001) inside a string', 2)],
      ['{"cells": []}\n{"cells": []}\n', malformed('text after the end of the JSON value, starting with "{"', 2)],
      ['{\n "cells": [],\n}\n', malformed('a member name in double quotes expected, found "}"', 3)],
      ['', malformed('the file is empty', null)],
      ['\n\n', malformed('the file is empty', null)]
    ]
    for (const [input, issue] of cases) expect(await parseNotebook(input, { path: 'x.ipynb' })).toEqual({ facts: {}, issues: [issue], dependencies: [] })
  })

  test('shapes nbformat does not allow: a finding on the line, the rest of the notebook still read', async () => {
    const text = jupyter(
      notebook([
        code('num', '%pip install torch\n', { source: 3 }),
        code('ok', '%pip install torch\n'),
        { cell_type: 'code', id: 'nosrc', metadata: {}, outputs: [] },
        code('mixed', '', { source: ['%pip install keras\n', null, 'x = 1\n'] }),
        42,
        { cell_type: 7, source: [] },
        { cell_type: 'raw', source: ['%pip install raw\n'] }
      ])
    )
    const result = await parseNotebook(text, { path: 'x.ipynb' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.name}`)).toEqual(['18 torch', '34 keras'])
    expect(result.issues).toEqual([
      malformed('the `source` of cell 1 is a number, not a string or a list of strings', 9),
      { ...result.issues[1], line: 18, rule: 'unpinned-dependency' },
      malformed('code cell 3 has no `source`', 21),
      { ...result.issues[3], line: 34, rule: 'unpinned-dependency' },
      malformed('item 2 of the `source` of cell 4 is null, not a string', 35),
      malformed('cell 5 is a number, not an object', 39),
      malformed('cell 6 has a `cell_type` that is a number, not a string', 41)
    ])
    const whole: [string, unknown][] = [
      ['[1, 2]', malformed('the top level is a list, not an object with a `cells` list', 1)],
      ['{"metadata": {}}', malformed('there is no `cells` list', null)],
      ['{\n "cells": {"a": 1}\n}', malformed('`cells` is an object, not a list', 2)],
      ['{"worksheets": [1]}', malformed('a worksheet is a number, not an object', 1)]
    ]
    for (const [input, issue] of whole) expect(await parseNotebook(input, { path: 'x.ipynb' })).toEqual({ facts: {}, issues: [issue], dependencies: [] })
  })

  test('a notebook claiming 50 MB is not read; an LFS pointer is said to be one', async () => {
    const claim: ByteSource = {
      size: 50 * 1024 * 1024,
      read: () => Promise.reject(new Error('must not be read')),
      stream: () => {
        throw new Error('must not be streamed')
      }
    }
    expect(await scanNotebookFile(claim, { path: 'big.ipynb' })).toEqual({
      facts: {},
      issues: [
        {
          rule: 'scan-incomplete',
          severity: 'note',
          message: 'This notebook is 52428800 bytes, more than the 33554432-byte limit for reading it, so its dependencies were not inventoried.',
          fix: 'Split the file, or check its dependencies by hand.'
        }
      ],
      dependencies: []
    })
    const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 123456\n`)
    expect(await codeScannerFor('nb/train.ipynb')!(new BufferByteSource(pointer), { path: 'nb/train.ipynb', facts: {} })).toEqual({
      facts: {},
      issues: [
        {
          rule: 'scan-incomplete',
          severity: 'note',
          message: 'This notebook is committed as a Git LFS pointer, so its cells were not searched for dependencies or hub references.',
          fix: 'Scan a checkout with the LFS content (`git lfs pull`), or keep notebooks out of LFS so that they can be reviewed.'
        }
      ],
      dependencies: []
    })
  })

  test('outputs nested 200 000 deep are skipped without recursion; a huge output string costs no node', async () => {
    const deep = `{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [${'['.repeat(200_000)}${']'.repeat(200_000)}, "${'A'.repeat(4_000_000)}"], "source": ["%pip install torch==2.3.1"]}]}`
    const result = await parseNotebook(deep, { path: 'x.ipynb' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.name} ${d.version}`)).toEqual(['1 torch 2.3.1'])
    expect(result.issues).toEqual([])
  })

  test('fuzz: any mangling of a real notebook gives results or findings, never a throw', async () => {
    const text = jupyter(TRAIN)
    await fc.assert(
      fc.asyncProperty(fc.nat(text.length), fc.nat(40), fc.string({ maxLength: 6 }), async (at, drop, insert) => {
        const mangled = text.slice(0, at) + insert + text.slice(at + drop)
        const result = await parseNotebook(mangled, { path: 'x.ipynb' })
        for (const i of result.issues) expect(i.line === undefined || (Number.isInteger(i.line) && i.line >= 1 && i.line <= mangled.split('\n').length)).toBe(true)
        for (const d of result.dependencies ?? []) expect(d.line === null || (d.line >= 1 && d.line <= mangled.split('\n').length)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  test('shell words: quotes, escapes, redirections and chains', () => {
    const words = (s: string) => splitShellLine(s, 0).commands.map((c) => c.map((w) => `${w.text}${w.dynamic ? '~' : ''}${w.cut ? `[${w.cut}]` : ''}`))
    expect(words(`pip install 'a b' "c\\"d" e\\ f torch>=2 x<3 2>/dev/null >> log && echo $HOME; y | z # c && d`)).toEqual([
      ['pip', 'install', 'a b', 'c"d', 'e f', 'torch[>=2]', 'x[<3]'],
      ['echo', '$HOME~'],
      ['y'],
      ['z']
    ])
    expect(words('pip install a \\\n  b 2>&1 c\nnext line')).toEqual([['pip', 'install', 'a', 'b', 'c']])
    expect(words("pip install {pkg} '{x}' \"{{y}}\" 'unterminated")).toEqual([['pip', 'install', '{pkg}~', '{x}~', '{{y}}', 'unterminated']])
  })

  test('escaped lines are blanked to spaces, line ends kept, so offsets stay where they were', () => {
    const cell = '%%time\r\n!pip install a \\\r\n  b\r\nx = 1\n%pip install c\n'
    const blanked = blankEscapes(cell, ipythonEscapes(cell, 8), 8)
    expect(blanked).toBe(`${' '.repeat(6)}\r\n${' '.repeat(16)}\r\n${' '.repeat(3)}\r\nx = 1\n${' '.repeat(14)}\n`)
    expect(blankEscapes('x = 1\n', [])).toBe('x = 1\n')
  })

  test('IPython escapes start logical lines only: not inside brackets, strings or continuations', () => {
    const cell = 'x = (a\n     %b)\ns = """\n!not\n"""\ny = 1 + \\\n  !z\n  !pip install a \\\n  b\nv = %timeit f()\nw = !ls\nq != 1\n'
    expect(ipythonEscapes(cell).map((e) => [e.kind, e.magic, cell.slice(e.from, e.to)])).toEqual([
      ['shell', '', '  !pip install a \\\n  b'],
      ['magic', 'timeit', 'v = %timeit f()'],
      ['shell', '', 'w = !ls']
    ])
  })
})

describe('work bounds: hostile cells cost work in proportion to their size', () => {
  test('a triple-quoted string is searched once for its end, not once per line; never closed, it ends the search', async () => {
    const unclosed = `!pip install a\nx = 1\ns = """\n${'!pip install not-a-command\n'.repeat(4000)}`
    const open = await work(() => ipythonEscapes(unclosed))
    expect(open.result.map((e) => unclosed.slice(e.from, e.to))).toEqual(['!pip install a'])
    // Every character searched at most once (searching again from each line was 4000 times the cell).
    expect(open.chars).toBeLessThanOrEqual(unclosed.length)
    const closed = `${'s = """\n!no\n!no\n""" + (\n!no\n)\n!ls\n'.repeat(2000)}!pip install b`
    const strings = await work(() => ipythonEscapes(closed))
    expect(strings.result.map((e) => closed.slice(e.from, e.to))).toEqual([...Array(2000).fill('!ls'), '!pip install b'])
    expect(strings.chars).toBeLessThanOrEqual(closed.length)
  })

  test('constants shared by every cell: four times the cells and constants, four times the work (not sixteen)', async () => {
    const sized = (n: number) =>
      jupyter(notebook([code('constants', Array.from({ length: n }, (_, k) => `C${k} = "org/m${k}"\n`)), ...Array.from({ length: n }, (_, k) => code(`c${k}`, `m = AutoModel.from_pretrained(C${k})\n`)), code('none', 'x = 1\n')]))
    const small = await work(() => parseNotebook(sized(100), { path: 'x.ipynb' }))
    const large = await work(() => parseNotebook(sized(400), { path: 'x.ipynb' }))
    // Every cell resolves its constant, on its own line of the file.
    const text = sized(400)
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1
    expect(large.result.dependencies!.length).toBe(400)
    expect([0, 399].map((k) => large.result.dependencies![k === 0 ? 0 : 399]).map((d) => `${d!.line} ${d!.name}`)).toEqual([`${lineOf('(C0)')} org/m0`, `${lineOf('(C399)')} org/m399`])
    expect(large.chars).toBeLessThan(4.5 * small.chars)
  })
})

describe('through the engine', () => {
  test('change mode: a PR adds a notebook with %pip install torch and AutoModel.from_pretrained, and bumps yarn.lock', async () => {
    const yarnLock = (v: string) =>
      `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n"@huggingface/transformers@^3.0.0":\n  version "${v}"\n  resolved "https://registry.yarnpkg.com/@huggingface/transformers/-/transformers-${v}.tgz"\n\nexpress@^4.19.2:\n  version "4.19.2"\n  resolved "https://registry.yarnpkg.com/express/-/express-4.19.2.tgz"\n`
    const root = await makeTree({ 'web/yarn.lock': yarnLock('3.0.1'), 'README.md': '# demo\n' })
    gitIn(root, 'init', '-q')
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'base')
    gitIn(root, 'checkout', '-qb', 'feature')
    const nb = jupyter(notebook([code('a', '%pip install torch\n'), code('b', 'from transformers import AutoModel\nmodel = AutoModel.from_pretrained("org/name")\n')]))
    await writeTree(root, { 'notebooks/explore.ipynb': nb, 'web/yarn.lock': yarnLock('3.0.2') })
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'notebook, transformers.js bump')
    const { report } = await scan({ root, base: 'main', failOn: 'warning' })
    expect(report.dependencies).toEqual([
      { path: 'notebooks/explore.ipynb', line: 10, ecosystem: 'pypi', name: 'torch', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/torch', change: 'added' },
      {
        path: 'notebooks/explore.ipynb',
        line: 21,
        ecosystem: 'huggingface',
        name: 'org/name',
        specifier: null,
        version: null,
        pinned: false,
        ml: true,
        purl: 'pkg:huggingface/org/name',
        hubKind: 'model',
        loader: { call: 'from_pretrained', file: null },
        change: 'added'
      },
      {
        path: 'web/yarn.lock',
        line: 5,
        ecosystem: 'npm',
        name: '@huggingface/transformers',
        specifier: '3.0.2',
        version: '3.0.2',
        pinned: true,
        ml: true,
        purl: 'pkg:npm/%40huggingface/transformers@3.0.2',
        change: 'changed',
        previousSpecifier: '3.0.1'
      },
      { path: 'web/yarn.lock', line: 9, ecosystem: 'npm', name: 'express', specifier: '4.19.2', version: '4.19.2', pinned: true, ml: false, purl: 'pkg:npm/express@4.19.2', change: 'unchanged' }
    ])
    expect(report.findings.filter((f) => !f.rule.startsWith('license-'))).toEqual([
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        path: 'notebooks/explore.ipynb',
        line: 10,
        message: 'ML dependency torch is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `torch==<version>`, or install from a lock file with hashes.'
      },
      {
        rule: 'unpinned-hub-reference',
        severity: 'warning',
        path: 'notebooks/explore.ipynb',
        line: 21,
        message: '`AutoModel.from_pretrained` pulls the model org/name from the Hugging Face Hub with no revision, so it loads whatever is on the default branch: whoever can push to org/name decides what runs here.',
        fix: 'Pass `revision="<40-hex commit sha>"` to `AutoModel.from_pretrained`, using the commit you reviewed (https://huggingface.co/org/name/commits).'
      }
    ])
    expect(report.verdict).toBe('fail')
    expect(report.artifacts.map((a) => `${a.path} ${a.change} ${a.kind}/${a.format}`)).toEqual(['web/yarn.lock modified dependency-manifest/yarn-lock'])
  })
})
