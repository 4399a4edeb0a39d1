import type { Finding, Severity } from '../types.js'

/** The Checks API takes at most 50 annotations per request. */
export const ANNOTATIONS_PER_REQUEST = 50
/** A run with thousands of findings gets the first ones annotated; the summary counts them all. */
export const MAX_ANNOTATIONS = 1000

export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  annotation_level: 'notice' | 'warning' | 'failure'
  title: string
  message: string
}

const LEVEL: Record<Severity, CheckAnnotation['annotation_level']> = { error: 'failure', warning: 'warning', note: 'notice' }

/** Check-run annotations: plain text (GitHub does not render Markdown there), line 1 for whole-file findings. */
export function toAnnotations(findings: readonly Finding[]): CheckAnnotation[] {
  return findings.slice(0, MAX_ANNOTATIONS).map((f) => ({
    path: f.path,
    start_line: f.line ?? 1,
    end_line: f.line ?? 1,
    annotation_level: LEVEL[f.severity],
    title: f.rule,
    message: `${f.message}\nFix: ${f.fix}`
  }))
}

export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
