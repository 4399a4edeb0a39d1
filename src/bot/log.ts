/** One JSON object per line on stdout (stderr for errors): what log collectors parse. Secrets are never passed in. */
export type Level = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  (level: Level, msg: string, fields?: Record<string, unknown>): void
}

export function jsonLogger(write: (line: string, level: Level) => void = (line, level) => (level === 'error' ? process.stderr : process.stdout).write(line + '\n')): Logger {
  return (level, msg, fields = {}) => write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }), level)
}

export const silentLogger: Logger = () => {}
