import type { Token } from './tokens.js'

export type Value =
  | { kind: 'string'; value: string; dynamic: boolean; at: number }
  | { kind: 'bool'; value: boolean; at: number }
  | { kind: 'none'; at: number }
  | { kind: 'object'; entries: Map<string, Value>; at: number }
  | { kind: 'expr'; text: string; name: string | null; at: number }

export interface Arg {
  /** Python keyword argument name, else null. */
  keyword: string | null
  value: Value
  /** Offset of the argument's first token (the keyword for keyword arguments). */
  at: number
  /** Token indices [from, to) of the value, for callers that read lists or dicts. */
  range: [number, number]
}

export interface Call {
  /** Dotted callee as written: `AutoModel.from_pretrained` → ['AutoModel', 'from_pretrained']. */
  callee: string[]
  args: Arg[]
  at: number
}

const MAX_ARGS = 64
const CONSTANTS: Record<string, Value['kind']> = { True: 'bool', False: 'bool', None: 'none', true: 'bool', false: 'bool', null: 'none', undefined: 'none' }

/** Index of the matching close bracket for every open one (one pass, so argument scans can jump over groups). */
export function matchBrackets(tokens: Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1)
  const stack: number[] = []
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' }
  tokens.forEach((t, i) => {
    if (t.kind !== 'op') return
    if (t.text === '(' || t.text === '[' || t.text === '{') stack.push(i)
    else if (t.text in pairs) {
      // Unbalanced closers are skipped; an opener left on the stack has no match.
      for (let k = stack.length - 1; k >= 0; k--) {
        if (tokens[stack[k]!]!.text === pairs[t.text]) {
          match[stack[k]!] = i
          stack.length = k
          break
        }
      }
    }
  })
  return match
}

/**
 * Calls whose last callee name passes `wanted`, with their arguments. `python`
 * turns on keyword arguments and the `def name(` exclusion; in JS a method
 * definition (`name(...) {`) is skipped.
 */
export function findCalls(tokens: Token[], wanted: (name: string) => boolean, python: boolean): Call[] {
  const match = matchBrackets(tokens)
  const calls: Call[] = []
  for (let i = 1; i < tokens.length; i++) {
    const open = tokens[i]!
    const nameTok = tokens[i - 1]!
    if (open.kind !== 'op' || open.text !== '(' || nameTok.kind !== 'name' || !wanted(nameTok.text)) continue
    const before = tokens[i - 2]
    if (before?.kind === 'name' && (before.text === 'def' || before.text === 'function' || before.text === 'class')) continue
    const close = match[i]!
    if (!python && close >= 0 && tokens[close + 1]?.text === '{') continue
    const callee = [nameTok.text]
    for (let k = i - 2; k >= 1 && (tokens[k]!.text === '.' || tokens[k]!.text === '?.') && tokens[k - 1]!.kind === 'name'; k -= 2) callee.unshift(tokens[k - 1]!.text)
    const end = close >= 0 ? close : tokens.length
    calls.push({ callee, args: splitArgs(tokens, match, i + 1, end, python), at: nameTok.offset })
  }
  return calls
}

function splitArgs(tokens: Token[], match: Int32Array, from: number, end: number, python: boolean): Arg[] {
  return splitRanges(tokens, match, from, end).map(([a, b]) => argOf(tokens, match, a, b, python))
}

/** Comma-separated ranges [from, to) at the top level of a bracket group. */
export function splitRanges(tokens: Token[], match: Int32Array, from: number, end: number): [number, number][] {
  const out: [number, number][] = []
  let start = from
  for (let k = from; k <= end && out.length < MAX_ARGS; k++) {
    if (k < end && tokens[k]!.kind === 'op' && (tokens[k]!.text === '(' || tokens[k]!.text === '[' || tokens[k]!.text === '{')) {
      const m = match[k]!
      if (m > k && m < end) {
        k = m
        continue
      }
    }
    if (k === end || (tokens[k]!.kind === 'op' && tokens[k]!.text === ',')) {
      if (k > start) out.push([start, k])
      start = k + 1
    }
  }
  return out
}

function argOf(tokens: Token[], match: Int32Array, from: number, to: number, python: boolean): Arg {
  const first = tokens[from]!
  if (python && to - from >= 2 && first.kind === 'name' && tokens[from + 1]!.text === '=') {
    return { keyword: first.text, value: valueOf(tokens, match, from + 2, to, python), at: first.offset, range: [from + 2, to] }
  }
  return { keyword: null, value: valueOf(tokens, match, from, to, python), at: first.offset, range: [from, to] }
}

/** A constant when the tokens are one: strings (implicitly or `+`-concatenated), booleans, None, a JS object literal. */
export function valueOf(tokens: Token[], match: Int32Array, from: number, to: number, python: boolean): Value {
  const first = tokens[from]
  if (!first) return { kind: 'expr', text: '', name: null, at: 0 }
  if (first.kind === 'string') {
    let value = ''
    let dynamic = false
    let k = from
    while (k < to) {
      const t = tokens[k]!
      if (t.kind === 'string') {
        value += t.value ?? ''
        dynamic ||= t.dynamic === true
        k++
      } else if (t.kind === 'op' && t.text === '+' && tokens[k + 1]?.kind === 'string') k++
      else return expr(tokens, from, to)
    }
    return { kind: 'string', value, dynamic, at: first.offset }
  }
  if (to - from === 1 && first.kind === 'name' && first.text in CONSTANTS) {
    return CONSTANTS[first.text] === 'none' ? { kind: 'none', at: first.offset } : { kind: 'bool', value: first.text === 'True' || first.text === 'true', at: first.offset }
  }
  if (!python && first.text === '{' && match[from] === to - 1) return objectOf(tokens, match, from + 1, to - 1, first.offset)
  return expr(tokens, from, to)
}

function objectOf(tokens: Token[], match: Int32Array, from: number, to: number, at: number): Value {
  const entries = new Map<string, Value>()
  for (const [a, b] of splitRanges(tokens, match, from, to)) {
    const key = tokens[a]!
    const name = key.kind === 'name' ? key.text : key.kind === 'string' ? (key.value ?? '') : null
    if (name === null) continue
    if (tokens[a + 1]?.text === ':') entries.set(name, valueOf(tokens, match, a + 2, b, false))
    else if (b - a === 1) entries.set(name, { kind: 'expr', text: name, name, at: key.offset })
  }
  return { kind: 'object', entries, at }
}

function expr(tokens: Token[], from: number, to: number): Value {
  const text = tokens
    .slice(from, Math.min(to, from + 12))
    .map((t) => t.text)
    .join('')
  const single = to - from === 1 && tokens[from]!.kind === 'name' ? tokens[from]!.text : null
  return { kind: 'expr', text: to - from > 12 ? `${text}…` : text, name: single, at: tokens[from]!.offset }
}
