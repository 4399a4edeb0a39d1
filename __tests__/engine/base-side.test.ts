/**
 * A modified model's base side only feeds the old → new digest display: when it cannot be read,
 * the head (already scanned in full) keeps its findings and nothing becomes scan-incomplete.
 */
import { processFile } from '../../src/engine/process-file.js'
import { DEFAULT_LIMITS } from '../../src/engine/limits.js'
import type { Candidate } from '../../src/discover/types.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { safetensors as safetensorsFile, sha256 as sha256Hex } from '../support/formats.js'

const opened = (bytes: Buffer) => async () => Object.assign(new BufferByteSource(bytes), { close: async () => {} })

test('a base side that cannot be opened loses only `previous`', async () => {
  const head = safetensorsFile({ w: { dtype: 'F32', shape: [2], data: Buffer.alloc(8, 1) } })
  const c: Candidate = { path: 'm/model.safetensors', change: 'modified', open: opened(head), openBase: () => Promise.reject(new Error('EIO: i/o error, read')) }
  const out = await processFile(c, DEFAULT_LIMITS)
  expect(out.findings).toEqual([])
  expect(out.artifact).toMatchObject({ path: 'm/model.safetensors', format: 'safetensors', change: 'modified', sha256: sha256Hex(head), size: head.length })
  expect(out.artifact!.previous).toBeUndefined()
})

test('a readable base side is the previous digest', async () => {
  const head = safetensorsFile({ w: { dtype: 'F32', shape: [2], data: Buffer.alloc(8, 1) } })
  const base = safetensorsFile({ w: { dtype: 'F32', shape: [2], data: Buffer.alloc(8, 2) } })
  const out = await processFile({ path: 'm/model.safetensors', change: 'modified', open: opened(head), openBase: opened(base) }, DEFAULT_LIMITS)
  expect(out.findings).toEqual([])
  expect(out.artifact!.previous).toEqual({ sha256: sha256Hex(base), size: base.length })
})
