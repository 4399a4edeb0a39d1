import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { SHARED } from '../support/shared.js'
import type { Finding } from '../../src/types.js'

/** What these tests are about: content inspection (licenses and dependencies have their own suites). */
const CONTENT_RULES = new Set(['unsafe-serialization', 'unknown-global', 'unparseable-artifact', 'scan-incomplete'])
const content = (fs: Finding[]) => fs.filter((f) => CONTENT_RULES.has(f.rule))

/** Every file real frameworks wrote, identified as what it is (../shared/real-models/README.md). */
test('real-models/out: each file identified by content', async () => {
  const { report } = await scan({ root: path.join(SHARED, 'real-models', 'out'), failOn: 'error' })
  expect(report.artifacts.map((a) => `${a.path} ${a.kind}/${a.format}`)).toEqual([
    'checkpoint.pth.tar model/pytorch-zip',
    'data/iris.csv dataset/csv',
    'data/iris.h5 dataset/hdf5',
    'data/iris.jsonl dataset/jsonl',
    'data/iris.pkl dataset/pickle',
    'full_model.pt model/pytorch-zip',
    'keras_like_weights.h5 model/keras-h5',
    'legacy_state_dict.pth model/pytorch-legacy',
    'linear_state_dict.pt model/pytorch-zip',
    'object_array.npy model/numpy',
    'pytorch_model.bin model/pytorch-zip',
    'random_forest.joblib model/joblib',
    'random_forest.joblib.gz model/joblib',
    'random_forest_compressed.joblib model/joblib',
    'sklearn_pipeline.joblib model/joblib',
    'sklearn_pipeline.pkl model/pickle',
    'tiny_model.onnx model/onnx',
    'tiny_model_external.onnx model/onnx',
    'tokenizer.model model/sentencepiece',
    'torchscript_model.pt model/torchscript',
    'weights.npy model/numpy',
    'weights.npz model/numpy-npz',
    'weights_compressed.npz model/numpy-npz',
    'xgboost_model.json model/xgboost-json',
    'xgboost_model.ubj model/xgboost-ubj'
  ])
  const compressed = report.artifacts.filter((a) => a.format === 'joblib' && a.facts.compression)
  expect(compressed.map((a) => [a.path, a.facts.compression])).toEqual([
    ['random_forest.joblib.gz', 'gzip'],
    ['random_forest_compressed.joblib', 'zlib']
  ])
  // Real framework output raises nothing but the two expected notices: an object array
  // (pickle inside .npy) and a torch.save(model) pickle that imports the user's class.
  expect(content(report.findings).map((f) => [f.severity, f.rule, f.path])).toEqual([
    ['warning', 'unknown-global', 'full_model.pt'],
    ['note', 'unsafe-serialization', 'object_array.npy']
  ])
})

test('real-world repositories: LFS pointers, GGUF, GGML, Keras, ONNX, SavedModel, tfjs, cards', async () => {
  const { report } = await scan({ root: path.join(SHARED, 'real-world'), failOn: 'error' })
  const line = (p: string) => {
    const a = report.artifacts.find((x) => x.path === p)
    return a ? `${a.kind}/${a.format}${a.lfs ? ` lfs ${a.lfs.oid.slice(0, 12)} ${a.lfs.size}` : ''}` : 'missing'
  }
  expect(
    Object.fromEntries(
      [
        '877325778+bge-large-zh-v1.5/model.safetensors',
        '877325778+bge-large-zh-v1.5/README.md',
        'AbidHasan95+roberta-base-squad2/pytorch_model_bin',
        'AbidHasan95+roberta-base-squad2/README.md',
        'CoralReefFish+whisper-tiny-nbaiLab/pytorch_model.bin',
        '0Xuser100+Customer-Churn-Prediction-App/model.h5',
        '0Xuser100+Customer-Churn-Prediction-App/scaler.pkl',
        '0Xuser100+Customer-Churn-Prediction-App/Churn_Modelling.csv',
        '0Xuser100+Customer-Churn-Prediction-App/requirements.txt',
        'ggerganov+llama.cpp/models/ggml-vocab-llama-spm.gguf',
        'ggml-org+whisper.cpp/models/for-tests-ggml-tiny.bin',
        'onnx+onnx/onnx/backend/test/data/light/light_resnet50.onnx',
        'onnx+onnx/onnx/backend/test/data/light/light_resnet50_output_0.pb',
        'openai+whisper/whisper/assets/mel_filters.npz',
        'tensorflow+tfjs/tfjs-node/test_objects/saved_model/times_two_int/saved_model.pb',
        'tensorflow+tfjs/e2e/integration_tests/load_predict_data/layers_model/model.json',
        'tensorflow+tfjs/tfjs-tflite/test_files/add4.tflite',
        'huggingface+huggingface_hub/tests/fixtures/cards/sample_datasetcard_simple.md'
      ].map((p) => [p, line(p)])
    )
  ).toEqual({
    '877325778+bge-large-zh-v1.5/model.safetensors': expect.stringMatching(/^model\/safetensors lfs [0-9a-f]{12} 1302138752$/),
    '877325778+bge-large-zh-v1.5/README.md': 'model-card/huggingface-model-card',
    'AbidHasan95+roberta-base-squad2/pytorch_model_bin': expect.stringMatching(/^model\/binary lfs [0-9a-f]{12} \d+$/),
    'AbidHasan95+roberta-base-squad2/README.md': 'model-card/huggingface-model-card',
    'CoralReefFish+whisper-tiny-nbaiLab/pytorch_model.bin': expect.stringMatching(/^model\/pytorch lfs [0-9a-f]{12} 151098921$/),
    '0Xuser100+Customer-Churn-Prediction-App/model.h5': 'model/keras-h5',
    '0Xuser100+Customer-Churn-Prediction-App/scaler.pkl': 'model/pickle',
    '0Xuser100+Customer-Churn-Prediction-App/Churn_Modelling.csv': 'dataset/csv',
    '0Xuser100+Customer-Churn-Prediction-App/requirements.txt': 'dependency-manifest/requirements',
    'ggerganov+llama.cpp/models/ggml-vocab-llama-spm.gguf': 'model/gguf',
    'ggml-org+whisper.cpp/models/for-tests-ggml-tiny.bin': 'model/ggml',
    'onnx+onnx/onnx/backend/test/data/light/light_resnet50.onnx': 'model/onnx',
    'onnx+onnx/onnx/backend/test/data/light/light_resnet50_output_0.pb': 'missing',
    'openai+whisper/whisper/assets/mel_filters.npz': 'model/numpy-npz',
    'tensorflow+tfjs/tfjs-node/test_objects/saved_model/times_two_int/saved_model.pb': 'model/tf-savedmodel',
    'tensorflow+tfjs/e2e/integration_tests/load_predict_data/layers_model/model.json': 'model/tfjs',
    'tensorflow+tfjs/tfjs-tflite/test_files/add4.tflite': 'model/tflite',
    'huggingface+huggingface_hub/tests/fixtures/cards/sample_datasetcard_simple.md': 'dataset-card/huggingface-dataset-card'
  })
  // The LFS oid is the artifact's digest: the pointer's own bytes are never hashed instead.
  const bge = report.artifacts.find((a) => a.path === '877325778+bge-large-zh-v1.5/model.safetensors')!
  expect(bge.sha256).toBe(bge.lfs!.oid)
  expect(content(report.findings).filter((f) => f.severity !== 'note')).toEqual([])
  // The churn app's requirements leave its two ML libraries unpinned, on these lines.
  expect(report.findings.filter((f) => f.rule === 'unpinned-dependency').map((f) => `${f.path}:${f.line}`)).toEqual([
    '0Xuser100+Customer-Churn-Prediction-App/requirements.txt:3',
    '0Xuser100+Customer-Churn-Prediction-App/requirements.txt:6'
  ])
  // Legacy GGML is recognised but not parsed: said plainly, as a note.
  expect(content(report.findings).map((f) => [f.severity, f.rule, f.path])).toEqual([
    ['note', 'unparseable-artifact', 'ggml-org+whisper.cpp/models/for-tests-ggml-tiny.bin'],
    ['note', 'unparseable-artifact', 'ggml-org+whisper.cpp/models/for-tests-silero-v6.2.0-ggml.bin']
  ])
})
