import type { Config } from '../config/schema.js'
import type { Finding, RuleId, SignatureFacts, SignatureFailure } from '../types.js'
import type { DigestCache } from './digests.js'
import type { Trust } from './trust.js'
import type { TreeReader } from './tree-reader.js'

/** A finding before its severity is settled (signature-unverifiable is an error only for required models). */
export type PendingFinding = Omit<Finding, 'severity'>

export type Outcome = { state: 'verified' } | { state: SignatureFailure; reason: string }

export interface SignatureResult {
  file: string
  facts: SignatureFacts
  outcome: Outcome
  /** Repo-relative files in the tree this signature speaks for (signed, extra, or presumed). */
  covered: string[]
  findings: PendingFinding[]
  /** An unsigned checksum list: reports mismatches, but proves no origin and satisfies no `required-for`. */
  unsigned?: boolean
}

export interface Context {
  tree: TreeReader
  trust: Trust
  digests: DigestCache
  config: Config
  /** Regular files directly in a folder (cached). */
  children(dir: string): Promise<string[]>
  /** Scanned artifacts under a folder (for coverage when a signature is too broken to say what it covers). */
  artifactsUnder(dir: string): string[]
}

export const RULE_OF: Record<SignatureFailure, RuleId> = {
  invalid: 'signature-invalid',
  'digest-mismatch': 'signature-digest-mismatch',
  'untrusted-identity': 'signature-untrusted-identity',
  unverifiable: 'signature-unverifiable'
}

export const MAX_SIGNATURE_BYTES = 16 << 20
const SIG_SUFFIXES = ['.sigstore.json', '.sigstore', '.bundle', '.sig']

/** `model.safetensors.sig` → `model.safetensors`; null when the name has no signature suffix. */
export function strippedTarget(sigFile: string): string | null {
  for (const s of SIG_SUFFIXES) if (sigFile.endsWith(s) && sigFile.length > s.length && !sigFile.endsWith(`/${s}`)) return sigFile.slice(0, -s.length)
  return null
}

/** Capitalised, with a full stop. */
export function sentence(reason: string): string {
  const s = reason.charAt(0).toUpperCase() + reason.slice(1)
  return /[.!?]$/.test(s) ? s : `${s}.`
}


/** Who made a signature, for messages: the keyless identity and issuer, the certificate subject, or the trusted key. */
export function signedBy(f: SignatureFacts): string {
  if (f.method === 'sigstore') return `'${f.signer ?? '?'}' (${f.issuer ?? '?'})`
  if (f.method === 'certificate') return `'${f.signer ?? '?'}'`
  return `the trusted key ${f.signer ?? f.keyHint ?? '?'}`
}
