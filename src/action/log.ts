import * as core from '@actions/core'
import type { ReportLog } from '../report-github/log.js'

/** The shared reporting steps log through the runner: info lines and `::warning::` commands. */
export const actionLog: ReportLog = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line)
}
