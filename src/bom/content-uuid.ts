import { createHash } from 'node:crypto'

/**
 * A UUID derived from content (RFC 4122 layout, version 5 style: name-based, here
 * on SHA-256), so equal content gets an equal UUID: the CycloneDX serial number
 * and the SPDX 3 document namespace.
 */
export function contentUuid(content: string): string {
  const h = createHash('sha256').update(content).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}
