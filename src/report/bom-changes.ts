import { isHub } from '../bom/dependencies.js'
import type { Artifact, Dependency, Report } from '../types.js'
import { byCodeUnit } from '../util/compare.js'

/** One line of "what this change does to the ML-BOM": a model, dataset, library or hub reference. */
export interface BomChange {
  kind: 'added' | 'removed' | 'changed'
  type: 'model' | 'dataset' | 'library' | 'hub reference'
  /** Path for files; package or hub id for dependencies. */
  name: string
  /** For `changed`: what differs (`version ==2.5.1 → ==2.6.0`, `sha256 1f2e… → 9a8b…`, `renamed from a.bin`). */
  details: string[]
}

const RANK = { removed: 0, changed: 1, added: 2 } as const

/**
 * What a change-mode report adds to, removes from and changes in the ML-BOM, from the change
 * facts the scan already has (the base digest of a replaced file, the base specifier of a changed
 * pin); `modelgate bom diff` compares two whole BOMs instead. Tree reports have no changes.
 */
export function bomChanges(report: Report): BomChange[] {
  if (report.mode !== 'change') return []
  const out: BomChange[] = []
  for (const a of report.artifacts) {
    if ((a.kind !== 'model' && a.kind !== 'dataset') || a.change === 'unchanged') continue
    out.push(artifactChange(a))
  }
  // one line per package and manifest, as a reviewer reads a lock-file bump
  const seen = new Set<string>()
  for (const d of report.dependencies) {
    if (d.change === undefined || d.change === 'unchanged') continue
    const key = `${d.change}\u0000${d.path}\u0000${d.ecosystem}\u0000${d.name}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(dependencyChange(d))
  }
  return out.sort((x, y) => RANK[x.kind] - RANK[y.kind] || byCodeUnit(x.name, y.name))
}

function artifactChange(a: Artifact): BomChange {
  const type = a.kind === 'model' ? 'model' : 'dataset'
  if (a.change === 'added' || a.change === 'removed') return { kind: a.change, type, name: a.path, details: [] }
  const details: string[] = []
  if (a.oldPath) details.push(`renamed from ${a.oldPath}`)
  if (a.previous && a.previous.sha256 !== a.sha256) details.push(`sha256 ${a.previous.sha256.slice(0, 12)} → ${a.sha256.slice(0, 12)}`)
  return { kind: 'changed', type, name: a.path, details }
}

function dependencyChange(d: Dependency): BomChange {
  const type = isHub(d) ? 'hub reference' : 'library'
  const name = `${d.name} (${d.path})`
  if (d.change !== 'changed') return { kind: d.change === 'removed' ? 'removed' : 'added', type, name, details: d.specifier ? [d.specifier] : [] }
  return { kind: 'changed', type, name, details: [`${type === 'library' ? 'version' : 'revision'} ${d.previousSpecifier ?? '(none)'} → ${d.specifier ?? '(none)'}`] }
}
