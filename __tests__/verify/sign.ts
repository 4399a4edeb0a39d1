import crypto, { type KeyObject } from 'node:crypto'
import { pae } from '../../src/verify/dsse.js'
import { keyHint } from '../../src/verify/trust.js'

/** A throw-away signer for crafted OMS bundles (private keys never leave the test process). */
export interface TestKey {
  privateKey: KeyObject
  publicKey: KeyObject
  pem: string
  hint: string
}

export function newKey(curve: 'P-256' | 'P-384' | 'P-521' = 'P-256'): TestKey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve })
  return { privateKey, publicKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), hint: keyHint(publicKey) }
}

export const sha256 = (b: Buffer | string): string => crypto.createHash('sha256').update(b).digest('hex')

export interface StatementOptions {
  modelName?: string
  ignorePaths?: string[]
  method?: 'files' | 'shards'
  hashType?: string
  shardSize?: number
  /** Overrides the computed root digest. */
  root?: string
  predicateType?: string
}

/** The in-toto statement model_signing writes for these resources (root digest over them, in order). */
export function statement(resources: { name: string; digest: string; algorithm?: string }[], o: StatementOptions = {}): Record<string, unknown> {
  const root = o.root ?? sha256(Buffer.concat(resources.map((r) => Buffer.from(r.digest, 'hex'))))
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: o.modelName ?? 'model', digest: { sha256: root } }],
    predicateType: o.predicateType ?? 'https://model_signing/signature/v1.0',
    predicate: {
      serialization: {
        method: o.method ?? 'files',
        hash_type: o.hashType ?? 'sha256',
        allow_symlinks: false,
        ...(o.shardSize ? { shard_size: o.shardSize } : {}),
        ...(o.ignorePaths ? { ignore_paths: o.ignorePaths } : {})
      },
      resources: resources.map((r) => ({ name: r.name, algorithm: r.algorithm ?? o.hashType ?? 'sha256', digest: r.digest }))
    }
  }
}

/** Resources for files given by name and content. */
export function filesOf(files: Record<string, Buffer | string>): { name: string; digest: string }[] {
  return Object.keys(files)
    .sort()
    .map((name) => ({ name, digest: sha256(files[name]!) }))
}

const HASH: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }

/** A Sigstore v0.3 bundle with a DSSE envelope, signed like `model_signing sign key`. */
export function signBundle(stmt: Record<string, unknown> | Buffer, key: TestKey): string {
  const payload = Buffer.isBuffer(stmt) ? stmt : Buffer.from(JSON.stringify(stmt, null, 2))
  const type = 'application/vnd.in-toto+json'
  const sig = crypto.sign(HASH[key.publicKey.asymmetricKeyDetails!.namedCurve!]!, pae(type, payload), key.privateKey)
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: key.hint }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: type, signatures: [{ sig: sig.toString('base64'), keyid: '' }] }
  })
}

export function lfsPointer(content: Buffer | string): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(content)}\nsize ${Buffer.byteLength(content)}\n`
}
