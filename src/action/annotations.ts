import * as core from '@actions/core'
import type { Finding } from '../types.js'

/** Workflow commands beyond this add nothing: the runner shows only the first few per step. */
const MAX_COMMAND_ANNOTATIONS = 50

/** Annotations through the log, which needs no token: the fallback when there is no check run. */
export function emitWorkflowAnnotations(findings: readonly Finding[]): void {
  for (const f of findings.slice(0, MAX_COMMAND_ANNOTATIONS)) {
    const props = { title: `ModelGate ${f.rule}`, file: f.path, ...(f.line ? { startLine: f.line } : {}) }
    const text = `${f.message} Fix: ${f.fix}`
    if (f.severity === 'error') core.error(text, props)
    else if (f.severity === 'warning') core.warning(text, props)
    else core.notice(text, props)
  }
}
