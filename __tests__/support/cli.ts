import { runCli } from '../../src/cli/main.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI in-process with captured output. */
export async function cli(cwd: string, ...argv: string[]): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}
