/**
 * Real files written by real frameworks (../shared/real-models, ../shared/real-world).
 * Facts were cross-checked with onnx, h5py and numpy. Skipped when ../shared is absent.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { FileByteSource } from '../../src/util/byte-source.js'
import type { InspectResult } from '../../src/inspect/types.js'
import {
  inspectGguf,
  inspectHdf5,
  inspectNpy,
  inspectNpz,
  inspectOnnx,
  inspectSavedModel,
  inspectTfjs,
  inspectTflite
} from '../../src/inspect/formats/index.js'

const SHARED = resolve(process.cwd(), '../shared')
const MODELS = join(SHARED, 'real-models/out')
const WORLD = join(SHARED, 'real-world')
const d = existsSync(MODELS) && existsSync(WORLD) ? describe : describe.skip

async function run<R extends InspectResult>(fn: (s: FileByteSource) => Promise<R>, path: string): Promise<R> {
  const s = await FileByteSource.open(path)
  try {
    return await fn(s)
  } finally {
    await s.close()
  }
}

d('real files', () => {
  it('ONNX from torch.onnx.export, inline and with external data', async () => {
    const facts = {
      format: 'onnx', ir_version: 7, producer_name: 'pytorch', producer_version: '1.13.0', producer: 'pytorch 1.13.0',
      graph_name: 'torch_jit', opsets: 'ai.onnx:13', nodes: 3, op_types: 'Gemm:2,Relu:1', initializers: 4
    }
    expect(await run(inspectOnnx, join(MODELS, 'tiny_model.onnx'))).toEqual({ facts, issues: [] })
    expect(await run(inspectOnnx, join(MODELS, 'tiny_model_external.onnx'))).toEqual({
      facts: { ...facts, external_data: 'tiny_model_external.onnx.data' },
      issues: []
    })
  })

  it.each([
    ['light_resnet50', 'resnet50', 415, 269, 'ConstantOfShape:239'],
    ['light_densenet121', 'densenet121', 1746, 848, 'ConstantOfShape:836'],
    ['light_inception_v2', 'inception_v2', 916, 486, 'ConstantOfShape:407'],
    ['light_squeezenet', 'squeezenet_old', 105, 52, 'ConstantOfShape:39']
  ])('ONNX model zoo %s', async (file, graph, nodes, inits, topOp) => {
    const r = await run(inspectOnnx, join(WORLD, 'onnx+onnx/onnx/backend/test/data/light', `${file}.onnx`))
    expect(r.issues).toEqual([])
    expect(r.facts).toMatchObject({ ir_version: 3, producer: 'onnx-caffe2', opsets: 'ai.onnx:9', graph_name: graph, nodes, initializers: inits })
    expect(String(r.facts.op_types).startsWith(topOp)).toBe(true)
  })

  it('GGUF v3 vocab files from llama.cpp', async () => {
    const dir = join(WORLD, 'ggerganov+llama.cpp/models')
    expect(await run(inspectGguf, join(dir, 'ggml-vocab-llama-spm.gguf'))).toEqual({
      facts: {
        format: 'gguf', gguf_version: 3, tensors: 0, metadata_entries: 22, architecture: 'llama', name: 'llama-spm',
        tokenizer: 'llama', file_type: 1, quantization: 'F16', context_length: 4096, vocab_size: 32000
      },
      issues: []
    })
    const phi = await run(inspectGguf, join(dir, 'ggml-vocab-phi-3.gguf'))
    expect(phi.issues).toEqual([])
    expect(phi.facts).toMatchObject({ architecture: 'phi3', name: 'Phi3', vocab_size: 32064, chat_template: true, context_length: 4096 })
    expect(phi.chatTemplate?.startsWith("{{ bos_token }}{% for message in messages %}")).toBe(true)
    const bert = await run(inspectGguf, join(dir, 'ggml-vocab-bert-bge.gguf'))
    expect(bert.facts).toMatchObject({ architecture: 'bert', name: 'bert-bge', context_length: 512, vocab_size: 30522 })
  })

  it('legacy GGML files from whisper.cpp are recognised, not parsed', async () => {
    const r = await run(inspectGguf, join(WORLD, 'ggml-org+whisper.cpp/models/for-tests-ggml-tiny.bin'))
    expect(r.facts).toEqual({ format: 'ggml-legacy', legacy_magic: 'ggml (unversioned)' })
    expect(r.issues.map((i) => i.severity)).toEqual(['note'])
  })

  it('NumPy .npy / .npz from numpy.save / savez', async () => {
    expect((await run(inspectNpy, join(MODELS, 'weights.npy'))).facts).toEqual({
      format: 'npy', npy_version: '1.0', dtype: '<f4', shape: '(4, 8)', fortran_order: false, parameters: 32
    })
    const obj = await run(inspectNpy, join(MODELS, 'object_array.npy'))
    expect(obj.facts).toMatchObject({ dtype: '|O', shape: '(2,)', object_dtype: true })
    expect(obj.payloadOffset).toBe(128)
    expect(obj.issues.map((i) => i.severity)).toEqual(['note'])
    expect(await run(inspectNpz, join(MODELS, 'weights.npz'))).toEqual({
      facts: { format: 'npz', arrays: 2, array_names: 'w1,b1', dtypes: '<f8', parameters: 40 },
      issues: [],
      pickleMembers: []
    })
    expect((await run(inspectNpz, join(MODELS, 'weights_compressed.npz'))).facts).toMatchObject({ arrays: 1, parameters: 256 })
    expect((await run(inspectNpz, join(WORLD, 'openai+whisper/whisper/assets/mel_filters.npz'))).facts).toEqual({
      format: 'npz', arrays: 2, array_names: 'mel_80,mel_128', dtypes: '<f4', parameters: 80 * 201 + 128 * 201
    })
  })

  it('HDF5: Keras 3 model.h5, Keras 2 weights, PyTables dataset', async () => {
    expect(await run(inspectHdf5, join(WORLD, '0Xuser100+Customer-Churn-Prediction-App/model.h5'))).toEqual({
      facts: {
        format: 'hdf5', hdf5_superblock_version: 0, keras: true, framework: 'keras', keras_version: '3.5.0',
        backend: 'tensorflow', content: 'model', model_class: 'Sequential', layers: 4
      },
      issues: []
    })
    expect((await run(inspectHdf5, join(MODELS, 'keras_like_weights.h5'))).facts).toEqual({
      format: 'hdf5', hdf5_superblock_version: 0, keras: true, framework: 'keras', keras_version: '2.11.0',
      backend: 'tensorflow', layers: 2, content: 'weights'
    })
    expect(await run(inspectHdf5, join(MODELS, 'data/iris.h5'))).toEqual({
      facts: { format: 'hdf5', hdf5_superblock_version: 0, keras: false },
      issues: []
    })
  })

  it('TensorFlow SavedModels, tfjs manifests and TFLite from tensorflow/tfjs', async () => {
    const sm = await run(inspectSavedModel, join(WORLD, 'tensorflow+tfjs/tfjs-node/test_objects/saved_model/times_three_float/saved_model.pb'))
    expect(sm.issues).toEqual([])
    expect(sm.facts).toMatchObject({ tags: 'serve', meta_graphs: 1, tensorflow_version: '2.0.0-beta1', nodes: 43, functions: 5, distinct_ops: 15 })
    const layers = await run(inspectTfjs, join(WORLD, 'tensorflow+tfjs/e2e/integration_tests/load_predict_data/layers_model/model.json'))
    expect(layers).toEqual({
      facts: {
        format: 'tfjs', framework: 'tensorflow.js', model_format: 'layers-model', generated_by: 'TensorFlow.js tfjs-layers v0.0.0',
        weight_files: 'weights.bin', weight_shards: 1, weights: 4, keras_version: 'tfjs-layers 0.0.0', model_class: 'Sequential', layers: 2
      },
      issues: []
    })
    const graph = await run(inspectTfjs, join(WORLD, 'tensorflow+tfjs/e2e/integration_tests/load_predict_data/graph_model/model.json'))
    expect(graph.facts).toMatchObject({ model_format: 'graph-model', converted_by: 'TensorFlow.js Converter v1.7.4r1', weight_files: 'weights.bin' })
    expect(await run(inspectTflite, join(WORLD, 'tensorflow+tfjs/tfjs-tflite/test_files/add4.tflite'))).toEqual({
      facts: {
        format: 'tflite', framework: 'tensorflow-lite', schema_version: 3, description: 'MLIR Converted.', subgraphs: 1,
        operators: 1, tensors: 3, operator_codes: 'ADD', buffers: 6
      },
      issues: []
    })
  })
})
