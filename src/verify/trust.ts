import crypto, { X509Certificate, type KeyObject } from 'node:crypto'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify'
import type { Config } from '../config/schema.js'
import { PUBLIC_GOOD_TRUSTED_ROOT } from './trusted-root.js'

export interface TrustedKey {
  /** The config entry (path, or `inline key #n`). */
  label: string
  key: KeyObject
  /** SHA-256 of the key's SubjectPublicKeyInfo PEM: the `publicKey.hint` model_signing writes. */
  hint: string
}

export interface TrustedIdentity {
  label: string
  matches(identity: string | undefined, issuer: string | undefined): boolean
}

export interface Trust {
  keys: TrustedKey[]
  certificates: { label: string; cert: X509Certificate }[]
  identities: TrustedIdentity[]
  /** Sigstore trust material (Fulcio CAs, Rekor and CT logs, TSAs) from the configured or shipped root. */
  sigstore: () => TrustMaterial
  rootLabel: string
  /** Entries that could not be loaded: config key, entry, reason. */
  problems: { key: string; entry: string; reason: string }[]
}

/** Reads a file named in the config. Pass the side the config came from (the base branch in PR mode). */
export type TrustFileReader = (relPath: string) => Promise<Buffer>

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

function pemBlocks(text: string, label: string): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((m) => m[1] === label).map((m) => m[0])
}

/** Hint as model_signing computes it: SHA-256 over the PEM encoding of the SubjectPublicKeyInfo. */
export function keyHint(key: KeyObject): string {
  return crypto.createHash('sha256').update(key.export({ type: 'spki', format: 'pem' })).digest('hex')
}

/** A public key from PEM (SPKI, possibly with text around it), DER SPKI, or a compressed/uncompressed EC point. */
export function publicKeyFrom(bytes: Buffer): KeyObject {
  const text = bytes.toString('latin1')
  const pem = pemBlocks(text, 'PUBLIC KEY')[0]
  if (pem) return crypto.createPublicKey(pem)
  const cert = pemBlocks(text, 'CERTIFICATE')[0]
  if (cert) return new X509Certificate(cert).publicKey
  return crypto.createPublicKey({ key: bytes, format: 'der', type: 'spki' })
}

async function entryBytes(entry: string, read: TrustFileReader): Promise<{ label: string; bytes: Buffer }> {
  if (entry.includes('-----BEGIN ') || entry.trimStart().startsWith('{')) return { label: 'inline', bytes: Buffer.from(entry) }
  return { label: entry, bytes: await read(entry) }
}

export async function loadTrust(config: Config, read: TrustFileReader): Promise<Trust> {
  const sig = config.signatures
  const problems: Trust['problems'] = []
  const keys: TrustedKey[] = []
  for (const [i, entry] of sig['trusted-keys'].entries()) {
    try {
      const { label, bytes } = await entryBytes(entry, read)
      const key = publicKeyFrom(bytes)
      keys.push({ label: label === 'inline' ? `inline key #${i + 1}` : label, key, hint: keyHint(key) })
    } catch (err) {
      problems.push({ key: 'signatures.trusted-keys', entry, reason: (err as Error).message })
    }
  }
  const certificates: Trust['certificates'] = []
  for (const [i, entry] of sig['trusted-certificates'].entries()) {
    try {
      const { label, bytes } = await entryBytes(entry, read)
      const blocks = pemBlocks(bytes.toString('latin1'), 'CERTIFICATE')
      const certs = blocks.length > 0 ? blocks.map((b) => new X509Certificate(b)) : [new X509Certificate(bytes)]
      for (const cert of certs) certificates.push({ label: label === 'inline' ? `inline certificate #${i + 1}` : label, cert })
    } catch (err) {
      problems.push({ key: 'signatures.trusted-certificates', entry, reason: (err as Error).message })
    }
  }
  const identities: TrustedIdentity[] = sig['trusted-identities'].map((t) => {
    const exact = t.identity
    const re = t['identity-regex'] === undefined ? null : new RegExp(`^(?:${t['identity-regex']})$`, 'u')
    return {
      label: `${exact ?? `/${t['identity-regex']}/`} (issuer ${t.issuer})`,
      matches: (identity, issuer) => identity !== undefined && issuer === t.issuer && (re ? re.test(identity) : identity === exact)
    }
  })
  let rootJson: unknown = PUBLIC_GOOD_TRUSTED_ROOT
  let rootLabel = 'the Sigstore public-good trusted root shipped with ModelGate'
  const rootEntry = sig['trusted-root']
  if (rootEntry !== undefined) {
    try {
      const { label, bytes } = await entryBytes(rootEntry, read)
      rootJson = JSON.parse(bytes.toString('utf8'))
      rootLabel = label === 'inline' ? 'the inline trusted root' : label
    } catch (err) {
      problems.push({ key: 'signatures.trusted-root', entry: rootEntry, reason: (err as Error).message })
      rootJson = null
    }
  }
  let material: TrustMaterial | null = null
  const sigstore = (): TrustMaterial => {
    if (rootJson === null) throw new Error(`the trusted root ${rootEntry ?? ''} could not be read`)
    material ??= toTrustMaterial(TrustedRoot.fromJSON(rootJson))
    return material
  }
  return { keys, certificates, identities, sigstore, rootLabel, problems }
}
