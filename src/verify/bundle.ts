import { z } from 'zod'

/**
 * A Sigstore bundle as `model_signing` and cosign have written it over time, parsed leniently enough
 * for the old variants (`x509CertificateChain` in a v0.3 bundle, `keyid: null`, `publicKey.rawBytes` +
 * `keyDetails`, missing `tlogEntries`) and strictly enough that anything malformed is rejected with a
 * reason. Unknown fields are ignored, as protobuf JSON readers do.
 */

export const BUNDLE_MEDIA_TYPES = [
  'application/vnd.dev.sigstore.bundle.v0.3+json',
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1'
]

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64')

const publicKey = z.looseObject({
  hint: z.string().nullish(),
  rawBytes: base64.optional(),
  keyDetails: z.string().optional()
})
const cert = z.looseObject({ rawBytes: base64.min(1) })

const bundleSchema = z.looseObject({
  mediaType: z.string(),
  verificationMaterial: z.looseObject({
    publicKey: publicKey.optional(),
    x509CertificateChain: z.looseObject({ certificates: z.array(cert).min(1) }).optional(),
    certificate: cert.optional(),
    tlogEntries: z.array(z.looseObject({ logIndex: z.union([z.string(), z.number()]).optional() })).optional(),
    timestampVerificationData: z.unknown().optional()
  }),
  dsseEnvelope: z
    .looseObject({
      payload: base64,
      payloadType: z.string(),
      signatures: z.array(z.looseObject({ sig: base64.min(1), keyid: z.string().nullish() })).min(1)
    })
    .optional(),
  messageSignature: z
    .looseObject({
      messageDigest: z.looseObject({ algorithm: z.string(), digest: base64 }).optional(),
      signature: base64.min(1)
    })
    .optional()
})

export type RawBundle = z.infer<typeof bundleSchema>

export type KeyMaterial =
  | { kind: 'public-key'; hint: string | null; rawBytes: Buffer | null }
  | { kind: 'certificate-chain'; certificates: Buffer[] }
  | { kind: 'certificate'; certificate: Buffer }

export type Content =
  | { kind: 'dsse'; payloadType: string; payload: Buffer; signatures: Buffer[] }
  | { kind: 'message'; digestAlgorithm: string | null; digest: Buffer | null; signature: Buffer }

export interface ParsedBundle {
  json: unknown
  mediaType: string
  material: KeyMaterial
  tlogCount: number
  rekorLogIndex: string | null
  content: Content
}

export class BundleError extends Error {}

/** Parses bundle text; throws `BundleError` with a one-line reason. */
export function parseBundle(text: string): ParsedBundle {
  if (text.trim() === '') throw new BundleError('the file is empty')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new BundleError('the file is not JSON')
  }
  const r = bundleSchema.safeParse(json)
  if (!r.success) {
    const issue = r.error.issues[0]!
    const where = issue.path.join('.') || '(top level)'
    throw new BundleError(
      issue.code === 'invalid_type' && issue.input === undefined ? `required field '${where}' is missing` : `field '${where}': ${issue.message}`
    )
  }
  const b = r.data
  if (!BUNDLE_MEDIA_TYPES.includes(b.mediaType)) throw new BundleError(`unsupported bundle media type '${b.mediaType}'`)
  const vm = b.verificationMaterial
  const materials = [vm.publicKey, vm.x509CertificateChain, vm.certificate].filter((m) => m !== undefined)
  if (materials.length !== 1) {
    throw new BundleError(
      materials.length === 0
        ? "verification material has no 'publicKey', 'x509CertificateChain' or 'certificate'"
        : 'verification material has more than one of publicKey, x509CertificateChain, certificate'
    )
  }
  const material: KeyMaterial = vm.publicKey
    ? {
        kind: 'public-key',
        hint: vm.publicKey.hint ? vm.publicKey.hint : null,
        rawBytes: vm.publicKey.rawBytes ? Buffer.from(vm.publicKey.rawBytes, 'base64') : null
      }
    : vm.x509CertificateChain
      ? { kind: 'certificate-chain', certificates: vm.x509CertificateChain.certificates.map((c) => Buffer.from(c.rawBytes, 'base64')) }
      : { kind: 'certificate', certificate: Buffer.from(vm.certificate!.rawBytes, 'base64') }
  if (!!b.dsseEnvelope === !!b.messageSignature) {
    throw new BundleError(b.dsseEnvelope ? "the bundle has both 'dsseEnvelope' and 'messageSignature'" : "the bundle has no 'dsseEnvelope' (and no 'messageSignature')")
  }
  const content: Content = b.dsseEnvelope
    ? {
        kind: 'dsse',
        payloadType: b.dsseEnvelope.payloadType,
        payload: Buffer.from(b.dsseEnvelope.payload, 'base64'),
        signatures: b.dsseEnvelope.signatures.map((s) => Buffer.from(s.sig, 'base64'))
      }
    : {
        kind: 'message',
        digestAlgorithm: b.messageSignature!.messageDigest?.algorithm ?? null,
        digest: b.messageSignature!.messageDigest ? Buffer.from(b.messageSignature!.messageDigest.digest, 'base64') : null,
        signature: Buffer.from(b.messageSignature!.signature, 'base64')
      }
  const tlog = vm.tlogEntries ?? []
  const first = tlog[0]?.logIndex
  return { json, mediaType: b.mediaType, material, tlogCount: tlog.length, rekorLogIndex: first === undefined ? null : String(first), content }
}

/** Keyless (Fulcio certificate + transparency log) rather than a key or a private CA chain. */
export function isKeyless(b: ParsedBundle): boolean {
  return b.material.kind === 'certificate' || (b.material.kind === 'certificate-chain' && b.tlogCount > 0)
}
