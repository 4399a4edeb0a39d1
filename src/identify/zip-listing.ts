import { Readable } from 'node:stream'
import yauzl from 'yauzl'
import type { ByteSource } from '../util/byte-source.js'

/** A zip's member names from its central directory; bounded so a hostile archive cannot exhaust memory. */
export const MAX_ZIP_ENTRIES = 100_000

class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly src: ByteSource) {
    super()
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.src.stream(start, end))
  }
}

export async function listZipEntries(src: ByteSource): Promise<string[]> {
  const reader = new SourceReader(src)
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(reader, src.size, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open zip'))
      if (zip.entryCount > MAX_ZIP_ENTRIES) {
        zip.close()
        return reject(new Error(`zip declares ${zip.entryCount} entries, more than the ${MAX_ZIP_ENTRIES} allowed`))
      }
      const names: string[] = []
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName)
        zip.readEntry()
      })
      zip.on('end', () => resolve(names))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}
