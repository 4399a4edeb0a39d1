import type { DeclaredDependency } from '../inspect/types.js'

const key = (d: DeclaredDependency) => `${d.ecosystem}\0${d.name.toLowerCase()}`

/**
 * Marks each head-side dependency as added, changed or unchanged against the base
 * side of the same manifest, and appends the ones the change removed. A lock file
 * lists one package at several versions, so identical entries pair up first and
 * what is left pairs up by name, in file order.
 */
export function diffDependencies(head: DeclaredDependency[], base: DeclaredDependency[]): DeclaredDependency[] {
  const pool = new Map<string, DeclaredDependency[]>()
  for (const d of base) pool.set(key(d), [...(pool.get(key(d)) ?? []), d])
  const take = (d: DeclaredDependency, exact: boolean): DeclaredDependency | undefined => {
    const left = pool.get(key(d)) ?? []
    const i = exact ? left.findIndex((o) => o.specifier === d.specifier) : left.length ? 0 : -1
    return i < 0 ? undefined : left.splice(i, 1)[0]
  }
  const same = head.map((d) => take(d, true))
  const out: DeclaredDependency[] = head.map((d, i) => {
    const old = same[i] ?? take(d, false)
    if (!old) return { ...d, change: 'added' }
    if (old.specifier !== d.specifier) return { ...d, change: 'changed', previousSpecifier: old.specifier }
    return { ...d, change: 'unchanged' }
  })
  for (const left of pool.values()) for (const d of left) out.push({ ...d, change: 'removed' })
  return out
}

/** Whole-file changes: every dependency of an added manifest is added, of a removed one removed. */
export function markAll(deps: DeclaredDependency[], change: 'added' | 'removed'): DeclaredDependency[] {
  return deps.map((d) => ({ ...d, change }))
}
