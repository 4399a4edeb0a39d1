import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { scan as engineScan } from '../engine/scan.js'
import { render } from '../report/render.js'
import { inert } from '../report/text.js'
import { UsageError } from '../util/errors.js'
import { TOOL } from '../version.js'
import { parseCli, USAGE, type BomDiffArgs, type ScanArgs } from './args.js'

export interface Io {
  /** May return a promise, awaited; it rejects when the text cannot be written (a full disk, a closed pipe). */
  stdout: (text: string) => unknown
  stderr: (text: string) => void
  cwd: string
  /** `serve` reads its settings here; default process.env. */
  env?: NodeJS.ProcessEnv
}

/** What the CLI runs, replaceable in tests (e.g. an engine that crashes). */
export interface CliDeps {
  scan?: typeof engineScan
}

/** Runs the CLI and returns its exit code: 0 pass, 1 fail, 2 usage/config/output/internal error. */
export async function runCli(argv: string[], io: Io, deps: CliDeps = {}): Promise<number> {
  try {
    const args = parseCli(argv)
    if (args.command === 'help') return await emit(io, USAGE + '\n'), 0
    if (args.command === 'version') return await emit(io, `${TOOL.version}\n`), 0
    if (args.command === 'bom-diff') return await runBomDiff(args, io)
    if (args.command === 'serve') {
      const { runServe } = await import('../bot/main.js')
      return await runServe(io.env ?? process.env, { stderr: io.stderr })
    }
    return await runScan(args, io, deps.scan ?? engineScan)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`modelgate: ${inert(err.message)}\n`)
    } else {
      // One line with the cause; the stack only on request, so a crash never floods CI logs with our internals.
      const e = err instanceof Error ? err : new Error(String(err))
      const debug = (io.env ?? process.env).MODELGATE_DEBUG ? `\n${e.stack ?? ''}` : ''
      io.stderr(`modelgate: internal error: ${inert(e.message)}; run with MODELGATE_DEBUG=1 for the stack trace to report it${debug}\n`)
    }
    return 2
  }
}

/** Standard output that cannot take the report (ENOSPC, EPIPE) is exit 2: a report nobody received is no pass. */
async function emit(io: Io, text: string): Promise<void> {
  try {
    await io.stdout(text)
  } catch (err) {
    throw new UsageError(`cannot write to standard output (${(err as Error).message}); free space on the target or write the report with --output FILE`)
  }
}

async function runScan(args: ScanArgs, io: Io, scan: typeof engineScan): Promise<number> {
  const root = path.resolve(io.cwd, args.dir)
  const st = await stat(root).catch(() => null)
  if (!st?.isDirectory()) throw new UsageError(`${args.dir}: not a directory; give the folder to scan`)
  const { report } = await scan({
    root,
    ...(args.base ? { base: args.base } : {}),
    ...(args.head ? { head: args.head } : {}),
    ...(args.config ? { configPath: path.resolve(io.cwd, args.config) } : {}),
    failOn: args.failOn,
    advisories: { online: args.online, files: args.advisories.map((p) => path.resolve(io.cwd, p)) },
    ...(args.online ? { registry: {} } : {}),
    // Without the flag, `hub.lookups` in the config decides; HF_ENDPOINT and HF_TOKEN come from the environment only.
    hub: { ...(args.hubLookups ? { lookups: true } : {}), env: io.env ?? process.env },
    log: (line) => io.stderr(`modelgate: ${line}\n`)
  })
  const body = render(report, args.format)
  if (args.output) await writeOut(path.resolve(io.cwd, args.output), body, '--output')
  else await emit(io, body)
  if (args.bom) {
    const subject = path.basename(root)
    // Loaded on demand: the CycloneDX library is a large part of start-up time.
    const text =
      args.bomFormat === 'spdx3'
        ? (await import('../bom/spdx3/document.js')).serializeSpdx3(report, { subject })
        : (await import('../bom/cyclonedx.js')).serializeBom(report, { subject, format: args.bomFormat })
    await writeOut(path.resolve(io.cwd, args.bom), text, '--bom')
  }
  return report.verdict === 'fail' ? 1 : 0
}

async function runBomDiff(args: BomDiffArgs, io: Io): Promise<number> {
  const { diffBoms, renderBomDiff } = await import('../bom/diff.js')
  const load = async (file: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(path.resolve(io.cwd, file), 'utf8'))
    } catch (err) {
      throw new UsageError(`${file}: cannot read a JSON BOM (${(err as Error).message})`)
    }
  }
  const changes = diffBoms(await load(args.oldBom), await load(args.newBom))
  await emit(io, args.format === 'json' ? JSON.stringify(changes, null, 2) + '\n' : renderBomDiff(changes))
  return 0
}

async function writeOut(file: string, text: string, flag: '--output' | '--bom'): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, text)
  } catch (err) {
    throw new UsageError(`${flag} ${file}: cannot write it (${(err as Error).message}); give a writable file path`)
  }
}
