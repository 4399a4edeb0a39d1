import type { Report, Severity } from '../types.js'

export interface Summary {
  models: number
  datasets: number
  manifests: number
  cards: number
  signatures: number
  bySeverity: Record<Severity, number>
}

export function summarise(report: Report): Summary {
  const count = (k: string) => report.artifacts.filter((a) => a.kind === k).length
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 }
  for (const f of report.findings) bySeverity[f.severity]++
  return {
    models: count('model'),
    datasets: count('dataset'),
    manifests: count('dependency-manifest'),
    cards: count('model-card') + count('dataset-card'),
    signatures: count('signature'),
    bySeverity
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
