import type { ByteSource } from '../util/byte-source.js'
import {
  inspectGguf,
  inspectHdf5,
  inspectKeras,
  inspectNpy,
  inspectNpz,
  inspectChatTemplateFile,
  inspectOnnx,
  inspectSafetensors,
  inspectSavedModel,
  inspectTfjs,
  inspectTflite,
  npzPicklePayload
} from './formats/index.js'
import { inspectJoblib } from './containers/joblib.js'
import { inspectXgboost } from './formats/xgboost.js'
import { inspectSentencepiece } from './formats/sentencepiece.js'
import { scanZipPickles } from './containers/zip-members.js'
import { inspectTarOrGzip } from './containers/tar-members.js'
import { inspectLegacyTorch, inspectPickleStream } from './pickle-result.js'
import { inspectCard } from './cards/card.js'
import { inspectHfConfig } from './cards/hf-config.js'
import { inspectArrowFile, inspectArrowStream, inspectDelimited, inspectFeatherV1, inspectJsonl, inspectParquet, inspectTfrecord, inspectZarr } from './datasets/index.js'
import type { Facts, InspectResult } from './types.js'

export interface InspectContext {
  path: string
  /** Facts identification already found (e.g. `compression` of a joblib file). */
  facts: Facts
  /** Reads other files of the same state of the repository (manifest includes, lock files). */
  readRelated?: { read(relPath: string): Promise<Buffer | null> }
}

export type Inspector = (src: ByteSource, ctx: InspectContext) => Promise<InspectResult>

/** Torch zips keep raw tensor bytes in `<archive>/data/<n>`: never pickles, so never opened. */
const TORCH_STORAGE = /(^|\/)data\/\d+$/

/**
 * Deep parsers by format. A format without one is identified and hashed only;
 * new formats are added here rather than special-cased in the engine.
 */
export const INSPECTORS: Partial<Record<string, Inspector>> = {
  pickle: (src) => inspectPickleStream(src.stream()),
  'pytorch-legacy': (src) => inspectLegacyTorch(src.stream()),
  'pytorch-zip': (src) => scanZipPickles(src, { kind: 'PyTorch archive', framework: 'torch', skip: (n) => TORCH_STORAGE.test(n) }),
  torchscript: (src) => scanZipPickles(src, { kind: 'TorchScript archive', framework: 'torch', skip: (n) => TORCH_STORAGE.test(n) }),
  zip: (src) => scanZipPickles(src, { kind: 'zip archive' }),
  tar: (src) => inspectTarOrGzip(src),
  gzip: (src) => inspectTarOrGzip(src),
  joblib: (src, ctx) => inspectJoblib(src, typeof ctx.facts.compression === 'string' ? ctx.facts.compression : undefined),
  numpy: async (src, ctx) => {
    const npy = await inspectNpy(src, ctx)
    if (npy.payloadOffset === undefined) return npy
    const pickle = await inspectPickleStream(src.stream(npy.payloadOffset), { framework: 'numpy' }, 'object array payload')
    return merge(npy, pickle)
  },
  'numpy-npz': async (src, ctx) => {
    const npz = await inspectNpz(src, ctx)
    let out: InspectResult = npz
    for (const member of npz.pickleMembers) {
      out = merge(out, await inspectPickleStream(npzPicklePayload(src, member), { framework: 'numpy' }, `object array "${member}"`))
    }
    return out
  },
  'keras-v3': async (src, ctx) => merge(await inspectKeras(src, ctx), await scanZipPickles(src, { kind: 'Keras archive' })),
  'keras-h5': (src, ctx) => inspectHdf5(src, ctx),
  hdf5: (src, ctx) => inspectHdf5(src, ctx),
  safetensors: (src, ctx) => inspectSafetensors(src, ctx),
  gguf: (src, ctx) => inspectGguf(src, ctx),
  ggml: (src, ctx) => inspectGguf(src, ctx),
  onnx: (src, ctx) => inspectOnnx(src, ctx),
  tflite: (src, ctx) => inspectTflite(src, ctx),
  tfjs: (src, ctx) => inspectTfjs(src, ctx),
  'tf-savedmodel': (src, ctx) => inspectSavedModel(src, ctx),
  'xgboost-json': (src, ctx) => inspectXgboost(src, 'json', ctx),
  'xgboost-ubj': (src, ctx) => inspectXgboost(src, 'ubj', ctx),
  sentencepiece: (src, ctx) => inspectSentencepiece(src, ctx),
  'chat-template': (src, ctx) => inspectChatTemplateFile(src, ctx),
  'tokenizer-config': (src, ctx) => inspectChatTemplateFile(src, ctx),
  'huggingface-model-card': (src) => inspectCard(src, 'model'),
  'hf-config': (src) => inspectHfConfig(src),
  'huggingface-dataset-card': (src) => inspectCard(src, 'dataset'),
  parquet: (src) => inspectParquet(src),
  arrow: (src) => inspectArrowFile(src),
  'arrow-stream': (src) => inspectArrowStream(src),
  'feather-v1': (src) => inspectFeatherV1(src),
  csv: (src) => inspectDelimited(src, 'csv'),
  tsv: (src) => inspectDelimited(src, 'tsv'),
  jsonl: (src) => inspectJsonl(src),
  tfrecord: (src) => inspectTfrecord(src),
  zarr: (src, ctx) => inspectZarr(src, ctx),
  '7z': unopenable('7z'),
  rar: unopenable('RAR')
}

/**
 * Archives ModelGate cannot open: whatever they hold is unscanned, so they fail closed. It has
 * no reader for them (no maintained pure-JavaScript decoder among its dependencies, and the
 * bundles run without native code), so the message says what to commit instead.
 */
function unopenable(kind: string): Inspector {
  return async () => ({
    facts: {},
    issues: [
      {
        rule: 'scan-incomplete',
        severity: 'error',
        message: `This is a ${kind} archive. ModelGate has no ${kind} reader, so nothing inside it (models, pickles, other archives) was scanned, and it cannot be reported as safe.`,
        fix: `Commit the files themselves, or a zip or tar(.gz) of them, which ModelGate opens and scans member by member. To check this one by hand, extract it (\`${kind === '7z' ? '7z x' : 'unrar x'} <archive>\`) and run \`modelgate scan\` on the extracted folder.`
      }
    ]
  })
}

function merge(a: InspectResult, b: InspectResult): InspectResult {
  return { facts: { ...a.facts, ...b.facts }, issues: [...a.issues, ...b.issues] }
}
