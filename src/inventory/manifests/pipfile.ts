import type { DeclaredDependency, InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { JsonLines } from '../json-lines.js'
import { isMlPackage, normalizePypiName } from '../ml-packages.js'
import { isRecord, jsonOf, tomlOf } from '../parse-errors.js'
import { exactPep440 } from '../pep508.js'
import { pypiPurl } from '../purl.js'
import { lockedPythonDependency } from '../python-deps.js'
import { TomlLines } from '../toml-lines.js'

const COMMIT = /^[0-9a-f]{40}$/i
const NOT_PACKAGES = new Set(['source', 'requires', 'scripts', 'pipenv'])

/** Pipfile: `[packages]`, `[dev-packages]` and custom categories; `"*"` and ranges are unpinned. */
export function parsePipfile(text: string): InspectResult {
  const inv = new Inventory('pipfile')
  const parsed = tomlOf(text, 'Pipfile')
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const lines = new TomlLines(text)
  for (const [section, table] of Object.entries(parsed.value)) {
    if (NOT_PACKAGES.has(section) || !isRecord(table)) continue
    const group = section === 'packages' ? undefined : section === 'dev-packages' ? 'dev' : section
    for (const [rawName, spec] of Object.entries(table)) {
      const made = pipfileDependency(rawName, spec, lines.keyLine([section, rawName]), group)
      if (made) inv.add(made.dep, { local: made.local })
    }
  }
  return inv.result()
}

function pipfileDependency(rawName: string, spec: unknown, line: number | null, group?: string): { dep: DeclaredDependency; local: boolean } | null {
  const name = normalizePypiName(rawName)
  const ml = isMlPackage('pypi', name)
  const g = group ? { group } : {}
  const versioned = (s: string): DeclaredDependency => {
    const version = s.trim() === '*' ? null : exactPep440(s)
    return { line, ecosystem: 'pypi', name, specifier: s, version, pinned: version !== null, ml, purl: pypiPurl(name, version), ...g }
  }
  if (typeof spec === 'string') return { dep: versioned(spec), local: false }
  if (!isRecord(spec)) return null
  if (typeof spec.git === 'string') {
    const ref = typeof spec.ref === 'string' ? spec.ref : null
    const url = `git+${spec.git}${ref ? `@${ref}` : ''}`
    const commit = ref && COMMIT.test(ref) ? ref.toLowerCase() : null
    return { dep: { line, ecosystem: 'pypi', name, specifier: url, version: commit, pinned: commit !== null, ml, purl: pypiPurl(name, null, { vcs_url: url }), ...g }, local: false }
  }
  if (typeof spec.path === 'string') return { dep: { line, ecosystem: 'pypi', name, specifier: `file:${spec.path}`, version: null, pinned: false, ml, purl: pypiPurl(name, null), ...g }, local: true }
  if (typeof spec.file === 'string') return { dep: { line, ecosystem: 'pypi', name, specifier: spec.file, version: null, pinned: false, ml, purl: pypiPurl(name, null, { download_url: spec.file }), ...g }, local: false }
  return { dep: versioned(typeof spec.version === 'string' ? spec.version : '*'), local: false }
}

/** Pipfile.lock: every entry resolved to `==version` (or a git commit) with hashes. */
export function parsePipfileLock(text: string): InspectResult {
  const inv = new Inventory('pipfile')
  const parsed = jsonOf(text, 'Pipfile.lock')
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  if (!isRecord(parsed.value)) {
    inv.issue({ rule: 'unparseable-artifact', severity: 'error', message: 'Cannot parse this Pipfile.lock: it is not a JSON object.', fix: 'Regenerate it with `pipenv lock`.' })
    return inv.result()
  }
  const lines = new JsonLines(text)
  for (const [section, table] of Object.entries(parsed.value)) {
    if (section.startsWith('_') || !isRecord(table)) continue
    const group = section === 'default' ? undefined : section === 'develop' ? 'dev' : section
    const sectionAt = lines.keyOffset(section)
    for (const [rawName, entry] of Object.entries(table)) {
      if (!isRecord(entry)) continue
      const line = lines.childLine(section, rawName, Math.max(0, sectionAt))
      const g = group ? { group } : {}
      if (typeof entry.version === 'string') {
        const version = exactPep440(entry.version)
        if (version) {
          inv.add(lockedPythonDependency(rawName, version, line, g))
          continue
        }
      }
      const made = pipfileDependency(rawName, entry, line, group)
      if (made) inv.add(made.dep, { local: made.local })
    }
  }
  return inv.result()
}
