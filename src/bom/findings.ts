import type { Artifact, Finding, Report } from '../types.js'
import type { DatasetRef } from './data.js'
import { dependencyRef } from './dependencies.js'
import { modelFiles, type ModelGroup } from './groups.js'
import { fileRef } from './refs.js'

export function findingsByPath(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>()
  for (const f of findings) out.set(f.path, [...(out.get(f.path) ?? []), f])
  return out
}

/**
 * What the scan found in these files (`modelgate:scan:result`): the worst
 * finding's severity; `not-scanned` when one is a Git LFS pointer (its content was
 * not in the checkout) and nothing was found; else `no-findings`. Never a pass for
 * content that was not read.
 */
export function scanResult(files: readonly Artifact[], findings: Map<string, Finding[]>): string {
  const severities = new Set(files.flatMap((f) => (findings.get(f.path) ?? []).map((x) => x.severity)))
  for (const s of ['error', 'warning', 'note'] as const) if (severities.has(s)) return s
  return files.some((f) => f.lfs) ? 'not-scanned' : 'no-findings'
}

/** A finding as the text of a BOM annotation. */
export const findingText = (f: Finding): string => `${f.severity} ${f.rule} in ${f.path}${f.line ? `:${f.line}` : ''}: ${f.message} Fix: ${f.fix}`

/**
 * The ref a finding is about: the file of a model folder (the model, for a
 * single-file model), the dataset, the dependency declared on that line, else the
 * repository (`subject`).
 */
export function findingSubjects(report: Report, groups: readonly ModelGroup[], datasets: readonly DatasetRef[]): (path: string, line: number | null) => string {
  const refs = new Map<string, string>()
  for (const g of groups) {
    if (g.single) refs.set(g.weights[0]!.path, g.ref)
    else for (const f of modelFiles(g)) refs.set(f.path, fileRef(f.path))
  }
  for (const d of datasets) refs.set(d.path, d.ref)
  const lines = new Map<string, string>()
  for (const d of report.dependencies) {
    if (d.change === 'removed') continue
    const at = `${d.path}:${d.line}`
    if (!lines.has(at)) lines.set(at, dependencyRef(d))
  }
  return (p, line) => refs.get(p) ?? (line !== null ? lines.get(`${p}:${line}`) : undefined) ?? 'subject'
}
