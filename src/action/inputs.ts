import * as core from '@actions/core'
import type { FailOn } from '../types.js'
import { UsageError } from '../util/errors.js'

export interface ActionInputs {
  config?: string
  failOn: FailOn
  bomPath: string
  reportPath: string
}

/** Action inputs, validated up front so a typo fails the job with a clear message. */
export function readInputs(): ActionInputs {
  const failOn = core.getInput('fail-on') || 'error'
  if (!['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`input fail-on: '${failOn}' is not one of error, warning, never`)
  const config = core.getInput('config')
  return {
    ...(config ? { config } : {}),
    failOn: failOn as FailOn,
    bomPath: core.getInput('bom-path') || 'modelgate-bom.cdx.json',
    reportPath: core.getInput('report-path') || 'modelgate-report.json'
  }
}
