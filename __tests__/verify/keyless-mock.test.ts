import { scan } from '../../src/engine/scan.js'
import type { Finding } from '../../src/types.js'
import * as f from '../support/formats.js'
import { makeTree, type TreeSpec } from '../support/tree.js'
import { config, run, type Run } from './helpers.js'
import { mockSigstore, type KeylessSignOptions, type KeylessSignature, type MockSigstore } from './keyless.js'
import { filesOf, statement } from './sign.js'

/**
 * Keyless (Sigstore) OMS signatures made by the suite itself: a private Sigstore instance from
 * `@sigstore/mock` (Fulcio CA with a CT log, Rekor, TSA) and its own trusted root, so that keyless
 * verification, the identity policy and the gate are tested end to end without the network and
 * without relying on fixtures signed elsewhere.
 */

const ID = 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main'
const ISSUER = 'https://token.actions.githubusercontent.com'
const ID_REGEX = 'https://github\\.com/acme/models/\\.github/workflows/sign\\.yml@refs/(heads/main|tags/v.*)'
const ROOT_FILE = 'sigstore/trusted_root.json'
const DIR = 'models/sentiment'
const SIG = `${DIR}/model.sig`
const WEIGHTS = `${DIR}/model.safetensors`
const CONFIG = `${DIR}/config.json`
const SCANNED = [CONFIG, WEIGHTS, SIG]
const RESIGN = `model_signing sign sigstore ${DIR} --signature ${SIG}`

const weights = f.safetensors({ weight: { dtype: 'F32', shape: [2, 2], data: Buffer.from(Float32Array.of(0.25, -1.5, 3, 0.125).buffer) } })
const configJson = '{"architectures": ["BertForSequenceClassification"], "num_labels": 2}\n'
const MODEL = { 'config.json': configJson, 'model.safetensors': weights }
const STATEMENT = statement(filesOf(MODEL), { modelName: 'sentiment' })
const ROOT_DIGEST = f.sha256(Buffer.concat(filesOf(MODEL).map((r) => Buffer.from(r.digest, 'hex'))))

let sigstore: MockSigstore
let signed: KeylessSignature
const sign = (o: Partial<KeylessSignOptions> = {}, stmt: Record<string, unknown> = STATEMENT): Promise<KeylessSignature> =>
  sigstore.sign(stmt, { identity: ID, issuer: ISSUER, ...o })

beforeAll(async () => {
  sigstore = await mockSigstore()
  signed = await sign()
})

/** The model folder with its signature, and the instance's trusted root where the policy points. */
function tree(bundle: string, extra: TreeSpec = {}): TreeSpec {
  return { [CONFIG]: configJson, [WEIGHTS]: weights, [SIG]: bundle, [ROOT_FILE]: JSON.stringify(sigstore.trustedRoot, null, 2), ...extra }
}

type Identity = { identity: string; issuer: string } | { 'identity-regex': string; issuer: string }
const policy = (identities: Identity[], root: string | null = ROOT_FILE) =>
  config({ 'required-for': ['models/**'], 'trusted-identities': identities, ...(root ? { 'trusted-root': root } : {}) })
const verify = (bundle: string, identities: Identity[], root: string | null = ROOT_FILE, extra: TreeSpec = {}): Promise<Run> =>
  run(tree(bundle, extra), policy(identities, root), { scanned: SCANNED })

const all = (state: string): Record<string, string> => Object.fromEntries(SCANNED.map((p) => [p, state]))
const exact = (r: { findings: Finding[] }): [string, string, string, string, string][] => r.findings.map((x) => [x.severity, x.rule, x.path, x.message, x.fix])

describe('keyless signatures from a mock Sigstore instance, verified against its trusted root', () => {
  test.each([
    ['an exact identity', { identity: ID, issuer: ISSUER }],
    ['an identity-regex', { 'identity-regex': ID_REGEX, issuer: ISSUER }]
  ] as const)('verified with %s in trusted-identities', async (_, identity) => {
    const r = await verify(signed.bundle, [identity])
    expect(r.findings).toEqual([])
    expect(r.states).toEqual(all('verified'))
    for (const p of SCANNED) {
      expect(r.signatures.get(p)).toEqual({
        state: 'verified',
        signatureFile: SIG,
        format: 'oms',
        method: 'sigstore',
        signer: ID,
        issuer: ISSUER,
        keyHint: null,
        rekorLogIndex: signed.logIndex,
        rootDigest: ROOT_DIGEST
      })
    }
  })

  test('a Rekor intoto v0.0.2 entry (instead of dsse v0.0.1) verifies too', async () => {
    const intoto = await sign({ rekorKind: 'intoto' })
    const r = await verify(intoto.bundle, [{ identity: ID, issuer: ISSUER }])
    expect(r.findings).toEqual([])
    expect(r.states).toEqual(all('verified'))
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ method: 'sigstore', signer: ID, rekorLogIndex: intoto.logIndex })
  })

  test('the trusted root can be given inline in the config', async () => {
    const r = await verify(signed.bundle, [{ identity: ID, issuer: ISSUER }], JSON.stringify(sigstore.trustedRoot))
    expect(r.findings).toEqual([])
    expect(r.states).toEqual(all('verified'))
  })
})

describe('the identity policy', () => {
  const untrusted = (identity: string, issuer: string): [string, string, string, string, string][] => [
    [
      'error',
      'signature-untrusted-identity',
      SIG,
      `The model is signed keyless by '${identity}' (issuer '${issuer}'), which matches none of signatures.trusted-identities.`,
      `If '${identity}' (issuer '${issuer}') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity: ${RESIGN}`
    ]
  ]

  test.each([
    ['another branch', 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/dev'],
    ['a longer ref (the regex is anchored)', 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/main-hotfix'],
    ['another repository', 'https://github.com/evil/models/.github/workflows/sign.yml@refs/heads/main'],
    ['another workflow', 'https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main']
  ])('a wrong identity (%s) is signature-untrusted-identity, with exact identity and identity-regex policies', async (_, identity) => {
    const other = await sign({ identity })
    for (const trusted of [{ identity: ID, issuer: ISSUER }, { 'identity-regex': ID_REGEX, issuer: ISSUER }]) {
      const r = await verify(other.bundle, [trusted])
      expect(exact(r)).toEqual(untrusted(identity, ISSUER))
      expect(r.states).toEqual(all('untrusted-identity'))
      expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'untrusted-identity', method: 'sigstore', signer: identity, issuer: ISSUER, rekorLogIndex: other.logIndex })
    }
  })

  test('the right identity from a wrong issuer is signature-untrusted-identity', async () => {
    const issuer = 'https://accounts.google.com'
    const other = await sign({ issuer })
    const r = await verify(other.bundle, [{ identity: ID, issuer: ISSUER }])
    expect(exact(r)).toEqual(untrusted(ID, issuer))
    expect(r.states).toEqual(all('untrusted-identity'))
  })

  test('a policy naming the right identity with another issuer does not accept the signature', async () => {
    const r = await verify(signed.bundle, [
      { identity: ID, issuer: 'https://accounts.google.com' },
      { 'identity-regex': ID_REGEX, issuer: 'https://gitlab.com' }
    ])
    expect(exact(r)).toEqual(untrusted(ID, ISSUER))
    expect(r.states).toEqual(all('untrusted-identity'))
  })

  test('one matching entry among others is enough', async () => {
    const r = await verify(signed.bundle, [
      { identity: 'release@example.com', issuer: 'https://accounts.google.com' },
      { 'identity-regex': ID_REGEX, issuer: ISSUER }
    ])
    expect(r.findings).toEqual([])
    expect(r.states).toEqual(all('verified'))
  })

  test('a certificate from a Fulcio CA the trusted root does not list is signature-untrusted-identity', async () => {
    const rogue = await sign({ untrustedFulcio: true })
    const r = await verify(rogue.bundle, [{ identity: ID, issuer: ISSUER }])
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-untrusted-identity',
        SIG,
        `The keyless signing certificate does not chain to a certificate authority of ${ROOT_FILE} (Failed to verify certificate chain).`,
        `Re-sign with an identity of the configured Sigstore instance (signatures.trusted-root): ${RESIGN}`
      ]
    ])
    expect(r.states).toEqual(all('untrusted-identity'))
  })

  test('without trusted-identities the genuine signature is unverifiable (an error under required-for)', async () => {
    const r = await verify(signed.bundle, [])
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-unverifiable',
        SIG,
        `The model is signed keyless by '${ID}' (issuer '${ISSUER}'), but signatures.trusted-identities lists no identity to accept.`,
        'Add the signer to signatures.trusted-identities (identity or identity-regex, and issuer) in .modelgate.yml.'
      ]
    ])
    expect(r.states).toEqual(all('unverifiable'))
  })
})

describe('trusted roots and transparency-log evidence', () => {
  const invalid = (reason: string): [string, string, string, string, string][] => [
    [
      'error',
      'signature-invalid',
      SIG,
      reason,
      `If the model was signed with a private Sigstore instance, set signatures.trusted-root to its trusted_root.json; otherwise re-sign the model and commit the new signature: ${RESIGN}`
    ]
  ]

  test('against the shipped public-good root instead of the custom root: signature-invalid', async () => {
    const r = await verify(signed.bundle, [{ identity: ID, issuer: ISSUER }], null)
    expect(exact(r)).toEqual(invalid('The keyless signature does not verify against the Sigstore public-good trusted root shipped with ModelGate: timestamp could not be verified.'))
    expect(r.states).toEqual(all('invalid'))
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'invalid', method: 'sigstore', signer: null, rekorLogIndex: signed.logIndex, rootDigest: ROOT_DIGEST })
  })

  test("against another private instance's root: signature-invalid", async () => {
    const other = await mockSigstore()
    const r = await verify(signed.bundle, [{ identity: ID, issuer: ISSUER }], 'sigstore/other_root.json', { 'sigstore/other_root.json': JSON.stringify(other.trustedRoot) })
    expect(exact(r)).toEqual(invalid('The keyless signature does not verify against sigstore/other_root.json: timestamp could not be verified.'))
    expect(r.states).toEqual(all('invalid'))
  })

  test('without its Rekor entry: signature-invalid', async () => {
    const bundle = JSON.parse(signed.bundle)
    bundle.verificationMaterial.tlogEntries = []
    const r = await verify(JSON.stringify(bundle), [{ identity: ID, issuer: ISSUER }])
    expect(exact(r)).toEqual(invalid(`The keyless signature does not verify against ${ROOT_FILE}: expected 1 tlog entries, got 0.`))
    expect(r.signatures.get(WEIGHTS)).toMatchObject({ state: 'invalid', rekorLogIndex: null })
  })

  test("with the Rekor entry of another signature: signature-invalid", async () => {
    const bundle = JSON.parse(signed.bundle)
    bundle.verificationMaterial.tlogEntries = JSON.parse((await sign()).bundle).verificationMaterial.tlogEntries
    const r = await verify(JSON.stringify(bundle), [{ identity: ID, issuer: ISSUER }])
    expect(exact(r)).toEqual(invalid(`The keyless signature does not verify against ${ROOT_FILE}: tlog entry signature mismatch.`))
  })

  test('with another statement swapped into the signed envelope: signature-invalid', async () => {
    const bundle = JSON.parse(signed.bundle)
    const lighter = statement(filesOf({ 'model.safetensors': weights }), { modelName: 'sentiment' })
    bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(lighter)).toString('base64')
    const r = await verify(JSON.stringify(bundle), [{ identity: ID, issuer: ISSUER }])
    expect(exact(r)).toEqual(invalid(`The keyless signature does not verify against ${ROOT_FILE}: DSSE payload hash mismatch.`))
    expect(r.states).toEqual(all('invalid'))
  })
})

describe('the signed bytes', () => {
  test('a model byte changed after signing is signature-digest-mismatch on that file', async () => {
    const tampered = Buffer.from(weights)
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x01
    const r = await verify(signed.bundle, [{ identity: ID, issuer: ISSUER }], ROOT_FILE, { [WEIGHTS]: tampered })
    expect(exact(r)).toEqual([
      [
        'error',
        'signature-digest-mismatch',
        WEIGHTS,
        `'${WEIGHTS}' differs from the version signed in ${SIG} (signed by '${ID}' (${ISSUER})).`,
        `If the change is intended, re-sign the model: ${RESIGN}; otherwise restore the signed file.`
      ]
    ])
    expect(r.states).toEqual(all('digest-mismatch'))
    expect(r.signatures.get(WEIGHTS)).toMatchObject({
      state: 'digest-mismatch',
      reason: "the model's files differ from the signed ones (1 changed)",
      signer: ID,
      issuer: ISSUER
    })
  })

  test('an unsigned file added next to the signed weights is signature-digest-mismatch on that file', async () => {
    const extra = `${DIR}/adapter.safetensors`
    const r = await run(tree(signed.bundle, { [extra]: f.smallSafetensors() }), policy([{ identity: ID, issuer: ISSUER }]), { scanned: [...SCANNED, extra] })
    expect(r.findings.map((x) => `${x.severity} ${x.rule} ${x.path}`)).toEqual([`error signature-digest-mismatch ${extra}`])
    expect(r.states[extra]).toBe('digest-mismatch')
  })
})

describe('the engine: scan() with .modelgate.yml', () => {
  const modelgateYml = [
    'signatures:',
    '  required-for: ["models/**"]',
    `  trusted-root: ${ROOT_FILE}`,
    '  trusted-identities:',
    `    - identity-regex: '${ID_REGEX}'`,
    `      issuer: ${ISSUER}`,
    ''
  ].join('\n')

  async function repo(bundle: string | null): Promise<string> {
    const spec = tree(bundle ?? '', { '.modelgate.yml': modelgateYml, 'README.md': '# service\n' })
    if (bundle === null) delete spec[SIG]
    return makeTree(spec)
  }
  const errors = (findings: Finding[]): string[] => findings.filter((x) => x.severity === 'error').map((x) => `${x.rule} ${x.path}`)

  test('the keyless-signed model passes the gate, and its status says who signed it', async () => {
    const root = await repo(signed.bundle)
    const { report } = await scan({ root, failOn: 'error' })
    expect(errors(report.findings)).toEqual([])
    expect(report.findings.filter((x) => x.rule.startsWith('signature-') || x.rule === 'unsigned-model')).toEqual([])
    expect(report.verdict).toBe('pass')
    expect(report.artifacts.find((a) => a.path === WEIGHTS)?.signature).toEqual({
      state: 'verified',
      signatureFile: SIG,
      format: 'oms',
      method: 'sigstore',
      signer: ID,
      issuer: ISSUER,
      keyHint: null,
      rekorLogIndex: signed.logIndex,
      rootDigest: ROOT_DIGEST
    })
  })

  test('without the signature the gate fails with unsigned-model and the keyless signing command', async () => {
    const root = await repo(null)
    const { report } = await scan({ root, failOn: 'error' })
    expect(report.verdict).toBe('fail')
    expect(errors(report.findings)).toEqual([`unsigned-model ${WEIGHTS}`])
    const finding = report.findings.find((x) => x.rule === 'unsigned-model')!
    expect(finding.message).toBe(`'${WEIGHTS}' matches signatures.required-for but no signature covers it.`)
    expect(finding.fix).toBe(`Sign the model and commit the signature: ${RESIGN}`)
    expect(report.artifacts.find((a) => a.path === WEIGHTS)?.signature).toEqual({ state: 'unsigned', required: true })
  })

  test('a signature by an identity the policy does not trust fails the gate', async () => {
    const root = await repo((await sign({ identity: 'https://github.com/acme/models/.github/workflows/sign.yml@refs/heads/dev' })).bundle)
    const { report } = await scan({ root, failOn: 'error' })
    expect(report.verdict).toBe('fail')
    expect(errors(report.findings)).toEqual([`signature-untrusted-identity ${SIG}`])
  })

})
