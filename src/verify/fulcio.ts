import { X509Certificate } from 'node:crypto'
import { X509Certificate as SigstoreCert } from '@sigstore/core'
import type { TrustMaterial } from '@sigstore/verify'
import { verifyChain } from './chain.js'

/**
 * Sigstore keyless certificates outside a bundle, as `cosign sign-blob --output-certificate` writes
 * them next to a detached signature: which identity a certificate carries (Fulcio's SAN and OIDC issuer
 * extensions) and whether a certificate authority of the trusted root issued it.
 */

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1'
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8'

export interface FulcioIdentity {
  /** The certificate identity (SAN: URI or email). */
  identity: string | null
  /** The OIDC issuer Fulcio recorded. */
  issuer: string
}

/** The keyless identity of a certificate; null when it has no Fulcio issuer extension (not a Fulcio certificate). */
export function fulcioIdentity(cert: X509Certificate): FulcioIdentity | null {
  // The certificate comes from the repository: any extension may be malformed DER, and the
  // parser throws on it lazily (reading the SAN or the issuer), so every read stays in here.
  try {
    const parsed = SigstoreCert.parse(Buffer.from(cert.raw))
    // v2 is a DER UTF8String, v1 the raw string (what @sigstore/verify reads too).
    const v2 = parsed.extension(OID_FULCIO_ISSUER_V2)
    const issuer = v2 ? v2.valueObj.subs[0]?.value.toString('utf8') : parsed.extension(OID_FULCIO_ISSUER_V1)?.value.toString('utf8')
    if (issuer === undefined) return null
    return { identity: parsed.subjectAltName ?? null, issuer }
  } catch {
    return null
  }
}

/**
 * Whether `leaf` chains to a certificate authority of the trusted root that was valid when the leaf
 * was issued (each link signed by its issuer, each issuer a CA, the leaf allowed to sign).
 */
export function issuedByTrustedRoot(leaf: X509Certificate, material: TrustMaterial): boolean {
  const issued = new Date(leaf.validFrom)
  for (const ca of material.certificateAuthorities) {
    if (issued < ca.validFor.start || issued > ca.validFor.end) continue
    const anchors = ca.certChain.map((c) => new X509Certificate(c.root.toDER()))
    if (verifyChain([Buffer.from(leaf.raw)], anchors).ok) return true
  }
  return false
}
