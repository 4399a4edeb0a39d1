import path from 'node:path'
import { readFileSync } from 'node:fs'
import { IBM, MT, OMS, SPEC, brief, config, folder, run } from './helpers.js'

/**
 * Every bundle in ../shared/oms-fixtures verifies, or is rejected, as its README says; offline, with the
 * keys, CA and identities given there.
 */
const KEY = readFileSync(path.join(MT, 'keys/signing-key-pub.pem'), 'utf8')
const CA = readFileSync(path.join(MT, 'keys/ca-cert.pem'), 'utf8')
const HINT = 'e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e'
const ROOT_2 = '61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226' // signme-1 (8 bytes) + signme-2
const ROOT_K = '92745110b1ab4368471cbe31664e10174e954b113a3df333db860317b2c6dec4' // signme-1 (9 bytes) + signme-2

const byMethod = {
  certificate: config({ 'trusted-certificates': [CA], 'ignore-paths': ['**/ignore-me'] }),
  'elliptic-key': config({ 'trusted-keys': [KEY], 'ignore-paths': ['**/ignore-me'] }),
  sigstore: config({ 'trusted-identities': [IBM], 'ignore-paths': ['**/ignore-me'] })
}

/** The files the scan would report: the signed ones and the signature (not the empty ignore-me). */
const scanned = (dir: string, files: string[]): string[] => [...files.map((f) => `${dir}/${f}`), `${dir}/model.sig`]

const CASES: [string, string[], Record<string, unknown>][] = [
  ['v0.2.0-certificate', ['signme-1', 'signme-2'], { method: 'certificate', signer: 'CN=intermediate-ca', issuer: 'CN=root-ca', rootDigest: null }],
  ['v0.3.1-certificate', ['signme-1', 'signme-2'], { method: 'certificate', signer: 'CN=intermediate-ca', issuer: 'CN=root-ca', rootDigest: ROOT_2 }],
  ['v1.0.0-certificate', ['signme-1', 'signme-2'], { method: 'certificate', rootDigest: ROOT_2 }],
  ['v1.0.1-certificate', ['signme-1', 'signme-2'], { method: 'certificate', rootDigest: ROOT_2 }],
  ['v1.1.0-certificate', ['signme-1', 'signme-2'], { method: 'certificate', rootDigest: ROOT_2 }],
  ['v0.3.1-elliptic-key', ['signme-1'], { method: 'public-key', keyHint: HINT, rootDigest: 'afa48c8674afe334b8a7dea34f7b46ab256e9255edf8da2132792341b667a45b' }],
  ['v1.0.0-elliptic-key', ['signme-1'], { method: 'public-key', keyHint: HINT }],
  ['v1.0.1-elliptic-key', ['signme-1', 'signme-2'], { method: 'public-key', keyHint: HINT, rootDigest: ROOT_K }],
  ['v1.1.0-elliptic-key', ['signme-1', 'signme-2'], { method: 'public-key', keyHint: HINT, signer: 'inline key #1', rootDigest: ROOT_K }],
  ['v0.3.1-sigstore', ['signme-1', 'signme-2'], { method: 'sigstore', ...signer(IBM), rekorLogIndex: '206342049', rootDigest: ROOT_2 }],
  ['v1.0.0-sigstore', ['signme-1', 'signme-2'], { method: 'sigstore', ...signer(IBM), rootDigest: ROOT_2 }],
  ['v1.0.1-sigstore', ['signme-1', 'signme-2'], { method: 'sigstore', ...signer(IBM), rootDigest: ROOT_2 }],
  ['v1.1.0-sigstore', ['signme-1', 'signme-2'], { method: 'sigstore', ...signer(IBM), rekorLogIndex: '598151086', rootDigest: ROOT_2 }]
]

function signer(id: { identity: string; issuer: string }): { signer: string; issuer: string } {
  return { signer: id.identity, issuer: id.issuer }
}

describe('model-transparency fixtures', () => {
  test.each(CASES)('%s verifies', async (name, files, facts) => {
    const method = name.replace(/^v[\d.]+-/, '') as keyof typeof byMethod
    const dir = `models/${name}`
    const r = await run(await folder(path.join(MT, name), dir), byMethod[method], { scanned: scanned(dir, files) })
    expect(r.findings).toEqual([])
    expect(r.states).toEqual(Object.fromEntries(scanned(dir, files).map((p) => [p, 'verified'])))
    for (const p of scanned(dir, files)) expect(r.signatures.get(p)).toMatchObject({ state: 'verified', signatureFile: `${dir}/model.sig`, format: 'oms', ...facts })
  })

  test('v0.3.1 and v1.0.0 elliptic-key sign the file signme-1 (resource ".")', async () => {
    const dir = 'models/v1.0.0-elliptic-key'
    const spec = await folder(path.join(MT, 'v1.0.0-elliptic-key'), dir)
    // A stray file next to a one-file model is not part of it.
    const r = await run({ ...spec, [`${dir}/notes.bin`]: 'x' }, byMethod['elliptic-key'], { scanned: scanned(dir, ['signme-1', 'notes.bin']) })
    expect(r.states).toEqual({ [`${dir}/model.sig`]: 'verified', [`${dir}/signme-1`]: 'verified', [`${dir}/notes.bin`]: 'unsigned' })
    expect(r.findings).toEqual([])
  })

  test.each(['v1.0.1-certificate', 'v1.0.1-elliptic-key', 'v1.0.1-sigstore'])('%s: the unlisted ignore-me fails unless the policy ignores it', async (name) => {
    const method = name.replace(/^v[\d.]+-/, '') as keyof typeof byMethod
    const dir = `models/${name}`
    const cfg = config({ ...byMethod[method].signatures, 'ignore-paths': [] })
    const r = await run(await folder(path.join(MT, name), dir), cfg, { scanned: scanned(dir, ['signme-1', 'signme-2']) })
    expect(brief(r)).toEqual([`error signature-digest-mismatch ${dir}/ignore-me`])
    expect(r.findings[0]!.message).toBe(`'${dir}/ignore-me' is in the signed model folder but not in ${dir}/model.sig: an unsigned file next to signed weights.`)
    expect(r.states).toEqual({ [`${dir}/model.sig`]: 'digest-mismatch', [`${dir}/signme-1`]: 'digest-mismatch', [`${dir}/signme-2`]: 'digest-mismatch' })
  })

  test('v1.1.0 lists ignore-me in ignore_paths: verified without policy help', async () => {
    const dir = 'm'
    const cfg = config({ 'trusted-keys': [KEY] })
    const r = await run(await folder(path.join(MT, 'v1.1.0-elliptic-key'), dir), cfg, { scanned: scanned(dir, ['signme-1', 'signme-2']) })
    expect(r.findings).toEqual([])
    expect(r.states).toEqual({ 'm/model.sig': 'verified', 'm/signme-1': 'verified', 'm/signme-2': 'verified' })
  })
})

describe('model-signing-spec test vectors', () => {
  const keyModel = async (): Promise<Record<string, Buffer | string>> => ({ ...(await folder(path.join(MT, 'v1.1.0-elliptic-key'), 'm')) })
  const sigstoreModel = async (): Promise<Record<string, Buffer | string>> => ({ ...(await folder(path.join(MT, 'v1.1.0-sigstore'), 'm')) })
  const all = config({ 'trusted-keys': [KEY], 'trusted-certificates': [CA], 'trusted-identities': [IBM] })
  const SCANNED = ['m/signme-1', 'm/signme-2', 'm/model.sig']

  test.each([
    ['valid/key.bundle.json', keyModel, 'public-key'],
    ['valid/certificate.bundle.json', keyModel, 'certificate'],
    ['valid/sigstore.bundle.json', sigstoreModel, 'sigstore']
  ] as const)('%s verifies', async (file, model, method) => {
    const r = await run({ ...(await model()), 'm/model.sig': readFileSync(path.join(SPEC, file)) }, all, { scanned: SCANNED })
    expect(r.findings).toEqual([])
    expect(r.states).toEqual({ 'm/model.sig': 'verified', 'm/signme-1': 'verified', 'm/signme-2': 'verified' })
    expect(r.signatures.get('m/signme-1')).toMatchObject({ method })
  })

  test.each([
    ['invalid/empty.bundle.json', 'Not a valid Sigstore bundle: the file is empty.'],
    ['invalid/missing-envelope.bundle.json', "Not a valid Sigstore bundle: the bundle has no 'dsseEnvelope' (and no 'messageSignature')."],
    ['invalid/missing-verification-material.bundle.json', "Not a valid Sigstore bundle: required field 'verificationMaterial' is missing."],
    [
      'invalid/missing-tlog-entries.bundle.json',
      'The keyless signature does not verify against the Sigstore public-good trusted root shipped with ModelGate: expected 1 tlog entries, got 0.'
    ],
    [
      'invalid-payload/wrong-predicate.bundle.json',
      "The signature does not verify with the trusted key inline key #1, although the bundle names that key: the signed statement or the signature was altered; besides, the statement's predicate type 'https://example.com/wrong-predicate/v1.0' is not a model signature ('https://model_signing/signature/v1.0')."
    ]
  ])('%s is rejected', async (file, message) => {
    const r = await run({ ...(await sigstoreModel()), 'm/model.sig': readFileSync(path.join(SPEC, file)) }, all, { scanned: SCANNED })
    expect(r.findings.map((f) => [f.severity, f.rule, f.path, f.message])).toEqual([['error', 'signature-invalid', 'm/model.sig', message]])
    expect(r.states).toEqual({ 'm/model.sig': 'invalid', 'm/signme-1': 'invalid', 'm/signme-2': 'invalid' })
  })
})

describe('generated fixtures', () => {
  const G = path.join(OMS, 'generated')
  const MOCK_ID = { identity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com' }
  const mockRoot = readFileSync(path.join(G, 'mock-sigstore-keyless/trusted_root.json'), 'utf8')
  const SCANNED = ['my-model/config.json', 'my-model/model.safetensors', 'my-model/model.sig']
  const kinds = { 'my-model/config.json': 'model-config' } as const

  test('mock keyless bundle verifies against its own trusted root with the identity policy', async () => {
    const r = await run(await folder(path.join(G, 'mock-sigstore-keyless/my-model'), 'my-model'), config({ 'trusted-root': mockRoot, 'trusted-identities': [MOCK_ID] }), { scanned: SCANNED, kinds })
    expect(r.findings).toEqual([])
    expect(r.signatures.get('my-model/model.safetensors')).toEqual({
      state: 'verified',
      signatureFile: 'my-model/model.sig',
      format: 'oms',
      method: 'sigstore',
      signer: MOCK_ID.identity,
      issuer: MOCK_ID.issuer,
      keyHint: null,
      rekorLogIndex: '3457527',
      rootDigest: 'c90837e3b8a9b2c26e98e073976d9d6d56195fdf0290d8f787f235e7dccae09c'
    })
  })

  test('mock keyless bundle: the public-good root rejects it', async () => {
    const r = await run(await folder(path.join(G, 'mock-sigstore-keyless/my-model'), 'my-model'), config({ 'trusted-identities': [MOCK_ID] }), { scanned: SCANNED, kinds })
    expect(brief(r)).toEqual(['error signature-invalid my-model/model.sig'])
    expect(r.findings[0]!.message).toBe('The keyless signature does not verify against the Sigstore public-good trusted root shipped with ModelGate: timestamp could not be verified.')
    expect(r.findings[0]!.fix).toBe(
      'If the model was signed with a private Sigstore instance, set signatures.trusted-root to its trusted_root.json; otherwise re-sign the model and commit the new signature: model_signing sign sigstore my-model --signature my-model/model.sig'
    )
  })

  test('mock keyless bundle with the wrong identity: signature-untrusted-identity', async () => {
    const r = await run(
      await folder(path.join(G, 'mock-sigstore-keyless/my-model'), 'my-model'),
      config({ 'trusted-root': mockRoot, 'trusted-identities': [{ identity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/dev', issuer: MOCK_ID.issuer }] }),
      { scanned: SCANNED, kinds }
    )
    expect(brief(r)).toEqual(['error signature-untrusted-identity my-model/model.sig'])
    expect(r.states['my-model/model.safetensors']).toBe('untrusted-identity')
  })

  test('P-256 key bundle verifies with key.pub', async () => {
    const r = await run(await folder(path.join(G, 'p256-key/my-model'), 'my-model'), config({ 'trusted-keys': [readFileSync(path.join(G, 'p256-key/key.pub'), 'utf8')] }), { scanned: SCANNED, kinds })
    expect(r.findings).toEqual([])
    expect(r.signatures.get('my-model/model.safetensors')).toMatchObject({ state: 'verified', method: 'public-key', keyHint: '43afb451182d0591af554c02384433a4296c8549fe93dbedb1cbe9ff5715c689' })
  })
})
