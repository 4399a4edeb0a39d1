import { parseSyml } from '@yarnpkg/parsers'
import type { InspectResult } from '../../inspect/types.js'
import { clip } from '../../util/clip.js'
import { Inventory } from '../collect.js'
import { unresolved } from '../issues.js'
import { isRecord } from '../parse-errors.js'
import { splitLines } from '../text.js'
import { LOCAL_PROTOCOL, lockedNpmDependency, splitDescriptor } from './npm-locked.js'
import { malformedLock, symlSyntaxIssue, type SymlLock } from './syml-errors.js'

const PNPM_LOCK: SymlLock = {
  kind: 'pnpm-lock.yaml',
  tool: 'pnpm',
  notAMapping: (shape) => `the top level is ${shape}, not a mapping of lockfileVersion, importers and packages`
}

/** Lock file formats read here: 5.x (pnpm 6–7), 6.x (pnpm 8), 9.x (pnpm 9 and later). */
const KNOWN_MAJORS = new Set([5, 6, 9])

interface YamlDocument {
  text: string
  /** 1-based line of the document's first line in the file. */
  firstLine: number
}

/**
 * pnpm-lock.yaml: every package under `packages` at its exact version, on the
 * line of its key (`/name@1.0.0(peer@2)` in 6.x, `/name/1.0.0_peer` in 5.x,
 * `name@1.0.0` in 9.x; entries from git or tarballs carry `name`/`version`).
 * Copies that differ only in peers are one package. 5.x/6.x mark dev-only
 * packages (`dev: true`); 9.x no longer records it. Newer pnpm writes a second
 * YAML document (its own tooling first, the project last): both are read. A
 * format not listed above is a note, never read by guesswork.
 *
 * Parsed with yarn's YAML reader (js-yaml, strings only), several times faster
 * than a positional YAML parser on multi-MB lock files; lines come from the keys.
 */
export function parsePnpmLock(text: string): InspectResult {
  const inv = new Inventory('npm')
  const docs: { value: Record<string, unknown>; doc: YamlDocument }[] = []
  for (const doc of yamlDocuments(text)) {
    let value: Record<string, unknown>
    try {
      value = parseSyml(doc.text)
    } catch (err) {
      inv.issue(symlSyntaxIssue(PNPM_LOCK, err, doc.firstLine))
      return inv.result()
    }
    if (Object.keys(value).length > 0) docs.push({ value, doc })
  }
  const seen = new Set<string>()
  for (const { value, doc } of docs) {
    const lines = keyLines(doc)
    const raw = value.lockfileVersion
    if (typeof raw !== 'string') {
      inv.issue(malformedLock(PNPM_LOCK, raw === undefined ? 'there is no `lockfileVersion`, so this is not a pnpm lock file' : '`lockfileVersion` is not a version', lines.version ?? doc.firstLine))
      continue
    }
    const major = /^(\d+)(\.\d+)*$/.test(raw) ? Number(raw.split('.')[0]) : null
    if (major === null) {
      inv.issue(malformedLock(PNPM_LOCK, `\`lockfileVersion\` "${raw.slice(0, 40)}" is not a version`, lines.version))
      continue
    }
    if (!KNOWN_MAJORS.has(major)) {
      inv.issue(
        unresolved(
          `This pnpm-lock.yaml has lockfileVersion ${raw}, a format ModelGate does not read (it reads 5.x, 6.x and 9.x), so the packages it locks were not inventoried.`,
          'Check the packages this lock file pins by hand (a pnpm release that writes lockfile 9.0 makes them readable).',
          lines.version
        )
      )
      continue
    }
    const packages = value.packages
    if (packages === undefined || packages === null) continue
    if (!isRecord(packages)) {
      inv.issue(malformedLock(PNPM_LOCK, '`packages` is not a mapping of package keys', lines.packages))
      continue
    }
    readPackages(packages, major, lines.keys, inv, seen)
  }
  return inv.result()
}

function readPackages(packages: Record<string, unknown>, major: number, lines: Map<string, number>, inv: Inventory, seen: Set<string>): void {
  for (const [key, entry] of Object.entries(packages)) {
    const line = lines.get(key) ?? null
    if (entry !== null && !isRecord(entry)) {
      inv.issue(malformedLock(PNPM_LOCK, `the package "${clip(key, 80, '...')}" is not a mapping`, line))
      continue
    }
    const field = (name: string): unknown => (isRecord(entry) ? entry[name] : undefined)
    const fromKey = keyParts(key, major)
    const name = typeof field('name') === 'string' ? (field('name') as string) : fromKey?.name
    const version = typeof field('version') === 'string' ? (field('version') as string) : fromKey?.version
    const local = LOCAL_PROTOCOL.test(key.replace(/^\//, '')) || (version !== undefined && LOCAL_PROTOCOL.test(version))
    if (local) continue
    if (!name || !version) {
      inv.issue(malformedLock(PNPM_LOCK, `cannot tell the package name and version of "${clip(key, 80, '...')}"`, line))
      continue
    }
    const id = `${name}@${version}`
    if (seen.has(id)) continue
    seen.add(id)
    // Strings only: `dev: true` reads as "true".
    const dev = field('dev') === 'true' || field('dev') === true
    inv.add(lockedNpmDependency(name, version, line, dev ? 'dev' : undefined), { quiet: true })
  }
}

/** The documents of a YAML stream (`---` starts one, `...` ends one), with their first lines. */
function yamlDocuments(text: string): YamlDocument[] {
  const out: YamlDocument[] = []
  let current: string[] = []
  let first = 1
  splitLines(text).forEach((line, i) => {
    if (/^(---|\.\.\.)(\s|$)/.test(line)) {
      out.push({ text: current.join('\n'), firstLine: first })
      current = []
      first = i + 2
      return
    }
    current.push(line)
  })
  out.push({ text: current.join('\n'), firstLine: first })
  return out
}

/** Lines of `lockfileVersion`, `packages` and each key directly under `packages`, as pnpm writes them. */
function keyLines(doc: YamlDocument): { version: number | null; packages: number | null; keys: Map<string, number> } {
  const out = { version: null as number | null, packages: null as number | null, keys: new Map<string, number>() }
  let inPackages = false
  splitLines(doc.text).forEach((line, i) => {
    const at = doc.firstLine + i
    if (/^[^\s#]/.test(line)) {
      inPackages = /^packages:/.test(line)
      if (inPackages) out.packages = at
      if (/^lockfileVersion:/.test(line)) out.version = at
      return
    }
    if (!inPackages) return
    const key = /^ {2}(?! )(.+)$/.exec(line)?.[1]
    const name = key === undefined ? null : yamlKey(key)
    if (name !== null && !out.keys.has(name)) out.keys.set(name, at)
  })
  return out
}

/** The key of `key: ...` / `'quoted''key': ...` / `"quoted": ...`. */
function yamlKey(s: string): string | null {
  if (s.startsWith("'")) {
    const m = /^'((?:[^']|'')*)':(?:\s|$)/.exec(s)
    return m ? m[1]!.replace(/''/g, "'") : null
  }
  if (s.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*"):(?:\s|$)/.exec(s)
    try {
      return m ? (JSON.parse(m[1]!) as string) : null
    } catch {
      return null
    }
  }
  if (s.startsWith('#')) return null
  return /^(.*?):(?:[ \t]|$)/.exec(s)?.[1] ?? null
}

/** `name@version` from a package key; peer suffixes (`(react@18.2.0)`, 5.x `_react@18.2.0`) dropped. */
function keyParts(key: string, major: number): { name: string; version: string } | null {
  if (major < 9 && !key.startsWith('/')) return null
  const k = key.replace(/^\//, '')
  if (major === 5) {
    const slash = k.lastIndexOf('/')
    return slash > 0 ? { name: k.slice(0, slash), version: k.slice(slash + 1).replace(/_.*$/, '') } : null
  }
  const split = splitDescriptor(k.replace(/\(.*$/, ''))
  return split && split[1] ? { name: split[0], version: split[1] } : null
}
