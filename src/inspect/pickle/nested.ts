/**
 * Pickles hidden inside pickles: bytes or strings that are themselves a pickle,
 * raw (`\x80` + protocol), base64 or hex encoded, or protocol-0 text. They are
 * second-stage payloads for `pickle.loads`/`torch.load`/`_load_from_bytes` gadgets
 * (or for code that loads "config" blobs), so the scan recurses into them.
 */
import { isOpcode } from './opcodes.js'

export type EmbeddedHow = 'raw' | 'base64' | 'hex' | 'text'

export interface Embedded {
  how: EmbeddedHow
  bytes: Buffer
}

const isProtoHeader = (b: Buffer): boolean => b.length >= 4 && b[0] === 0x80 && b[1]! <= 5

/**
 * Finds a pickle in a kept argument. `text` candidates (protocol 0/1, no magic) are
 * only a hint: the caller accepts them only if they parse to STOP and import something.
 */
export function findEmbedded(data: Buffer): Embedded | null {
  if (data.length < 4) return null
  if (isProtoHeader(data)) return { how: 'raw', bytes: data }
  let i = 0
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x0a || data[i] === 0x0d || data[i] === 0x09)) i++
  // Only "gA…" (base64) and "80…" (hex) can encode a protocol header: skip the text work otherwise.
  const lead = data.toString('latin1', i, i + 2)
  const ascii = lead === 'gA' || lead === '80' ? data.toString('latin1').trim() : ''
  // base64 of "\x80\x0N" always starts "gA"; url-safe alphabets and line breaks are tolerated.
  if (ascii.startsWith('gA') && ascii.length >= 12 && /^[A-Za-z0-9+/_\-\s]+={0,2}$/.test(ascii)) {
    const dec = Buffer.from(ascii.replace(/\s+/g, ''), ascii.includes('-') || ascii.includes('_') ? 'base64url' : 'base64')
    if (isProtoHeader(dec)) return { how: 'base64', bytes: dec }
  }
  if (/^80 ?0[0-5]/i.test(ascii) && /^[0-9a-fA-F\s]+$/.test(ascii)) {
    const hex = ascii.replace(/\s+/g, '')
    if (hex.length % 2 === 0) {
      const dec = Buffer.from(hex, 'hex')
      if (isProtoHeader(dec)) return { how: 'hex', bytes: dec }
    }
  }
  if (isOpcode(data[0]!) && data[data.length - 1] === 0x2e && data.includes(0x0a)) return { how: 'text', bytes: data }
  return null
}
