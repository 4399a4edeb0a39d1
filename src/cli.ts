import { runCli } from './cli/main.js'

runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd()
}).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    process.stderr.write(`modelgate: internal error: ${String(err)}\n`)
    process.exitCode = 2
  }
)
