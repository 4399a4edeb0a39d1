import { BotConfigError, readBotConfig, type BotConfig } from './config.js'
import type { Logger } from './log.js'
import type { BotServer } from './server.js'

export interface ServeIo {
  stderr: (text: string) => void
  log?: Logger
  /** Registers the signal handlers (process.once by default); tests pass their own. */
  onSignal?: (signal: 'SIGTERM' | 'SIGINT', fn: () => void) => void
  onStarted?: (server: BotServer) => void
}

/**
 * `modelgate serve` and `node dist/server.js`: settings checked first (exit 2 with one line naming
 * the setting), then the server until SIGTERM/SIGINT, then a graceful stop (exit 0). The server's
 * modules are loaded only after the check: a GitHub client library reads GITHUB_API_URL when it
 * loads, and a bad value must get our one-line message, not its stack trace.
 */
export async function runServe(env: NodeJS.ProcessEnv, io: ServeIo): Promise<number> {
  let cfg: BotConfig
  try {
    cfg = readBotConfig(env)
  } catch (err) {
    if (err instanceof BotConfigError) {
      io.stderr(`modelgate serve: ${err.message}\n`)
      return 2
    }
    throw err
  }
  let server: BotServer
  try {
    const [{ startBotServer }, { jsonLogger }] = await Promise.all([import('./server.js'), import('./log.js')])
    server = await startBotServer(cfg, io.log ?? jsonLogger())
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.stderr(`modelgate serve: PORT: cannot listen on ${cfg.host}:${cfg.port} (${code}); choose another PORT or HOST\n`)
      return 2
    }
    io.stderr(`modelgate serve: internal error: ${(err as Error).stack ?? String(err)}\n`)
    return 2
  }
  io.onStarted?.(server)
  const on = io.onSignal ?? ((signal, fn) => process.once(signal, fn))
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => () => void server.shutdown(signal).then(resolve)
    on('SIGTERM', stop('SIGTERM'))
    on('SIGINT', stop('SIGINT'))
  })
  return 0
}
