import { createHash } from 'node:crypto'
import type { ByteSource } from '../util/byte-source.js'

/** SHA-256 of a source in one streaming pass: memory stays at one chunk whatever the size. */
export async function sha256Of(src: ByteSource): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of src.stream()) hash.update(chunk)
  return hash.digest('hex')
}
