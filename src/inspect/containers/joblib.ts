import { Readable } from 'node:stream'
import { createGunzip, createInflate } from 'node:zlib'
import type { ByteSource } from '../../util/byte-source.js'
import { inspectPickleStream } from '../pickle-result.js'
import type { InspectResult } from '../types.js'

/**
 * joblib files: a pickle, optionally inside a zlib or gzip stream (joblib's
 * `compress=`), which may be several streams back to back, all read (joblib reads them
 * all). Other compressors (xz, bz2, lz4) cannot be opened here, so the file fails closed
 * rather than passing unscanned.
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
  // gunzip reads every member of a multi-member file itself; zlib streams are chained here.
  const plain = compression === 'gzip' ? Readable.from(src.stream()).pipe(createGunzip()) : Readable.from(zlibStreams(src))
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

/** More zlib streams than this in one file is no joblib output (it writes one). */
export const MAX_ZLIB_STREAMS = 1000

/**
 * The decompressed bytes of one or more zlib streams back to back, as joblib's
 * BinaryZlibFile reads them (at the end of one stream it starts a new decompressor on
 * what follows). Node's inflater stops at the first stream's end and counts the input
 * it used (`bytesWritten`), so the next stream starts exactly there. Bytes after a
 * stream that do not start another are an error, as they are for joblib. Bounded:
 * at most `maxStreams` streams, each costing at most one extra 64 KiB read.
 */
export async function* zlibStreams(src: ByteSource, maxStreams = MAX_ZLIB_STREAMS): AsyncGenerator<Buffer> {
  let pos = 0
  for (let n = 0; pos < src.size; n++) {
    if (n >= maxStreams) throw new Error(`more than ${maxStreams} zlib streams follow one another; the data from byte ${pos} on was not decompressed`)
    const raw = Readable.from(windowsFrom(src, pos), { objectMode: false })
    const inflater = createInflate()
    raw.on('error', (err) => inflater.destroy(err))
    try {
      for await (const chunk of raw.pipe(inflater) as AsyncIterable<Buffer>) yield chunk
    } catch (err) {
      throw new Error(`zlib stream ${n + 1} at byte ${pos}: ${(err as Error).message}`)
    } finally {
      raw.destroy()
    }
    if (inflater.bytesWritten === 0) throw new Error(`zlib stream ${n + 1} at byte ${pos} is empty`)
    pos += inflater.bytesWritten
  }
}

/**
 * The source from `pos` in reads that start at 64 KiB and grow to 1 MiB: starting over after
 * a short stream re-reads little, a long one streams in large reads.
 */
async function* windowsFrom(src: ByteSource, pos: number): AsyncGenerator<Buffer> {
  for (let at = pos, size = 64 * 1024; at < src.size; at += size, size = Math.min(size * 2, 1 << 20)) {
    const b = await src.read(at, size)
    if (b.length === 0) return
    yield b
  }
}
