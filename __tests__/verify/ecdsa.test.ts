import crypto from 'node:crypto'
import fc from 'fast-check'
import { verifyEcdsaDigest } from '../../src/verify/ecdsa.js'

describe('ECDSA over a digest (no second read of the file)', () => {
  test.each([
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
    ['P-521', 'sha512'],
    ['P-256', 'sha512'],
    ['P-521', 'sha256']
  ])('%s with %s agrees with node:crypto', (curve, hash) => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve })
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const data = Buffer.from(bytes)
        const sig = crypto.sign(hash, data, privateKey)
        const digest = crypto.createHash(hash).update(data).digest()
        const flipped = Buffer.from(digest)
        flipped[0] = flipped[0]! ^ 1
        return verifyEcdsaDigest(publicKey, digest, sig) && !verifyEcdsaDigest(publicKey, flipped, sig)
      }),
      { numRuns: 15 }
    )
  })

  test('rejects other keys, malformed DER and out-of-range values', () => {
    const a = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const b = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const digest = crypto.createHash('sha256').update('x').digest()
    const sig = crypto.sign('sha256', Buffer.from('x'), a.privateKey)
    expect(verifyEcdsaDigest(a.publicKey, digest, sig)).toBe(true)
    expect(verifyEcdsaDigest(b.publicKey, digest, sig)).toBe(false)
    expect(verifyEcdsaDigest(a.publicKey, digest, Buffer.concat([sig, Buffer.from([0])]))).toBe(false)
    expect(verifyEcdsaDigest(a.publicKey, digest, Buffer.from('300602010002010a', 'hex'))).toBe(false)
    const ed = crypto.generateKeyPairSync('ed25519')
    expect(verifyEcdsaDigest(ed.publicKey, digest, sig)).toBe(false)
  })
})
