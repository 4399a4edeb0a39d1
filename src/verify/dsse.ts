import crypto, { type KeyObject } from 'node:crypto'

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** DSSE v1 pre-authentication encoding: what a DSSE signature signs. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8')
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload])
}

/**
 * The encoding `model_signing` 0.2 signed by mistake: `DSSEV1` (capital V) and the payload spliced in as
 * Python's `repr()` of a bytes object (`b'...'` with escapes). Verifying these needs the same bytes.
 */
export function paeCompat(payloadType: string, payload: Buffer): Buffer {
  return Buffer.from(`DSSEV1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf8')
}

/** Python 3 `repr(bytes)`. */
export function pythonBytesRepr(bytes: Buffer): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'"
  let out = `b${quote}`
  for (const c of bytes) {
    const ch = String.fromCharCode(c)
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (c === 0x09) out += '\\t'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}

/** The hash a key signs with: the curve's own for ECDSA (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512), SHA-256 for RSA, none for Ed25519. */
export function hashForKey(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448') return null
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    if (curve === 'prime256v1' || curve === 'P-256') return 'sha256'
    if (curve === 'secp384r1' || curve === 'P-384') return 'sha384'
    if (curve === 'secp521r1' || curve === 'P-521') return 'sha512'
  }
  return 'sha256'
}

function verifyRaw(algorithm: string | null, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return crypto.verify(algorithm, data, key, signature)
  } catch {
    return false
  }
}

export type DsseCheck = { ok: true; legacyEncoding: boolean } | { ok: false }

/**
 * Verifies one DSSE signature with `key`: the standard PAE with the key's hash, then (for signatures
 * made by model_signing 0.2) the buggy encoding with SHA-256 or the key's hash, as model_signing does.
 */
export function verifyDsse(payloadType: string, payload: Buffer, signature: Buffer, key: KeyObject): DsseCheck {
  const hash = hashForKey(key)
  if (verifyRaw(hash, pae(payloadType, payload), key, signature)) return { ok: true, legacyEncoding: false }
  if (key.asymmetricKeyType !== 'ec') return { ok: false }
  const compat = paeCompat(payloadType, payload)
  if (verifyRaw('sha256', compat, key, signature) || (hash !== 'sha256' && verifyRaw(hash, compat, key, signature))) {
    return { ok: true, legacyEncoding: true }
  }
  return { ok: false }
}

/** Verifies a signature over raw bytes (cosign `sign-blob`, message signatures). */
export function verifyMessage(data: Buffer, signature: Buffer, key: KeyObject): boolean {
  return verifyRaw(hashForKey(key), data, key, signature)
}
