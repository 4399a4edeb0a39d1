import { X509Certificate } from 'node:crypto'
import type { Finding } from '../../src/types.js'
import * as f from '../support/formats.js'
import type { TreeSpec } from '../support/tree.js'
import { config, run, type Run } from './helpers.js'
import { mockSigstore, type BlobSignature, type KeylessSignOptions, type MockSigstore } from './keyless.js'
import { lfsPointer } from './sign.js'

/**
 * Keyless signatures over one file, as `cosign sign-blob` makes them, from a private Sigstore instance
 * (`@sigstore/mock`: Fulcio CA with CT log, Rekor, TSA) and its own trusted root: the bundle form
 * (`--bundle model.safetensors.sigstore.json`: message signature + `hashedrekord` Rekor entry) and the
 * detached form (`--output-signature model.safetensors.sig --output-certificate model.safetensors.pem`,
 * no Rekor entry), under the identity policy.
 */

const ID = 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main'
const ISSUER = 'https://token.actions.githubusercontent.com'
const ROOT_FILE = 'sigstore/trusted_root.json'
const WEIGHTS = 'models/clf/model.safetensors'
const BUNDLE = `${WEIGHTS}.sigstore.json`
const SIG = `${WEIGHTS}.sig`
const PEM = `${WEIGHTS}.pem`
const weights = f.safetensors({ w: { dtype: 'F32', shape: [3], data: Buffer.from(Float32Array.of(1.5, -2, 0.25).buffer) } })
const flipped = Buffer.from(weights)
flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x01

let sigstore: MockSigstore
let signed: BlobSignature
const signBlob = (o: Partial<KeylessSignOptions> = {}, content: Buffer = weights): Promise<BlobSignature> => sigstore.signBlob(content, { identity: ID, issuer: ISSUER, ...o })

beforeAll(async () => {
  sigstore = await mockSigstore()
  signed = await signBlob()
})

type Identity = { identity: string; issuer: string } | { 'identity-regex': string; issuer: string }
const TRUSTED: Identity[] = [{ identity: ID, issuer: ISSUER }]
const policy = (identities: Identity[] = TRUSTED, o: { root?: string | null; required?: string[] } = {}) =>
  config({
    'required-for': o.required ?? ['models/**'],
    'trusted-identities': identities,
    ...(o.root === null ? {} : { 'trusted-root': o.root ?? ROOT_FILE })
  })
const root = (): TreeSpec => ({ [ROOT_FILE]: JSON.stringify(sigstore.trustedRoot) })
const exact = (r: { findings: Finding[] }): [string, string, string, string, string][] => r.findings.map((x) => [x.severity, x.rule, x.path, x.message, x.fix])

describe('a cosign sign-blob bundle (messageSignature), keyless', () => {
  const verify = (bundle: string, identities?: Identity[], o: { root?: string | null; content?: Buffer | string; name?: string } = {}): Promise<Run> => {
    const name = o.name ?? BUNDLE
    return run({ [WEIGHTS]: o.content ?? weights, [name]: bundle, ...root() }, policy(identities, { root: o.root === undefined ? ROOT_FILE : o.root }), { scanned: [WEIGHTS, name] })
  }

  test('the right identity verifies; the status names signer, issuer and Rekor log index', async () => {
    const r = await verify(signed.bundle)
    expect(r.findings).toEqual([])
    expect(r.states).toEqual({ [WEIGHTS]: 'verified', [BUNDLE]: 'verified' })
    expect(r.signatures.get(WEIGHTS)).toEqual({
      state: 'verified',
      signatureFile: BUNDLE,
      format: 'sigstore-bundle',
      method: 'sigstore',
      signer: ID,
      issuer: ISSUER,
      keyHint: null,
      rekorLogIndex: signed.logIndex,
      rootDigest: null
    })
    // verified from the scan's SHA-256: the weights are not read again
    expect(r.hashed).toEqual([])
  })

  test('`model.safetensors.bundle` (the other name in cosign docs) is read the same way', async () => {
    const r = await verify(signed.bundle, TRUSTED, { name: `${WEIGHTS}.bundle` })
    expect(r.findings).toEqual([])
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'verified', signatureFile: `${WEIGHTS}.bundle`, method: 'sigstore', signer: ID })
  })

  test('a Git LFS pointer is verified from its oid, without the blob', async () => {
    const r = await verify(signed.bundle, TRUSTED, { content: lfsPointer(weights) })
    expect(r.findings).toEqual([])
    expect(r.states).toEqual({ [WEIGHTS]: 'verified', [BUNDLE]: 'verified' })
  })

  test.each([
    ['another workflow (SAN)', 'https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main', ISSUER],
    ['another repository (SAN)', 'https://github.com/evil/models/.github/workflows/sign.yml@refs/heads/main', ISSUER],
    ['another issuer', ID, 'https://accounts.google.com']
  ])('a wrong identity, %s, is signature-untrusted-identity', async (_, identity, issuer) => {
    const other = await signBlob({ identity, issuer })
    const r = await verify(other.bundle)
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        BUNDLE,
        `'${WEIGHTS}' is signed keyless by '${identity}' (issuer '${issuer}'), which matches none of signatures.trusted-identities.`,
        `If '${identity}' (issuer '${issuer}') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity: cosign sign-blob --bundle ${BUNDLE} ${WEIGHTS}`
      ]
    ])
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'untrusted-identity', method: 'sigstore', signer: identity, issuer, rekorLogIndex: other.logIndex })
  })

  test('one model byte flipped after signing: signature-digest-mismatch on the model, signer named', async () => {
    const r = await verify(signed.bundle, TRUSTED, { content: flipped })
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-digest-mismatch',
        WEIGHTS,
        `'${WEIGHTS}' differs from the version signed in ${BUNDLE} (signed by '${ID}' (${ISSUER})).`,
        `If the change is intended, re-sign the file: cosign sign-blob --bundle ${BUNDLE} ${WEIGHTS}; otherwise restore the signed file.`
      ]
    ])
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'digest-mismatch', signer: ID, issuer: ISSUER, rekorLogIndex: signed.logIndex })
  })

  test("the bundle's digest rewritten to the changed file's: signature-invalid (Rekor logged the original)", async () => {
    const bundle = JSON.parse(signed.bundle)
    bundle.messageSignature.messageDigest.digest = Buffer.from(f.sha256(flipped), 'hex').toString('base64')
    const r = await verify(JSON.stringify(bundle), TRUSTED, { content: flipped })
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-invalid',
        BUNDLE,
        `The keyless signature does not verify against ${ROOT_FILE}: digest mismatch.`,
        `Re-sign the file and commit the new signature: cosign sign-blob --bundle ${BUNDLE} ${WEIGHTS}`
      ]
    ])
  })

  test('a certificate from a Fulcio CA the trusted root does not list: signature-untrusted-identity', async () => {
    const rogue = await signBlob({ untrustedFulcio: true })
    const r = await verify(rogue.bundle)
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        BUNDLE,
        `The keyless signing certificate does not chain to a certificate authority of ${ROOT_FILE} (Failed to verify certificate chain).`,
        `Re-sign with an identity of the configured Sigstore instance (signatures.trusted-root): cosign sign-blob --bundle ${BUNDLE} ${WEIGHTS}`
      ]
    ])
  })

  test('against the shipped public-good root: signature-invalid', async () => {
    const r = await verify(signed.bundle, TRUSTED, { root: null })
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-invalid',
        BUNDLE,
        'The keyless signature does not verify against the Sigstore public-good trusted root shipped with ModelGate: timestamp could not be verified.',
        `Re-sign the file and commit the new signature: cosign sign-blob --bundle ${BUNDLE} ${WEIGHTS}`
      ]
    ])
  })

  test('without trusted-identities the genuine signature is signature-unverifiable', async () => {
    const r = await verify(signed.bundle, [])
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-unverifiable',
        BUNDLE,
        `'${WEIGHTS}' is signed keyless by '${ID}' (issuer '${ISSUER}'), but signatures.trusted-identities lists no identity to accept.`,
        'Add the signer to signatures.trusted-identities (identity or identity-regex, and issuer) in .modelgate.yml.'
      ]
    ])
  })

  test('without its Rekor entry, or without its messageDigest: signature-invalid', async () => {
    const noLog = JSON.parse(signed.bundle)
    noLog.verificationMaterial.tlogEntries = []
    expect(exact(await verify(JSON.stringify(noLog)))[0]!.slice(1, 4)).toEqual(['signature-invalid', BUNDLE, `The keyless signature does not verify against ${ROOT_FILE}: expected 1 tlog entries, got 0.`])
    const noDigest = JSON.parse(signed.bundle)
    delete noDigest.messageSignature.messageDigest
    expect(exact(await verify(JSON.stringify(noDigest)))[0]!.slice(1, 4)).toEqual(['signature-invalid', BUNDLE, 'The keyless bundle has no messageDigest, which its Rekor entry must match.'])
  })
})

describe('a detached keyless signature (.sig + Fulcio .pem, no Rekor entry)', () => {
  const verify = (sig: BlobSignature, identities?: Identity[], o: { content?: Buffer; pem?: string; required?: string[] } = {}): Promise<Run> =>
    run({ [WEIGHTS]: o.content ?? weights, [SIG]: sig.signature, [PEM]: o.pem ?? sig.certificate, ...root() }, policy(identities, { required: o.required ?? ['models/**'] }), { scanned: [WEIGHTS, SIG] })
  const validity = (pem: string): string => {
    const c = new X509Certificate(pem)
    return `${new Date(c.validFrom).toISOString()} to ${new Date(c.validTo).toISOString()}`
  }
  const REBUNDLE = `cosign sign-blob --bundle ${WEIGHTS}.sigstore.json ${WEIGHTS}`

  test('a genuine signature by a trusted identity is not accepted: nothing proves when it was made', async () => {
    const r = await verify(signed)
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-unverifiable',
        SIG,
        `'${WEIGHTS}' is signed keyless by '${ID}' (issuer '${ISSUER}') with a certificate of ${ROOT_FILE}, but without a Rekor transparency-log entry: nothing proves the signature was made while the certificate was valid (${validity(signed.certificate)}), so it is not accepted.`,
        `Sign with a Sigstore bundle, which carries the Rekor entry (it replaces ${SIG} and ${PEM}): ${REBUNDLE}`
      ]
    ])
    expect(r.signatures.get(WEIGHTS)).toEqual({
      state: 'unverifiable',
      reason: expect.stringContaining('without a Rekor transparency-log entry'),
      signatureFile: SIG,
      format: 'detached',
      method: 'sigstore',
      signer: ID,
      issuer: ISSUER,
      keyHint: null,
      rekorLogIndex: null,
      rootDigest: null
    })
  })

  test('outside required-for the same signature is a warning', async () => {
    const r = await verify(signed, TRUSTED, { required: ['other/**'] })
    expect(r.findings.map((x) => `${x.severity} ${x.rule} ${x.path}`)).toEqual([`warning signature-unverifiable ${SIG}`])
  })

  test('cosign base64-encodes the certificate PEM once more: read the same way', async () => {
    const r = await verify(signed, TRUSTED, { pem: Buffer.from(signed.certificate).toString('base64') })
    expect(r.findings.map((x) => `${x.rule} ${x.path}`)).toEqual([`signature-unverifiable ${SIG}`])
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ method: 'sigstore', signer: ID })
  })

  test('a wrong identity is signature-untrusted-identity', async () => {
    const other = await signBlob({ identity: 'https://github.com/evil/models/.github/workflows/sign.yml@refs/heads/main' })
    const r = await verify(other)
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        SIG,
        `'${WEIGHTS}' is signed keyless by 'https://github.com/evil/models/.github/workflows/sign.yml@refs/heads/main' (issuer '${ISSUER}'), which matches none of signatures.trusted-identities.`,
        `If 'https://github.com/evil/models/.github/workflows/sign.yml@refs/heads/main' (issuer '${ISSUER}') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity (it replaces ${SIG} and ${PEM}): ${REBUNDLE}`
      ]
    ])
  })

  test('one model byte flipped: the signature no longer verifies (signature-invalid)', async () => {
    const r = await verify(signed, TRUSTED, { content: flipped })
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-invalid',
        SIG,
        `The signature over '${WEIGHTS}' does not verify with the key of ${PEM} (the file changed after signing, or the signature is not for it).`,
        `Re-sign the file and commit the new signature (it replaces ${SIG} and ${PEM}): ${REBUNDLE}`
      ]
    ])
  })

  test('a Fulcio-style certificate from a CA the trusted root does not list: signature-untrusted-identity', async () => {
    const rogue = await signBlob({ untrustedFulcio: true })
    const r = await verify(rogue)
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'untrusted-identity', method: 'sigstore', signer: ID, issuer: ISSUER })
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        SIG,
        `The keyless (Fulcio) certificate ${PEM} was issued by no certificate authority of ${ROOT_FILE}.`,
        `Re-sign with an identity of the configured Sigstore instance (signatures.trusted-root) (it replaces ${SIG} and ${PEM}): ${REBUNDLE}`
      ]
    ])
  })

  test('a .pem that is not a certificate: signature-invalid', async () => {
    const r = await verify(signed, TRUSTED, { pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' })
    expect(r.findings.map((x) => [x.rule, x.path])).toEqual([['signature-invalid', SIG]])
    expect(r.findings[0]!.message).toMatch(new RegExp(`^The certificate file ${PEM.replace(/\./g, '\\.')} is not an X\\.509 certificate \\(.+\\)\\.$`))
  })
})
