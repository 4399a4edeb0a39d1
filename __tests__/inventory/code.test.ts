import fc from 'fast-check'
import { scanSource, codeLanguage } from '../../src/inventory/code/scan-code.js'
import { findHubReferences } from '../../src/inventory/code/hub-references.js'
import { tokenizePython } from '../../src/inventory/code/python-tokens.js'
import { tokenizeJs } from '../../src/inventory/code/js-tokens.js'
import { codeScannerFor } from '../../src/inventory/registry.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import type { DeclaredDependency } from '../../src/inspect/types.js'
import { brief } from './helpers.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

function refs(deps: DeclaredDependency[]): string[] {
  return deps.map((d) => `${d.line} ${d.ecosystem}/${d.hubKind ?? '-'} ${d.name} ${d.specifier ?? '-'} ${d.pinned ? 'pinned' : 'open'} ${d.purl}`)
}

describe('Python tokenizer', () => {
  test('string forms: prefixes, triple quotes, raw, escapes, f-strings with nested quotes (PEP 701)', () => {
    const src = `a = r"c:\\d" b'x' """multi
line""" f"{x["k"]!r:>{w}} {{lit}}" rb'\\x00' u"\\u00e9\\n" F'''{a}''' 'unterminated
b = 1 # comment "not a string"
c = \\
  "after continuation"`
    const strings = tokenizePython(src).tokens.filter((t) => t.kind === 'string').map((t) => [t.value, t.dynamic])
    expect(strings).toEqual([
      ['c:\\d', false],
      ['x', false],
      ['multi\nline', false],
      [' {lit}', true],
      ['\\x00', false],
      ['é\n', false],
      ['', true],
      ['unterminated', false],
      ['after continuation', false]
    ])
  })

  test('fuzz: never throws, always terminates, offsets increase', () => {
    const piece = fc.constantFrom('"', "'", '"""', "'''", 'f', 'r', 'b', '{', '}', '(', ')', '\\', '\n', '#', 'x', ' ', '=', ',', '.', 'from_pretrained', '[', ']', 'True')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 120 }).map((a) => a.join('')), (src) => {
        const { tokens } = tokenizePython(src)
        for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.offset).toBeGreaterThan(tokens[i - 1]!.offset)
        scanSource(src, 'python')
      }),
      { numRuns: 3000 }
    )
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (src) => void scanSource(src, 'python')), { numRuns: 2000 })
  })
})

describe('JS tokenizer', () => {
  test('strings, templates, comments and regular expressions', () => {
    const src = "const a = 'x\\'y' // from_pretrained('no')\nconst re = /from_pretrained\\('no'\\)[/]/g; const d = a / 2 / 3\nconst t = `org/${name}` + `plain` /* 'c' */\nconst n = `a${`b${'c'}`}d`"
    const strings = tokenizeJs(src).tokens.filter((t) => t.kind === 'string').map((t) => [t.value, t.dynamic])
    expect(strings).toEqual([
      ["x'y", false],
      ['org/', true],
      ['plain', false],
      ['ad', true]
    ])
    expect(tokenizeJs(src).tokens.filter((t) => t.text === 'regex').length).toBe(1)
  })

  test('fuzz: never throws, always terminates', () => {
    const piece = fc.constantFrom('"', "'", '`', '${', '}', '{', '/', '*', '//', '/*', '*/', '\\', '\n', 'x', '(', ')', 'return', ' ', 'pipeline', ',', '[', ']')
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 120 }).map((a) => a.join('')), (src) => {
        const { tokens } = tokenizeJs(src)
        for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.offset).toBeGreaterThan(tokens[i - 1]!.offset)
        scanSource(src, 'js')
      }),
      { numRuns: 3000 }
    )
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (src) => void scanSource(src, 'js')), { numRuns: 2000 })
  })

  test('deep nesting and long inputs stay fast', () => {
    const started = Date.now()
    scanSource(`x = from_pretrained(${'('.repeat(50000)}${')'.repeat(50000)})`, 'python')
    scanSource('`${'.repeat(20000), 'js')
    scanSource(`pipeline('a', ${'['.repeat(50000)}`, 'js')
    scanSource(`f"${'{'.repeat(50000)}"`, 'python')
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('hub references in Python', () => {
  const py = `from transformers import AutoModel, AutoTokenizer, pipeline
import torch, timm
from datasets import load_dataset
from huggingface_hub import hf_hub_download, snapshot_download
from sentence_transformers import SentenceTransformer
from peft import PeftModel

MODEL_ID = "meta-llama/Meta-Llama-3-8B"
REVISION: str = "${SHA}"

model = AutoModel.from_pretrained(
    MODEL_ID,
    revision=REVISION,
    trust_remote_code=True,
)
tok = AutoTokenizer.from_pretrained("gpt2")
gen = pipeline(
    "text-generation",
    model="mistralai/Mistral-7B-v0.1",
    revision="main",
    model_kwargs={"trust_remote_code": True},
)
ds = load_dataset("HuggingFaceFW/fineweb", "sample-10BT", revision="v1.0")
local = load_dataset("csv", data_files="train.csv")
path = hf_hub_download(repo_id="openai/whisper-tiny", filename="config.json", repo_type="model", revision="${SHA.toUpperCase()}")
space = snapshot_download("gradio/hello", repo_type="space")
net = torch.hub.load("pytorch/vision:v0.10.0", "resnet18", pretrained=True)
mine = torch.hub.load("./hubconf_dir", "m", source="local")
vit = timm.create_model("hf-hub:timm/vit_base_patch16_224.augreg_in21k", pretrained=True)
res = timm.create_model("resnet50", pretrained=True)
emb = SentenceTransformer("all-MiniLM-L6-v2", trust_remote_code=True)
adapter = PeftModel.from_pretrained(model, "org/lora-adapter")
dynamic = AutoModel.from_pretrained(args.model_name_or_path)
fwd = AutoModel.from_pretrained(*args, **kwargs)
ckpt = AutoModel.from_pretrained("./checkpoints/best")
weights = AutoModel.from_pretrained("model.safetensors")
text = "AutoModel.from_pretrained('not/a-call')"
# AutoModel.from_pretrained("commented/out")
def from_pretrained(cls, name): ...
`

  test('each reference: id, revision, kind, purl and line; findings on the same lines', () => {
    const found = scanSource(py, 'python')
    expect(refs(found.dependencies)).toEqual([
      `12 huggingface/model meta-llama/Meta-Llama-3-8B ${SHA} pinned pkg:huggingface/meta-llama/Meta-Llama-3-8B@${SHA}`,
      '16 huggingface/model gpt2 - open pkg:huggingface/gpt2',
      '19 huggingface/model mistralai/Mistral-7B-v0.1 main open pkg:huggingface/mistralai/Mistral-7B-v0.1',
      '23 huggingface/dataset HuggingFaceFW/fineweb v1.0 open pkg:huggingface/HuggingFaceFW/fineweb?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
      `25 huggingface/model openai/whisper-tiny ${SHA.toUpperCase()} pinned pkg:huggingface/openai/whisper-tiny@${SHA}`,
      '26 huggingface/space gradio/hello - open pkg:huggingface/gradio/hello?repository_url=https%3A%2F%2Fhuggingface.co%2Fspaces',
      '27 torch-hub/- pytorch/vision v0.10.0 open pkg:github/pytorch/vision@v0.10.0',
      '29 huggingface/model timm/vit_base_patch16_224.augreg_in21k - open pkg:huggingface/timm/vit_base_patch16_224.augreg_in21k',
      '31 huggingface/model all-MiniLM-L6-v2 - open pkg:huggingface/all-MiniLM-L6-v2',
      '32 huggingface/model org/lora-adapter - open pkg:huggingface/org/lora-adapter'
    ])
    expect(found.dependencies.every((d) => d.ml)).toBe(true)
    expect(brief(found.issues)).toEqual([
      '16 unpinned-hub-reference warning',
      '19 unpinned-hub-reference warning',
      '23 unpinned-hub-reference warning',
      '26 unpinned-hub-reference warning',
      '27 unpinned-hub-reference warning',
      '29 unpinned-hub-reference warning',
      '31 unpinned-hub-reference warning',
      '32 unpinned-hub-reference warning',
      '33 scan-incomplete note',
      '14 trust-remote-code note',
      '21 trust-remote-code warning',
      '31 trust-remote-code warning'
    ])
    const byLine = (line: number, rule: string) => found.issues.find((i) => i.line === line && i.rule === rule)!
    expect(byLine(16, 'unpinned-hub-reference')).toEqual({
      rule: 'unpinned-hub-reference',
      severity: 'warning',
      message: '`AutoTokenizer.from_pretrained` pulls the model gpt2 from the Hugging Face Hub with no revision, so it loads whatever is on the default branch: whoever can push to gpt2 decides what runs here.',
      fix: 'Pass `revision="<40-hex commit sha>"` to `AutoTokenizer.from_pretrained`, using the commit you reviewed (https://huggingface.co/gpt2/commits).',
      line: 16
    })
    expect(byLine(23, 'unpinned-hub-reference').message).toBe(
      '`load_dataset` pulls the dataset HuggingFaceFW/fineweb from the Hugging Face Hub with revision `v1.0`, a branch, tag or short sha that can move (only a full 40-character commit sha cannot): whoever can push to HuggingFaceFW/fineweb decides what runs here.'
    )
    expect(byLine(27, 'unpinned-hub-reference').fix).toBe('Pin a commit: `torch.hub.load("pytorch/vision:<40-hex commit sha>", ...)`, using the commit you reviewed.')
    expect(byLine(29, 'unpinned-hub-reference').fix).toBe('Write the id as `hf-hub:timm/vit_base_patch16_224.augreg_in21k@<40-hex commit sha>`, using the commit you reviewed (https://huggingface.co/timm/vit_base_patch16_224.augreg_in21k/commits).')
    expect(byLine(33, 'scan-incomplete').message).toBe('`AutoModel.from_pretrained(args.model_name_or_path, …)`: the repository id is computed at run time, so ModelGate cannot tell what this loads or whether it is pinned.')
    expect(byLine(21, 'trust-remote-code').message).toBe(
      '`pipeline(…)` passes trust_remote_code=True for mistralai/Mistral-7B-v0.1: Python files from the model repository run in this process when it loads, so whoever can push to that repository runs code here.'
    )
    expect(byLine(14, 'trust-remote-code').message).toBe('`AutoModel.from_pretrained(…)` passes trust_remote_code=True for meta-llama/Meta-Llama-3-8B, pinned to a commit: the Python files of that commit run in this process when it loads.')
  })

  test('a constant bound twice is not trusted; a computed revision is unpinned', () => {
    const found = scanSource(`NAME = "a/b"\nif x:\n    NAME = "c/d"\nAutoModel.from_pretrained(NAME)\nAutoModel.from_pretrained("e/f", revision=get_rev())\nLLM(model="g/h", revision="${SHA}")\n`, 'python')
    expect(refs(found.dependencies)).toEqual(['5 huggingface/model e/f - open pkg:huggingface/e/f', `6 huggingface/model g/h ${SHA} pinned pkg:huggingface/g/h@${SHA}`])
    expect(brief(found.issues)).toEqual(['4 scan-incomplete note', '5 unpinned-hub-reference warning'])
    expect(found.issues[1]!.message).toContain('with a revision computed at run time (`get_rev()`), which cannot be checked')
  })

  test('constants shared from elsewhere (other notebook cells): used when the source does not bind the name, and must agree when it does', () => {
    const shared = new Map([
      ['MODEL', 'org/shared'],
      ['REV', SHA],
      ['OTHER', 'org/other'],
      ['BRANCH', SHA]
    ])
    const src = `AutoModel.from_pretrained(MODEL, revision=REV)
OTHER = "org/other"
AutoModel.from_pretrained(OTHER)
LOCAL = "org/local"
AutoModel.from_pretrained(LOCAL)
BRANCH = "main"
AutoModel.from_pretrained("org/x", revision=BRANCH)
`
    const found = findHubReferences(src, 'python', (o) => src.slice(0, o).split('\n').length, shared)
    expect(refs(found.dependencies)).toEqual([
      // Set elsewhere, only used here.
      `1 huggingface/model org/shared ${SHA} pinned pkg:huggingface/org/shared@${SHA}`,
      // Bound here to the same value.
      '3 huggingface/model org/other - open pkg:huggingface/org/other',
      // Bound only here.
      '5 huggingface/model org/local - open pkg:huggingface/org/local',
      // Bound here to another value than elsewhere: not a constant, so the revision is computed.
      '7 huggingface/model org/x - open pkg:huggingface/org/x'
    ])
    expect(found.issues.map((i) => `${i.line} ${i.rule}`)).toEqual(['3 unpinned-hub-reference', '5 unpinned-hub-reference', '7 unpinned-hub-reference'])
    expect(found.issues[2]!.message).toContain('with a revision computed at run time (`BRANCH`), which cannot be checked')
    // Without the shared constants, the same source cannot resolve MODEL.
    expect(refs(findHubReferences(src, 'python', () => 1).dependencies).map((r) => r.split(' ')[2])).toEqual(['org/other', 'org/local', 'org/x'])
  })
})

describe('hub references in JS/TS', () => {
  test('transformers.js and @huggingface/hub calls', () => {
    const js = `import { pipeline, AutoModel } from '@huggingface/transformers'
const classify = await pipeline('sentiment-analysis', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english', { revision: 'main', dtype: 'q8' })
const model = await AutoModel.from_pretrained('onnx-community/whisper-tiny', {
  revision: '${SHA}',
})
const other = await AutoModel.from_pretrained(\`\${org}/model\`)
await downloadFile({ repo: { type: 'dataset', name: 'org/data' }, path: 'train.csv' })
await snapshotDownload({ repo: 'org/model', revision: '${SHA}' })
class Loader { from_pretrained(id) { return id } }
const defaults = await pipeline('sentiment-analysis')
`
    const found = scanSource(js, 'js')
    expect(refs(found.dependencies)).toEqual([
      '2 huggingface/model Xenova/distilbert-base-uncased-finetuned-sst-2-english main open pkg:huggingface/Xenova/distilbert-base-uncased-finetuned-sst-2-english',
      `3 huggingface/model onnx-community/whisper-tiny ${SHA} pinned pkg:huggingface/onnx-community/whisper-tiny@${SHA}`,
      '7 huggingface/dataset org/data - open pkg:huggingface/org/data?repository_url=https%3A%2F%2Fhuggingface.co%2Fdatasets',
      `8 huggingface/model org/model ${SHA} pinned pkg:huggingface/org/model@${SHA}`
    ])
    expect(brief(found.issues)).toEqual(['2 unpinned-hub-reference warning', '6 scan-incomplete note', '7 unpinned-hub-reference warning'])
    expect(found.issues[0]!.fix).toBe("Pass `{ revision: '<40-hex commit sha>' }` to `pipeline`, using the commit you reviewed (https://huggingface.co/Xenova/distilbert-base-uncased-finetuned-sst-2-english/commits).")
  })
})

describe('file selection', () => {
  test('which files are code', () => {
    expect(['a.py', 'b.ipynb', 'c.ts', 'd.tsx', 'e.mjs', 'f.cjs', 'g.d.ts', 'h.min.js', 'i.txt', 'j.PY'].map(codeLanguage)).toEqual(['python', 'notebook', 'js', 'js', 'js', 'js', null, null, null, 'python'])
    expect(codeScannerFor('README.md')).toBeNull()
  })

  test('a file over the size cap is a note, not a crash', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 1, 0x20)
    const result = await codeScannerFor('big.py')!(new BufferByteSource(big), { path: 'big.py', facts: {} })
    expect(brief(result.issues)).toEqual(['- scan-incomplete note'])
    expect(result.dependencies).toEqual([])
  })
})

describe('calls that only look like hub calls', () => {
  test('node:stream pipeline, TF Hub, sklearn-style pipeline, local torch.hub and definitions are not references', () => {
    const js = "import { pipeline } from 'node:stream/promises'\nawait pipeline(source, transform, sink)\nconst p = pipeline(a, 'x/y')\n"
    expect(scanSource(js, 'js')).toEqual({ dependencies: [], issues: [], truncated: false })
    const py = 'import tensorflow_hub as hub\nm = hub.load(handle)\nm2 = hub.load("https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/classification/5")\np = pipeline(steps)\nx = torch.hub.load(repo_dir, "m", source="local")\n'
    expect(scanSource(py, 'python')).toEqual({ dependencies: [], issues: [], truncated: false })
  })

  test('a computed torch.hub repository is a note', () => {
    expect(brief(scanSource('import torch\nm = torch.hub.load(repo, "resnet18")\n', 'python').issues)).toEqual(['2 scan-incomplete note'])
  })
})
