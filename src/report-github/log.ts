/** Where the reporting ladder writes its progress: the action's log (@actions/core) or the bot's JSON lines. */
export interface ReportLog {
  info(line: string): void
  warning(line: string): void
}

export const SILENT_LOG: ReportLog = { info: () => {}, warning: () => {} }
