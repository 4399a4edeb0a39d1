import type { Artifact, Finding, SignatureMethod } from '../types.js'
import { code } from './escape.js'

const FAILED: Record<string, string> = {
  invalid: '❌ invalid',
  'digest-mismatch': '❌ digest mismatch',
  'untrusted-identity': '❌ untrusted signer',
  unverifiable: '❌ unverifiable'
}

/** One table cell: what verification found for the artifact, or what its findings say when it has not run. */
export function signatureStatus(a: Artifact, findings: readonly Finding[]): string {
  const s = a.signature
  if (s?.state === 'verified') return s.signer ? `✅ ${code(s.signer, 'cell')}` : '✅ verified'
  if (s && s.state !== 'unsigned') return FAILED[s.state] ?? `❌ ${s.state}`
  const about = (rule: Finding['rule']) => findings.some((f) => f.rule === rule && f.path === a.path)
  if (about('signature-invalid')) return FAILED.invalid!
  if (about('unsigned-model') || (s?.state === 'unsigned' && s.required)) return '❌ missing (required)'
  return a.kind === 'model' ? 'unsigned' : '—'
}

const METHOD: Record<SignatureMethod, string> = { sigstore: 'Sigstore keyless', 'public-key': 'public key', certificate: 'certificate chain', checksum: 'checksum list' }

/**
 * The signature details table: for every artifact a signature file speaks for, how it was signed
 * and by whom (signer and issuer, or the key), its Rekor log index and the OMS root digest, so a
 * reviewer can check the claim without opening the bundle. Empty when nothing is signed.
 */
export function signatureTable(artifacts: readonly Artifact[]): string[] {
  const rows: string[] = []
  for (const a of artifacts) {
    const s = a.signature
    if (!s || s.state === 'unsigned') continue
    const who = s.signer ? `${code(s.signer, 'cell')}${s.issuer ? ` (${code(s.issuer, 'cell')})` : ''}` : s.keyHint ? `key ${code(s.keyHint, 'cell')}` : '—'
    const cells = [
      code(a.path, 'cell'),
      s.state === 'verified' ? '✅ verified' : (FAILED[s.state] ?? `❌ ${s.state}`),
      code(s.signatureFile, 'cell'),
      s.method ? METHOD[s.method] : '—',
      who,
      s.rekorLogIndex ? code(s.rekorLogIndex, 'cell') : '—',
      s.rootDigest ? code(s.rootDigest.slice(0, 12), 'cell') : '—'
    ]
    rows.push(`| ${cells.join(' | ')} |`)
  }
  if (rows.length === 0) return []
  return ['', '#### Signatures', '', '| Artifact | Status | Signature | Method | Signer or key | Rekor log index | Root digest |', '|---|---|---|---|---|---|---|', ...rows]
}
