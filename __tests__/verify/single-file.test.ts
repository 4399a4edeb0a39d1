import crypto from 'node:crypto'
import { parseChecksums } from '../../src/verify/checksums.js'
import { brief, config, run } from './helpers.js'
import { privateCertificateAuthority } from './keyless.js'
import { lfsPointer, newKey, sha256, type TestKey } from './sign.js'

/** `cosign sign-blob --bundle` output: a v0.3 bundle with a message signature (key-based, no log entry). */
function cosignBundle(content: Buffer | string, key: TestKey, hint = key.hint): string {
  const sig = crypto.sign('sha256', Buffer.from(content), key.privateKey)
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint }, tlogEntries: [] },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(sha256(content), 'hex').toString('base64') }, signature: sig.toString('base64') }
  })
}

const detached = (content: Buffer | string, key: TestKey): string => crypto.sign('sha256', Buffer.from(content), key.privateKey).toString('base64')

describe('checksum manifests', () => {
  test('GNU and BSD lines, escapes, other algorithms skipped', () => {
    const h = sha256('a')
    expect(parseChecksums(`${h}  a.bin\n${h} *b dir/c.bin\nSHA256 (d.bin) = ${h}\n\\${h}  e\\nf\\\\g\n# comment\nMD5 (x) = 0cc175b9c0f1b6a831c399e269772661\n`, 'SHA256SUMS')).toEqual([
      { name: 'a.bin', sha256: h },
      { name: 'b dir/c.bin', sha256: h },
      { name: 'd.bin', sha256: h },
      { name: 'e\nf\\g', sha256: h }
    ])
    expect(parseChecksums(`${h}\n`, 'models/w.bin.sha256')).toEqual([{ name: 'w.bin', sha256: h }])
    expect(() => parseChecksums('garbage\n', 'SHA256SUMS')).toThrow("line 'garbage' is neither a GNU nor a BSD checksum line")
  })

  test('an unsigned list: mismatches are reported, but it signs nothing', async () => {
    const sums = `${sha256('w')}  w.safetensors\n${sha256('elsewhere')}  release.tar.gz\n`
    const ok = await run({ 'm/w.safetensors': 'w', 'm/SHA256SUMS': sums }, config({ 'required-for': ['m/**'] }))
    expect(brief(ok)).toEqual(['error unsigned-model m/w.safetensors'])
    expect(ok.states).toEqual({ 'm/SHA256SUMS': 'unverifiable', 'm/w.safetensors': 'unsigned' })
    const bad = await run({ 'm/w.safetensors': 'changed', 'm/SHA256SUMS': sums }, config({}))
    expect(bad.findings.map((f) => [f.rule, f.path, f.message])).toEqual([['signature-digest-mismatch', 'm/w.safetensors', "'m/w.safetensors' does not match its SHA-256 in m/SHA256SUMS."]])
    expect(bad.states).toEqual({ 'm/SHA256SUMS': 'digest-mismatch', 'm/w.safetensors': 'digest-mismatch' })
    const escape = await run({ 'm/w.safetensors': 'w', 'm/SHA256SUMS': `${sha256('w')}  ../w.safetensors\n` }, config({}))
    expect(escape.findings.map((f) => [f.rule, f.path, f.message])).toEqual([
      ['signature-invalid', 'm/SHA256SUMS', "M/SHA256SUMS is not a usable checksum list: it lists '../w.safetensors', which leaves the model folder ('..'); names must be relative paths below the list's folder."]
    ])
  })

  test('a signed list (detached .sig, trusted key) signs what it lists; a changed file fails with the signer named', async () => {
    const key = newKey()
    const sums = `SHA256 (w.safetensors) = ${sha256('w')}\nSHA256 (config.json) = ${sha256('{}')}\n`
    const spec = { 'm/w.safetensors': 'w', 'm/config.json': '{}', 'm/SHA256SUMS': sums, 'm/SHA256SUMS.sig': detached(sums, key) }
    const cfg = config({ 'required-for': ['m/*.safetensors'], 'trusted-keys': [key.pem] })
    const ok = await run(spec, cfg)
    expect(ok.findings).toEqual([])
    expect(ok.signatures.get('m/w.safetensors')).toMatchObject({ state: 'verified', format: 'checksum-manifest', method: 'public-key', signatureFile: 'm/SHA256SUMS.sig', keyHint: key.hint })
    const bad = await run({ ...spec, 'm/w.safetensors': 'x' }, cfg)
    expect(bad.findings.map((f) => [f.rule, f.path, f.message])).toEqual([['signature-digest-mismatch', 'm/w.safetensors', "'m/w.safetensors' does not match its SHA-256 in m/SHA256SUMS (signed by inline key #1)."]])
    const forged = await run({ ...spec, 'm/SHA256SUMS.sig': detached(sums, newKey()) }, cfg)
    expect(brief(forged)).toEqual(['error signature-untrusted-identity m/SHA256SUMS.sig'])
  })
})

describe('single-file bundles (cosign sign-blob)', () => {
  const key = newKey()
  const cfg = config({ 'trusted-keys': [key.pem], 'required-for': ['**/*.onnx'] })

  test('verifies; a changed file is a digest mismatch; another key is untrusted', async () => {
    const ok = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sigstore.json': cosignBundle('onnx', key) }, cfg)
    expect(ok.findings).toEqual([])
    expect(ok.signatures.get('m/model.onnx')).toEqual({
      state: 'verified',
      signatureFile: 'm/model.onnx.sigstore.json',
      format: 'sigstore-bundle',
      method: 'public-key',
      signer: 'inline key #1',
      issuer: null,
      keyHint: key.hint,
      rekorLogIndex: null,
      rootDigest: null
    })
    const changed = await run({ 'm/model.onnx': 'ONNX', 'm/model.onnx.sigstore.json': cosignBundle('onnx', key) }, cfg)
    expect(changed.findings.map((f) => [f.rule, f.path, f.message, f.fix])).toEqual([
      [
        'signature-digest-mismatch',
        'm/model.onnx',
        "'m/model.onnx' differs from the version signed in m/model.onnx.sigstore.json (signed by the trusted key inline key #1).",
        'If the change is intended, re-sign the file: cosign sign-blob --key <cosign.key> --bundle m/model.onnx.sigstore.json m/model.onnx; otherwise restore the signed file.'
      ]
    ])
    const other = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sigstore.json': cosignBundle('onnx', newKey(), 'x') }, cfg)
    expect(other.findings.map((f) => [f.severity, f.rule, f.path, f.message, f.fix])).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        'm/model.onnx.sigstore.json',
        "The signature over 'm/model.onnx' was made with a key that is not in signatures.trusted-keys.",
        'If that key is legitimate, add its public key to signatures.trusted-keys; otherwise re-sign with a trusted key: cosign sign-blob --key <cosign.key> --bundle m/model.onnx.sigstore.json m/model.onnx'
      ]
    ])
    expect(other.signatures.get('m/model.onnx')).toMatchObject({ state: 'untrusted-identity', method: 'public-key', keyHint: 'x', signer: null })
  })

  test('a bundle that names a trusted key whose signature does not verify was altered: signature-invalid', async () => {
    const bundle = JSON.parse(cosignBundle('onnx', key))
    bundle.messageSignature.signature = JSON.parse(cosignBundle('other', key)).messageSignature.signature
    const r = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sigstore.json': JSON.stringify(bundle) }, cfg)
    expect(r.findings.map((f) => [f.rule, f.path, f.message])).toEqual([
      ['signature-invalid', 'm/model.onnx.sigstore.json', "The signature does not verify with the trusted key inline key #1, although the bundle names that key: the bundle's signature or digest was altered."]
    ])
  })

  test('`<file>.bundle` is read when it is a Sigstore bundle, and left alone when it is not (a git bundle)', async () => {
    const ok = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.bundle': cosignBundle('onnx', key) }, cfg, { scanned: ['m/model.onnx'] })
    expect(ok.findings).toEqual([])
    expect(ok.signatures.get('m/model.onnx')).toMatchObject({ state: 'verified', signatureFile: 'm/model.onnx.bundle', method: 'public-key' })
    const git = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.bundle': '# v2 git bundle\n0123 refs/heads/main\n\nPACK' }, cfg, { scanned: ['m/model.onnx'] })
    expect(brief(git)).toEqual(['error unsigned-model m/model.onnx'])
    // a git bundle over the 16 MiB signature limit is still just a git bundle
    const big = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.bundle': Buffer.concat([Buffer.from('# v2 git bundle\n0123 refs/heads/main\n\nPACK'), Buffer.alloc(17 << 20)]) }, cfg, { scanned: ['m/model.onnx'] })
    expect(brief(big)).toEqual(['error unsigned-model m/model.onnx'])
  })

  test('a Git LFS pointer is verified from its oid (ECDSA over the digest, no blob)', async () => {
    const weights = Buffer.alloc(1 << 20, 3)
    const r = await run({ 'm/model.onnx': lfsPointer(weights), 'm/model.onnx.sig': detached(weights, key) }, cfg)
    expect(r.findings).toEqual([])
    expect(r.states).toEqual({ 'm/model.onnx': 'verified', 'm/model.onnx.sig': 'verified' })
    expect(r.hashed).toEqual([])
  })

  test('a detached .sig (cosign sign-blob --key --output-signature) verifies with a trusted key; another key is untrusted', async () => {
    const ok = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sig': detached('onnx', key) }, cfg)
    expect(ok.findings).toEqual([])
    expect(ok.signatures.get('m/model.onnx')).toEqual({
      state: 'verified',
      signatureFile: 'm/model.onnx.sig',
      format: 'detached',
      method: 'public-key',
      signer: 'inline key #1',
      issuer: null,
      keyHint: key.hint,
      rekorLogIndex: null,
      rootDigest: null
    })
    expect(ok.hashed).toEqual([])
    const der = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sig': crypto.sign('sha256', Buffer.from('onnx'), key.privateKey) }, cfg)
    expect(der.states['m/model.onnx']).toBe('verified')
    const other = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sig': detached('onnx', newKey()) }, cfg)
    expect(other.findings.map((f) => [f.rule, f.path, f.message, f.fix])).toEqual([
      [
        'signature-untrusted-identity',
        'm/model.onnx.sig',
        "The signature over 'm/model.onnx' does not verify with any key in signatures.trusted-keys (a different key, or altered content).",
        'If that key is legitimate, add its public key to signatures.trusted-keys; otherwise re-sign with a trusted key: cosign sign-blob --key <cosign.key> --output-signature m/model.onnx.sig m/model.onnx'
      ]
    ])
    const none = await run({ 'm/model.onnx': 'onnx', 'm/model.onnx.sig': detached('onnx', key) }, config({ 'required-for': ['**/*.onnx'] }))
    expect(none.findings.map((f) => [f.rule, f.path, f.message])).toEqual([
      ['signature-unverifiable', 'm/model.onnx.sig', "'m/model.onnx' is signed with a key, but signatures.trusted-keys lists no key to verify it with."]
    ])
  })

  test('a detached .sig with a certificate from a private CA verifies against trusted-certificates', async () => {
    const ca = await privateCertificateAuthority()
    const signer = newKey()
    const pem = await ca.issue(signer.publicKey, 'https://ml.example.com/release')
    const spec = { 'm/model.onnx': 'onnx', 'm/model.onnx.sig': detached('onnx', signer), 'm/model.onnx.pem': pem }
    const scanned = ['m/model.onnx', 'm/model.onnx.sig']
    const ok = await run(spec, config({ 'required-for': ['**/*.onnx'], 'trusted-certificates': [ca.rootPem] }), { scanned })
    expect(ok.findings).toEqual([])
    expect(ok.signatures.get('m/model.onnx')).toEqual({
      state: 'verified',
      signatureFile: 'm/model.onnx.sig',
      format: 'detached',
      method: 'certificate',
      signer: 'URI:https://ml.example.com/release',
      issuer: 'CN=sigstore, O=sigstore.mock',
      keyHint: signer.hint,
      rekorLogIndex: null,
      rootDigest: null
    })
    const otherCa = await privateCertificateAuthority()
    const untrusted = await run(spec, config({ 'required-for': ['**/*.onnx'], 'trusted-certificates': [otherCa.rootPem] }), { scanned })
    expect(untrusted.findings.map((f) => [f.rule, f.path])).toEqual([['signature-untrusted-identity', 'm/model.onnx.sig']])
    const none = await run(spec, config({ 'required-for': ['**/*.onnx'] }), { scanned })
    expect(none.findings.map((f) => [f.severity, f.rule, f.path, f.message])).toEqual([
      ['error', 'signature-unverifiable', 'm/model.onnx.sig', "'m/model.onnx' is signed with a certificate, but signatures.trusted-certificates is empty."]
    ])
  })

  test('a signature for a file that is not there', async () => {
    const r = await run({ 'm/gone.onnx.sig': detached('x', key), 'm/other.onnx': 'o' }, cfg, { scanned: ['m/other.onnx', 'm/gone.onnx.sig'] })
    expect(brief(r)).toEqual(['error signature-digest-mismatch m/gone.onnx.sig', 'error unsigned-model m/other.onnx'])
    expect(r.findings[0]!.message).toBe("The signed file 'm/gone.onnx' is not in the repository.")
  })
})
