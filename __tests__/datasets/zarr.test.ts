import { scan } from '../../src/engine/scan.js'
import { inspectZarr } from '../../src/inspect/datasets/zarr.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { makeTree } from '../support/tree.js'

const FIX = 'Re-write the store with zarr (or re-download it); the metadata file is not valid Zarr metadata. If it is not Zarr metadata at all, rename it.'
const inspect = (path: string, doc: unknown) => inspectZarr(new BufferByteSource(Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc))), { path })
const error = (message: string) => ({ rule: 'unparseable-artifact', severity: 'error', message, fix: FIX })
const zarray = { zarr_format: 2, shape: [100, 20], chunks: [10, 20], dtype: '<f4', compressor: { id: 'blosc', cname: 'lz4' }, fill_value: 0, order: 'C', filters: null }
const v3array = {
  zarr_format: 3,
  node_type: 'array',
  shape: [1000, 3],
  data_type: 'int16',
  chunk_grid: { name: 'regular', configuration: { chunk_shape: [100, 3] } },
  chunk_key_encoding: { name: 'default' },
  codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'zstd' }],
  fill_value: 0
}

test('a scanned store: each metadata file is a dataset record with its facts; chunks are not artifacts', async () => {
  const chunk = Buffer.from([0x02, 0x01, 0x21, 0x04, ...Buffer.alloc(60, 9)])
  const root = await makeTree({
    'store.zarr/.zgroup': JSON.stringify({ zarr_format: 2 }),
    'store.zarr/.zattrs': JSON.stringify({ title: 'x', source: 'y' }),
    'store.zarr/temp/.zarray': JSON.stringify(zarray),
    'store.zarr/temp/0.0': chunk,
    'store.zarr/temp/1.0': chunk,
    'v3.zarr/zarr.json': JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: {} }),
    'v3.zarr/labels/zarr.json': JSON.stringify(v3array),
    'v3.zarr/labels/c/0/0': chunk,
    'v3.zarr/labels/c/1/0': chunk
  })
  const { report } = await scan({ root, failOn: 'error' })
  expect(report.artifacts.map((a) => [a.path, a.kind, a.format, a.facts])).toEqual([
    ['store.zarr/.zattrs', 'dataset', 'zarr', { zarr_format: 2, node_type: 'attributes', attributes: 2 }],
    ['store.zarr/.zgroup', 'dataset', 'zarr', { zarr_format: 2, node_type: 'group' }],
    ['store.zarr/temp/.zarray', 'dataset', 'zarr', { zarr_format: 2, node_type: 'array', shape: '100,20', chunks: '10,20', dtype: '<f4', compressor: 'blosc' }],
    ['v3.zarr/labels/zarr.json', 'dataset', 'zarr', { zarr_format: 3, node_type: 'array', shape: '1000,3', data_type: 'int16', chunks: '100,3', codecs: 'bytes,zstd' }],
    ['v3.zarr/zarr.json', 'dataset', 'zarr', { zarr_format: 3, node_type: 'group' }]
  ])
  expect(report.findings.filter((f) => f.rule === 'unparseable-artifact' || f.rule === 'scan-incomplete')).toEqual([])
})

test('consolidated metadata (.zmetadata) counts its arrays and groups', async () => {
  const doc = { zarr_consolidated_format: 1, metadata: { '.zgroup': { zarr_format: 2 }, 'a/.zarray': zarray, 'a/.zattrs': {}, 'b/.zarray': zarray } }
  expect(await inspect('s.zarr/.zmetadata', doc)).toEqual({ facts: { format: 'zarr', zarr_format: 2, node_type: 'consolidated', arrays: 2, groups: 1 }, issues: [] })
})

test('structured dtypes are shown as JSON', async () => {
  expect((await inspect('a/.zarray', { ...zarray, dtype: [['x', '<f4'], ['y', '<i2']] })).facts.dtype).toBe('[["x","<f4"],["y","<i2"]]')
})

describe('hostile zarr metadata: an exact finding, never a throw', () => {
  test.each([
    ['a/.zarray', '{"zarr_format": 2, "shape": [1', 'This .zarray is not valid JSON.'],
    ['a/.zarray', '[1, 2]', 'This .zarray is not a JSON object.'],
    ['a/.zarray', { ...zarray, shape: undefined }, 'This .zarray has no valid `shape` (a list of at most 64 non-negative integers).'],
    ['a/.zarray', { ...zarray, shape: [-1, 20] }, 'This .zarray has no valid `shape` (a list of at most 64 non-negative integers).'],
    ['a/.zarray', { ...zarray, shape: Array(65).fill(1) }, 'This .zarray has no valid `shape` (a list of at most 64 non-negative integers).'],
    ['a/.zarray', { ...zarray, chunks: [10] }, 'This .zarray has 2 dimensions in `shape` but 1 in `chunks`.'],
    ['a/.zarray', { ...zarray, dtype: undefined }, 'This .zarray lacks `dtype`.'],
    ['a/.zarray', { ...zarray, zarr_format: 3 }, 'This .zarray has zarr_format 3; a .zarray file is Zarr version 2.'],
    ['a/.zgroup', {}, 'This .zgroup has zarr_format missing; a .zgroup file is Zarr version 2.'],
    ['a/zarr.json', { zarr_format: 2 }, 'This zarr.json has zarr_format 2; zarr.json is Zarr version 3.'],
    ['a/zarr.json', { zarr_format: 3, node_type: 'thing' }, 'This zarr.json has no `node_type` of "array" or "group".'],
    ['a/zarr.json', { ...v3array, data_type: undefined }, 'This zarr.json array lacks `data_type`.'],
    ['a/zarr.json', { ...v3array, chunk_grid: { configuration: { chunk_shape: 'all' } } }, 'This zarr.json has no valid `chunk_grid.configuration.chunk_shape` (a list of at most 64 non-negative integers).'],
    ['a/.zmetadata', { metadata: {} }, 'This .zmetadata lacks `zarr_consolidated_format: 1` and a `metadata` object.']
  ])('%s %j', async (path, doc, message) => {
    expect((await inspect(path, doc)).issues).toEqual([error(message)])
  })
})
