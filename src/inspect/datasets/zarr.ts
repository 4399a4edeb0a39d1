import path from 'node:path'
import type { ByteSource } from '../../util/byte-source.js'
import type { Facts, InspectResult } from '../types.js'
import { FormatError, guarded, isRecord, newResult, readExact, truncate } from '../formats/common.js'

const MAX_METADATA = 16 * 1024 * 1024
const FIX = 'Re-write the store with zarr (or re-download it); the metadata file is not valid Zarr metadata. If it is not Zarr metadata at all, rename it.'

/**
 * Zarr metadata (the chunks beside it are data, never read), one file of those
 * identify/by-name.ts routes here by name: `zarr_format`, `node_type`,
 * and for arrays `shape`, `chunks`, `dtype` (v2) or `data_type` (v3), the compressor or
 * codecs. Shapes are comma-separated dimensions (`100,200`).
 */
export async function inspectZarr(src: ByteSource, ctx: { path: string }): Promise<InspectResult> {
  return guarded('Zarr', newResult('zarr'), async (r) => {
    const name = path.posix.basename(ctx.path)
    if (src.size > MAX_METADATA) throw new FormatError(`This ${name} is ${src.size} bytes, over ModelGate's ${MAX_METADATA}-byte bound for Zarr metadata.`, FIX)
    let doc: unknown
    try {
      doc = JSON.parse((await readExact(src, 0, src.size, name)).toString('utf8'))
    } catch (err) {
      if (err instanceof FormatError) throw err
      throw new FormatError(`This ${name} is not valid JSON.`, FIX)
    }
    if (!isRecord(doc)) throw new FormatError(`This ${name} is not a JSON object.`, FIX)
    Object.assign(r.facts, name === 'zarr.json' ? v3(doc) : v2(name, doc))
  })
}

function v2(name: string, doc: Record<string, unknown>): Facts {
  if (name === '.zattrs') return { zarr_format: 2, node_type: 'attributes', attributes: Object.keys(doc).length }
  if (name === '.zmetadata') {
    if (doc.zarr_consolidated_format !== 1 || !isRecord(doc.metadata)) throw new FormatError('This .zmetadata lacks `zarr_consolidated_format: 1` and a `metadata` object.', FIX)
    const keys = Object.keys(doc.metadata)
    return { zarr_format: 2, node_type: 'consolidated', arrays: keys.filter((k) => k.endsWith('.zarray')).length, groups: keys.filter((k) => k.endsWith('.zgroup')).length }
  }
  if (doc.zarr_format !== 2) throw new FormatError(`This ${name} has zarr_format ${truncate(JSON.stringify(doc.zarr_format) ?? 'missing', 40)}; a ${name} file is Zarr version 2.`, FIX)
  if (name === '.zgroup') return { zarr_format: 2, node_type: 'group' }
  const shape = dims(doc.shape, 'shape', name)
  const chunks = dims(doc.chunks, 'chunks', name)
  if (chunks.length !== shape.length) throw new FormatError(`This ${name} has ${shape.length} dimensions in \`shape\` but ${chunks.length} in \`chunks\`.`, FIX)
  if (doc.dtype === undefined) throw new FormatError(`This ${name} lacks \`dtype\`.`, FIX)
  const facts: Facts = { zarr_format: 2, node_type: 'array', shape: shape.join(','), chunks: chunks.join(','), dtype: text(doc.dtype) }
  if (isRecord(doc.compressor) && typeof doc.compressor.id === 'string') facts.compressor = truncate(doc.compressor.id, 60)
  return facts
}

function v3(doc: Record<string, unknown>): Facts {
  if (doc.zarr_format !== 3) throw new FormatError(`This zarr.json has zarr_format ${truncate(JSON.stringify(doc.zarr_format) ?? 'missing', 40)}; zarr.json is Zarr version 3.`, FIX)
  if (doc.node_type === 'group') return { zarr_format: 3, node_type: 'group' }
  if (doc.node_type !== 'array') throw new FormatError('This zarr.json has no `node_type` of "array" or "group".', FIX)
  const shape = dims(doc.shape, 'shape', 'zarr.json')
  if (doc.data_type === undefined) throw new FormatError('This zarr.json array lacks `data_type`.', FIX)
  const facts: Facts = { zarr_format: 3, node_type: 'array', shape: shape.join(','), data_type: isRecord(doc.data_type) && typeof doc.data_type.name === 'string' ? truncate(doc.data_type.name, 60) : text(doc.data_type) }
  const grid = isRecord(doc.chunk_grid) && isRecord(doc.chunk_grid.configuration) ? doc.chunk_grid.configuration.chunk_shape : undefined
  if (grid !== undefined) facts.chunks = dims(grid, 'chunk_grid.configuration.chunk_shape', 'zarr.json').join(',')
  if (Array.isArray(doc.codecs)) facts.codecs = truncate(doc.codecs.map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : '?')).join(','), 200)
  return facts
}

const MAX_DIMS = 64

function dims(v: unknown, key: string, name: string): number[] {
  if (!Array.isArray(v) || v.length > MAX_DIMS || !v.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new FormatError(`This ${name} has no valid \`${key}\` (a list of at most ${MAX_DIMS} non-negative integers).`, FIX)
  }
  return v as number[]
}

function text(v: unknown): string {
  return typeof v === 'string' ? truncate(v, 60) : truncate(JSON.stringify(v) ?? '', 200)
}
