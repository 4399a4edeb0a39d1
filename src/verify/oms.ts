import { createHash } from 'node:crypto'
import { z } from 'zod'

/** OpenSSF Model Signing: the in-toto statement inside the DSSE envelope, as a manifest of resources. */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const OMS_PREDICATE = 'https://model_signing/signature/v1.0'
export const OMS_PREDICATE_LEGACY = 'https://model_signing/Digests/v0.1'

export interface Resource {
  /** `files`: a path relative to the model (`.` = the model is this one file); `shards`: `path:start:end`. */
  name: string
  algorithm: string
  /** Lowercase hex. */
  digest: string
  /** Parsed from `name`. */
  path: string
  range: { start: number; end: number } | null
}

export interface OmsManifest {
  predicateType: string
  modelName: string
  /** Subject digest: SHA-256 over the resource digests in listed order (null for the legacy predicate, which has none). */
  rootDigest: string | null
  method: 'files' | 'shards'
  hashType: string
  shardSize: number | null
  ignorePaths: string[]
  resources: Resource[]
}

/** Rejected statement: `unverifiable` when it is well formed but uses what ModelGate cannot check. */
export class OmsError extends Error {
  constructor(
    message: string,
    readonly unverifiable = false
  ) {
    super(message)
  }
}

const hex = z.string().regex(/^[0-9a-fA-F]+$/, 'expected hex digits')
const statementSchema = z.looseObject({
  _type: z.string(),
  subject: z.array(z.looseObject({ name: z.string().optional(), digest: z.record(z.string(), z.string()) })),
  predicateType: z.string(),
  predicate: z.unknown()
})
const predicateSchema = z.looseObject({
  serialization: z.looseObject({
    method: z.string(),
    hash_type: z.string(),
    allow_symlinks: z.union([z.boolean(), z.string()]).optional(),
    shard_size: z.number().optional(),
    ignore_paths: z.array(z.string()).optional()
  }),
  resources: z.array(z.looseObject({ name: z.string(), algorithm: z.string(), digest: hex }))
})

function zodReason(err: z.ZodError, prefix: string): string {
  const i = err.issues[0]!
  const where = [prefix, ...i.path.map(String)].join('.')
  return i.code === 'invalid_type' && i.input === undefined ? `required field '${where}' is missing` : `field '${where}': ${i.message}`
}

/** A relative POSIX path that stays inside the model: no absolute paths, no `..`, `.` or empty segments, no NUL. */
export function checkName(name: string): string | null {
  if (name === '.') return null
  if (name === '') return 'an empty name'
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) return `the absolute path '${name}'`
  if (name.includes('\0')) return 'a name with a NUL byte'
  const segs = name.split('/')
  if (segs.includes('..')) return `'${name}', which leaves the model folder ('..')`
  if (segs.some((s) => s === '' || s === '.')) return `the non-canonical path '${name}'`
  return null
}

function parseShardName(name: string): { path: string; start: number; end: number } {
  const m = /^(.*):(\d{1,15}):(\d{1,15})$/s.exec(name)
  if (!m) throw new OmsError(`resource '${name}' is not 'path:start:end' as the shards serialization requires`)
  const start = Number(m[2])
  const end = Number(m[3])
  if (end <= start) throw new OmsError(`resource '${name}' has an empty or reversed byte range`)
  return { path: m[1]!, start, end }
}

/** Parses and checks a signed payload; throws `OmsError`. */
export function parseStatement(payload: Buffer): OmsManifest {
  let json: unknown
  try {
    json = JSON.parse(payload.toString('utf8'))
  } catch {
    throw new OmsError('the signed payload is not JSON')
  }
  const st = statementSchema.safeParse(json)
  if (!st.success) throw new OmsError(`the signed in-toto statement is malformed: ${zodReason(st.error, 'statement')}`)
  const s = st.data
  if (s._type !== STATEMENT_TYPE) throw new OmsError(`the signed statement has _type '${s._type}', not '${STATEMENT_TYPE}'`)
  if (s.predicateType === OMS_PREDICATE_LEGACY) return legacy(s.subject)
  if (s.predicateType !== OMS_PREDICATE) {
    throw new OmsError(`the statement's predicate type '${s.predicateType}' is not a model signature ('${OMS_PREDICATE}')`)
  }
  if (s.subject.length !== 1) throw new OmsError(`a model signature has exactly one subject, this one has ${s.subject.length}`)
  const subject = s.subject[0]!
  const root = subject.digest['sha256']
  if (!root || !/^[0-9a-fA-F]{64}$/.test(root)) throw new OmsError("the statement's subject has no SHA-256 root digest")
  const pr = predicateSchema.safeParse(s.predicate)
  if (!pr.success) throw new OmsError(`the model signature predicate is malformed: ${zodReason(pr.error, 'predicate')}`)
  const p = pr.data
  const ser = p.serialization
  if (ser.method !== 'files' && ser.method !== 'shards') {
    throw new OmsError(`serialization method '${ser.method}' is not one ModelGate can check (files, shards)`, true)
  }
  let shardSize: number | null = null
  if (ser.method === 'shards') {
    if (ser.shard_size === undefined || !Number.isInteger(ser.shard_size) || ser.shard_size <= 0) {
      throw new OmsError("the shards serialization has no positive integer 'shard_size'")
    }
    shardSize = ser.shard_size
  }
  // The root digest binds the resource list (its order included): recompute it before trusting the list.
  const h = createHash('sha256')
  for (const r of p.resources) h.update(Buffer.from(r.digest, 'hex'))
  const computed = h.digest('hex')
  if (computed !== root.toLowerCase()) {
    throw new OmsError(`the resource list hashes to ${computed}, not to the signed root digest ${root.toLowerCase()}; the statement is inconsistent`)
  }
  const resources = p.resources.map((r): Resource => {
    const shard = ser.method === 'shards' ? parseShardName(r.name) : null
    const path = shard ? shard.path : r.name
    const bad = checkName(path)
    if (bad) throw new OmsError(`the signature lists ${bad}; resource names must be relative paths inside the model`)
    return { name: r.name, algorithm: r.algorithm, digest: r.digest.toLowerCase(), path, range: shard ? { start: shard.start, end: shard.end } : null }
  })
  checkResources(resources)
  return {
    predicateType: s.predicateType,
    modelName: subject.name ?? '',
    rootDigest: root.toLowerCase(),
    method: ser.method,
    hashType: ser.hash_type,
    shardSize,
    ignorePaths: ser.ignore_paths ?? [],
    resources
  }
}

function legacy(subjects: { name?: string | undefined; digest: Record<string, string> }[]): OmsManifest {
  const resources = subjects.map((sub, i): Resource => {
    const name = sub.name
    const digest = sub.digest['sha256']
    if (name === undefined) throw new OmsError(`subject #${i + 1} has no name`)
    if (!digest || !/^[0-9a-fA-F]{64}$/.test(digest)) throw new OmsError(`subject '${name}' has no SHA-256 digest`)
    const bad = checkName(name)
    if (bad) throw new OmsError(`the signature lists ${bad}; resource names must be relative paths inside the model`)
    return { name, algorithm: 'sha256', digest: digest.toLowerCase(), path: name, range: null }
  })
  checkResources(resources)
  return { predicateType: OMS_PREDICATE_LEGACY, modelName: '', rootDigest: null, method: 'files', hashType: 'sha256', shardSize: null, ignorePaths: [], resources }
}

function checkResources(resources: Resource[]): void {
  const seen = new Set<string>()
  for (const r of resources) {
    if (seen.has(r.name)) throw new OmsError(`resource '${r.name}' is listed twice`)
    seen.add(r.name)
  }
  const single = resources.some((r) => r.path === '.')
  if (single && resources.some((r) => r.path !== '.')) throw new OmsError("resource '.' (a one-file model) is listed next to other files")
}
