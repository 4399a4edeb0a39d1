import { runCli } from './cli/main.js'

// Write errors reach the callback below; without a listener the stream's 'error' event would crash the process.
process.stdout.on('error', () => {})

runCli(process.argv.slice(2), {
  stdout: (t) => new Promise<void>((resolve, reject) => process.stdout.write(t, (err) => (err ? reject(err) : resolve()))),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd()
}).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`modelgate: internal error: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 2
  }
)
