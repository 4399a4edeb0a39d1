import { z } from 'zod'
import { UsageError } from '../util/errors.js'

/** YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
const bool = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (['true', 'True', 'TRUE'].includes(v)) return true
    if (['false', 'False', 'FALSE'].includes(v)) return false
    ctx.addIssue({ code: 'custom', message: `'${v}' is not a boolean (true or false)` })
    return z.NEVER
  })

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .pipe(z.enum(values, { error: (i) => `'${String(i.input)}' is not one of ${values.join(', ')}` }))

const path = z.string().trim()

/**
 * Every input with its default, in one place (action.yml repeats the defaults for the UI; a test
 * keeps the two equal). An empty input means "use the default", as on the runner.
 */
export const INPUTS = {
  'github-token': { schema: z.string().trim(), default: '' },
  config: { schema: path, default: '' },
  mode: { schema: oneOf(['auto', 'pull-request', 'snapshot']), default: 'auto' },
  'fail-on': { schema: oneOf(['error', 'warning', 'never']), default: 'error' },
  comment: { schema: oneOf(['on-findings', 'always', 'never']), default: 'on-findings' },
  review: { schema: bool, default: 'true' },
  'check-run': { schema: bool, default: 'true' },
  'bom-path': { schema: path, default: 'modelgate-bom.cdx.json' },
  'bom-format': { schema: oneOf(['json', 'xml', 'spdx3']), default: 'json' },
  'report-path': { schema: path, default: 'modelgate-report.json' },
  'sarif-path': { schema: path, default: 'modelgate.sarif' },
  'dependency-snapshot': { schema: bool, default: 'false' }
} as const

export type InputName = keyof typeof INPUTS
type Parsed<K extends InputName> = z.output<(typeof INPUTS)[K]['schema']>

export interface ActionInputs {
  token: string
  /** Policy file relative to the workspace; empty: `.modelgate.yml` when present. */
  config: string
  mode: Parsed<'mode'>
  failOn: Parsed<'fail-on'>
  comment: Parsed<'comment'>
  review: boolean
  checkRun: boolean
  bomPath: string
  /** CycloneDX JSON or XML, or SPDX 3.0.1 JSON-LD. */
  bomFormat: Parsed<'bom-format'>
  reportPath: string
  sarifPath: string
  dependencySnapshot: boolean
}

/** Validates all inputs up front, so a typo fails the job with the input's name and what it accepts. */
export function parseInputs(get: (name: InputName) => string): ActionInputs {
  const value = <K extends InputName>(name: K): Parsed<K> => {
    const spec = INPUTS[name]
    const raw = get(name).trim() || spec.default
    const r = spec.schema.safeParse(raw)
    if (!r.success) throw new UsageError(`input ${name}: ${r.error.issues[0]?.message ?? 'invalid value'}`)
    return r.data as Parsed<K>
  }
  return {
    token: value('github-token'),
    config: value('config'),
    mode: value('mode'),
    failOn: value('fail-on'),
    comment: value('comment'),
    review: value('review'),
    checkRun: value('check-run'),
    bomPath: value('bom-path'),
    bomFormat: value('bom-format'),
    reportPath: value('report-path'),
    sarifPath: value('sarif-path'),
    dependencySnapshot: value('dependency-snapshot')
  }
}
