import type { DeclaredDependency, InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { isMlPackage, normalizePypiName } from '../ml-packages.js'
import { isRecord, tomlOf } from '../parse-errors.js'
import { pypiPurl } from '../purl.js'
import { addPep508, vcsRef } from '../python-deps.js'
import { TomlLines } from '../toml-lines.js'

const KIND = 'pyproject.toml'
const COMMIT = /^[0-9a-f]{40}$/i

/**
 * pyproject.toml: PEP 621 `[project]` (and optional dependencies), PEP 735
 * dependency groups, build requirements, Poetry, PDM and uv tables. uv
 * `[tool.uv.sources]` redirect a dependency to git or a path; constraint and
 * override lists pin what the project leaves open.
 */
export function parsePyproject(text: string): InspectResult {
  const inv = new Inventory('pep508')
  const parsed = tomlOf(text, KIND)
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const doc = parsed.value
  const lines = new TomlLines(text)
  // PEP 508 lists first, collected before findings so uv sources and constraints can apply.
  const staged: { dep: DeclaredDependency; local: boolean }[] = []
  const collect = new Inventory('pep508')
  const list = (path: string[], group?: string) => {
    const value = dig(doc, path)
    if (!Array.isArray(value)) return
    for (const item of value) {
      if (typeof item !== 'string') continue
      if (item.startsWith('-e ')) continue
      const dep = addPep508(collect, item, lines.stringLine(path, item), KIND, group)
      if (dep) staged.push({ dep, local: dep.specifier?.startsWith('file:') ?? false })
    }
  }
  list(['project', 'dependencies'])
  forEachGroup(dig(doc, ['project', 'optional-dependencies']), (g) => list(['project', 'optional-dependencies', g], `optional:${g}`))
  forEachGroup(dig(doc, ['dependency-groups']), (g) => list(['dependency-groups', g], g))
  list(['build-system', 'requires'], 'build')
  forEachGroup(dig(doc, ['tool', 'pdm', 'dev-dependencies']), (g) => list(['tool', 'pdm', 'dev-dependencies', g], g))
  list(['tool', 'uv', 'dev-dependencies'], 'dev')
  for (const i of collect.issues.filter((x) => x.rule === 'unparseable-artifact')) inv.issue(i)

  const pins = new Map<string, string>()
  for (const key of ['constraint-dependencies', 'override-dependencies']) {
    const value = dig(doc, ['tool', 'uv', key])
    if (!Array.isArray(value)) continue
    for (const item of value) {
      const m = typeof item === 'string' ? /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*===?\s*([^\s,;*]+)\s*(;.*)?$/.exec(item) : null
      if (m) pins.set(normalizePypiName(m[1]!), m[2]!)
    }
  }
  const sources = dig(doc, ['tool', 'uv', 'sources'])
  for (const { dep, local } of staged) {
    const source = isRecord(sources) ? Object.entries(sources).find(([k]) => normalizePypiName(k) === dep.name)?.[1] : undefined
    const redirected = isRecord(source) ? applyUvSource(dep, source) : null
    if (redirected) {
      inv.add(redirected.dep, { local: redirected.local })
      continue
    }
    const pin = !dep.pinned && !(dep.specifier ?? '').includes(':') ? pins.get(dep.name) : undefined
    inv.add(pin ? { ...dep, version: pin, pinned: true, purl: pypiPurl(dep.name, pin) } : dep, { local })
  }

  poetry(doc, lines, inv)
  return inv.result()
}

/** `[tool.uv.sources] name = { git = ..., rev = ... }` or `{ path = ... }` / `{ workspace = true }`. */
function applyUvSource(dep: DeclaredDependency, source: Record<string, unknown>): { dep: DeclaredDependency; local: boolean } | null {
  if (typeof source.git === 'string') {
    const rev = typeof source.rev === 'string' ? source.rev : null
    const ref = rev ?? (typeof source.tag === 'string' ? source.tag : typeof source.branch === 'string' ? source.branch : null)
    const url = `git+${source.git}${ref ? `@${ref}` : ''}`
    const commit = rev && COMMIT.test(rev) ? rev.toLowerCase() : null
    return { dep: { ...dep, specifier: url, version: commit, pinned: commit !== null, purl: pypiPurl(dep.name, null, { vcs_url: url }) }, local: false }
  }
  if (typeof source.path === 'string' || source.workspace === true) {
    return { dep: { ...dep, specifier: typeof source.path === 'string' ? `file:${source.path}` : 'workspace', version: null, pinned: false }, local: true }
  }
  if (typeof source.url === 'string') return { dep: { ...dep, specifier: source.url, version: null, pinned: false, purl: pypiPurl(dep.name, null, { download_url: source.url }) }, local: false }
  return null
}

/** Poetry tables: `name = "^1.2"`, `{ version = ... }`, `{ git = ..., rev = ... }`, `{ path = ... }`, or a list of those. */
function poetry(doc: Record<string, unknown>, lines: TomlLines, inv: Inventory): void {
  const tables: { path: string[]; group?: string }[] = [
    { path: ['tool', 'poetry', 'dependencies'] },
    { path: ['tool', 'poetry', 'dev-dependencies'], group: 'dev' }
  ]
  forEachGroup(dig(doc, ['tool', 'poetry', 'group']), (g) => tables.push({ path: ['tool', 'poetry', 'group', g, 'dependencies'], group: g }))
  for (const { path, group } of tables) {
    const table = dig(doc, path)
    if (!isRecord(table)) continue
    for (const [rawName, spec] of Object.entries(table)) {
      if (rawName.toLowerCase() === 'python') continue
      const line = lines.keyLine([...path, rawName])
      for (const one of Array.isArray(spec) ? spec : [spec]) {
        const made = poetryDependency(rawName, one, line, group)
        if (made) inv.add(made.dep, { local: made.local }, 'poetry')
      }
    }
  }
}

export function poetryDependency(rawName: string, spec: unknown, line: number | null, group?: string): { dep: DeclaredDependency; local: boolean } | null {
  const name = normalizePypiName(rawName)
  const ml = isMlPackage('pypi', name)
  const g = group ? { group } : {}
  if (typeof spec === 'string') return { dep: versioned(name, spec, line, ml, g), local: false }
  if (!isRecord(spec)) return null
  if (typeof spec.version === 'string') return { dep: versioned(name, spec.version, line, ml, g), local: false }
  if (typeof spec.git === 'string') {
    const rev = typeof spec.rev === 'string' ? spec.rev : null
    const ref = rev ?? (typeof spec.tag === 'string' ? spec.tag : typeof spec.branch === 'string' ? spec.branch : null)
    const url = `git+${spec.git}${ref ? `@${ref}` : ''}`
    const commit = rev && COMMIT.test(rev) ? rev.toLowerCase() : (vcsRef(url) ?? '').match(COMMIT)?.[0]?.toLowerCase() ?? null
    return { dep: { line, ecosystem: 'pypi', name, specifier: url, version: commit, pinned: commit !== null, ml, purl: pypiPurl(name, null, { vcs_url: url }), ...g }, local: false }
  }
  if (typeof spec.path === 'string') return { dep: { line, ecosystem: 'pypi', name, specifier: `file:${spec.path}`, version: null, pinned: false, ml, purl: pypiPurl(name, null), ...g }, local: true }
  if (typeof spec.url === 'string') return { dep: { line, ecosystem: 'pypi', name, specifier: spec.url, version: null, pinned: false, ml, purl: pypiPurl(name, null, { download_url: spec.url }), ...g }, local: false }
  return { dep: versioned(name, '*', line, ml, g), local: false }
}

/** Poetry's bare `1.2.3` (and `==1.2.3`) is exact; `^`, `~`, `*`, ranges and wildcards are not. */
function versioned(name: string, spec: string, line: number | null, ml: boolean, g: { group?: string }): DeclaredDependency {
  const exact = /^\s*(?:={1,3})?\s*v?(\d[A-Za-z0-9.+!_-]*)\s*$/.exec(spec)
  const version = exact ? exact[1]! : null
  return { line, ecosystem: 'pypi', name, specifier: spec, version, pinned: version !== null, ml, purl: pypiPurl(name, version), ...g }
}

function forEachGroup(table: unknown, f: (name: string) => void): void {
  if (isRecord(table)) for (const k of Object.keys(table)) f(k)
}

export function dig(doc: unknown, path: string[]): unknown {
  let at = doc
  for (const k of path) {
    if (!isRecord(at)) return undefined
    at = at[k]
  }
  return at
}
