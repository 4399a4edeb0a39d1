/**
 * A compact index of GitHub's published OpenAPI description (@octokit/openapi, dereferenced).
 *
 * The deref JSON is ~73 MB; parsing it costs ~0.7 s and ~185 MB of heap. Every jest worker is its own
 * process and jest re-evaluates modules per test file, so the extracted index (only the operations
 * the fake serves, descriptions/examples stripped, `nullable` normalised) is cached on disk, keyed by
 * the package version + the operation list + EXTRACT_VERSION. A warm load reads a few hundred KB.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

/** Bump when the extraction or normalisation below changes, so stale caches are ignored. */
const EXTRACT_VERSION = 1

export type JsonSchema = Record<string, unknown>

export interface ParamSpec {
  name: string
  in: 'path' | 'query'
  required: boolean
  schema: JsonSchema
}

export interface OperationSpec {
  method: string
  template: string
  operationId: string
  docsUrl: string
  params: ParamSpec[]
  body: { required: boolean; schema: JsonSchema } | null
  /** status → application/json response schema (null when the response has no JSON body). */
  responses: Record<string, JsonSchema | null>
}

export interface OpenApiIndex {
  version: string
  /** Every operation in the description, [METHOD, template, operationId]: tells "not GitHub" from "not faked". */
  all: Array<[string, string, string]>
  operations: Record<string, OperationSpec>
}

export interface LoadStats {
  source: 'memory' | 'disk-cache' | 'openapi-json'
  ms: number
  heapDeltaMB: number
  cacheFile: string
}

export const opKey = (method: string, template: string): string => `${method.toUpperCase()} ${template}`

const require = createRequire(import.meta.url)
const memo = new Map<string, OpenApiIndex>()
export let lastLoadStats: LoadStats | undefined

function packageInfo(): { version: string; derefPath: string } {
  const dir = path.dirname(require.resolve('@octokit/openapi'))
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }
  return { version: pkg.version, derefPath: path.join(dir, 'generated', 'api.github.com.deref.json') }
}

export function cacheDir(): string {
  return process.env.FAKE_GITHUB_CACHE_DIR ?? path.join(os.tmpdir(), 'modelgate-fake-github')
}

/** Loads the index for the given operation keys ("GET /repos/{owner}/{repo}"): memory, then disk, then the JSON. */
export function loadOpenApiIndex(keys: readonly string[], opts: { memo?: boolean } = {}): OpenApiIndex {
  const { version, derefPath } = packageInfo()
  const wanted = [...new Set(keys)].sort()
  const hash = crypto.createHash('sha256').update(JSON.stringify([EXTRACT_VERSION, wanted])).digest('hex').slice(0, 16)
  const cacheFile = path.join(cacheDir(), `openapi-index-${version}-${hash}.json`)
  const t0 = performance.now()
  const h0 = process.memoryUsage().heapUsed
  const done = (index: OpenApiIndex, source: LoadStats['source']): OpenApiIndex => {
    lastLoadStats = {
      source,
      ms: Math.round(performance.now() - t0),
      heapDeltaMB: Math.round((process.memoryUsage().heapUsed - h0) / 1e6),
      cacheFile
    }
    memo.set(cacheFile, index)
    return index
  }
  const hit = opts.memo === false ? undefined : memo.get(cacheFile)
  if (hit) return done(hit, 'memory')
  try {
    return done(JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as OpenApiIndex, 'disk-cache')
  } catch {
    // missing or half-written by a concurrent worker: rebuild below
  }
  const index = extract(JSON.parse(fs.readFileSync(derefPath, 'utf8')) as OpenApiDoc, version, wanted)
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true })
  // Write-then-rename so parallel jest workers never read a partial file.
  const tmp = `${cacheFile}.${process.pid}.${crypto.randomUUID()}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(index))
  fs.renameSync(tmp, cacheFile)
  return done(index, 'openapi-json')
}

interface OpenApiOperation {
  operationId?: string
  externalDocs?: { url?: string }
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> }
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>
}
interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>
}

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'head'])

function extract(doc: OpenApiDoc, version: string, wanted: string[]): OpenApiIndex {
  const all: OpenApiIndex['all'] = []
  const operations: Record<string, OperationSpec> = {}
  const want = new Set(wanted)
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method) || !op.operationId) continue
      all.push([method.toUpperCase(), template, op.operationId])
      const key = opKey(method, template)
      if (!want.has(key)) continue
      const json = op.requestBody?.content?.['application/json']?.schema
      operations[key] = {
        method: method.toUpperCase(),
        template,
        operationId: op.operationId,
        docsUrl: op.externalDocs?.url ?? 'https://docs.github.com/rest',
        params: (op.parameters ?? [])
          .filter((p) => p.in === 'path' || p.in === 'query')
          .map((p) => ({
            name: p.name,
            in: p.in as 'path' | 'query',
            required: p.required === true,
            schema: normaliseSchema(p.schema ?? {}) as JsonSchema
          })),
        body: json ? { required: op.requestBody?.required === true, schema: normaliseSchema(json) as JsonSchema } : null,
        responses: Object.fromEntries(
          Object.entries(op.responses ?? {}).map(([status, r]) => {
            const s = r.content?.['application/json']?.schema
            return [status, s ? (normaliseSchema(s) as JsonSchema) : null]
          })
        )
      }
    }
  }
  const missing = wanted.filter((k) => !operations[k])
  if (missing.length) throw new Error(`fake-github: not in GitHub's OpenAPI description: ${missing.join(', ')}`)
  return { version, all, operations }
}

const DROP = new Set(['description', 'example', 'examples', 'externalDocs', 'readOnly', 'writeOnly', 'deprecated', 'title'])
const VERBATIM = new Set(['enum', 'const', 'default', 'required'])

/**
 * OpenAPI 3.0 → JSON Schema that ajv understands: `nullable: true` becomes a `null` type/branch, and
 * `oneOf` becomes `anyOf` because GitHub's description uses oneOf for branches that overlap (an
 * object can match two), which real GitHub never treats as exclusive.
 */
export function normaliseSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseSchema)
  if (!node || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (DROP.has(k) || k.startsWith('x-') || k === 'nullable') continue
    if (VERBATIM.has(k)) out[k] = v
    else if (k === 'properties' || k === 'patternProperties') {
      // keys here are property names ("description" is a real field), only the values are schemas
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, normaliseSchema(s)]))
    } else if (k === 'oneOf') {
      const branches = { anyOf: normaliseSchema(v) }
      out.allOf = [...((out.allOf as unknown[]) ?? []), branches]
    } else if (k === 'allOf') out.allOf = [...((out.allOf as unknown[]) ?? []), ...(normaliseSchema(v) as unknown[])]
    else out[k] = normaliseSchema(v)
  }
  if ((node as Record<string, unknown>).nullable !== true) return out
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    return out
  }
  return { anyOf: [out, { type: 'null' }] }
}
