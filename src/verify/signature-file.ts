import path from 'node:path'
import { signatureFormat } from '../identify/by-name.js'
import { bundleFromJSON } from '@sigstore/bundle'
import { Verifier, toSignedEntity, type Signer } from '@sigstore/verify'
import type { SignatureFacts, SignatureFailure, SignatureFormat, SignatureMethod } from '../types.js'
import { BundleError, isKeyless, parseBundle, type ParsedBundle } from './bundle.js'
import { verifyChain, subjectOf } from './chain.js'
import { compareModel, GIT_DEFAULT_IGNORES, listModelFiles, repoPath, type ModelTarget } from './compare.js'
import { IN_TOTO_PAYLOAD_TYPE, verifyDsse } from './dsse.js'
import { preferredMethod, signCommand } from './hints.js'
import { OmsError, parseStatement, type OmsManifest } from './oms.js'
import { MAX_SIGNATURE_BYTES, RULE_OF, sentence, signedBy, strippedTarget, type Context, type PendingFinding, type SignatureResult } from './result.js'
import { verifyChecksums } from './checksums.js'
import { verifySingleFile } from './single-file.js'
import { keyHint, publicKeyFrom, type Trust, type TrustedKey } from './trust.js'

const dirOf = (p: string): string => {
  const d = path.posix.dirname(p)
  return d === '.' ? '' : d
}

type KeyCheck =
  | { ok: true; method: SignatureMethod; signer: string | null; issuer: string | null; keyHint: string | null; payload: Buffer; payloadType: string }
  | { ok: false; state: SignatureFailure; reason: string; signer?: string | null; issuer?: string | null; keyHint?: string | null }

const SIGSTORE_BUNDLE_START = /^\s*\{[^]*"mediaType"\s*:\s*"application\/vnd\.dev\.sigstore\.bundle/

/** Verifies one signature file; null for a `.bundle` that is not a Sigstore bundle (git bundles share the suffix). */
export async function verifySignatureFile(file: string, ctx: Context): Promise<SignatureResult | null> {
  const src = await ctx.tree.open(file)
  let text: string
  let bytes: Buffer
  try {
    // `.bundle` is git's suffix too: only the start decides, before any size rule applies
    if (file.endsWith('.bundle') && !SIGSTORE_BUNDLE_START.test((await src.read(0, 4096)).toString('utf8'))) return null
    if (src.size > MAX_SIGNATURE_BYTES) {
      return broken(file, ctx, 'sigstore-bundle', null, `the file is ${src.size} bytes, larger than any signature ModelGate reads (16 MiB)`)
    }
    bytes = await src.read(0, src.size)
    text = bytes.toString('utf8')
  } finally {
    await src.close()
  }
  if (signatureFormat(file) === 'checksum-manifest') return verifyChecksums(file, ctx, null)
  if (file.endsWith('.sig') && text.trim() !== '' && !text.trimStart().startsWith('{')) {
    const target = strippedTarget(file)
    if (target && (path.posix.basename(target).includes('.') || (await ctx.children(dirOf(target))).includes(target))) return verifySingleFile(file, ctx, null, bytes)
  }
  let bundle: ParsedBundle
  try {
    bundle = parseBundle(text)
  } catch (err) {
    if (!(err instanceof BundleError)) throw err
    return broken(file, ctx, 'oms', null, `not a valid Sigstore bundle: ${err.message}`)
  }
  if (bundle.content.kind !== 'dsse') return verifySingleFile(file, ctx, bundle, null)
  return verifyOms(file, bundle, ctx)
}

function methodOf(b: ParsedBundle): SignatureMethod {
  return isKeyless(b) ? 'sigstore' : b.material.kind === 'public-key' ? 'public-key' : 'certificate'
}

function facts(file: string, format: SignatureFormat, method: SignatureMethod | null, extra: Partial<SignatureFacts> = {}): SignatureFacts {
  return { signatureFile: file, format, method, signer: null, issuer: null, keyHint: null, rekorLogIndex: null, rootDigest: null, ...extra }
}

/**
 * A signature file whose verification failed in a way no check anticipated (a parser throwing on
 * hostile content): judged invalid, never accepted, and the scan goes on.
 */
export async function unverifiedFile(file: string, ctx: Context, err: unknown): Promise<SignatureResult> {
  const why = err instanceof Error ? err.message : String(err)
  const format: SignatureFormat = signatureFormat(file) === 'checksum-manifest' ? 'checksum-manifest' : 'sigstore-bundle'
  return broken(file, ctx, format, null, `this signature could not be verified (${why.slice(0, 200)}), and a signature that cannot be checked is not accepted`)
}

/** A signature too broken to say what it covers: it speaks for its target file, or the scanned files in its folder. */
async function broken(file: string, ctx: Context, format: SignatureFormat, method: SignatureMethod | null, reason: string, state: SignatureFailure = 'invalid'): Promise<SignatureResult> {
  const covered = await presumedCoverage(file, ctx)
  const target = strippedTarget(file)
  const modelPath = target && covered.length === 1 && covered[0] === target ? target : dirOf(file)
  return {
    file,
    facts: facts(file, format, method),
    outcome: { state, reason },
    covered,
    findings: [
      {
        rule: RULE_OF[state],
        path: file,
        line: null,
        message: sentence(reason),
        fix:
          state === 'unverifiable'
            ? `Sign the model with OpenSSF Model Signing instead: ${signCommand(modelPath, file, preferredMethod(ctx.config, method))}`
            : `Re-sign the model and commit the new signature: ${signCommand(modelPath, file, preferredMethod(ctx.config, method))}`
      }
    ]
  }
}

async function presumedCoverage(file: string, ctx: Context): Promise<string[]> {
  const target = strippedTarget(file)
  if (target && (await ctx.children(dirOf(target))).includes(target)) return [target]
  // `weights.onnx.sig` without `weights.onnx` speaks for nothing; `model.sig` for its folder.
  if (target && path.posix.basename(target).includes('.')) return []
  return ctx.artifactsUnder(dirOf(file)).filter((p) => p !== file)
}

async function checkSigner(b: ParsedBundle, ctx: Context): Promise<KeyCheck> {
  if (b.content.kind !== 'dsse') throw new Error('unreachable')
  const { payload, payloadType, signatures } = b.content
  if (isKeyless(b)) return checkKeyless(b, ctx.trust, payload, payloadType)
  if (b.material.kind === 'public-key') {
    const material = b.material
    const trusted = ctx.trust.keys
    let embeddedHint: string | null = material.hint
    if (!embeddedHint && material.rawBytes) {
      try {
        embeddedHint = keyHint(publicKeyFrom(material.rawBytes))
      } catch {
        return { ok: false, state: 'invalid', reason: "the bundle's publicKey.rawBytes is not a public key" }
      }
    }
    if (trusted.length === 0) {
      return {
        ok: false,
        state: 'unverifiable',
        keyHint: embeddedHint,
        reason: `the model is signed with a public key${embeddedHint ? ` (hint ${embeddedHint})` : ''}, but signatures.trusted-keys lists no key to verify it with${problemsNote(ctx.trust, 'signatures.trusted-keys')}`
      }
    }
    let candidates: TrustedKey[] = trusted
    if (embeddedHint) {
      candidates = trusted.filter((k) => k.hint === embeddedHint)
      if (candidates.length === 0) {
        return {
          ok: false,
          state: 'untrusted-identity',
          keyHint: embeddedHint,
          reason: `the model is signed with the public key ${embeddedHint} (SHA-256 of its PEM), which is not one of the ${trusted.length} key(s) in signatures.trusted-keys`
        }
      }
    }
    for (const k of candidates) {
      for (const sig of signatures) {
        if (verifyDsse(payloadType, payload, sig, k.key).ok) return { ok: true, method: 'public-key', signer: k.label, issuer: null, keyHint: k.hint, payload, payloadType }
      }
    }
    return {
      ok: false,
      state: 'invalid',
      keyHint: embeddedHint,
      reason: embeddedHint
        ? `the signature does not verify with the trusted key ${candidates[0]!.label}, although the bundle names that key: the signed statement or the signature was altered`
        : `the signature does not verify with any of the ${candidates.length} key(s) in signatures.trusted-keys`
    }
  }
  if (b.material.kind === 'certificate-chain') {
    const anchors = ctx.trust.certificates.map((c) => c.cert)
    if (anchors.length === 0) {
      return {
        ok: false,
        state: 'unverifiable',
        reason: `the model is signed with an X.509 certificate chain, but signatures.trusted-certificates lists no certificate authority to anchor it${problemsNote(ctx.trust, 'signatures.trusted-certificates')}`
      }
    }
    const chain = verifyChain(b.material.certificates, anchors)
    if (!chain.ok) return { ok: false, state: chain.rule === 'signature-invalid' ? 'invalid' : 'untrusted-identity', reason: chain.reason }
    const signer = subjectOf(chain.leaf)
    const issuer = subjectOf(chain.anchor)
    for (const sig of signatures) {
      if (verifyDsse(payloadType, payload, sig, chain.leaf.publicKey).ok) {
        return { ok: true, method: 'certificate', signer, issuer, keyHint: keyHint(chain.leaf.publicKey), payload, payloadType }
      }
    }
    return { ok: false, state: 'invalid', signer, issuer, reason: `the signature does not verify with the key of the signing certificate '${signer}'` }
  }
  throw new Error('unreachable')
}

function problemsNote(trust: Trust, key: string): string {
  const p = trust.problems.filter((x) => x.key === key)
  return p.length === 0 ? '' : ` (could not load ${p.map((x) => `'${x.entry.slice(0, 80)}': ${x.reason}`).join('; ')})`
}

function checkKeyless(b: ParsedBundle, trust: Trust, payload: Buffer, payloadType: string): KeyCheck {
  let signer: Signer
  try {
    const bundle = bundleFromJSON(b.json)
    let material
    try {
      material = trust.sigstore()
    } catch (err) {
      return { ok: false, state: 'unverifiable', reason: `keyless signature, but the Sigstore trusted root cannot be used: ${(err as Error).message}${problemsNote(trust, 'signatures.trusted-root')}` }
    }
    signer = new Verifier(material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }).verify(toSignedEntity(bundle))
  } catch (err) {
    const e = err as Error & { code?: string }
    const why = e.message || e.code || 'verification failed'
    if (e.code === 'CERTIFICATE_ERROR') {
      return { ok: false, state: 'untrusted-identity', reason: `the keyless signing certificate does not chain to a certificate authority of ${trust.rootLabel} (${why})` }
    }
    return { ok: false, state: 'invalid', reason: `the keyless signature does not verify against ${trust.rootLabel}: ${why}` }
  }
  const identity = signer.identity?.subjectAlternativeName
  const issuer = signer.identity?.extensions?.issuer
  const who = { signer: identity ?? null, issuer: issuer ?? null }
  if (trust.identities.length === 0) {
    return {
      ok: false,
      state: 'unverifiable',
      ...who,
      reason: `the model is signed keyless by '${identity ?? '?'}' (issuer '${issuer ?? '?'}'), but signatures.trusted-identities lists no identity to accept`
    }
  }
  if (!trust.identities.some((t) => t.matches(identity, issuer))) {
    return {
      ok: false,
      state: 'untrusted-identity',
      ...who,
      reason: `the model is signed keyless by '${identity ?? '?'}' (issuer '${issuer ?? '?'}'), which matches none of signatures.trusted-identities`
    }
  }
  return { ok: true, method: 'sigstore', ...who, keyHint: null, payload, payloadType }
}

async function resolveTarget(file: string, manifest: OmsManifest, ctx: Context): Promise<ModelTarget | { missing: string }> {
  const dir = dirOf(file)
  if (!manifest.resources.some((r) => r.path === '.')) return { dir, file: null }
  const here = await ctx.children(dir)
  const stripped = strippedTarget(file)
  if (stripped && here.includes(stripped)) return { dir, file: stripped }
  const byName = manifest.modelName ? repoPath(dir, manifest.modelName) : null
  if (byName && manifest.modelName !== '.' && !manifest.modelName.includes('/') && here.includes(byName)) return { dir, file: byName }
  return { missing: stripped ?? byName ?? repoPath(dir, '?') }
}

async function verifyOms(file: string, b: ParsedBundle, ctx: Context): Promise<SignatureResult> {
  if (b.content.kind !== 'dsse') throw new Error('unreachable')
  const method = methodOf(b)
  const base = facts(file, 'oms', method, { rekorLogIndex: isKeyless(b) ? b.rekorLogIndex : null })
  // What the statement claims, read before the signature is checked only to know which files it speaks for.
  let manifest: OmsManifest | null = null
  let statementError: OmsError | null = null
  if (b.content.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    statementError = new OmsError(`the DSSE payload type is '${b.content.payloadType}', not '${IN_TOTO_PAYLOAD_TYPE}'`)
  } else {
    try {
      manifest = parseStatement(b.content.payload)
    } catch (err) {
      if (!(err instanceof OmsError)) throw err
      statementError = err
    }
  }
  const check = await checkSigner(b, ctx)
  const signerFacts: Partial<SignatureFacts> = check.ok
    ? { signer: check.signer, issuer: check.issuer, keyHint: check.keyHint }
    : { signer: check.signer ?? null, issuer: check.issuer ?? null, keyHint: check.keyHint ?? null }
  const f = { ...base, ...signerFacts, rootDigest: manifest?.rootDigest ?? null }
  const target = manifest ? await resolveTarget(file, manifest, ctx) : null
  const modelPath = target && !('missing' in target) ? (target.file ?? target.dir) : dirOf(file)
  const resign = signCommand(modelPath, file, preferredMethod(ctx.config, method), manifest?.ignorePaths.filter((p) => !GIT_DEFAULT_IGNORES.includes(p) && p !== path.posix.basename(file)).map((p) => repoPath(dirOf(file), p)))
  const coverageOf = async (): Promise<string[]> => {
    if (!manifest || !target) return presumedCoverage(file, ctx)
    if ('missing' in target) return []
    if (target.file) return [target.file]
    return [...(await listModelFiles(manifest.ignorePaths, target, file, ctx.tree, ctx.config.signatures['ignore-paths'])).values()]
  }
  const fail = async (state: SignatureFailure, reason: string, fix: string): Promise<SignatureResult> => ({
    file,
    facts: f,
    outcome: { state, reason },
    covered: await coverageOf(),
    findings: [{ rule: RULE_OF[state], path: file, line: null, message: sentence(reason), fix }]
  })

  if (!check.ok) {
    const also = statementError && check.state === 'invalid' ? `; besides, ${statementError.message}` : ''
    return fail(check.state, check.reason + also, fixFor(check.state, method, check, resign))
  }
  if (statementError || !manifest) {
    const err = statementError ?? new OmsError('the statement could not be read')
    return fail(err.unverifiable ? 'unverifiable' : 'invalid', `the signature verifies, but ${err.message}`, `Re-sign the model with model_signing: ${resign}`)
  }
  if (!target || 'missing' in target) {
    const missing = target && 'missing' in target ? target.missing : file
    return {
      file,
      facts: f,
      outcome: { state: 'digest-mismatch', reason: `the signed model file '${missing}' is not in the repository` },
      covered: [],
      findings: [
        {
          rule: 'signature-digest-mismatch',
          path: file,
          line: null,
          message: `${file} signs the one-file model '${manifest.modelName || '.'}', which is not next to it ('${missing}' is not in the repository).`,
          fix: `Restore '${missing}', or delete the stale signature.`
        }
      ]
    }
  }
  const cmp = await compareModel(manifest, target, file, ctx.tree, ctx.digests, ctx.config.signatures['ignore-paths'])
  if (cmp.kind === 'unverifiable') {
    return {
      file,
      facts: f,
      outcome: { state: 'unverifiable', reason: cmp.reason },
      covered: cmp.files,
      findings: [
        {
          rule: 'signature-unverifiable',
          path: file,
          line: null,
          message: `The signature by ${signedBy(f)} is genuine, but ${cmp.reason}.`,
          fix: `Re-sign with SHA-256 file digests (the model_signing default), which ModelGate checks from Git LFS pointers: ${resign}`
        }
      ]
    }
  }
  const findings: PendingFinding[] = []
  for (const p of cmp.changed) {
    findings.push({
      rule: 'signature-digest-mismatch',
      path: p,
      line: null,
      message: `'${p}' differs from the version signed in ${file} (signed by ${signedBy(f)}).`,
      fix: `If the change is intended, re-sign the model: ${resign}; otherwise restore the signed file.`
    })
  }
  for (const p of cmp.extra) {
    findings.push({
      rule: 'signature-digest-mismatch',
      path: p,
      line: null,
      message: `'${p}' is in the signed model folder but not in ${file}: an unsigned file next to signed weights.`,
      fix: `Remove it, or re-sign the model to include it: ${resign} (files that are not part of the model can be listed in signatures.ignore-paths, or passed to model_signing with --ignore-paths).`
    })
  }
  for (const m of cmp.missing) {
    findings.push({
      rule: 'signature-digest-mismatch',
      path: file,
      line: null,
      message: `${file} signs '${m.name}', which is missing from the model folder ('${m.path}').`,
      fix: `Restore '${m.path}', or re-sign the model without it: ${resign}`
    })
  }
  if (findings.length === 0) return { file, facts: f, outcome: { state: 'verified' }, covered: cmp.files, findings }
  const parts = [
    cmp.changed.length ? `${cmp.changed.length} changed` : '',
    cmp.extra.length ? `${cmp.extra.length} unsigned` : '',
    cmp.missing.length ? `${cmp.missing.length} missing` : ''
  ].filter(Boolean)
  return { file, facts: f, outcome: { state: 'digest-mismatch', reason: `the model's files differ from the signed ones (${parts.join(', ')})` }, covered: cmp.files, findings }
}

function fixFor(state: SignatureFailure, method: SignatureMethod, check: Extract<KeyCheck, { ok: false }>, resign: string): string {
  if (state === 'untrusted-identity') {
    if (method === 'sigstore') {
      return check.signer
        ? `If '${check.signer}' (issuer '${check.issuer ?? '?'}') is a legitimate signer, add it to signatures.trusted-identities; otherwise re-sign with a trusted identity: ${resign}`
        : `Re-sign with an identity of the configured Sigstore instance (signatures.trusted-root): ${resign}`
    }
    if (method === 'public-key') return `If that key is legitimate, add its public key to signatures.trusted-keys; otherwise re-sign with a trusted key: ${resign}`
    return `Add the issuing CA to signatures.trusted-certificates if it is legitimate, or re-sign with a certificate issued under a trusted CA: ${resign}`
  }
  if (state === 'unverifiable') {
    if (method === 'sigstore') return `Add the signer to signatures.trusted-identities (identity or identity-regex, and issuer) in .modelgate.yml.`
    if (method === 'public-key') return `Add the signer's public key (PEM) to signatures.trusted-keys in .modelgate.yml.`
    return `Add the root CA certificate (PEM) to signatures.trusted-certificates in .modelgate.yml.`
  }
  if (method === 'sigstore') {
    return `If the model was signed with a private Sigstore instance, set signatures.trusted-root to its trusted_root.json; otherwise re-sign the model and commit the new signature: ${resign}`
  }
  return `Re-sign the model and commit the new signature: ${resign}`
}
