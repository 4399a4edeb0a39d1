import path from 'node:path'
import type { SignatureFacts } from '../types.js'
import { checkName } from './oms.js'
import { sentence, type Context, type PendingFinding, type SignatureResult } from './result.js'

/**
 * Checksum lists (`SHA256SUMS`, `x.sha256`), as `sha256sum` and `shasum -a 256 --tag` write them:
 * unsigned they only report files that contradict them; signed (a detached `.sig` or a bundle next
 * to them, see single-file.ts) they cover the files they list with the signer's facts.
 */

const dirOf = (p: string): string => {
  const d = path.posix.dirname(p)
  return d === '.' ? '' : d
}

export function isChecksumList(p: string): boolean {
  return /^(SHA256SUMS|sha256sums)(\.txt)?$/.test(path.posix.basename(p)) || p.endsWith('.sha256')
}

/** The files a checksum list names that are in the tree (for coverage when its signature fails). */
export async function listedFiles(manifest: string, ctx: Context): Promise<string[]> {
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
