import { parseArgs } from 'node:util'
import { UsageError } from '../util/errors.js'
import type { FailOn } from '../types.js'

export type ReportFormat = 'text' | 'json' | 'markdown' | 'sarif'
/** CycloneDX JSON or XML, or SPDX 3.0.1 JSON-LD. */
export type BomFileFormat = 'json' | 'xml' | 'spdx3'
const BOM_FILE_FORMATS = ['json', 'xml', 'spdx3'] as const satisfies readonly BomFileFormat[]

export interface ScanArgs {
  command: 'scan'
  dir: string
  base?: string
  head?: string
  config?: string
  format: ReportFormat
  output?: string
  bom?: string
  bomFormat: BomFileFormat
  failOn: FailOn
  /** Local OSV advisory records (files or folders). */
  advisories: string[]
  /** Allow network lookups: OSV for advisories, PyPI/npm for dependency licenses. */
  online: boolean
  /** Resolve Hugging Face references in code through the Hub API and judge the files they load (HF_ENDPOINT, HF_TOKEN). */
  hubLookups: boolean
}
export interface BomDiffArgs {
  command: 'bom-diff'
  oldBom: string
  newBom: string
  format: 'text' | 'json'
}
export type CliArgs = ScanArgs | BomDiffArgs | { command: 'serve' } | { command: 'help' } | { command: 'version' }

export const USAGE = `Usage: modelgate scan [DIR] [options]
       modelgate bom diff OLD.cdx.json NEW.cdx.json [--format text|json]
       modelgate serve   (GitHub App webhook server; settings from the environment, see docs/bot.md)

Finds, identifies and hashes every model, dataset, ML dependency manifest, card
and signature in DIR (default: .), or only those changed between two git refs.

Options:
  --base REF            scan only what changed under DIR between REF and --head
                        (three-dot, like a PR; paths stay relative to the repository top)
  --head REF            the head side of the change (default: HEAD)
  --config FILE         policy file (default: DIR/.modelgate.yml if present)
  --format FORMAT       text | json | markdown | sarif (default: text)
  --output FILE         write the report to FILE instead of stdout
  --bom FILE            write the ML-BOM to FILE (CycloneDX 1.6, or SPDX 3.0.1 with --bom-format spdx3)
  --bom-format FORMAT   json | xml (CycloneDX) | spdx3 (SPDX 3.0.1 JSON-LD) (default: json)
  --fail-on LEVEL       error | warning | never (default: error)
  --advisories PATH     local OSV advisory records (a file, an array, or a folder); repeatable
  --online              allow network lookups (OSV API for advisories, PyPI/npm for licenses);
                        without it nothing leaves the machine
  --hub-lookups         resolve Hugging Face references in code on the Hub (HF_ENDPOINT,
                        HF_TOKEN) and judge the weights they load by range requests
  -h, --help            show this help
  -v, --version         show the version

Exit status: 0 pass, 1 a finding reached --fail-on, 2 usage, config, output or internal error.`

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError(`--${flag} ${value}: expected one of ${allowed.join(', ')}`)
}

export function parseCli(argv: string[]): CliArgs {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        base: { type: 'string' },
        head: { type: 'string' },
        config: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
        bom: { type: 'string' },
        'bom-format': { type: 'string' },
        'fail-on': { type: 'string' },
        advisories: { type: 'string', multiple: true },
        online: { type: 'boolean' },
        'hub-lookups': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      }
    })
  } catch (err) {
    throw new UsageError(`${(err as Error).message}; see 'modelgate --help'`)
  }
  const { values, positionals } = parsed
  if (values.help) return { command: 'help' }
  if (values.version) return { command: 'version' }
  const [command, ...rest] = positionals
  if (command === 'bom') {
    if (rest[0] !== 'diff' || rest.length !== 3) throw new UsageError('usage: modelgate bom diff OLD.cdx.json NEW.cdx.json')
    return { command: 'bom-diff', oldBom: rest[1]!, newBom: rest[2]!, format: oneOf('format', values.format, ['text', 'json'], 'text') }
  }
  if (command === 'serve') {
    if (rest.length) throw new UsageError(`serve takes no arguments (settings come from the environment: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, PORT; see docs/bot.md)`)
    return { command: 'serve' }
  }
  if (command !== 'scan') throw new UsageError(command ? `unknown command '${command}'; the command is 'scan' (see 'modelgate --help')` : "missing command; try 'modelgate scan .'")
  if (rest.length > 1) throw new UsageError(`scan takes one directory, got ${rest.length}: ${rest.join(' ')}`)
  if (values.head && !values.base) throw new UsageError('--head needs --base: give the ref to compare against')
  return {
    command: 'scan',
    dir: rest[0] ?? '.',
    ...(values.base ? { base: values.base } : {}),
    ...(values.head ? { head: values.head } : {}),
    ...(values.config ? { config: values.config } : {}),
    format: oneOf('format', values.format, ['text', 'json', 'markdown', 'sarif'], 'text'),
    ...(values.output ? { output: values.output } : {}),
    ...(values.bom ? { bom: values.bom } : {}),
    bomFormat: oneOf('bom-format', values['bom-format'], BOM_FILE_FORMATS, 'json'),
    failOn: oneOf('fail-on', values['fail-on'], ['error', 'warning', 'never'], 'error'),
    advisories: values.advisories ?? [],
    online: values.online ?? false,
    hubLookups: values['hub-lookups'] ?? false
  }
}
