import type { Report } from '../../types.js'
import type { ModelGroup } from '../groups.js'
import type { Graph } from './graph.js'
import { dependencyKey } from './packages.js'

/**
 * Findings are review notes, not vulnerabilities: each becomes an `Annotation`
 * (`annotationType: review`) with the text of the CycloneDX annotation, on the
 * same element: the file of a model folder (the model, for a single-file model),
 * the dataset, the dependency declared on that line, else the repository.
 */
export function addFindings(graph: Graph, report: Report, groups: readonly ModelGroup[], datasets: readonly string[]): void {
  const subjectOf = subjectIndex(report, groups, datasets)
  report.findings.forEach((f, i) => {
    graph.add(`finding:${i + 1}`, 'Annotation', null, {
      annotationType: 'review',
      contentType: 'text/plain',
      statement: `${f.severity} ${f.rule} in ${f.path}${f.line ? `:${f.line}` : ''}: ${f.message} Fix: ${f.fix}`,
      subject: subjectOf(f.path, f.line)
    })
  })
}

function subjectIndex(report: Report, groups: readonly ModelGroup[], datasets: readonly string[]): (path: string, line: number | null) => string {
  const refs = new Map<string, string>()
  for (const g of groups) {
    if (g.single) refs.set(g.weights[0]!.path, g.ref)
    else for (const f of [...g.weights, ...g.configs, ...(g.card ? [g.card] : [])]) refs.set(f.path, `file:${f.path}`)
  }
  for (const key of datasets) refs.set(key.slice('dataset:'.length), key)
  const lines = new Map<string, string>()
  for (const d of report.dependencies) {
    if (d.change === 'removed') continue
    const at = `${d.path}:${d.line}`
    if (!lines.has(at)) lines.set(at, dependencyKey(d))
  }
  return (path, line) => refs.get(path) ?? (line !== null ? lines.get(`${path}:${line}`) : undefined) ?? 'subject'
}
