import { createHash } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { configSchema, type Config } from '../../src/config/schema.js'
import { signatureFormat } from '../../src/identify/by-name.js'
import { parseLfsPointer } from '../../src/identify/lfs.js'
import type { Artifact, ArtifactKind } from '../../src/types.js'
import { fsTreeReader, verifySignatures, type VerifyResult } from '../../src/verify/index.js'
import { SHARED } from '../support/shared.js'
import { makeTree, type TreeSpec } from '../support/tree.js'

export const OMS = path.join(SHARED, 'oms-fixtures')
export const MT = path.join(OMS, 'model-transparency')
export const SPEC = path.join(OMS, 'model-signing-spec', 'v1.0')

export const IBM = { identity: 'stefanb@us.ibm.com', issuer: 'https://sigstore.verify.ibm.com/oauth2' }

export const read = (p: string): Promise<Buffer> => readFile(p)

/** Every regular file of a fixture folder, as tree entries under `prefix`. */
export async function folder(abs: string, prefix: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {}
  for (const e of await readdir(abs, { withFileTypes: true })) if (e.isFile()) out[`${prefix}/${e.name}`] = await readFile(path.join(abs, e.name))
  return out
}

export function config(signatures: Record<string, unknown>): Config {
  return configSchema.parse({ signatures })
}

/** An artifact as the scan would produce it (SHA-256 or LFS oid). */
export function artifact(relPath: string, bytes: Buffer, kind?: ArtifactKind, change: Artifact['change'] = 'added'): Artifact {
  const sig = signatureFormat(relPath)
  const lfs = parseLfsPointer(bytes, bytes.length)
  const pointer = lfs?.ok ? lfs.pointer : null
  return {
    path: relPath,
    kind: kind ?? (sig ? 'signature' : relPath.endsWith('.json') ? 'model-config' : 'model'),
    format: sig ?? 'unknown',
    change,
    size: pointer ? pointer.size : bytes.length,
    sha256: pointer ? pointer.oid : createHash('sha256').update(bytes).digest('hex'),
    lfs: pointer,
    signature: null,
    license: null,
    facts: {}
  }
}

export interface Run extends VerifyResult {
  root: string
  /** Status per artifact path, as plain objects for exact assertions. */
  states: Record<string, string>
}

/** Writes the tree, treats `scanned` (default: every file) as the scan's artifacts, and verifies. */
export async function run(spec: TreeSpec, cfg: Config, opts: { scanned?: string[]; kinds?: Record<string, ArtifactKind> } = {}): Promise<Run> {
  const root = await makeTree(spec)
  const paths = opts.scanned ?? Object.keys(spec)
  const artifacts = paths.map((p) => artifact(p, Buffer.from(spec[p] as Buffer | string), opts.kinds?.[p]))
  const result = await verifySignatures({ artifacts, tree: fsTreeReader(root), config: cfg })
  const states: Record<string, string> = {}
  for (const [p, s] of [...result.signatures].sort(([a], [b]) => (a < b ? -1 : 1))) states[p] = s.state
  return { ...result, root, states }
}

/** Findings as `rule path` lines, in order, for exact comparisons. */
export function brief(r: VerifyResult): string[] {
  return r.findings.map((f) => `${f.severity} ${f.rule} ${f.path}`)
}
