import crypto, { type KeyObject } from 'node:crypto'
import { initializeCA, initializeCTLog, initializeTLog, initializeTSA } from '@sigstore/mock'
import { pae } from '../../src/verify/dsse.js'

/**
 * A private Sigstore instance for keyless tests, built from `@sigstore/mock`'s fake Fulcio CA (with its
 * CT log), Rekor transparency log and RFC 3161 timestamp authority, plus the `trusted_root.json` that
 * names them. `sign` does what `model_signing sign sigstore` does against real Sigstore: an ephemeral
 * P-256 key, a Fulcio certificate for an OIDC identity, a DSSE signature over the statement, a Rekor
 * entry (inclusion promise and proof) and a TSA timestamp, assembled into a v0.3 bundle; `signBlob` does
 * what `cosign sign-blob` does (a message signature over the file's SHA-256, a `hashedrekord` entry, and
 * the signature and certificate as `--output-signature` / `--output-certificate` write them). No network.
 */

export const REKOR_URL = 'https://rekor.modelgate.test'
export const FULCIO_URL = 'https://fulcio.modelgate.test'
export const CTFE_URL = 'https://ctfe.modelgate.test'
export const TSA_URL = 'https://tsa.modelgate.test'

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1'
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8'
const OID_SHA256 = '2.16.840.1.101.3.4.2.1'
const OID_SIGSTORE_TSA_POLICY = '1.3.6.1.4.1.57264.2'
const IN_TOTO = 'application/vnd.in-toto+json'

export interface KeylessSignOptions {
  /** Certificate identity (the SAN Fulcio writes from the OIDC token). */
  identity: string
  /** OIDC issuer (Fulcio's issuer extensions). */
  issuer: string
  /** Rekor entry type: `dsse` v0.0.1 (what sigstore-python writes) or `intoto` v0.0.2. */
  rekorKind?: 'dsse' | 'intoto'
  /** Have a Fulcio CA that this instance's trusted root does not list issue the certificate. */
  untrustedFulcio?: boolean
}

export interface KeylessSignature {
  /** The bundle, as written to `model.sig`. */
  bundle: string
  /** Rekor log index of the entry, as the status reports it. */
  logIndex: string
}

/** What `cosign sign-blob` writes for one file, keyless. */
export interface BlobSignature {
  /** `--bundle`: a v0.3 bundle with a `messageSignature` and a Rekor `hashedrekord` entry. */
  bundle: string
  /** Rekor log index of the entry. */
  logIndex: string
  /** `--output-signature`: the signature, base64. */
  signature: string
  /** `--output-certificate`: the Fulcio certificate, PEM. */
  certificate: string
}

export interface MockSigstore {
  /** `trusted_root.json` (protobuf JSON) listing this instance's CA, Rekor, CT log and TSA. */
  trustedRoot: Record<string, unknown>
  /** `model_signing sign sigstore`: a DSSE bundle over an OMS statement. */
  sign(statement: Record<string, unknown>, o: KeylessSignOptions): Promise<KeylessSignature>
  /** `cosign sign-blob`: a message signature over one file's SHA-256. */
  signBlob(content: Buffer | string, o: Omit<KeylessSignOptions, 'rekorKind'>): Promise<BlobSignature>
}

type Bytes = ArrayBuffer | ArrayBufferView
const buf = (b: Bytes): Buffer => (ArrayBuffer.isView(b) ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b))
const b64 = (b: Bytes | string): string => (typeof b === 'string' ? Buffer.from(b) : buf(b)).toString('base64')
const sha256 = (b: Buffer | string): Buffer => crypto.createHash('sha256').update(b).digest()
const p256 = (): { publicKey: KeyObject; privateKey: KeyObject } => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })

/** What the mock Rekor returns (Rekor v1 `LogEntry`: one entry keyed by UUID). */
interface RekorEntry {
  body: string
  integratedTime: number
  logID: string
  logIndex: number
  verification: { signedEntryTimestamp: string; inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string } }
}

/**
 * Starts a mock Sigstore instance. Its clock is fixed a minute ahead of now, on a whole second: the mock
 * CA and TSA certificates are valid from the real time they are made, and Rekor's integrated time has
 * whole-second precision, so every timestamp falls inside every validity period.
 */
export async function mockSigstore(): Promise<MockSigstore> {
  const clock = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000)
  const ctlog = await initializeCTLog(p256(), clock)
  const ca = await initializeCA(p256(), ctlog, clock)
  const tlog = await initializeTLog(REKOR_URL, p256(), clock)
  const tsa = await initializeTSA(p256(), clock)
  let rogue: Awaited<ReturnType<typeof initializeCA>> | null = null

  const validFor = { start: new Date(clock.getTime() - 3_600_000).toISOString() }
  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: REKOR_URL,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(tlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
        logId: { keyId: b64(sha256(buf(tlog.publicKey))) }
      }
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: FULCIO_URL,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor
      }
    ],
    ctlogs: [
      {
        baseUrl: CTFE_URL,
        hashAlgorithm: 'SHA2_256',
        publicKey: { rawBytes: b64(ctlog.publicKey), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor },
        logId: { keyId: b64(ctlog.logID) }
      }
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: TSA_URL,
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor
      }
    ]
  }

  /** Fulcio: a short-lived certificate for an ephemeral key, with the identity and its issuer. */
  async function certify(o: KeylessSignOptions): Promise<{ ephemeral: { publicKey: KeyObject; privateKey: KeyObject }; certDer: Buffer; certPem: string }> {
    const ephemeral = p256()
    if (o.untrustedFulcio) rogue ??= await initializeCA(p256(), await initializeCTLog(p256(), clock), clock)
    const fulcio = o.untrustedFulcio ? rogue! : ca
    const certDer = buf(
      await fulcio.issueCertificate({
        publicKey: new Uint8Array(ephemeral.publicKey.export({ type: 'spki', format: 'der' })),
        subjectAltName: o.identity,
        extensions: [
          { oid: OID_FULCIO_ISSUER_V1, value: o.issuer, legacy: true },
          { oid: OID_FULCIO_ISSUER_V2, value: o.issuer }
        ]
      })
    )
    return { ephemeral, certDer, certPem: new crypto.X509Certificate(certDer).toString() }
  }

  /** Rekor: logs the entry body, returns the bundle's `tlogEntries[0]`. */
  async function logEntry(body: { apiVersion: string; kind: string; spec: unknown }): Promise<Record<string, unknown> & { logIndex: string }> {
    const logged = Object.values((await tlog.log(body)) as Record<string, RekorEntry>)[0]!
    const proof = logged.verification.inclusionProof
    return {
      logIndex: String(logged.logIndex),
      logId: { keyId: Buffer.from(logged.logID, 'hex').toString('base64') },
      kindVersion: { kind: body.kind, version: body.apiVersion },
      integratedTime: String(logged.integratedTime),
      inclusionPromise: { signedEntryTimestamp: logged.verification.signedEntryTimestamp },
      inclusionProof: {
        logIndex: String(proof.logIndex),
        rootHash: Buffer.from(proof.rootHash, 'hex').toString('base64'),
        treeSize: String(proof.treeSize),
        hashes: proof.hashes,
        checkpoint: { envelope: proof.checkpoint }
      },
      canonicalizedBody: logged.body
    }
  }

  /** TSA: an RFC 3161 timestamp over the signature. */
  async function timestampOf(sig: Buffer): Promise<{ rfc3161Timestamps: { signedTimestamp: string }[] }> {
    const timestamp = await tsa.timestamp({ artifactHash: sha256(sig), hashAlgorithmOID: OID_SHA256, nonce: crypto.randomInt(2 ** 31), policyOID: OID_SIGSTORE_TSA_POLICY })
    return { rfc3161Timestamps: [{ signedTimestamp: b64(timestamp) }] }
  }

  async function sign(statement: Record<string, unknown>, o: KeylessSignOptions): Promise<KeylessSignature> {
    const { ephemeral, certDer, certPem } = await certify(o)

    // DSSE over the in-toto statement.
    const payload = Buffer.from(JSON.stringify(statement))
    const sig = crypto.sign('sha256', pae(IN_TOTO, payload), ephemeral.privateKey)
    const envelope = { payload: b64(payload), payloadType: IN_TOTO, signatures: [{ sig: b64(sig), keyid: '' }] }

    // Rekor: the entry body as Rekor stores it for this entry type (verifiers check the signature and
    // payload hash in it; the envelope hash is informational).
    const kind = o.rekorKind ?? 'dsse'
    const envelopeHash = { algorithm: 'sha256', value: sha256(JSON.stringify(envelope)).toString('hex') }
    const payloadHash = { algorithm: 'sha256', value: sha256(payload).toString('hex') }
    const body =
      kind === 'dsse'
        ? { apiVersion: '0.0.1', kind, spec: { envelopeHash, payloadHash, signatures: [{ signature: b64(sig), verifier: b64(certPem) }] } }
        : {
            apiVersion: '0.0.2',
            kind,
            spec: {
              content: {
                envelope: { payloadType: IN_TOTO, signatures: [{ sig: b64(b64(sig)), publicKey: b64(certPem) }] },
                hash: envelopeHash,
                payloadHash
              }
            }
          }
    const tlogEntry = await logEntry(body)
    const bundle = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { certificate: { rawBytes: b64(certDer) }, tlogEntries: [tlogEntry], timestampVerificationData: await timestampOf(sig) },
      dsseEnvelope: envelope
    }
    return { bundle: JSON.stringify(bundle, null, 2), logIndex: tlogEntry.logIndex }
  }

  async function signBlob(content: Buffer | string, o: Omit<KeylessSignOptions, 'rekorKind'>): Promise<BlobSignature> {
    const { ephemeral, certDer, certPem } = await certify(o)
    const digest = sha256(Buffer.from(content))
    const sig = crypto.sign('sha256', Buffer.from(content), ephemeral.privateKey)
    const tlogEntry = await logEntry({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: { data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } }, signature: { content: b64(sig), publicKey: { content: b64(certPem) } } }
    })
    const bundle = {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { certificate: { rawBytes: b64(certDer) }, tlogEntries: [tlogEntry], timestampVerificationData: await timestampOf(sig) },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: b64(digest) }, signature: b64(sig) }
    }
    return { bundle: JSON.stringify(bundle, null, 2), logIndex: tlogEntry.logIndex, signature: b64(sig), certificate: certPem }
  }

  return { trustedRoot, sign, signBlob }
}

/** A private certificate authority (no Sigstore): `issue` certifies a signer's key, as for `cosign sign-blob --key` with a certificate. */
export async function privateCertificateAuthority(): Promise<{ rootPem: string; issue(publicKey: KeyObject, uri: string): Promise<string> }> {
  const clock = new Date(Math.floor(Date.now() / 1000) * 1000 + 60_000)
  const ca = await initializeCA(p256(), undefined, clock)
  return {
    rootPem: new crypto.X509Certificate(buf(ca.rootCertificate)).toString(),
    async issue(publicKey, uri) {
      const der = buf(await ca.issueCertificate({ publicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })), subjectAltName: uri }))
      return new crypto.X509Certificate(der).toString()
    }
  }
}
