import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseDocument } from 'yaml'
import type { z } from 'zod'
import { configSchema, DEFAULT_CONFIG, type Config } from './schema.js'
import { UsageError } from '../util/errors.js'
import { git } from '../util/run-git.js'
import { lineAt } from '../identify/front-matter.js'

export const CONFIG_FILE_NAME = '.modelgate.yml'

/** Loads and validates a config; a missing default file means defaults, a missing explicit one is an error. */
export async function loadConfig(root: string, explicit?: string): Promise<{ config: Config; file: string | null }> {
  const file = explicit ? path.resolve(explicit) : path.join(root, CONFIG_FILE_NAME)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return { config: DEFAULT_CONFIG, file: null }
    throw new UsageError(`${file}: cannot read config file (${(err as Error).message}); check the --config path`)
  }
  return { config: parseConfig(text, file), file }
}

export function parseConfig(text: string, file: string): Config {
  // logLevel 'error': YAML warnings (e.g. a collection used as a key) must not reach the terminal as Node warnings.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    throw new UsageError(oneLine(`${file}:${lineAt(text, e.pos[0])}: invalid YAML: ${e.message.split('\n')[0]}`))
  }
  let data: unknown
  try {
    // Aliases are expanded here: an alias bomb (aliases of aliases) stops at the library's alias budget.
    data = doc.toJS() ?? {}
  } catch (err) {
    throw new UsageError(oneLine(`${file}: invalid YAML: ${yamlValueError(err as Error)}`))
  }
  const result = configSchema.safeParse(data, { reportInput: true })
  if (!result.success) throw new UsageError(oneLine(`${file}: ${describeIssue(result.error.issues[0]!)}`))
  return result.data
}

/** What `toJS` refuses, with what to change in the file. */
function yamlValueError(err: Error): string {
  const first = err.message.split('\n')[0]!
  if (/alias count/i.test(first)) return `its aliases (*name) expand to too many values (${first}); write the values out instead of using anchors and aliases`
  if (/unresolved alias/i.test(first)) return `${first}; define the anchor (&name) before using the alias, or write the value out`
  return `${first}; check the YAML syntax`
}

/** Config text quoted in a message (keys, values) must not break it over lines or send control characters. */
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.') || '(top level)'
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((k) => `'${[...issue.path.map(String), k].join('.')}'`).join(', ')}; remove it or check its spelling (see docs/config.md)`
    case 'invalid_type':
      return `key '${key}': expected ${issue.expected}, got ${typeOf(issue.input)}`
    case 'invalid_value':
      return `key '${key}': expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
    case 'invalid_key':
      return `key '${key}': unknown rule id; see docs/rules.md for the rule ids`
    default:
      return `key '${key}': ${issue.message}`
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

/**
 * Change mode: the policy as it is on the base side, so a change cannot weaken the
 * policy it is judged by (the same rule as the action and the bot). No file there
 * means the defaults.
 */
export async function loadBaseConfig(root: string, base: string): Promise<Config> {
  if (base.startsWith('-')) throw new UsageError(`--base ${base}: a ref cannot start with '-'`)
  let text: string
  try {
    text = (await git(root, ['show', `${base}:./${CONFIG_FILE_NAME}`])).toString('utf8')
  } catch {
    return DEFAULT_CONFIG
  }
  return parseConfig(text, `${base}:${CONFIG_FILE_NAME}`)
}
