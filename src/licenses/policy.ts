import parse from 'spdx-expression-parse'
import satisfies from 'spdx-satisfies'
import type { Severity } from '../types.js'
import type { LicensesConfig } from './config-schema.js'
import { normalizeLicense } from './normalize.js'

export type Subject = 'model' | 'dataset' | 'dependency'

export interface KindPolicy {
  /** null: no allow list, everything not denied passes. */
  allow: string[] | null
  deny: string[]
  unknown: Severity | 'off'
}

const KIND_KEY = { model: 'models', dataset: 'datasets', dependency: 'dependencies' } as const

/** The top-level policy with the kind's overrides applied key by key (an override replaces, it does not add). */
export function policyFor(config: LicensesConfig, subject: Subject): KindPolicy {
  const o = config[KIND_KEY[subject]]
  return {
    allow: o?.allow ?? config.allow ?? null,
    deny: o?.deny ?? config.deny,
    unknown: o?.unknown ?? config.unknown
  }
}

export type PolicyVerdict = { verdict: 'ok' } | { verdict: 'denied'; license: string; entry: string } | { verdict: 'not-allowed' }

/**
 * `MIT OR GPL-3.0-only` under a GPL deny passes (MIT can be chosen); `MIT AND
 * GPL-3.0-only` does not. spdx-satisfies decides the choice: the expression is
 * denied when it cannot be satisfied by its own licenses minus the denied ones, and
 * allowed when it can be satisfied by those of its licenses the allow list covers.
 */
export function evaluate(expression: string, policy: KindPolicy): PolicyVerdict {
  const leaves = leavesOf(expression)
  if (!leaves) return { verdict: policy.allow ? 'not-allowed' : 'ok' }
  const deny = entries(policy.deny)
  const hits = leaves.flatMap((leaf) => {
    const entry = matchingEntry(leaf, deny)
    return entry ? [{ leaf, entry }] : []
  })
  if (hits.length > 0) {
    const safe = leaves.filter((l) => !hits.some((h) => h.leaf === l))
    if (!safeSatisfies(expression, safe)) return { verdict: 'denied', license: hits[0]!.leaf, entry: hits[0]!.entry.raw }
  }
  if (policy.allow) {
    const allow = entries(policy.allow)
    const covered = leaves.filter((l) => matchingEntry(l, allow) !== null)
    if (!safeSatisfies(expression, covered)) return { verdict: 'not-allowed' }
  }
  return { verdict: 'ok' }
}

/** True when two expressions can describe the same terms (one satisfies the other's licenses): `GPL-3.0-only` vs `GPL-3.0-or-later`, `MIT` vs `MIT OR Apache-2.0`. */
export function compatible(a: string, b: string): boolean {
  if (a === b) return true
  const la = leavesOf(a)
  const lb = leavesOf(b)
  if (!la || !lb) return false
  return safeSatisfies(a, lb) || safeSatisfies(b, la)
}

interface Entry {
  raw: string
  glob: RegExp | null
  /** Canonical single license for spdx-satisfies. */
  license: string | null
}

function entries(list: readonly string[]): Entry[] {
  return list.map((raw) => {
    if (/[*?]/.test(raw)) {
      const source = raw.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
      return { raw, glob: new RegExp(`^${source}$`, 'i'), license: null }
    }
    const n = normalizeLicense(raw)
    return { raw, glob: null, license: n?.state === 'known' ? n.expression : null }
  })
}

function matchingEntry(leaf: string, list: Entry[]): Entry | null {
  const id = leaf.split(' WITH ')[0]!
  for (const e of list) {
    if (e.glob ? e.glob.test(id) : e.license !== null && safeSatisfies(leaf, [e.license])) return e
  }
  return null
}

function safeSatisfies(expression: string, approved: string[]): boolean {
  if (approved.length === 0) return false
  try {
    return satisfies(expression, approved)
  } catch {
    return false
  }
}

/** Every simple license in the expression, as spdx-satisfies wants them (`id`, `id+`, `id WITH exception`). */
export function leavesOf(expression: string): string[] | null {
  let ast: parse.Info
  try {
    ast = parse(expression)
  } catch {
    return null
  }
  const out: string[] = []
  const walk = (n: parse.Info): void => {
    if ('conjunction' in n) {
      walk(n.left)
      walk(n.right)
    } else {
      const leaf = `${n.license}${n.plus ? '+' : ''}${n.exception ? ` WITH ${n.exception}` : ''}`
      if (!out.includes(leaf)) out.push(leaf)
    }
  }
  walk(ast)
  return out
}
