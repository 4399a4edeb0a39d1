import { inspectHdf5 } from '../../src/inspect/formats/hdf5.js'
import { inspectKeras } from '../../src/inspect/formats/keras.js'
import { inspectTfjs } from '../../src/inspect/formats/tfjs.js'
import { hdf5WithAttrs, src, zip } from './fixtures/bytes.js'

const dense = { class_name: 'Dense', config: { name: 'd', units: 4 }, module: 'keras.layers', registered_name: null }
const model = (...layers: unknown[]) => ({ class_name: 'Sequential', config: { name: 'm', layers } })
const lambdaV2 = { class_name: 'Lambda', config: { name: 'evil', function: ['4wEAAAAA', null, null], function_type: 'lambda' } }

describe('inspectHdf5 (legacy Keras .h5)', () => {
  it('reads Keras attributes and checks model_config', async () => {
    const file = hdf5WithAttrs([
      ['keras_version', '2.15.0'],
      ['backend', 'tensorflow'],
      ['model_config', JSON.stringify(model(dense, dense))]
    ])
    const r = await inspectHdf5(src(file))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'hdf5',
      hdf5_superblock_version: 0,
      keras: true,
      framework: 'keras',
      keras_version: '2.15.0',
      backend: 'tensorflow',
      content: 'model',
      model_class: 'Sequential',
      layers: 2
    })
  })

  it('flags Lambda layers and foreign modules', async () => {
    const foreign = { class_name: 'MyLayer', module: 'my_pkg.layers', config: {} }
    const r = await inspectHdf5(src(hdf5WithAttrs([['model_config', JSON.stringify(model(dense, lambdaV2, foreign))]])))
    expect(r.facts.lambda_layers).toBe(1)
    expect(r.issues.map((i) => [i.rule, i.severity])).toEqual([
      ['unsafe-serialization', 'error'],
      ['unknown-global', 'warning']
    ])
    expect(r.issues[0]?.message).toMatch(/Lambda layer\(s\) \(evil\)/)
    expect(r.issues[1]?.message).toMatch(/my_pkg.layers.MyLayer/)
  })

  it('is not Keras without Keras attributes, and rejects non-HDF5 bytes', async () => {
    const r = await inspectHdf5(src(hdf5WithAttrs([['TITLE', 'x']])))
    expect(r.facts).toEqual({ format: 'hdf5', hdf5_superblock_version: 0, keras: false })
    const bad = await inspectHdf5(src(Buffer.alloc(2048)))
    expect(bad.issues[0]?.message).toBe('Not an HDF5 file: no superblock signature at 0 or 512·2^n.')
  })

  it('finds the superblock after a user block', async () => {
    const r = await inspectHdf5(src(Buffer.concat([Buffer.alloc(512), hdf5WithAttrs([['keras_version', '2.1.0']])])))
    expect(r.facts).toMatchObject({ hdf5_user_block: 512, keras: true, content: 'weights' })
  })
})

describe('inspectKeras (.keras v3)', () => {
  const meta = JSON.stringify({ keras_version: '3.3.3', date_saved: '2024-05-01@12:00:00' })
  it('reads metadata and config', async () => {
    const r = await inspectKeras(src(zip([
      { name: 'metadata.json', data: meta },
      { name: 'config.json', data: JSON.stringify(model(dense)), deflate: true },
      { name: 'model.weights.h5', data: Buffer.alloc(16) }
    ])))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'keras',
      framework: 'keras',
      weights_file: true,
      members: 3,
      keras_version: '3.3.3',
      date_saved: '2024-05-01@12:00:00',
      model_class: 'Sequential',
      layers: 1
    })
  })

  it('flags v3 lambdas, dangerous module references and duplicate members', async () => {
    const lambdaV3 = { module: 'keras.layers', class_name: 'Lambda', config: { name: 'l', function: { class_name: '__lambda__', config: { code: 'YmFk' } } } }
    const gadget = { module: 'os', class_name: 'system', config: { command: 'id' } }
    const r = await inspectKeras(src(zip([
      { name: 'config.json', data: JSON.stringify(model(dense)) },
      { name: 'config.json', data: JSON.stringify(model(lambdaV3, gadget)) }
    ])))
    expect(r.issues.map((i) => `${i.rule}/${i.severity}`)).toEqual([
      'unsafe-serialization/error', // duplicate names
      'unsafe-serialization/error', // Lambda
      'unsafe-serialization/error' // os.system
    ])
    expect(r.issues[0]?.message).toMatch(/duplicate member names \(config.json\)/)
    expect(r.issues[2]?.message).toMatch(/references os.system/)
  })

  it('needs config.json', async () => {
    const r = await inspectKeras(src(zip([{ name: 'metadata.json', data: meta }])))
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unparseable-artifact', message: 'The .keras archive has no config.json.' })])
  })
})

describe('inspectTfjs', () => {
  const doc = (paths: string[], extra: Record<string, unknown> = {}) =>
    src(Buffer.from(JSON.stringify({ format: 'layers-model', generatedBy: 'keras v2.15', convertedBy: 'TensorFlow.js Converter v4.0', modelTopology: { model_config: model(dense) }, weightsManifest: [{ paths, weights: [{ name: 'd/kernel' }, { name: 'd/bias' }] }], ...extra })))

  it('reads generator facts and shard files', async () => {
    const r = await inspectTfjs(doc(['group1-shard1of2.bin', 'group1-shard2of2.bin']))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'tfjs',
      framework: 'tensorflow.js',
      model_format: 'layers-model',
      generated_by: 'keras v2.15',
      converted_by: 'TensorFlow.js Converter v4.0',
      weight_files: 'group1-shard1of2.bin,group1-shard2of2.bin',
      weight_shards: 2,
      weights: 2,
      model_class: 'Sequential',
      layers: 1
    })
  })

  it('flags shard paths outside the model directory', async () => {
    const r = await inspectTfjs(doc(['../secrets.bin', 'https://evil.example/w.bin', 'sub/../ok.bin']))
    expect(r.issues.map((i) => i.message.match(/" (.*?):/)?.[1])).toEqual(['climbs out of the model directory with `..`', 'is a URL'])
  })

  it('checks ops of graph models', async () => {
    const r = await inspectTfjs(src(Buffer.from(JSON.stringify({ format: 'graph-model', modelTopology: { node: [{ op: 'Const' }, { op: 'ReadFile' }] }, weightsManifest: [] }))))
    expect(r.facts.nodes).toBe(2)
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unsafe-serialization', severity: 'error' })])
  })

  it('rejects JSON that is not a tfjs model', async () => {
    expect((await inspectTfjs(src(Buffer.from('{"a":1}')))).issues[0]?.message).toBe('Not a TensorFlow.js model: no modelTopology or weightsManifest.')
    expect((await inspectTfjs(src(Buffer.from('{')))).issues[0]?.message).toMatch(/^model.json is not valid JSON/)
  })
})
