import type { DeclaredDependency } from '../inspect/types.js'

const key = (d: DeclaredDependency) => `${d.ecosystem}\0${d.name.toLowerCase()}`

/**
 * Marks each head-side dependency as added, changed or unchanged against the base
 * side of the same manifest, and appends the ones the change removed.
 */
export function diffDependencies(head: DeclaredDependency[], base: DeclaredDependency[]): DeclaredDependency[] {
  const before = new Map(base.map((d) => [key(d), d]))
  const seen = new Set<string>()
  const out: DeclaredDependency[] = head.map((d) => {
    const k = key(d)
    seen.add(k)
    const old = before.get(k)
    if (!old) return { ...d, change: 'added' }
    if (old.specifier !== d.specifier) return { ...d, change: 'changed', previousSpecifier: old.specifier }
    return { ...d, change: 'unchanged' }
  })
  for (const [k, d] of before) if (!seen.has(k)) out.push({ ...d, change: 'removed' })
  return out
}

/** Whole-file changes: every dependency of an added manifest is added, of a removed one removed. */
export function markAll(deps: DeclaredDependency[], change: 'added' | 'removed'): DeclaredDependency[] {
  return deps.map((d) => ({ ...d, change }))
}
