import { Readable } from 'node:stream'
import { createGunzip, createInflate } from 'node:zlib'
import type { ByteSource } from '../../util/byte-source.js'
import { inspectPickleStream } from '../pickle-result.js'
import type { InspectResult } from '../types.js'

/**
 * joblib files: a pickle, optionally inside a zlib or gzip stream (joblib's
 * `compress=`). Other compressors (xz, bz2, lz4) cannot be opened here, so the
 * file fails closed rather than passing unscanned.
 */
export async function inspectJoblib(src: ByteSource, compression: string | undefined): Promise<InspectResult> {
  if (!compression) return inspectPickleStream(src.stream(), { framework: 'joblib' })
  if (compression !== 'zlib' && compression !== 'gzip') {
    return {
      facts: { compression },
      issues: [
        {
          rule: 'scan-incomplete',
          severity: 'error',
          message: `This joblib file is ${compression}-compressed, which ModelGate cannot decompress, so the pickle inside was not scanned.`,
          fix: 'Save it with compress=("zlib", 3) or ("gzip", 3), or better, export the model to a format without pickle (ONNX, skops, safetensors).'
        }
      ]
    }
  }
  const inflater = compression === 'gzip' ? createGunzip() : createInflate()
  const plain = Readable.from(src.stream()).pipe(inflater)
  try {
    const r = await inspectPickleStream(plain, { framework: 'joblib' }, `${compression}-compressed pickle`)
    return { facts: { ...r.facts, compression }, issues: r.issues }
  } catch (err) {
    return {
      facts: { compression },
      issues: [
        {
          rule: 'unparseable-artifact',
          severity: 'error',
          message: `The ${compression} stream of this joblib file cannot be decompressed (${(err as Error).message}).`,
          fix: 'Re-save the model with joblib.dump from a trusted source.'
        }
      ]
    }
  } finally {
    plain.destroy()
  }
}
