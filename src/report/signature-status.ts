import type { Artifact, Finding } from '../types.js'
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
