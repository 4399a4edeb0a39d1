import type { KeyObject } from 'node:crypto'

/**
 * ECDSA verification of a signature over a digest the scan already has (FIPS 186-4, 6.4), for
 * signatures over whole files: the file's SHA-256 (or a Git LFS oid) is all it needs, so a multi-GB
 * model is not read a second time and an LFS blob is never downloaded. Node's crypto hashes the
 * message itself and cannot take a digest.
 */

interface Curve {
  p: bigint
  n: bigint
  gx: bigint
  gy: bigint
  bits: number
}

const CURVES: Record<string, Curve> = {
  prime256v1: {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bits: 256
  },
  secp384r1: {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bits: 384
  },
  secp521r1: {
    p: (1n << 521n) - 1n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    bits: 521
  }
}

/** The hash each curve signs whole files with in cosign / model_signing. */
export const CURVE_HASH: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m

function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m]
  let [s0, s1] = [1n, 0n]
  while (r1 !== 0n) {
    const q = r0 / r1
    ;[r0, r1] = [r1, r0 - q * r1]
    ;[s0, s1] = [s1, s0 - q * s1]
  }
  return mod(s0, m)
}

/** Jacobian coordinates; z = 0 is the point at infinity. a = -3 on all three curves. */
type J = [bigint, bigint, bigint]

function double([x, y, z]: J, p: bigint): J {
  if (z === 0n || y === 0n) return [0n, 1n, 0n]
  const zz = (z * z) % p
  const m = mod(3n * (x - zz) * (x + zz), p)
  const yy = (y * y) % p
  const s = (4n * x * yy) % p
  const x3 = mod(m * m - 2n * s, p)
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p)
  return [x3, y3, (2n * y * z) % p]
}

function add(a: J, b: J, p: bigint): J {
  if (a[2] === 0n) return b
  if (b[2] === 0n) return a
  const z1z1 = (a[2] * a[2]) % p
  const z2z2 = (b[2] * b[2]) % p
  const u1 = (a[0] * z2z2) % p
  const u2 = (b[0] * z1z1) % p
  const s1 = (a[1] * b[2] * z2z2) % p
  const s2 = (b[1] * a[2] * z1z1) % p
  if (u1 === u2) return s1 === s2 ? double(a, p) : [0n, 1n, 0n]
  const h = mod(u2 - u1, p)
  const r = mod(s2 - s1, p)
  const hh = (h * h) % p
  const hhh = (h * hh) % p
  const v = (u1 * hh) % p
  const x3 = mod(r * r - hhh - 2n * v, p)
  const y3 = mod(r * (v - x3) - s1 * hhh, p)
  return [x3, y3, (a[2] * b[2] * h) % p]
}

/** u1·G + u2·Q with one shared double-and-add ladder (Shamir's trick). */
function twin(u1: bigint, g: J, u2: bigint, q: J, p: bigint): J {
  const gq = add(g, q, p)
  let acc: J = [0n, 1n, 0n]
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length)
  for (let i = bits - 1; i >= 0; i--) {
    acc = double(acc, p)
    const b1 = (u1 >> BigInt(i)) & 1n
    const b2 = (u2 >> BigInt(i)) & 1n
    if (b1 && b2) acc = add(acc, gq, p)
    else if (b1) acc = add(acc, g, p)
    else if (b2) acc = add(acc, q, p)
  }
  return acc
}

const big = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`))

/** DER `SEQUENCE { INTEGER r, INTEGER s }`, strictly. */
function parseDer(sig: Buffer): { r: bigint; s: bigint } | null {
  let at = 0
  const len = (): number | null => {
    const first = sig[at++]
    if (first === undefined) return null
    if (first < 0x80) return first
    const n = first & 0x7f
    if (n === 0 || n > 2) return null
    let v = 0
    for (let i = 0; i < n; i++) {
      const b = sig[at++]
      if (b === undefined) return null
      v = (v << 8) | b
    }
    return v
  }
  if (sig[at++] !== 0x30) return null
  const total = len()
  if (total === null || at + total !== sig.length) return null
  const int = (): bigint | null => {
    if (sig[at++] !== 0x02) return null
    const l = len()
    if (l === null || l === 0 || at + l > sig.length) return null
    const v = sig.subarray(at, at + l)
    at += l
    if (v[0]! & 0x80) return null
    return big(v)
  }
  const r = int()
  const s = int()
  if (r === null || s === null || at !== sig.length) return null
  return { r, s }
}

/** Verifies a DER ECDSA signature over `digest` with an EC public key (P-256, P-384, P-521). */
export function verifyEcdsaDigest(key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  if (key.asymmetricKeyType !== 'ec') return false
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']
  if (!curve) return false
  const sig = parseDer(signature)
  if (!sig) return false
  const { n, p } = curve
  if (sig.r <= 0n || sig.r >= n || sig.s <= 0n || sig.s >= n) return false
  const jwk = key.export({ format: 'jwk' })
  if (!jwk.x || !jwk.y) return false
  const q: J = [big(Buffer.from(jwk.x, 'base64url')), big(Buffer.from(jwk.y, 'base64url')), 1n]
  // The leftmost bits of the digest, as many as n has.
  let e = big(digest)
  const extra = digest.length * 8 - curve.bits
  if (extra > 0) e >>= BigInt(extra)
  const w = inv(sig.s, n)
  const [x, , z] = twin(mod(e * w, n), [curve.gx, curve.gy, 1n], mod(sig.r * w, n), q, p)
  if (z === 0n) return false
  const zi = inv(z, p)
  const ax = (x * zi * zi) % p
  return mod(ax, n) === sig.r
}
