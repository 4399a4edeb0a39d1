import { X509Certificate, type KeyObject } from 'node:crypto'
import path from 'node:path'
import { bundleFromJSON } from '@sigstore/bundle'
import { Verifier, toSignedEntity, type Signer, type TrustMaterial } from '@sigstore/verify'
import type { SignatureFacts, SignatureFailure, SignatureFormat, SignatureMethod } from '../types.js'
import { isKeyless, type ParsedBundle } from './bundle.js'
import { subjectOf, verifyChain } from './chain.js'
import { isChecksumList, listedFiles, verifyChecksums } from './checksums.js'
import { NeedsLfsContent } from './digests.js'
import { verifyMessage } from './dsse.js'
import { CURVE_HASH, verifyEcdsaDigest } from './ecdsa.js'
import { fulcioIdentity, issuedByTrustedRoot } from './fulcio.js'
import { sh } from './hints.js'
import { RULE_OF, sentence, signedBy, strippedTarget, type Context, type SignatureResult } from './result.js'
import { keyHint, publicKeyFrom, type TrustedKey } from './trust.js'

/**
 * Signatures over one file (`model.onnx.sigstore.json` signs `model.onnx`): cosign / Sigstore bundles
 * with a `messageSignature` (keyless, public key, certificate chain), and detached signatures (base64
 * or DER, `cosign sign-blob --output-signature`) checked with a trusted key or the certificate next to
 * them (`--output-certificate`). A signed checksum list covers the files it lists.
 *
 * A bundle states the digest it signs, so its signature is checked first, from that digest, and the
 * file second: a file changed after signing is a digest mismatch with a known signer. The file's
 * digest is the one the scan computed (or a Git LFS oid): ECDSA verifies from it, nothing is read twice.
 */

type Check =
  | { ok: true; method: SignatureMethod; signer: string | null; issuer: string | null; keyHint: string | null }
  | {
      ok: false
      state: SignatureFailure
      reason: string
      method?: SignatureMethod
      signer?: string | null
      issuer?: string | null
      keyHint?: string | null
      /** A genuine keyless signature by a trusted identity, refused only for want of a Rekor entry. */
      noLog?: true
      /** A keyless certificate the trusted root's CAs did not issue: trusting the identity would not help. */
      untrustedCa?: true
      /** A non-ECDSA signature over a file too large to hold: re-signing another way helps, trusting a key does not. */
      tooLarge?: true
    }

/** What a signature signs: the file, through the digest its bundle states (null for detached signatures). */
interface Signed {
  target: string
  /** Node hash name of `digest`; for detached signatures, the hash to try first. */
  algorithm: string | null
  digest: Buffer | null
}

const dirOf = (p: string): string => {
  const d = path.posix.dirname(p)
  return d === '.' ? '' : d
}

const DIGEST_ALGORITHMS: Record<string, { hash: string; bytes: number }> = {
  SHA2_256: { hash: 'sha256', bytes: 32 },
  SHA2_384: { hash: 'sha384', bytes: 48 },
  SHA2_512: { hash: 'sha512', bytes: 64 }
}

/** The file's digest with `algorithm`: the scan's SHA-256 (or LFS oid) when it is SHA-256, else one read. */
async function digestOf(target: string, algorithm: string, ctx: Context): Promise<Buffer> {
  if (algorithm === 'sha256') return Buffer.from((await ctx.digests.sha256(target)).sha256, 'hex')
  return Buffer.from((await ctx.digests.digestRanges(target, algorithm, null)).digests[0]!, 'hex')
}

/** Verifies a signature over the whole of `target`: from its digest for ECDSA, from its bytes for other keys. */
async function verifyOverFile(target: string, signature: Buffer, key: KeyObject, ctx: Context, algorithm: string | null): Promise<boolean> {
  if (key.asymmetricKeyType === 'ec') {
    const curveHash = CURVE_HASH[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'sha256'
    for (const alg of new Set([algorithm ?? 'sha256', ...(algorithm ? [] : [curveHash])])) {
      try {
        if (verifyEcdsaDigest(key, await digestOf(target, alg, ctx), signature)) return true
      } catch (err) {
        if (!(err instanceof NeedsLfsContent)) throw err
      }
    }
    return false
  }
  return verifyMessage(await bytesOf(target, ctx), signature, key)
}

/** Non-ECDSA signatures are checked over the file's bytes, held in memory: up to this size. */
const MAX_MESSAGE_BYTES = 256 << 20

/** A file too large for a signature that must be checked over its bytes: unverifiable, never "does not verify". */
class TooLargeToVerify extends Error {
  constructor(readonly size: number) {
    super(`${size} bytes`)
  }
}

/** The target's bytes, read once per run however many trusted keys are tried. */
const messageBytes = new WeakMap<Context, Map<string, Promise<Buffer>>>()
function bytesOf(target: string, ctx: Context): Promise<Buffer> {
  let cache = messageBytes.get(ctx)
  if (!cache) messageBytes.set(ctx, (cache = new Map()))
  let bytes = cache.get(target)
  if (!bytes) {
    bytes = (async () => {
      if (await ctx.digests.isLfsPointer(target)) throw new NeedsLfsContent(target)
      const src = await ctx.tree.open(target)
      try {
        if (src.size > MAX_MESSAGE_BYTES) throw new TooLargeToVerify(src.size)
        return await src.read(0, src.size)
      } finally {
        await src.close()
      }
    })()
    cache.set(target, bytes)
  }
  return bytes
}

/**
 * Node's crypto cannot verify ECDSA over a digest it did not compute (`crypto.verify(null, ...)` still
 * hashes with SHA-256), so a bundle's digest is checked with `verifyEcdsaDigest`; other key types
 * need the file's bytes.
 */
function verifies(signed: Signed, signature: Buffer, key: KeyObject, ctx: Context): Promise<boolean> {
  if (signed.digest && key.asymmetricKeyType === 'ec') return Promise.resolve(verifyEcdsaDigest(key, signed.digest, signature))
  return verifyOverFile(signed.target, signature, key, ctx, signed.algorithm)
}

async function checkWithKeys(signed: Signed, signature: Buffer, hint: string | null, rawBytes: Buffer | null, ctx: Context): Promise<Check> {
  const keys = ctx.trust.keys
  let h = hint
  if (!h && rawBytes) {
    try {
      h = keyHint(publicKeyFrom(rawBytes))
    } catch {
      return { ok: false, state: 'invalid', method: 'public-key', reason: "the bundle's publicKey.rawBytes is not a public key" }
    }
  }
  if (keys.length === 0) {
    return { ok: false, state: 'unverifiable', method: 'public-key', keyHint: h, reason: `'${signed.target}' is signed with a key${h ? ` (hint ${h})` : ''}, but signatures.trusted-keys lists no key to verify it with` }
  }
  const named: TrustedKey[] = h ? keys.filter((k) => k.hint === h) : []
  // cosign's hints are free-form: when none names a trusted key, every trusted key is tried.
  for (const k of named.length > 0 ? named : keys) {
    if (await verifies(signed, signature, k.key, ctx)) return { ok: true, method: 'public-key', signer: k.label, issuer: null, keyHint: k.hint }
  }
  if (named.length > 0 && signed.digest) {
    return { ok: false, state: 'invalid', method: 'public-key', keyHint: h, reason: `the signature does not verify with the trusted key ${named[0]!.label}, although the bundle names that key: the bundle's signature or digest was altered` }
  }
  return {
    ok: false,
    state: 'untrusted-identity',
    method: 'public-key',
    keyHint: h,
    reason: signed.digest
      ? `the signature over '${signed.target}' was made with a key that is not in signatures.trusted-keys`
      : `the signature over '${signed.target}' does not verify with any key in signatures.trusted-keys (a different key, or altered content)`
  }
}

async function checkWithChain(signed: Signed, signature: Buffer, certificates: Buffer[], ctx: Context): Promise<Check> {
  const anchors = ctx.trust.certificates.map((c) => c.cert)
  if (anchors.length === 0) return { ok: false, state: 'unverifiable', method: 'certificate', reason: `'${signed.target}' is signed with a certificate, but signatures.trusted-certificates is empty` }
  const chain = verifyChain(certificates, anchors)
  if (!chain.ok) return { ok: false, state: chain.rule === 'signature-invalid' ? 'invalid' : 'untrusted-identity', method: 'certificate', reason: chain.reason }
  const signer = subjectOf(chain.leaf)
  const issuer = subjectOf(chain.anchor)
  if (!(await verifies(signed, signature, chain.leaf.publicKey, ctx))) {
    return {
      ok: false,
      state: 'invalid',
      method: 'certificate',
      signer,
      issuer,
      reason: signed.digest
        ? `the signature does not verify with the key of certificate '${signer}': the bundle's signature or digest was altered`
        : `the signature over '${signed.target}' does not verify with the key of certificate '${signer}' (the file changed after signing, or the signature is not for it)`
    }
  }
  return { ok: true, method: 'certificate', signer, issuer, keyHint: keyHint(chain.leaf.publicKey) }
}

function trustMaterial(ctx: Context): TrustMaterial | string {
  try {
    return ctx.trust.sigstore()
  } catch (err) {
    const notes = ctx.trust.problems.filter((p) => p.key === 'signatures.trusted-root').map((p) => ` (${p.reason})`)
    return `the Sigstore trusted root cannot be used: ${(err as Error).message}${notes.join('')}`
  }
}

/** The identity policy for a keyless signer whose certificate and signature already verified. */
function identityCheck(target: string, identity: string | undefined, issuer: string | undefined, ctx: Context): Check | null {
  const who = { method: 'sigstore' as const, signer: identity ?? null, issuer: issuer ?? null }
  if (ctx.trust.identities.length === 0) {
    return { ok: false, state: 'unverifiable', ...who, reason: `'${target}' is signed keyless by '${identity ?? '?'}' (issuer '${issuer ?? '?'}'), but signatures.trusted-identities lists no identity to accept` }
  }
  if (!ctx.trust.identities.some((t) => t.matches(identity, issuer))) {
    return { ok: false, state: 'untrusted-identity', ...who, reason: `'${target}' is signed keyless by '${identity ?? '?'}' (issuer '${issuer ?? '?'}'), which matches none of signatures.trusted-identities` }
  }
  return null
}

/** A keyless bundle: Fulcio certificate, SCT, Rekor entry and timestamps against the trusted root, the signature over the bundle's digest, then the identity policy. */
function checkKeylessBundle(signed: Signed & { digest: Buffer }, b: ParsedBundle, ctx: Context): Check {
  if (b.content.kind !== 'message') throw new Error('unreachable')
  const signature = b.content.signature
  const material = trustMaterial(ctx)
  if (typeof material === 'string') return { ok: false, state: 'unverifiable', method: 'sigstore', reason: `'${signed.target}' is signed keyless, but ${material}` }
  let signer: Signer
  try {
    const entity = toSignedEntity(bundleFromJSON(b.json), Buffer.alloc(0))
    // The Rekor entry is checked against the bundle's digest; the signature is too, without the file.
    entity.signature.verifySignature = (key) => verifyEcdsaDigest(key, signed.digest, signature)
    signer = new Verifier(material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }).verify(entity)
  } catch (err) {
    const e = err as Error & { code?: string }
    const why = e.message || e.code || 'verification failed'
    if (e.code === 'CERTIFICATE_ERROR') {
      return { ok: false, state: 'untrusted-identity', method: 'sigstore', reason: `the keyless signing certificate does not chain to a certificate authority of ${ctx.trust.rootLabel} (${why})` }
    }
    return { ok: false, state: 'invalid', method: 'sigstore', reason: `the keyless signature does not verify against ${ctx.trust.rootLabel}: ${why}` }
  }
  const identity = signer.identity?.subjectAlternativeName
  const issuer = signer.identity?.extensions?.issuer
  return identityCheck(signed.target, identity, issuer, ctx) ?? { ok: true, method: 'sigstore', signer: identity ?? null, issuer: issuer ?? null, keyHint: null }
}

/**
 * A detached signature with a certificate next to it. A Fulcio certificate is verified as far as it
 * can be offline (issued by the trusted root's CA, signature, identity policy) but never accepted:
 * without a Rekor entry or a timestamp nothing proves the signature was made during the certificate's
 * ten minutes, so a stolen or later-used key would pass. Other certificates must chain to
 * `signatures.trusted-certificates`.
 */
async function checkDetachedCertificate(signed: Signed, signature: Buffer, cert: { path: string; cert: X509Certificate }, ctx: Context): Promise<Check> {
  const { target } = signed
  const material = trustMaterial(ctx)
  const fulcio = fulcioIdentity(cert.cert)
  if (typeof material !== 'string' && issuedByTrustedRoot(cert.cert, material)) {
    const who = { method: 'sigstore' as const, signer: fulcio?.identity ?? null, issuer: fulcio?.issuer ?? null }
    if (!(await verifies(signed, signature, cert.cert.publicKey, ctx))) {
      return { ok: false, state: 'invalid', ...who, reason: `the signature over '${target}' does not verify with the key of ${cert.path} (the file changed after signing, or the signature is not for it)` }
    }
    const policy = identityCheck(target, fulcio?.identity ?? undefined, fulcio?.issuer, ctx)
    if (policy) return policy
    return {
      ok: false,
      state: 'unverifiable',
      ...who,
      noLog: true,
      reason: `'${target}' is signed keyless by '${who.signer ?? '?'}' (issuer '${who.issuer ?? '?'}') with a certificate of ${ctx.trust.rootLabel}, but without a Rekor transparency-log entry: nothing proves the signature was made while the certificate was valid (${new Date(cert.cert.validFrom).toISOString()} to ${new Date(cert.cert.validTo).toISOString()}), so it is not accepted`
    }
  }
  if (fulcio) {
    return {
      ok: false,
      state: 'untrusted-identity',
      method: 'sigstore',
      signer: fulcio.identity,
      issuer: fulcio.issuer,
      untrustedCa: true,
      reason: `the keyless (Fulcio) certificate ${cert.path} was issued by no certificate authority of ${ctx.trust.rootLabel}${typeof material === 'string' ? ` (${material})` : ''}`
    }
  }
  return checkWithChain(signed, signature, [Buffer.from(cert.cert.raw)], ctx)
}

/** The cosign command that (re-)signs `target` the way this signature was made, or better. */
function cosignCommand(target: string, file: string, format: SignatureFormat, method: SignatureMethod | null): string {
  const t = sh(target)
  if (method === 'public-key') return format === 'detached' ? `cosign sign-blob --key <cosign.key> --output-signature ${sh(file)} ${t}` : `cosign sign-blob --key <cosign.key> --bundle ${sh(file)} ${t}`
  // Keyless signing writes a bundle: the only form that carries the Rekor entry.
  const bundle = format === 'detached' ? `${target}.sigstore.json` : file
  return `cosign sign-blob --bundle ${sh(bundle)} ${t}`
}

function fixFor(check: Extract<Check, { ok: false }>, target: string, file: string, format: SignatureFormat, method: SignatureMethod | null, certPath: string | null): string {
  const cmd = cosignCommand(target, file, format, method)
  const replaces = format === 'detached' && method === 'sigstore' ? ` (it replaces ${file}${certPath ? ` and ${certPath}` : ''})` : ''
  switch (check.state) {
    case 'unverifiable':
      if (check.noLog) return `Sign with a Sigstore bundle, which carries the Rekor entry${replaces}: ${cmd}`
      if (check.tooLarge) return `Re-sign it with cosign's defaults (ECDSA, checked from the file's digest without holding the file): ${cmd}`
      return method === 'sigstore'
        ? 'Add the signer to signatures.trusted-identities (identity or identity-regex, and issuer) in .modelgate.yml.'
        : method === 'certificate'
          ? 'Add the root CA certificate (PEM) to signatures.trusted-certificates in .modelgate.yml.'
          : "Add the signer's public key (PEM) to signatures.trusted-keys in .modelgate.yml."
    case 'untrusted-identity':
      if (method === 'sigstore' && check.signer && !check.untrustedCa) return `If '${check.signer}' (issuer '${check.issuer ?? '?'}') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity${replaces}: ${cmd}`
      if (method === 'sigstore') return `Re-sign with an identity of the configured Sigstore instance (signatures.trusted-root)${replaces}: ${cmd}`
      if (method === 'certificate') return `Add the issuing CA to signatures.trusted-certificates if it is legitimate, or re-sign with a certificate issued under a trusted CA.`
      return `If that key is legitimate, add its public key to signatures.trusted-keys; otherwise re-sign with a trusted key: ${cmd}`
    case 'digest-mismatch':
      return `If the change is intended, re-sign the file: ${cmd}; otherwise restore the signed file.`
    default:
      return `Re-sign the file and commit the new signature${replaces}: ${cmd}`
  }
}

function decodeDetached(bytes: Buffer): Buffer | null {
  if (bytes[0] === 0x30) return bytes
  const text = bytes.toString('latin1').trim()
  if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) return null
  const raw = Buffer.from(text.replace(/\s+/g, ''), 'base64')
  return raw.length > 0 ? raw : null
}

type CertNextTo = { path: string; cert: X509Certificate } | { path: string; error: string } | null

/** `x.bin.pem`, `x.bin.crt`, `x.bin.cert`, `x.bin-cert.pem` next to a detached signature. */
async function certificateNextTo(target: string, ctx: Context): Promise<CertNextTo> {
  const here = await ctx.children(dirOf(target))
  for (const c of [`${target}.pem`, `${target}.crt`, `${target}.cert`, `${target}-cert.pem`]) {
    if (!here.includes(c)) continue
    const src = await ctx.tree.open(c)
    try {
      if (src.size > 64 << 10) return { path: c, error: `the certificate file ${c} is ${src.size} bytes, too large for a certificate` }
      let bytes = await src.read(0, src.size)
      // cosign writes the PEM base64-encoded once more.
      if (!bytes.includes('-----BEGIN')) bytes = Buffer.from(bytes.toString('latin1').trim(), 'base64')
      // A public key next to the file is no trust anchor: the trusted keys decide.
      if (bytes.includes('-----BEGIN PUBLIC KEY-----') && !bytes.includes('-----BEGIN CERTIFICATE-----')) return null
      return { path: c, cert: new X509Certificate(bytes) }
    } catch (err) {
      return { path: c, error: `the certificate file ${c} is not an X.509 certificate (${(err as Error).message})` }
    } finally {
      await src.close()
    }
  }
  return null
}

/** A signature whose subject is one file (`model.onnx.sig` signs `model.onnx`); checksum lists are followed. */
export async function verifySingleFile(file: string, ctx: Context, bundle: ParsedBundle | null, detached: Buffer | null): Promise<SignatureResult> {
  const target = strippedTarget(file)
  const format: SignatureFormat = bundle ? 'sigstore-bundle' : 'detached'
  const bundleMethod: SignatureMethod | null = bundle ? (isKeyless(bundle) ? 'sigstore' : bundle.material.kind === 'public-key' ? 'public-key' : 'certificate') : null
  const base: SignatureFacts = {
    signatureFile: file,
    format,
    method: bundleMethod,
    signer: null,
    issuer: null,
    keyHint: bundle?.material.kind === 'public-key' ? bundle.material.hint : null,
    rekorLogIndex: bundle && isKeyless(bundle) ? bundle.rekorLogIndex : null,
    rootDigest: null
  }
  const exists = target !== null && (await ctx.children(dirOf(target))).includes(target)
  if (!target || !exists) {
    const reason = target ? `the signed file '${target}' is not in the repository` : 'the signature file does not name the file it signs'
    return { file, facts: base, outcome: { state: 'digest-mismatch', reason }, covered: [], findings: [{ rule: 'signature-digest-mismatch', path: file, line: null, message: sentence(reason), fix: 'Restore the signed file, or delete the stale signature.' }] }
  }
  let check: Check
  let certPath: string | null = null
  let signedDigest: { digest: Buffer; algorithm: string } | null = null
  try {
    if (bundle) {
      if (bundle.content.kind !== 'message') throw new Error('unreachable')
      const { digestAlgorithm, digest, signature } = bundle.content
      const alg = DIGEST_ALGORITHMS[digestAlgorithm ?? 'SHA2_256']
      if (!alg) check = { ok: false, state: 'unverifiable', reason: `the bundle's message digest is ${digestAlgorithm}, which ModelGate does not verify (SHA2_256, SHA2_384, SHA2_512)` }
      else if (digest && digest.length !== alg.bytes) check = { ok: false, state: 'invalid', reason: `the bundle's ${digestAlgorithm} message digest is ${digest.length} bytes, not ${alg.bytes}` }
      else if (isKeyless(bundle)) {
        if (!digest) check = { ok: false, state: 'invalid', reason: 'the keyless bundle has no messageDigest, which its Rekor entry must match' }
        else check = checkKeylessBundle({ target, algorithm: alg.hash, digest }, bundle, ctx)
      } else {
        const signed: Signed = { target, algorithm: alg.hash, digest }
        const m = bundle.material
        // A lone `certificate` is keyless by definition (isKeyless).
        if (m.kind === 'certificate') throw new Error('unreachable')
        check = m.kind === 'public-key' ? await checkWithKeys(signed, signature, m.hint, m.rawBytes, ctx) : await checkWithChain(signed, signature, m.certificates, ctx)
      }
      if (digest && alg) signedDigest = { digest, algorithm: alg.hash }
    } else {
      const sig = decodeDetached(detached!)
      const cert = sig ? await certificateNextTo(target, ctx) : null
      certPath = cert?.path ?? null
      const signed: Signed = { target, algorithm: null, digest: null }
      if (!sig) check = { ok: false, state: 'invalid', reason: 'the detached signature is neither base64 nor DER' }
      else if (cert && 'error' in cert) check = { ok: false, state: 'invalid', reason: cert.error }
      else if (cert) check = await checkDetachedCertificate(signed, sig, cert, ctx)
      else check = await checkWithKeys(signed, sig, null, null, ctx)
    }
    // The signature speaks for the bundle's digest: now the file must have it.
    if (check.ok && signedDigest && !(await digestOf(target, signedDigest.algorithm, ctx)).equals(signedDigest.digest)) {
      const f = { ...base, method: check.method, signer: check.signer, issuer: check.issuer, keyHint: check.keyHint }
      check = { ...check, ok: false, state: 'digest-mismatch', reason: `'${target}' differs from the version signed in ${file} (signed by ${signedBy(f)})` }
    }
  } catch (err) {
    if (err instanceof TooLargeToVerify) {
      check = { ok: false, state: 'unverifiable', tooLarge: true, reason: `'${target}' is ${err.size} bytes; a signature with this kind of key (not ECDSA) is checked over the file's bytes, which ModelGate does up to ${MAX_MESSAGE_BYTES >> 20} MiB, so it was not verified` }
    } else if (err instanceof NeedsLfsContent) {
      check = { ok: false, state: 'unverifiable', reason: `'${target}' is a Git LFS pointer and this signature needs its bytes: not verifiable without LFS content` }
    } else throw err
  }
  const method = check.method ?? base.method
  const facts: SignatureFacts = { ...base, method, signer: check.signer ?? null, issuer: check.issuer ?? null, keyHint: check.keyHint ?? base.keyHint }
  if (!check.ok) {
    return {
      file,
      facts,
      outcome: { state: check.state, reason: check.reason },
      covered: isChecksumList(target) ? [target, ...(await listedFiles(target, ctx))] : [target],
      findings: [{ rule: RULE_OF[check.state], path: check.state === 'digest-mismatch' ? target : file, line: null, message: sentence(check.reason), fix: fixFor(check, target, file, format, method, certPath) }]
    }
  }
  if (isChecksumList(target)) return verifyChecksums(target, ctx, { ...facts, format: 'checksum-manifest' }, file)
  return { file, facts, outcome: { state: 'verified' }, covered: [target], findings: [] }
}
