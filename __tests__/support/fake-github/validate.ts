/**
 * Request/response validation against the extracted OpenAPI operations (ajv, strict off, formats on).
 *
 * Two verdicts per problem: `reject` means GitHub itself would refuse the request (404/422), `warn`
 * means GitHub would quietly accept it but it is almost certainly a client bug (an unknown query
 * parameter or body field that GitHub ignores, e.g. `subjectType` for `subject_type`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import formatsModule from 'ajv-formats'
import type { JsonSchema, OperationSpec } from './openapi-index.js'

export interface Problem {
  where: 'path' | 'query' | 'body'
  verdict: 'reject' | 'warn'
  message: string
}

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
type FormatsPlugin = (ajv: Ajv) => Ajv
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as FormatsPlugin

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: coerce ? 'array' : false, useDefaults: coerce })
  addFormats(ajv)
  // formats GitHub's description uses that ajv-formats does not define
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/)
  ajv.addFormat('timestamp', true)
  return ajv
}

const bodyAjv = makeAjv(false)
const paramAjv = makeAjv(true) // path/query values arrive as strings: coerce like GitHub's router
const compiled = new Map<string, ValidateFunction>()

function compile(ajv: Ajv, key: string, schema: JsonSchema): ValidateFunction {
  let fn = compiled.get(key)
  if (!fn) {
    fn = ajv.compile(schema)
    compiled.set(key, fn)
  }
  return fn
}

export function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    if (e.keyword === 'required') return `"${(e.params as { missingProperty: string }).missingProperty}" wasn't supplied${e.instancePath ? ` at '${e.instancePath}'` : ''}.`
    if (e.keyword === 'additionalProperties') return `'${e.instancePath || '/'}' has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}".`
    return `For '${e.instancePath || '/'}', ${e.message ?? e.keyword}.`
  })
}

/** Path and query parameters: coerces `values` in place (e.g. "2" → 2) and returns problems. */
export function validateParams(op: OperationSpec, where: 'path' | 'query', values: Record<string, unknown>): Problem[] {
  const specs = op.params.filter((p) => p.in === where)
  const problems: Problem[] = []
  if (where === 'query') {
    const known = new Set(specs.map((p) => p.name))
    for (const name of Object.keys(values)) {
      if (!known.has(name)) problems.push({ where, verdict: 'warn', message: `unknown query parameter "${name}" (GitHub ignores it)` })
    }
  }
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(specs.map((p) => [p.name, p.schema])),
    required: specs.filter((p) => p.required).map((p) => p.name)
  }
  const fn = compile(paramAjv, `${op.method} ${op.template} ${where}`, schema)
  if (!fn(values)) for (const m of formatErrors(fn.errors)) problems.push({ where, verdict: 'reject', message: m })
  return problems
}

/** The JSON body against requestBody, then against a closed copy to spot fields GitHub would ignore. */
export function validateBody(op: OperationSpec, body: unknown, present: boolean): Problem[] {
  if (!op.body) {
    return present ? [{ where: 'body', verdict: 'warn', message: `${op.operationId} takes no request body` }] : []
  }
  if (!present) {
    return op.body.required ? [{ where: 'body', verdict: 'reject', message: 'Requires a JSON request body.' }] : []
  }
  const key = `${op.method} ${op.template}`
  const fn = compile(bodyAjv, `${key} body`, op.body.schema)
  if (!fn(body)) return formatErrors(fn.errors).map((message) => ({ where: 'body', verdict: 'reject', message }))
  const closed = compile(bodyAjv, `${key} body-closed`, closeObjects(op.body.schema) as JsonSchema)
  if (closed(body)) return []
  return formatErrors((closed.errors ?? []).filter((e) => e.keyword === 'additionalProperties')).map((message) => ({
    where: 'body',
    verdict: 'warn',
    message: `${message} GitHub ignores it.`
  }))
}

/** Validates a response body the fake produced: used by the fake's own tests to prove it answers like GitHub. */
export function validateResponse(op: OperationSpec, status: number, body: unknown): string[] {
  const schema = op.responses[String(status)]
  if (schema === undefined) return [`${op.operationId} does not document status ${status}`]
  if (schema === null) return []
  const fn = compile(bodyAjv, `${op.method} ${op.template} ${status} response`, schema)
  return fn(body) ? [] : formatErrors(fn.errors)
}

/**
 * Adds `additionalProperties: false` to plain object schemas (those with `properties`, no explicit
 * additionalProperties and no composition), skipping allOf subtrees where properties are split.
 */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects)
  if (!node || typeof node !== 'object') return node
  const n = node as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(n)) {
    if (k === 'allOf' || k === 'enum' || k === 'const' || k === 'default' || k === 'required') out[k] = v
    else if (k === 'properties') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, closeObjects(s)]))
    } else out[k] = closeObjects(v)
  }
  if (n.properties && n.additionalProperties === undefined && !n.allOf && !n.anyOf && !n.oneOf) out.additionalProperties = false
  return out
}
