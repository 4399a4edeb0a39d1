import type { Report } from '../../types.js'
import type { DatasetRef } from '../data.js'
import { findingSubjects, findingText } from '../findings.js'
import type { ModelGroup } from '../groups.js'
import { findingRef } from '../refs.js'
import type { Graph } from './graph.js'

/**
 * Findings are review notes, not vulnerabilities: each becomes an `Annotation`
 * (`annotationType: review`) with the text of the CycloneDX annotation, on the
 * same element: the file of a model folder (the model, for a single-file model),
 * the dataset, the dependency declared on that line, else the repository.
 */
export function addFindings(graph: Graph, report: Report, groups: readonly ModelGroup[], datasets: readonly DatasetRef[]): void {
  const subjectOf = findingSubjects(report, groups, datasets)
  report.findings.forEach((f, i) => {
    graph.add(findingRef(i), 'Annotation', null, { annotationType: 'review', contentType: 'text/plain', statement: findingText(f), subject: subjectOf(f.path, f.line) })
  })
}
