import { planLoad, shardsOf } from '../../src/hub/load-plan.js'
import type { RepoFile } from '../../src/hub/repo-info.js'

const files = (...paths: string[]): RepoFile[] => paths.map((path) => ({ path, size: 1, sha256: null }))
const model = (loader?: { call: string; file: string | null }) => ({ hubKind: 'model' as const, ...(loader ? { loader } : {}) })

describe('which files a reference loads', () => {
  test('from_pretrained (and an unrecorded call): transformers order, safetensors first', () => {
    const repo = files('config.json', 'model.safetensors', 'pytorch_model.bin', 'tf_model.h5', 'onnx/model.onnx')
    expect(planLoad(model(), repo)).toEqual({ kind: 'weights', files: ['model.safetensors'], index: null, truncated: 0 })
    expect(planLoad(model({ call: 'from_pretrained', file: null }), repo)).toEqual({ kind: 'weights', files: ['model.safetensors'], index: null, truncated: 0 })
    expect(planLoad(model(), files('model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'pytorch_model.bin'))).toEqual({ kind: 'weights', files: [], index: 'model.safetensors.index.json', truncated: 0 })
    expect(planLoad(model(), files('pytorch_model.bin', 'tf_model.h5'))).toEqual({ kind: 'weights', files: ['pytorch_model.bin'], index: null, truncated: 0 })
    expect(planLoad(model(), files('pytorch_model.bin.index.json', 'pytorch_model-00001-of-00002.bin'))).toEqual({ kind: 'weights', files: [], index: 'pytorch_model.bin.index.json', truncated: 0 })
  })

  test('no transformers weights: every weight file at the root (timm, open_clip, GGUF, sklearn repositories)', () => {
    expect(planLoad(model({ call: 'create_model', file: null }), files('open_clip_pytorch_model.bin', 'open_clip_config.json', 'README.md', 'sub/extra.bin', 'q4.gguf', 'model.joblib'))).toEqual({
      kind: 'weights',
      files: ['open_clip_pytorch_model.bin', 'q4.gguf', 'model.joblib'],
      index: null,
      truncated: 0
    })
  })

  test('hf_hub_download(filename=...): exactly that file, or a note when the commit lacks it', () => {
    const repo = files('model.safetensors', 'weights/ckpt.pt')
    expect(planLoad(model({ call: 'hf_hub_download', file: 'weights/ckpt.pt' }), repo)).toEqual({ kind: 'file', files: ['weights/ckpt.pt'], index: null, truncated: 0 })
    expect(planLoad(model({ call: 'downloadFile', file: './weights/ckpt.pt' }), repo)).toEqual({ kind: 'file', files: ['weights/ckpt.pt'], index: null, truncated: 0 })
    expect(planLoad(model({ call: 'hf_hub_download', file: 'missing.pt' }), repo)).toEqual({ kind: 'missing', file: 'missing.pt' })
    // A file name computed at run time: any weight file may be the one.
    expect(planLoad(model({ call: 'hf_hub_download', file: null }), repo)).toEqual({ kind: 'snapshot', files: ['model.safetensors', 'weights/ckpt.pt'], index: null, truncated: 0 })
  })

  test('snapshot_download: every weight file, capped at 64 with the rest counted', () => {
    const many = files(...Array.from({ length: 70 }, (_, i) => `shards/part-${String(i).padStart(2, '0')}.bin`), 'README.md')
    const plan = planLoad(model({ call: 'snapshot_download', file: null }), many)
    expect(plan).toEqual({ kind: 'snapshot', files: many.slice(0, 64).map((f) => f.path), index: null, truncated: 6 })
  })

  test('datasets: only files whose loading can run code; Spaces: none', () => {
    expect(planLoad({ hubKind: 'dataset' }, files('data/train-00000-of-00001.parquet', 'features.pkl', 'emb.npy', 'README.md'))).toEqual({ kind: 'snapshot', files: ['features.pkl', 'emb.npy'], index: null, truncated: 0 })
    expect(planLoad({ hubKind: 'space' }, files('app.py', 'model.pt'))).toEqual({ kind: 'none' })
  })
})

describe('shard indexes', () => {
  const repo = files('sub/model.safetensors.index.json', 'sub/model-00001-of-00002.safetensors', 'sub/model-00002-of-00002.safetensors')
  test('weight_map values in order of first use, next to the index', () => {
    const index = JSON.stringify({ metadata: { total_size: 10 }, weight_map: { a: 'model-00002-of-00002.safetensors', b: 'model-00001-of-00002.safetensors', c: 'model-00002-of-00002.safetensors' } })
    expect(shardsOf(index, 'sub/model.safetensors.index.json', repo)).toEqual({ shards: ['sub/model-00002-of-00002.safetensors', 'sub/model-00001-of-00002.safetensors'], missing: [] })
  })
  test('shards the repository lacks or that climb out of it are missing; broken indexes say why', () => {
    expect(shardsOf(JSON.stringify({ weight_map: { a: '../../etc/passwd', b: 'model-00003-of-00003.safetensors' } }), 'sub/model.safetensors.index.json', repo)).toEqual({ shards: [], missing: ['../../etc/passwd', 'model-00003-of-00003.safetensors'] })
    expect(shardsOf('{"weight_map": [1]}', 'x.json', repo)).toEqual({ invalid: 'it has no `weight_map` object' })
    expect(shardsOf('{"weight_map": {"a": 1}}', 'x.json', repo)).toEqual({ invalid: 'a `weight_map` value is not a file name' })
    expect(shardsOf('<html>', 'x.json', repo)).toEqual({ invalid: 'it is not JSON' })
  })
})
