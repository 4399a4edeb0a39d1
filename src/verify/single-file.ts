import { X509Certificate } from 'node:crypto'
import path from 'node:path'
import { bundleFromJSON } from '@sigstore/bundle'
import { Verifier, toSignedEntity, type Signer } from '@sigstore/verify'
import type { SignatureFacts, SignatureFormat, SignatureMethod } from '../types.js'
import { isKeyless, type ParsedBundle } from './bundle.js'
import { subjectOf, verifyChain } from './chain.js'
import { CURVE_HASH, verifyEcdsaDigest } from './ecdsa.js'
import { verifyMessage } from './dsse.js'
import { NeedsLfsContent } from './digests.js'
import { checkName } from './oms.js'
import { keyHint, publicKeyFrom, type TrustedKey } from './trust.js'
import { RULE_OF, sentence, strippedTarget, type Context, type PendingFinding, type SignatureResult } from './result.js'

/**
 * Signatures over one file: cosign / Sigstore bundles with a `messageSignature`, detached `.sig` files
 * (base64 or DER, as `cosign sign-blob --output-signature` writes) with a trusted key or a `.pem`/`.crt`
 * certificate next to them, and `SHA256SUMS` checksum lists, signed that way or not.
 */

type Check =
  | { ok: true; method: SignatureMethod; signer: string | null; issuer: string | null; keyHint: string | null }
  | { ok: false; state: 'invalid' | 'untrusted-identity' | 'unverifiable' | 'digest-mismatch'; reason: string; signer?: string | null; issuer?: string | null }

const dirOf = (p: string): string => {
  const d = path.posix.dirname(p)
  return d === '.' ? '' : d
}

const DIGEST_ALGORITHMS: Record<string, string> = { SHA2_256: 'sha256', SHA2_384: 'sha384', SHA2_512: 'sha512' }

/** The file's digest with `algorithm`: the scan's SHA-256 (or LFS oid) when it is SHA-256, else one read. */
async function digestOf(target: string, algorithm: string, ctx: Context): Promise<Buffer> {
  if (algorithm === 'sha256') return Buffer.from((await ctx.digests.sha256(target)).sha256, 'hex')
  return Buffer.from((await ctx.digests.digestRanges(target, algorithm, null)).digests[0]!, 'hex')
}

/** Verifies a signature over the whole of `target` with `key`, from digests (ECDSA) or the bytes (other keys). */
async function verifyOverFile(target: string, signature: Buffer, key: import('node:crypto').KeyObject, ctx: Context, algorithm?: string): Promise<boolean> {
  if (key.asymmetricKeyType === 'ec') {
    const curveHash = CURVE_HASH[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'sha256'
    for (const alg of [...new Set([algorithm ?? 'sha256', ...(algorithm ? [] : [curveHash])])]) {
      try {
        if (verifyEcdsaDigest(key, await digestOf(target, alg, ctx), signature)) return true
      } catch (err) {
        if (!(err instanceof NeedsLfsContent)) throw err
      }
    }
    return false
  }
  if (await ctx.digests.isLfsPointer(target)) throw new NeedsLfsContent(target)
  const src = await ctx.tree.open(target)
  try {
    if (src.size > 256 << 20) return false
    return verifyMessage(await src.read(0, src.size), signature, key)
  } finally {
    await src.close()
  }
}

function keysFor(hint: string | null, rawBytes: Buffer | null, keys: TrustedKey[]): TrustedKey[] {
  let h = hint
  if (!h && rawBytes) {
    try {
      h = keyHint(publicKeyFrom(rawBytes))
    } catch {
      return []
    }
  }
  const named = h ? keys.filter((k) => k.hint === h) : []
  // cosign's hints are free-form: when none names a trusted key, every trusted key is tried.
  return named.length > 0 ? named : keys
}

async function checkWithKeys(target: string, signature: Buffer, hint: string | null, rawBytes: Buffer | null, ctx: Context, algorithm?: string): Promise<Check> {
  const keys = ctx.trust.keys
  if (keys.length === 0) return { ok: false, state: 'unverifiable', reason: `'${target}' is signed with a key, but signatures.trusted-keys lists no key to verify it with` }
  for (const k of keysFor(hint, rawBytes, keys)) {
    if (await verifyOverFile(target, signature, k.key, ctx, algorithm)) return { ok: true, method: 'public-key', signer: k.label, issuer: null, keyHint: k.hint }
  }
  return { ok: false, state: 'untrusted-identity', reason: `the signature over '${target}' does not verify with any key in signatures.trusted-keys (a different key, or altered content)` }
}

async function checkWithChain(target: string, signature: Buffer, certificates: Buffer[], ctx: Context, algorithm?: string): Promise<Check> {
  const anchors = ctx.trust.certificates.map((c) => c.cert)
  if (anchors.length === 0) return { ok: false, state: 'unverifiable', reason: `'${target}' is signed with a certificate, but signatures.trusted-certificates is empty` }
  const chain = verifyChain(certificates, anchors)
  if (!chain.ok) return { ok: false, state: chain.rule === 'signature-invalid' ? 'invalid' : 'untrusted-identity', reason: chain.reason }
  const signer = subjectOf(chain.leaf)
  if (!(await verifyOverFile(target, signature, chain.leaf.publicKey, ctx, algorithm))) {
    return { ok: false, state: 'invalid', signer, reason: `the signature over '${target}' does not verify with the key of certificate '${signer}'` }
  }
  return { ok: true, method: 'certificate', signer, issuer: subjectOf(chain.anchor), keyHint: null }
}

async function checkKeyless(target: string, b: ParsedBundle, ctx: Context): Promise<Check> {
  if (b.content.kind !== 'message') throw new Error('unreachable')
  const content = b.content
  let signer: Signer
  try {
    const entity = toSignedEntity(bundleFromJSON(b.json), Buffer.alloc(0))
    const algorithm = DIGEST_ALGORITHMS[content.digestAlgorithm ?? 'SHA2_256'] ?? 'sha256'
    const fileDigest = await digestOf(target, algorithm, ctx)
    if (!content.digest || !fileDigest.equals(content.digest)) {
      return { ok: false, state: 'digest-mismatch', reason: `'${target}' differs from the file the bundle signs (its ${algorithm} is not the bundle's message digest)` }
    }
    // The bundle's digest is the file's: verify the signature from it, without reading the file.
    entity.signature.verifySignature = (key) => verifyEcdsaDigest(key, fileDigest, content.signature)
    signer = new Verifier(ctx.trust.sigstore(), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }).verify(entity)
  } catch (err) {
    if (err instanceof NeedsLfsContent) throw err
    const e = err as Error & { code?: string }
    return {
      ok: false,
      state: e.code === 'CERTIFICATE_ERROR' ? 'untrusted-identity' : 'invalid',
      reason: `the keyless signature does not verify against ${ctx.trust.rootLabel}: ${e.message || e.code || 'verification failed'}`
    }
  }
  const identity = signer.identity?.subjectAlternativeName
  const issuer = signer.identity?.extensions?.issuer
  const who = { signer: identity ?? null, issuer: issuer ?? null }
  if (ctx.trust.identities.length === 0) {
    return { ok: false, state: 'unverifiable', ...who, reason: `'${target}' is signed keyless by '${identity ?? '?'}' (issuer '${issuer ?? '?'}'), but signatures.trusted-identities lists no identity to accept` }
  }
  if (!ctx.trust.identities.some((t) => t.matches(identity, issuer))) {
    return { ok: false, state: 'untrusted-identity', ...who, reason: `'${target}' is signed keyless by '${identity ?? '?'}' (issuer '${issuer ?? '?'}'), which matches none of signatures.trusted-identities` }
  }
  return { ok: true, method: 'sigstore', ...who, keyHint: null }
}

function fixFor(check: Extract<Check, { ok: false }>, target: string, sigFile: string, method: SignatureMethod | null): string {
  const cosign = `cosign sign-blob ${target} --bundle ${sigFile}${method === 'public-key' ? ' --key <cosign.key>' : ''}`
  switch (check.state) {
    case 'unverifiable':
      return method === 'sigstore'
        ? 'Add the signer to signatures.trusted-identities (identity or identity-regex, and issuer) in .modelgate.yml.'
        : method === 'certificate'
          ? 'Add the root CA certificate (PEM) to signatures.trusted-certificates in .modelgate.yml.'
          : "Add the signer's public key (PEM) to signatures.trusted-keys in .modelgate.yml."
    case 'untrusted-identity':
      return `If the signer is legitimate, add it to the policy (signatures.trusted-keys / trusted-certificates / trusted-identities); otherwise re-sign: ${cosign}`
    case 'digest-mismatch':
      return `If the change is intended, re-sign the file: ${cosign}; otherwise restore the signed file.`
    default:
      return `Re-sign the file and commit the new signature: ${cosign}`
  }
}

/** A signature whose subject is one file (`model.onnx.sig` signs `model.onnx`); checksum lists are followed. */
export async function verifySingleFile(file: string, ctx: Context, bundle: ParsedBundle | null, detached: Buffer | null): Promise<SignatureResult> {
  const target = strippedTarget(file)
  const format: SignatureFormat = bundle ? 'sigstore-bundle' : 'detached'
  const method: SignatureMethod | null = bundle ? (isKeyless(bundle) ? 'sigstore' : bundle.material.kind === 'public-key' ? 'public-key' : 'certificate') : null
  const base: SignatureFacts = {
    signatureFile: file,
    format,
    method,
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
  try {
    if (bundle) {
      if (bundle.content.kind !== 'message') throw new Error('unreachable')
      const algorithm = DIGEST_ALGORITHMS[bundle.content.digestAlgorithm ?? 'SHA2_256']
      if (isKeyless(bundle)) check = await checkKeyless(target, bundle, ctx)
      else if (bundle.content.digest && !(await digestOf(target, algorithm ?? 'sha256', ctx)).equals(bundle.content.digest)) {
        check = { ok: false, state: 'digest-mismatch', reason: `'${target}' differs from the file the bundle signs` }
      } else if (bundle.material.kind === 'public-key') check = await checkWithKeys(target, bundle.content.signature, bundle.material.hint, bundle.material.rawBytes, ctx, algorithm)
      else if (bundle.material.kind === 'certificate-chain') check = await checkWithChain(target, bundle.content.signature, bundle.material.certificates, ctx, algorithm)
      else check = { ok: false, state: 'invalid', reason: 'unreachable' }
    } else {
      const sig = decodeDetached(detached!)
      if (!sig) check = { ok: false, state: 'invalid', reason: 'the detached signature is neither base64 nor DER' }
      else {
        const cert = await certificateNextTo(target, ctx)
        check = cert ? await checkWithChain(target, sig, [cert], ctx) : await checkWithKeys(target, sig, null, null, ctx)
      }
    }
  } catch (err) {
    if (!(err instanceof NeedsLfsContent)) throw err
    check = { ok: false, state: 'unverifiable', reason: `'${target}' is a Git LFS pointer and this signature needs its bytes: not verifiable without LFS content` }
  }
  const facts: SignatureFacts = check.ok
    ? { ...base, method: check.method, signer: check.signer, issuer: check.issuer, keyHint: check.keyHint ?? base.keyHint }
    : { ...base, signer: check.signer ?? null, issuer: check.issuer ?? null }
  if (!check.ok) {
    const findingPath = check.state === 'digest-mismatch' ? target : file
    return {
      file,
      facts,
      outcome: { state: check.state, reason: check.reason },
      covered: isChecksumList(target) ? [target, ...(await listedFiles(target, ctx))] : [target],
      findings: [{ rule: RULE_OF[check.state], path: findingPath, line: null, message: sentence(check.reason), fix: fixFor(check, target, file, method) }]
    }
  }
  if (isChecksumList(target)) {
    return verifyChecksums(target, ctx, { ...facts, format: 'checksum-manifest' }, file)
  }
  return { file, facts, outcome: { state: 'verified' }, covered: [target], findings: [] }
}

function isChecksumList(p: string): boolean {
  return /^(SHA256SUMS|sha256sums)(\.txt)?$/.test(path.posix.basename(p)) || p.endsWith('.sha256')
}

/** The files a checksum list names that are in the tree (for coverage when its signature fails). */
async function listedFiles(manifest: string, ctx: Context): Promise<string[]> {
  const dir = dirOf(manifest)
  const src = await ctx.tree.open(manifest)
  try {
    const entries = parseChecksums((await src.read(0, Math.min(src.size, 16 << 20))).toString('utf8'), manifest)
    const here = new Set(await ctx.tree.list(dir))
    return entries.map((e) => (dir ? `${dir}/${e.name.replace(/^(\.\/)+/, '')}` : e.name.replace(/^(\.\/)+/, ''))).filter((p) => here.has(p))
  } catch {
    return []
  } finally {
    await src.close()
  }
}

function decodeDetached(bytes: Buffer): Buffer | null {
  if (bytes[0] === 0x30) return bytes
  const text = bytes.toString('latin1').trim()
  if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) return null
  const raw = Buffer.from(text.replace(/\s+/g, ''), 'base64')
  return raw.length > 0 ? raw : null
}

/** `x.bin.pem`, `x.bin.crt`, `x.bin.cert`, `x.bin-cert.pem` next to a detached signature. */
async function certificateNextTo(target: string, ctx: Context): Promise<Buffer | null> {
  const here = await ctx.children(dirOf(target))
  for (const c of [`${target}.pem`, `${target}.crt`, `${target}.cert`, `${target}-cert.pem`]) {
    if (!here.includes(c)) continue
    const src = await ctx.tree.open(c)
    try {
      let bytes = await src.read(0, Math.min(src.size, 64 << 10))
      // cosign writes the PEM base64-encoded once more.
      if (!bytes.includes('-----BEGIN')) bytes = Buffer.from(bytes.toString('latin1').trim(), 'base64')
      return Buffer.from(new X509Certificate(bytes).raw)
    } catch {
      return null
    } finally {
      await src.close()
    }
  }
  return null
}

export interface ChecksumEntry {
  name: string
  sha256: string
}

/** GNU (`<hex>  name`, `<hex> *name`, `\`-escaped) and BSD (`SHA256 (name) = <hex>`) lines; a bare `<hex>` in `x.sha256` names `x`. */
export function parseChecksums(text: string, file: string): ChecksumEntry[] {
  const out: ChecksumEntry[] = []
  const bare = file.endsWith('.sha256') ? path.posix.basename(file).slice(0, -'.sha256'.length) : null
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '' || line.startsWith('#')) continue
    let m = /^(\\)?([0-9a-fA-F]{64}) [ *](.+)$/.exec(line)
    if (m) {
      const name = m[1] ? m[3]!.replace(/\\(\\|n|r)/g, (_s, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : m[3]!
      out.push({ name, sha256: m[2]!.toLowerCase() })
      continue
    }
    m = /^SHA256 ?\((.+)\) ?= ?([0-9a-fA-F]{64})$/.exec(line)
    if (m) {
      out.push({ name: m[1]!, sha256: m[2]!.toLowerCase() })
      continue
    }
    if (bare && /^[0-9a-fA-F]{64}$/.test(line.trim())) {
      out.push({ name: bare, sha256: line.trim().toLowerCase() })
      continue
    }
    if (/^(SHA\d+|MD5|BLAKE2b?) ?\(/.test(line) || /^[0-9a-fA-F]{32,128} [ *]/.test(line)) continue // other algorithms
    throw new Error(`line '${line.slice(0, 80)}' is neither a GNU nor a BSD checksum line`)
  }
  return out
}

/**
 * Checks a checksum list against the tree. Signed (`signedBy`): the listed files are covered with the
 * signer's facts. Unsigned: only mismatches are reported; the list proves no origin, so it does not
 * count as a signature for `signatures.required-for`.
 */
export async function verifyChecksums(manifest: string, ctx: Context, signedBy: SignatureFacts | null, sigFile: string | null = null): Promise<SignatureResult> {
  const file = sigFile ?? manifest
  const dir = dirOf(manifest)
  const facts: SignatureFacts = signedBy ?? { signatureFile: manifest, format: 'checksum-manifest', method: 'checksum', signer: null, issuer: null, keyHint: null, rekorLogIndex: null, rootDigest: null }
  let entries: ChecksumEntry[]
  const src = await ctx.tree.open(manifest)
  try {
    entries = parseChecksums((await src.read(0, Math.min(src.size, 16 << 20))).toString('utf8'), manifest)
    for (const e of entries) {
      const name = e.name.replace(/^(\.\/)+/, '')
      const bad = checkName(name)
      if (bad || name === '.') throw new Error(`it lists ${bad ?? "'.'"}; names must be relative paths below the list's folder`)
      e.name = name
    }
  } catch (err) {
    const reason = `${manifest} is not a usable checksum list: ${(err as Error).message}`
    return { file, facts, outcome: { state: 'invalid', reason }, covered: [], findings: [{ rule: 'signature-invalid', path: manifest, line: null, message: sentence(reason), fix: `Regenerate it: (cd ${dir || '.'} && sha256sum <files> > ${path.posix.basename(manifest)})` }] }
  } finally {
    await src.close()
  }
  const here = new Set(await ctx.tree.list(dir))
  const covered: string[] = []
  const findings: PendingFinding[] = []
  for (const e of entries) {
    const p = dir ? `${dir}/${e.name}` : e.name
    if (!here.has(p)) continue // lists often name release files that are not in the repository
    covered.push(p)
    if ((await ctx.digests.sha256(p)).sha256 !== e.sha256) {
      findings.push({
        rule: 'signature-digest-mismatch',
        path: p,
        line: null,
        message: `'${p}' does not match its SHA-256 in ${manifest}${signedBy ? ` (signed by ${signedBy.signer ?? '?'})` : ''}.`,
        fix: `If the change is intended, update ${manifest}${signedBy ? ` and re-sign it (cosign sign-blob ${manifest} --bundle ${file})` : ''}; otherwise restore the file.`
      })
    }
  }
  if (findings.length > 0) {
    return { file, facts, outcome: { state: 'digest-mismatch', reason: `${findings.length} file(s) differ from ${manifest}` }, covered, findings, unsigned: !signedBy }
  }
  if (!signedBy) return { file, facts, outcome: { state: 'unverifiable', reason: `${manifest} matches, but it is not signed, so it says nothing about who produced the files` }, covered, findings, unsigned: true }
  return { file, facts, outcome: { state: 'verified' }, covered: [...covered, manifest], findings }
}
