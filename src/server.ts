import { pathToFileURL } from 'node:url'
import { runServe } from './bot/main.js'

// `modelgate serve` in the bundled CLI imports this bundle for runServe; run directly, it serves.
export { runServe }

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServe(process.env, { stderr: (t) => process.stderr.write(t) }).then(
    (code) => {
      process.exitCode = code
      // keep-alive sockets or timers of finished work must not hold a stopped server open
      if (code === 0) setTimeout(() => process.exit(0), 100).unref()
    },
    (err: unknown) => {
      process.stderr.write(`modelgate serve: internal error: ${String(err)}\n`)
      process.exitCode = 2
    }
  )
}
