import { X509Certificate } from 'node:crypto'
import { X509Certificate as SigstoreCert } from '@sigstore/core'

const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3'

export type ChainResult =
  | { ok: true; leaf: X509Certificate; anchor: X509Certificate; path: X509Certificate[] }
  | { ok: false; rule: 'signature-invalid' | 'signature-untrusted-identity'; reason: string }

function keyUsage(der: Buffer): { digitalSignature: boolean; keyCertSign: boolean } | null {
  const ku = SigstoreCert.parse(Buffer.from(der)).extKeyUsage
  return ku ? { digitalSignature: ku.digitalSignature, keyCertSign: ku.keyCertSign } : null
}

function validAt(cert: X509Certificate, at: Date): boolean {
  return new Date(cert.validFrom) <= at && at <= new Date(cert.validTo)
}

/**
 * Verifies `model_signing sign certificate` material: the leaf (first certificate) must chain through
 * the bundle's other certificates to one of the trusted anchors, every link signed by its issuer, each
 * issuer a CA allowed to sign certificates, all valid when the leaf was issued (the signing time
 * model_signing uses), and the leaf must be usable for signing (key usage digitalSignature or
 * extended key usage codeSigning).
 */
export function verifyChain(certificates: Buffer[], anchors: X509Certificate[]): ChainResult {
  let chain: X509Certificate[]
  try {
    chain = certificates.map((c) => new X509Certificate(c))
  } catch (err) {
    return { ok: false, rule: 'signature-invalid', reason: `a certificate in the bundle cannot be parsed (${(err as Error).message})` }
  }
  const leaf = chain[0]!
  const at = new Date(leaf.validFrom)
  const intermediates = chain.slice(1)

  const canIssue = (issuer: X509Certificate): boolean => {
    if (!issuer.ca) return false
    const ku = keyUsage(issuer.raw)
    return ku === null || ku.keyCertSign
  }
  const find = (cert: X509Certificate, seen: Set<X509Certificate>): X509Certificate[] | null => {
    for (const anchor of anchors) {
      if (cert.fingerprint256 === anchor.fingerprint256) return [anchor]
      if (cert.checkIssued(anchor) && canIssue(anchor) && validAt(anchor, at) && cert.verify(anchor.publicKey)) return [anchor]
    }
    for (const next of intermediates) {
      if (seen.has(next) || next === cert) continue
      if (!cert.checkIssued(next) || !canIssue(next) || !validAt(next, at) || !cert.verify(next.publicKey)) continue
      const rest = find(next, new Set([...seen, next]))
      if (rest) return [next, ...rest]
    }
    return null
  }
  const path = find(leaf, new Set([leaf]))
  if (!path) {
    return {
      ok: false,
      rule: 'signature-untrusted-identity',
      reason: `the signing certificate '${subjectOf(leaf)}' (issued by '${(leaf.issuer ?? '').replace(/\n/g, ', ')}') does not chain to any certificate in signatures.trusted-certificates`
    }
  }
  const ku = keyUsage(leaf.raw)
  const usable = (ku?.digitalSignature ?? false) || (leaf.keyUsage ?? []).includes(OID_CODE_SIGNING)
  if (!usable) {
    return { ok: false, rule: 'signature-untrusted-identity', reason: 'the signing certificate is not allowed to sign (no digitalSignature key usage, no codeSigning extended key usage)' }
  }
  return { ok: true, leaf, anchor: path[path.length - 1]!, path }
}

/** The certificate's subject, or its SAN when the subject is empty (as in Fulcio-style certificates). */
export function subjectOf(cert: X509Certificate): string {
  // Node reports an empty subject as undefined.
  return (cert.subject ?? '').replace(/\n/g, ', ') || (cert.subjectAltName ?? '')
}
