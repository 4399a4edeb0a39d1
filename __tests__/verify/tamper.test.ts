import { createHash } from 'node:crypto'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { IBM, MT, brief, config, folder, run } from './helpers.js'
import { PUBLIC_GOOD_TRUSTED_ROOT } from '../../src/verify/trusted-root.js'
import { filesOf, lfsPointer, newKey, sha256, signBundle, statement } from './sign.js'

const KEY = readFileSync(path.join(MT, 'keys/signing-key-pub.pem'), 'utf8')
const CA = readFileSync(path.join(MT, 'keys/ca-cert.pem'), 'utf8')
const SCANNED = ['m/signme-1', 'm/signme-2', 'm/model.sig']

describe('tampering with a signed fixture', () => {
  const keyCfg = config({ 'trusted-keys': [KEY] })
  const signed = (): Promise<Record<string, Buffer | string>> => folder(path.join(MT, 'v1.1.0-elliptic-key'), 'm')

  test('one changed byte: signature-digest-mismatch on that file', async () => {
    const spec = await signed()
    const bytes = Buffer.from(spec['m/signme-2'] as Buffer)
    bytes[0] = bytes[0]! ^ 1
    const r = await run({ ...spec, 'm/signme-2': bytes }, keyCfg, { scanned: SCANNED })
    expect(r.findings).toEqual([
      {
        rule: 'signature-digest-mismatch',
        severity: 'error',
        path: 'm/signme-2',
        line: null,
        message: "'m/signme-2' differs from the version signed in m/model.sig (signed by the trusted key inline key #1).",
        fix: 'If the change is intended, re-sign the model: model_signing sign key m --private-key <private-key.pem> --ignore-paths m/ignore-me --signature m/model.sig; otherwise restore the signed file.'
      }
    ])
    expect(r.states).toEqual({ 'm/model.sig': 'digest-mismatch', 'm/signme-1': 'digest-mismatch', 'm/signme-2': 'digest-mismatch' })
    expect(r.signatures.get('m/signme-2')).toMatchObject({ reason: "the model's files differ from the signed ones (1 changed)" })
  })

  test('an unsigned file added to the model folder (even in a subfolder): signature-digest-mismatch naming it', async () => {
    const r = await run({ ...(await signed()), 'm/extra/evil.pkl': 'x' }, keyCfg, { scanned: [...SCANNED, 'm/extra/evil.pkl'] })
    expect(brief(r)).toEqual(['error signature-digest-mismatch m/extra/evil.pkl'])
    expect(r.states['m/extra/evil.pkl']).toBe('digest-mismatch')
  })

  test('a signed file removed: signature-digest-mismatch on the signature, naming the file', async () => {
    const spec = await signed()
    delete spec['m/signme-2']
    const r = await run(spec, keyCfg, { scanned: ['m/signme-1', 'm/model.sig'] })
    expect(r.findings.map((f) => [f.rule, f.path, f.message])).toEqual([
      ['signature-digest-mismatch', 'm/model.sig', "m/model.sig signs 'signme-2', which is missing from the model folder ('m/signme-2')."]
    ])
  })

  test('changed, extra and missing together: one finding each', async () => {
    const spec = await signed()
    delete spec['m/signme-1']
    const r = await run({ ...spec, 'm/signme-2': 'changed', 'm/new.bin': 'new' }, keyCfg, { scanned: ['m/signme-2', 'm/new.bin', 'm/model.sig'] })
    expect(brief(r)).toEqual(['error signature-digest-mismatch m/signme-2', 'error signature-digest-mismatch m/new.bin', 'error signature-digest-mismatch m/model.sig'])
    expect(r.signatures.get('m/model.sig')).toMatchObject({ state: 'digest-mismatch', reason: "the model's files differ from the signed ones (1 changed, 1 unsigned, 1 missing)" })
  })

  test('a swapped key (the policy trusts another key): signature-untrusted-identity', async () => {
    const other = newKey('P-384')
    const r = await run(await signed(), config({ 'trusted-keys': [other.pem] }), { scanned: SCANNED })
    expect(r.findings.map((f) => [f.rule, f.path, f.message])).toEqual([
      [
        'signature-untrusted-identity',
        'm/model.sig',
        'The model is signed with the public key e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e (SHA-256 of its PEM), which is not one of the 1 key(s) in signatures.trusted-keys.'
      ]
    ])
  })

  test('a bundle re-signed by an attacker key with the trusted hint: signature-invalid', async () => {
    const attacker = newKey('P-384')
    const original = JSON.parse((await signed())['m/model.sig']!.toString()) as { dsseEnvelope: { payload: string } }
    const forged = JSON.parse(signBundle(Buffer.from(original.dsseEnvelope.payload, 'base64'), attacker)) as { verificationMaterial: { publicKey: { hint: string } } }
    forged.verificationMaterial.publicKey.hint = 'e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e'
    const r = await run({ ...(await signed()), 'm/model.sig': JSON.stringify(forged) }, keyCfg, { scanned: SCANNED })
    expect(brief(r)).toEqual(['error signature-invalid m/model.sig'])
  })

  test('an edited payload (digest swapped in the statement): signature-invalid', async () => {
    const bundle = JSON.parse((await signed())['m/model.sig']!.toString()) as { dsseEnvelope: { payload: string } }
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString().replace('32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028', sha256('evil'))
    bundle.dsseEnvelope.payload = Buffer.from(payload).toString('base64')
    const r = await run({ ...(await signed()), 'm/signme-2': 'evil', 'm/model.sig': JSON.stringify(bundle) }, keyCfg, { scanned: SCANNED })
    expect(brief(r)).toEqual(['error signature-invalid m/model.sig'])
    expect(r.findings[0]!.message).toContain('the statement')
  })

  test('the certificate chain anchored at another CA: signature-untrusted-identity', async () => {
    const spec = await folder(path.join(MT, 'v1.1.0-certificate'), 'm')
    const intermediate = readFileSync(path.join(MT, 'keys/int-ca-cert.pem'), 'utf8')
    const ok = await run(spec, config({ 'trusted-certificates': [intermediate] }), { scanned: SCANNED })
    expect(ok.findings).toEqual([]) // an intermediate is a valid anchor
    const pinned = await run(spec, config({ 'trusted-certificates': [readFileSync(path.join(MT, 'keys/signing-key-cert.pem'), 'utf8')] }), { scanned: SCANNED })
    expect(pinned.findings).toEqual([]) // so is the signing certificate itself (pinning)
    const fulcio = (PUBLIC_GOOD_TRUSTED_ROOT as { certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[] }).certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes
    const otherCa = `-----BEGIN CERTIFICATE-----\n${fulcio.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`
    const other = await run(spec, config({ 'trusted-certificates': [otherCa] }), { scanned: SCANNED })
    expect(other.findings.map((f) => [f.rule, f.message])).toEqual([
      [
        'signature-untrusted-identity',
        "The signing certificate 'CN=intermediate-ca' (issued by 'CN=intermediate-ca') does not chain to any certificate in signatures.trusted-certificates."
      ]
    ])
    expect(other.states['m/signme-1']).toBe('untrusted-identity')
  })

  test('keyless: wrong identity, regex identity, wrong issuer', async () => {
    const spec = await folder(path.join(MT, 'v1.1.0-sigstore'), 'm')
    const wrong = await run(spec, config({ 'trusted-identities': [{ identity: 'mallory@example.com', issuer: IBM.issuer }] }), { scanned: SCANNED })
    expect(wrong.findings.map((f) => [f.severity, f.rule, f.path, f.message, f.fix])).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        'm/model.sig',
        "The model is signed keyless by 'stefanb@us.ibm.com' (issuer 'https://sigstore.verify.ibm.com/oauth2'), which matches none of signatures.trusted-identities.",
        "If 'stefanb@us.ibm.com' (issuer 'https://sigstore.verify.ibm.com/oauth2') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity: model_signing sign sigstore m --ignore-paths m/ignore-me --signature m/model.sig"
      ]
    ])
    expect(wrong.signatures.get('m/signme-1')).toMatchObject({ state: 'untrusted-identity', signer: IBM.identity, issuer: IBM.issuer, rekorLogIndex: '598151086' })
    const regex = await run(spec, config({ 'trusted-identities': [{ 'identity-regex': '[a-z]+@us\\.ibm\\.com', issuer: IBM.issuer }] }), { scanned: SCANNED })
    expect(regex.findings).toEqual([])
    const partial = await run(spec, config({ 'trusted-identities': [{ 'identity-regex': 'stefanb', issuer: IBM.issuer }] }), { scanned: SCANNED })
    expect(brief(partial)).toEqual(['error signature-untrusted-identity m/model.sig']) // regexes match the whole identity
    const issuer = await run(spec, config({ 'trusted-identities': [{ identity: IBM.identity, issuer: 'https://accounts.google.com' }] }), { scanned: SCANNED })
    expect(brief(issuer)).toEqual(['error signature-untrusted-identity m/model.sig'])
  })

  test('no trust material for the method: signature-unverifiable (warning, error when required)', async () => {
    const spec = await signed()
    const r = await run(spec, config({}), { scanned: SCANNED })
    expect(r.findings.map((f) => [f.severity, f.rule, f.path, f.message, f.fix])).toEqual([
      [
        'warning',
        'signature-unverifiable',
        'm/model.sig',
        'The model is signed with a public key (hint e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e), but signatures.trusted-keys lists no key to verify it with.',
        "Add the signer's public key (PEM) to signatures.trusted-keys in .modelgate.yml."
      ]
    ])
    expect(r.states).toEqual({ 'm/model.sig': 'unverifiable', 'm/signme-1': 'unverifiable', 'm/signme-2': 'unverifiable' })
    const required = await run(spec, config({ 'required-for': ['m/**'] }), { scanned: SCANNED })
    expect(brief(required)).toEqual(['error signature-unverifiable m/model.sig'])
    const cert = await run(await folder(path.join(MT, 'v1.1.0-certificate'), 'm'), config({}), { scanned: SCANNED })
    expect(brief(cert)).toEqual(['warning signature-unverifiable m/model.sig'])
    const keyless = await run(await folder(path.join(MT, 'v1.1.0-sigstore'), 'm'), config({ 'trusted-certificates': [CA] }), { scanned: SCANNED })
    expect(keyless.findings.map((f) => f.message)).toEqual([
      "The model is signed keyless by 'stefanb@us.ibm.com' (issuer 'https://sigstore.verify.ibm.com/oauth2'), but signatures.trusted-identities lists no identity to accept."
    ])
  })
})

describe('crafted statements (signed with a throw-away key)', () => {
  const key = newKey()
  const cfg = config({ 'trusted-keys': [key.pem] })
  const model = { 'weights.safetensors': 'weights', 'config.json': '{}' }
  const tree = (sig: string, extra: Record<string, string> = {}): Record<string, string> => ({
    'models/a/weights.safetensors': model['weights.safetensors'],
    'models/a/config.json': model['config.json'],
    'models/a/model.sig': sig,
    ...extra
  })
  const SC = ['models/a/weights.safetensors', 'models/a/model.sig']

  test.each([
    ['../secret', "The signature verifies, but the signature lists '../secret', which leaves the model folder ('..'); resource names must be relative paths inside the model."],
    ['/etc/passwd', "The signature verifies, but the signature lists the absolute path '/etc/passwd'; resource names must be relative paths inside the model."],
    ['a/./b', "The signature verifies, but the signature lists the non-canonical path 'a/./b'; resource names must be relative paths inside the model."]
  ])('resource name %s is rejected', async (name, message) => {
    const stmt = statement([...filesOf(model), { name, digest: sha256('x') }])
    const r = await run(tree(signBundle(stmt, key)), cfg, { scanned: SC })
    expect(r.findings.map((f) => [f.rule, f.path, f.message])).toEqual([['signature-invalid', 'models/a/model.sig', message]])
  })

  test('a root digest that does not match the resources is rejected', async () => {
    const stmt = statement(filesOf(model), { root: sha256('other') })
    const r = await run(tree(signBundle(stmt, key)), cfg, { scanned: SC })
    expect(brief(r)).toEqual(['error signature-invalid models/a/model.sig'])
    expect(r.findings[0]!.message).toMatch(/^The signature verifies, but the resource list hashes to [0-9a-f]{64}, not to the signed root digest [0-9a-f]{64}; the statement is inconsistent\.$/)
  })

  test('resource order is part of the root digest (model_signing sorts; a reordered list with the old root fails)', async () => {
    const res = filesOf(model)
    const stmt = statement([res[1]!, res[0]!], { root: sha256(Buffer.concat(res.map((r) => Buffer.from(r.digest, 'hex')))) })
    const r = await run(tree(signBundle(stmt, key)), cfg, { scanned: SC })
    expect(brief(r)).toEqual(['error signature-invalid models/a/model.sig'])
  })

  test('duplicate names, the legacy predicate, unknown serialization, blake3', async () => {
    const dup = await run(tree(signBundle(statement([...filesOf(model), filesOf(model)[0]!]), key)), cfg, { scanned: SC })
    expect(dup.findings[0]!.message).toBe("The signature verifies, but resource 'config.json' is listed twice.")
    const legacy = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: filesOf(model).map((r) => ({ name: r.name, digest: { sha256: r.digest } })),
      predicateType: 'https://model_signing/Digests/v0.1',
      predicate: { unused: 'Unused, just passed due to API requirements' }
    }
    const ok = await run(tree(signBundle(legacy, key)), cfg, { scanned: SC })
    expect(ok.findings).toEqual([])
    expect(ok.signatures.get('models/a/weights.safetensors')).toMatchObject({ state: 'verified', rootDigest: null })
    const method = statement(filesOf(model)) as { predicate: { serialization: { method: string } } }
    method.predicate.serialization.method = 'digest'
    const m = await run(tree(signBundle(method, key)), cfg, { scanned: SC })
    expect(m.findings.map((f) => [f.severity, f.rule, f.message])).toEqual([
      ['warning', 'signature-unverifiable', "The signature verifies, but serialization method 'digest' is not one ModelGate can check (files, shards)."]
    ])
    const b3 = await run(tree(signBundle(statement(filesOf(model), { hashType: 'blake3' }), key)), cfg, { scanned: SC })
    expect(b3.findings.map((f) => [f.rule, f.message])).toEqual([
      ['signature-unverifiable', 'The signature by the trusted key inline key #1 is genuine, but the signature uses blake3 digests, which ModelGate cannot compute.']
    ])
  })

  test('BLAKE2 digests are recomputed from the files', async () => {
    const b2 = (v: string): string => createHash('blake2b512').update(v).digest('hex')
    const res = Object.entries(model)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, v]) => ({ name, digest: b2(v), algorithm: 'blake2b' }))
    const sig = signBundle(statement(res, { hashType: 'blake2' }), key)
    const ok = await run(tree(sig), cfg, { scanned: SC })
    expect(ok.findings).toEqual([])
    const lfs = await run({ ...tree(sig), 'models/a/weights.safetensors': lfsPointer('weights') }, cfg, { scanned: SC })
    expect(lfs.findings.map((f) => f.message)).toEqual([
      "The signature by the trusted key inline key #1 is genuine, but 'models/a/weights.safetensors' is a Git LFS pointer and the signature uses blake2 digests: not verifiable without LFS content."
    ])
  })

  test('shards: verified from the bytes; a changed shard fails; empty files have no shards', async () => {
    const big = 'abcdefghijklmnopqrstuv' // 22 bytes, shards of 8: 0:8, 8:16, 16:22 (as the payload goldens)
    const shard = (s: string, a: number, b: number): string => sha256(s.slice(a, b))
    const res = [
      { name: 'config.json:0:2', digest: shard('{}', 0, 2), algorithm: 'sha256-sharded-8' },
      { name: 'weights.safetensors:0:8', digest: shard(big, 0, 8), algorithm: 'sha256-sharded-8' },
      { name: 'weights.safetensors:8:16', digest: shard(big, 8, 16), algorithm: 'sha256-sharded-8' },
      { name: 'weights.safetensors:16:22', digest: shard(big, 16, 22), algorithm: 'sha256-sharded-8' }
    ]
    const sig = signBundle(statement(res, { method: 'shards', shardSize: 8 }), key)
    const ok = await run({ ...tree(sig), 'models/a/weights.safetensors': big, 'models/a/empty': '' }, cfg, { scanned: SC })
    expect(ok.findings).toEqual([])
    const bad = await run({ ...tree(sig), 'models/a/weights.safetensors': big.replace('q', 'Q') }, cfg, { scanned: SC })
    expect(brief(bad)).toEqual(['error signature-digest-mismatch models/a/weights.safetensors'])
    const lfs = await run({ ...tree(sig), 'models/a/weights.safetensors': lfsPointer(big) }, cfg, { scanned: SC })
    expect(lfs.findings.map((f) => [f.severity, f.rule, f.message])).toEqual([
      [
        'warning',
        'signature-unverifiable',
        "The signature by the trusted key inline key #1 is genuine, but 'models/a/weights.safetensors' is a Git LFS pointer and the signature uses sharded digests: not verifiable without LFS content."
      ]
    ])
    expect(lfs.states['models/a/weights.safetensors']).toBe('unverifiable')
  })
})

describe('Git LFS', () => {
  const key = newKey('P-521')
  const weights = Buffer.alloc(3 << 20, 7)
  const files = { 'model.safetensors': weights, 'config.json': '{"a":1}' }
  const sig = signBundle(statement(filesOf(files), { ignorePaths: ['model.sig'] }), key)

  test('an LFS pointer verifies from its oid, without the blob and without hashing it', async () => {
    const spec = { 'lfs/model.safetensors': lfsPointer(weights), 'lfs/config.json': files['config.json'], 'lfs/model.sig': sig }
    const r = await run(spec, config({ 'trusted-keys': [key.pem], 'required-for': ['lfs/*.safetensors'] }), { scanned: ['lfs/model.safetensors', 'lfs/model.sig'] })
    expect(r.findings).toEqual([])
    expect(r.states).toEqual({ 'lfs/model.safetensors': 'verified', 'lfs/model.sig': 'verified' })
    // config.json was not scanned, so verification hashed it; the pointer was never hashed.
    expect(r.hashed).toEqual(['lfs/config.json'])
  })

  test('an unscanned LFS pointer read from the tree is taken by its oid too', async () => {
    const spec = { 'lfs/model.safetensors': lfsPointer(weights), 'lfs/config.json': files['config.json'], 'lfs/model.sig': sig }
    const r = await run(spec, config({ 'trusted-keys': [key.pem] }), { scanned: ['lfs/config.json'] })
    expect(r.findings).toEqual([])
    expect(r.hashed).toEqual([])
  })

  test('an LFS pointer to other content fails', async () => {
    const spec = { 'lfs/model.safetensors': lfsPointer(Buffer.alloc(3 << 20, 8)), 'lfs/config.json': files['config.json'], 'lfs/model.sig': sig }
    const r = await run(spec, config({ 'trusted-keys': [key.pem] }), { scanned: ['lfs/model.safetensors'] })
    expect(brief(r)).toEqual(['error signature-digest-mismatch lfs/model.safetensors'])
  })
})
