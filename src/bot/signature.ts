import { createHmac, timingSafeEqual } from 'node:crypto'

const HEADER = /^sha256=([0-9a-f]{64})$/

/**
 * X-Hub-Signature-256: an HMAC-SHA256 of the raw body with the webhook secret. Computed over the
 * body's chunks as received (no joined copy, no string) and compared in constant time, so an
 * unauthenticated body costs nothing beyond its own bytes.
 */
export function signatureMatches(secret: string, chunks: readonly Buffer[], header: string | undefined): boolean {
  const hex = HEADER.exec(header ?? '')?.[1]
  if (!hex) return false
  const hmac = createHmac('sha256', secret)
  for (const c of chunks) hmac.update(c)
  return timingSafeEqual(hmac.digest(), Buffer.from(hex, 'hex'))
}
