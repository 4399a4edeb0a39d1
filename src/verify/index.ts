import path from 'node:path'
import { minimatch } from 'minimatch'
import type { Config } from '../config/schema.js'
import { signatureFormat } from '../identify/by-name.js'
import type { Artifact, Finding, SignatureStatus } from '../types.js'
import { byCodeUnit } from '../util/compare.js'
import { DigestCache } from './digests.js'
import { preferredMethod, signCommand, signTarget } from './hints.js'
import type { Context, SignatureResult } from './result.js'
import { unverifiedFile, verifySignatureFile } from './signature-file.js'
import { strippedTarget } from './result.js'
import { loadTrust, type TrustFileReader } from './trust.js'
import type { TreeReader } from './tree-reader.js'

export type { TreeReader } from './tree-reader.js'
export { fsTreeReader, gitTreeReader } from './tree-reader.js'
export type { TrustFileReader } from './trust.js'

export interface VerifyInput {
  /** The scan's artifacts (models with sha256 / LFS oid; signature files with kind 'signature'). */
  artifacts: Artifact[]
  /** The scanned head state. */
  tree: TreeReader
  /** `.modelgate.yml`. */
  config: Config
  /** SHA-256 the scan already computed (reused; only files the scan did not hash are hashed). */
  digestOf?: (relPath: string) => string | undefined
  /**
   * Reads key, certificate and trusted-root files named in the config. Pass the side the config was
   * loaded from (the base branch in PR mode) so a PR cannot swap the keys it is checked against.
   * Default: the scanned tree.
   */
  readTrustFile?: TrustFileReader
}

export interface VerifyResult {
  /** By artifact path: every model, every signature file, and every other artifact a signature covers. */
  signatures: Map<string, SignatureStatus>
  findings: Finding[]
  /** Files verification hashed itself, beyond what the scan had hashed (cost accounting). */
  hashed: string[]
}

const dirOf = (p: string): string => {
  const d = path.posix.dirname(p)
  return d === '.' ? '' : d
}

function ancestors(p: string): string[] {
  const out: string[] = []
  let d = dirOf(p)
  for (;;) {
    out.push(d)
    if (d === '') return out
    d = dirOf(d)
  }
}

async function readFromTree(tree: TreeReader, relPath: string): Promise<Buffer> {
  const src = await tree.open(relPath)
  try {
    if (src.size > 1 << 20) throw new Error(`${relPath} is larger than 1 MiB`)
    return await src.read(0, src.size)
  } finally {
    await src.close()
  }
}

/** `model.onnx.bundle` next to `model.onnx`: the other name cosign's docs give `--bundle` (read only if it is a Sigstore bundle). */
function isBundleNextTo(f: string, siblings: string[]): boolean {
  if (!f.endsWith('.bundle')) return false
  const target = strippedTarget(f)
  return target !== null && siblings.includes(target)
}

/**
 * Verifies every signature that covers a scanned artifact (OpenSSF Model Signing bundles with
 * Sigstore keyless, public-key and certificate-chain signatures), compares what they sign with the
 * files in the tree, and enforces `signatures.required-for`. Runs offline; Git LFS pointers are
 * verified from their oid, never downloaded.
 */
export async function verifySignatures(input: VerifyInput): Promise<VerifyResult> {
  const { artifacts, tree, config } = input
  const trust = await loadTrust(config, input.readTrustFile ?? ((p) => readFromTree(tree, p)))
  const digests = new DigestCache(tree, artifacts, input.digestOf)
  const live = artifacts.filter((a) => a.change !== 'removed')
  const childrenCache = new Map<string, Promise<string[]>>()
  const ctx: Context = {
    tree,
    trust,
    digests,
    config,
    children(dir) {
      let p = childrenCache.get(dir)
      if (!p) {
        p = tree.children(dir)
        childrenCache.set(dir, p)
      }
      return p
    },
    artifactsUnder: (dir) => live.filter((a) => dir === '' || a.path.startsWith(`${dir}/`)).map((a) => a.path)
  }

  // Signature files: the scanned ones, and those in the folders (and their parents) of scanned files,
  // since in change mode an unchanged model.sig still covers a changed model.
  const sigFiles = new Set<string>(live.filter((a) => a.kind === 'signature').map((a) => a.path))
  const dirs = new Set<string>()
  for (const a of artifacts) for (const d of ancestors(a.path)) dirs.add(d)
  for (const d of [...dirs].sort(byCodeUnit)) {
    const here = await ctx.children(d)
    for (const f of here) if (signatureFormat(f) || isBundleNextTo(f, here)) sigFiles.add(f)
  }
  // A signed checksum list is verified through its signature.
  for (const f of [...sigFiles]) {
    const target = strippedTarget(f)
    if (target && sigFiles.has(target) && signatureFormat(target) === 'checksum-manifest') sigFiles.delete(target)
  }

  const results: SignatureResult[] = []
  for (const f of [...sigFiles].sort(byCodeUnit)) {
    // A signature file is repository content: whatever it makes a parser do, it is judged
    // invalid (fail closed), and the other signatures are still verified.
    const r = await verifySignatureFile(f, ctx).catch((err: unknown) => unverifiedFile(f, ctx, err))
    if (r) results.push(r)
  }

  const required = (p: string): boolean => config.signatures['required-for'].some((g) => minimatch(p, g, { dot: true }))
  const findings: Finding[] = []
  const signatures = new Map<string, SignatureStatus>()
  const livePaths = new Set(live.map((a) => a.path))
  const covering = new Map<string, SignatureResult[]>()
  for (const r of results) {
    // An unsigned checksum list speaks only for the files it contradicts.
    const speaksFor = r.unsigned ? r.covered.filter((p) => r.findings.some((f) => f.path === p)) : r.covered
    for (const p of speaksFor) covering.set(p, [...(covering.get(p) ?? []), r])
    const anyRequired = r.covered.some(required)
    for (const pf of r.findings) {
      const severity = pf.rule === 'signature-unverifiable' && !anyRequired ? 'warning' : 'error'
      findings.push({ ...pf, severity })
    }
  }
  const statusOf = (r: SignatureResult): SignatureStatus =>
    r.outcome.state === 'verified' && r.facts.method !== null
      ? { state: 'verified', ...r.facts, method: r.facts.method }
      : { state: r.outcome.state === 'verified' ? 'invalid' : r.outcome.state, reason: r.outcome.state === 'verified' ? 'no signing method' : r.outcome.reason, ...r.facts }
  for (const r of results) if (livePaths.has(r.file)) signatures.set(r.file, statusOf(r))
  for (const [p, rs] of covering) {
    if (!livePaths.has(p)) continue
    const best = rs.find((r) => r.outcome.state === 'verified') ?? rs[0]!
    signatures.set(p, statusOf(best))
  }
  for (const a of live) {
    if (a.kind !== 'model' || signatures.has(a.path)) continue
    const isRequired = required(a.path)
    signatures.set(a.path, { state: 'unsigned', required: isRequired })
    if (!isRequired) continue
    const { modelPath, signaturePath } = signTarget(a.path)
    const cmd = signCommand(modelPath, signaturePath, preferredMethod(config))
    findings.push({
      rule: 'unsigned-model',
      severity: 'error',
      path: a.path,
      line: null,
      message: `'${a.path}' matches signatures.required-for but no signature covers it.`,
      fix: `Sign the model and commit the signature: ${cmd}`
    })
  }
  for (const t of trust.problems) {
    findings.push({
      rule: 'signature-unverifiable',
      severity: 'error',
      path: t.entry.includes('\n') ? '.modelgate.yml' : t.entry,
      line: null,
      message: `${t.key} entry '${t.entry.slice(0, 80)}' cannot be loaded: ${t.reason}.`,
      fix: `Point ${t.key} at a readable PEM file (or paste the PEM inline).`
    })
  }
  return { signatures, findings: dedupe(findings), hashed: digests.hashed }
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>()
  return findings.filter((f) => {
    const k = `${f.rule}\0${f.path}\0${f.message}`
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
