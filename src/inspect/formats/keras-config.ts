import type { Facts, Issue } from '../types.js'
import { isRecord, issue, joinCapped, truncate } from './common.js'

/** Modules a Keras config may name without a finding (Keras, tf.keras and its add-ons). */
const KERAS_MODULES = /^(?:keras|tf_keras|tensorflow|keras_nlp|keras_hub|keras_cv|keras_core)(?:\.|$)/
/** Modules whose functions run commands, touch files or load code: naming one is an exploit. */
const DANGEROUS_MODULES = new Set([
  'os', 'posix', 'nt', 'subprocess', 'builtins', '__builtin__', 'sys', 'importlib', 'runpy', 'pty',
  'shutil', 'socket', 'pickle', 'marshal', 'ctypes', 'code', 'codeop', 'webbrowser', 'urllib',
  'requests', 'http', 'multiprocessing', 'pdb', 'commands', 'types', 'operator', 'functools', 'io'
])
/** Keras' own functions that disable its safety checks or fetch files (CVE-2025-8747/9906 class). */
const DANGEROUS_CALLABLES = new Set(['enable_unsafe_deserialization', 'get_file', 'exec', 'eval', 'system', 'popen'])

const MAX_NODES = 1_000_000
const MAX_DEPTH = 128

export interface KerasConfigReport {
  facts: Facts
  issues: Issue[]
}

/**
 * Checks a Keras model config (legacy h5 `model_config` or v3 `config.json`): Lambda layers
 * carry marshalled Python bytecode (v2) or source (v3) that runs on load; module references
 * outside Keras are imported on load.
 */
export function checkKerasConfig(config: unknown, where: string): KerasConfigReport {
  const facts: Facts = {}
  const issues: Issue[] = []
  const lambdas: string[] = []
  const foreign = new Set<string>()
  const dangerous = new Set<string>()
  let nodes = 0

  // `inLambda`: a Lambda layer's own function config is part of that one finding.
  const visit = (v: unknown, depth: number, inLambda: boolean): void => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1, inLambda)
      return
    }
    if (!isRecord(v)) return
    const cls = typeof v.class_name === 'string' ? v.class_name : undefined
    const inner = isRecord(v.config) ? v.config : undefined
    const isLambda = cls === 'Lambda' || cls === '__lambda__' || v.function_type === 'lambda'
    if (isLambda && !inLambda) lambdas.push(typeof inner?.name === 'string' ? inner.name : cls ?? 'lambda')
    if (typeof v.module === 'string') {
      const mod = v.module
      const top = mod.split('.')[0] ?? ''
      const ref = cls ? `${mod}.${cls}` : mod
      if (DANGEROUS_MODULES.has(top)) dangerous.add(ref)
      else if (!KERAS_MODULES.test(mod)) foreign.add(ref)
    }
    if (cls && DANGEROUS_CALLABLES.has(cls) && typeof v.module === 'string') dangerous.add(`${v.module}.${cls}`)
    if (typeof v.registered_name === 'string' && v.registered_name.includes('>')) {
      foreign.add(`registered_name ${v.registered_name}`)
    }
    for (const x of Object.values(v)) visit(x, depth + 1, inLambda || isLambda)
  }
  visit(config, 0, false)

  if (isRecord(config)) {
    if (typeof config.class_name === 'string') facts.model_class = truncate(config.class_name, 100)
    const inner = isRecord(config.config) ? config.config : undefined
    if (Array.isArray(inner?.layers)) facts.layers = inner.layers.length
  }
  if (lambdas.length > 0) {
    facts.lambda_layers = lambdas.length
    issues.push(
      issue(
        'unsafe-serialization',
        'error',
        `${where} has Lambda layer(s) (${joinCapped(lambdas.map((n) => truncate(n, 60)), 8, 300)}): they hold serialized Python code (marshalled bytecode or source) that runs when the model is loaded.`,
        'Replace Lambda layers with built-in layers or a registered custom layer whose code lives in your repository, and re-save.'
      )
    )
  }
  if (dangerous.size > 0) {
    issues.push(
      issue(
        'unsafe-serialization',
        'error',
        `${where} references ${joinCapped([...dangerous].map((d) => truncate(d, 80)), 8, 300)}: Keras imports and calls what the config names, so this runs code on load (CVE-2025-1550 class).`,
        'Remove the reference; a Keras config should only name keras.* objects.'
      )
    )
  }
  if (foreign.size > 0) {
    issues.push(
      issue(
        'unknown-global',
        'warning',
        `${where} references objects outside Keras (${joinCapped([...foreign].map((d) => truncate(d, 80)), 8, 300)}); loading imports that code.`,
        'Make sure those modules are your own, pinned code; otherwise re-save with built-in layers only.'
      )
    )
  }
  if (nodes > MAX_NODES) {
    issues.push(issue('scan-incomplete', 'warning', `${where} is too large to check completely (over ${MAX_NODES} JSON nodes).`, 'Simplify the config or raise the limit.'))
  }
  return { facts, issues }
}

/** Extracts the first balanced JSON object starting at `start` in `text` (string-aware). */
export function balancedJson(text: string, start: number, maxChars: number): string | null {
  let depth = 0
  let inStr = false
  const end = Math.min(text.length, start + maxChars)
  for (let i = start; i < end; i++) {
    const c = text[i]
    if (inStr) {
      if (c === '\\') i++
      else if (c === '"') inStr = false
    } else if (c === '"') inStr = true
    else if (c === '{') depth++
    else if (c === '}') {
      depth--
      if (depth === 0) return text.slice(start, i + 1)
    }
  }
  return null
}
