import path from 'node:path'
import type { Config } from '../config/schema.js'
import type { SignatureMethod } from '../types.js'

/** Single-quotes a shell word when it needs it. */
export function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/** The signing method a fix should suggest: the one the policy trusts (keyless first), else what was used. */
export function preferredMethod(config: Config, used?: SignatureMethod | null): Exclude<SignatureMethod, 'checksum'> {
  const s = config.signatures
  if (used && used !== 'checksum') {
    if (used === 'sigstore' && s['trusted-identities'].length > 0) return used
    if (used === 'public-key' && s['trusted-keys'].length > 0) return used
    if (used === 'certificate' && s['trusted-certificates'].length > 0) return used
  }
  if (s['trusted-identities'].length > 0) return 'sigstore'
  if (s['trusted-keys'].length > 0) return 'public-key'
  if (s['trusted-certificates'].length > 0) return 'certificate'
  return used && used !== 'checksum' ? used : 'sigstore'
}

/** The `model_signing sign ...` command, to run from the repository root. */
export function signCommand(modelPath: string, signaturePath: string, method: Exclude<SignatureMethod, 'checksum'>, ignorePaths: string[] = []): string {
  const head =
    method === 'sigstore'
      ? 'model_signing sign sigstore'
      : method === 'public-key'
        ? 'model_signing sign key'
        : 'model_signing sign certificate'
  const creds =
    method === 'public-key'
      ? ' --private-key <private-key.pem>'
      : method === 'certificate'
        ? ' --private-key <private-key.pem> --signing-certificate <signing-cert.pem> --certificate-chain <ca-chain.pem>'
        : ''
  const ignores = ignorePaths.length > 0 ? ` --ignore-paths ${ignorePaths.map(sh).join(' ')}` : ''
  return `${head} ${sh(modelPath || '.')}${creds}${ignores} --signature ${sh(signaturePath)}`
}

/** Where an unsigned model's signature should go: `model.sig` in its folder, or `<file>.sig` for a file at the root. */
export function signTarget(modelFile: string): { modelPath: string; signaturePath: string } {
  const dir = path.posix.dirname(modelFile)
  return dir === '.' ? { modelPath: modelFile, signaturePath: `${modelFile}.sig` } : { modelPath: dir, signaturePath: `${dir}/model.sig` }
}
