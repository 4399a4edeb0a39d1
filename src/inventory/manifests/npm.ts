import path from 'node:path'
import semver from 'semver'
import type { DeclaredDependency, InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import type { IncludeReader } from '../include-reader.js'
import { JsonLines } from '../json-lines.js'
import { isMlPackage } from '../ml-packages.js'
import { isRecord, jsonOf } from '../parse-errors.js'
import { npmPurl } from '../purl.js'
import { lockedNpmDependency } from './npm-locked.js'

const SECTIONS: [string, string | undefined][] = [
  ['dependencies', undefined],
  ['devDependencies', 'dev'],
  ['optionalDependencies', 'optional'],
  ['peerDependencies', 'peer']
]
const COMMIT = /^[0-9a-f]{40}$/i
/** Lock files that fix what a range resolves to; only npm's is read for versions. */
const OTHER_LOCKS = ['yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb']

/**
 * package.json dependency tables. A version is exact when it is one semver
 * version; git specs are pinned only by a commit. Peer ranges are the host's to
 * resolve and never a finding. With a reader, a sibling package-lock.json (or
 * shrinkwrap) resolves ranges to the version it locks; another lock file (yarn,
 * pnpm, bun) silences the findings, since it pins what the range would float to.
 */
export async function parsePackageJson(text: string, opts: { path: string; reader?: IncludeReader }): Promise<InspectResult> {
  const inv = new Inventory('npm')
  const parsed = jsonOf(text, 'package.json')
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  if (!isRecord(parsed.value)) return inv.result()
  const lock = await siblingLock(opts)
  if (lock) inv.facts.lockFile = lock.file
  const lines = new JsonLines(text)
  for (const [section, group] of SECTIONS) {
    const table = parsed.value[section]
    if (!isRecord(table)) continue
    const at = lines.keyOffset(section)
    for (const [name, spec] of Object.entries(table)) {
      if (typeof spec !== 'string') continue
      const made = npmDependency(name, spec, lines.childLine(section, name, Math.max(0, at)), group)
      const locked = !made.dep.pinned && !made.local ? lock?.versions?.get(name) : undefined
      const dep = locked ? { ...made.dep, version: locked, pinned: true, purl: npmPurl(name, locked) } : made.dep
      inv.add(dep, { local: made.local, quiet: group === 'peer' || (lock !== null && lock.versions === null) })
    }
  }
  return inv.result()
}

export function npmDependency(name: string, spec: string, line: number | null, group?: string): { dep: DeclaredDependency; local: boolean } {
  const ml = isMlPackage('npm', name)
  const g = group ? { group } : {}
  const s = spec.trim()
  if (/^(file:|link:|workspace:|portal:)/.test(s) || /^\.{0,2}\//.test(s)) {
    return { dep: { line, ecosystem: 'npm', name, specifier: spec, version: null, pinned: false, ml, purl: npmPurl(name, null), ...g }, local: true }
  }
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(s)
  if (alias) {
    const real = npmDependency(alias[1]!, alias[2]!, line, group).dep
    return { dep: { ...real, name, specifier: spec, ml: ml || real.ml }, local: false }
  }
  const git = /^(git\+[^#]+|git:\/\/[^#]+|github:[^#]+|gitlab:[^#]+|bitbucket:[^#]+|[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(?:#(.*))?$/.exec(s)
  if (git && !semver.validRange(s)) {
    const ref = git[2] ?? null
    const commit = ref && COMMIT.test(ref) ? ref.toLowerCase() : null
    return { dep: { line, ecosystem: 'npm', name, specifier: spec, version: commit, pinned: commit !== null, ml, purl: npmPurl(name, null), ...g }, local: false }
  }
  const version = exactSemver(s)
  return { dep: { line, ecosystem: 'npm', name, specifier: spec, version, pinned: version !== null, ml, purl: npmPurl(name, version), ...g }, local: false }
}

/** `1.2.3`, `=1.2.3`, `v1.2.3`: exactly one version (a range, tag or `*` is not). */
function exactSemver(spec: string): string | null {
  const bare = spec.replace(/^=\s*/, '')
  return semver.valid(bare) ?? null
}

async function siblingLock(opts: { path: string; reader?: IncludeReader }): Promise<{ file: string; versions: Map<string, string> | null } | null> {
  if (!opts.reader) return null
  const dir = path.posix.dirname(opts.path)
  const at = (f: string) => (dir === '.' ? f : `${dir}/${f}`)
  for (const file of ['npm-shrinkwrap.json', 'package-lock.json']) {
    const bytes = await opts.reader.read(at(file))
    if (!bytes) continue
    const parsed = jsonOf(bytes.toString('utf8'), file)
    const versions = new Map<string, string>()
    if (parsed.ok && isRecord(parsed.value)) {
      for (const e of lockEntries(parsed.value)) if (!e.nested && !versions.has(e.name)) versions.set(e.name, e.version)
    }
    return { file: at(file), versions }
  }
  for (const file of OTHER_LOCKS) if (await opts.reader.read(at(file))) return { file: at(file), versions: null }
  return null
}

interface LockEntry {
  key: string
  name: string
  version: string
  /** Installed under another package's node_modules. */
  nested: boolean
  dev: boolean
}

/** package-lock.json v2/v3 `packages` (or v1 `dependencies`, flattened). */
function lockEntries(doc: Record<string, unknown>): LockEntry[] {
  const out: LockEntry[] = []
  if (isRecord(doc.packages)) {
    for (const [key, entry] of Object.entries(doc.packages)) {
      if (!key || !isRecord(entry) || entry.link === true || typeof entry.version !== 'string') continue
      const i = key.lastIndexOf('node_modules/')
      if (i < 0) continue
      const name = typeof entry.name === 'string' ? entry.name : key.slice(i + 'node_modules/'.length)
      out.push({ key, name, version: entry.version, nested: key.indexOf('node_modules/') !== i, dev: entry.dev === true })
    }
    return out
  }
  const walk = (deps: unknown, nested: boolean) => {
    if (!isRecord(deps)) return
    for (const [name, entry] of Object.entries(deps)) {
      if (!isRecord(entry) || typeof entry.version !== 'string') continue
      out.push({ key: name, name, version: entry.version, nested, dev: entry.dev === true })
      walk(entry.dependencies, true)
    }
  }
  walk(doc.dependencies, false)
  return out
}

/** package-lock.json / npm-shrinkwrap.json: every installed package at its exact version. */
export function parsePackageLock(text: string, kind: string): InspectResult {
  const inv = new Inventory('npm')
  const parsed = jsonOf(text, kind)
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  if (!isRecord(parsed.value)) return inv.result()
  const lines = new JsonLines(text)
  let cursor = 0
  for (const e of lockEntries(parsed.value)) {
    let at = lines.keyOffset(e.key, cursor)
    if (at < 0) at = lines.keyOffset(e.key)
    if (at >= 0) cursor = at + 1
    // A lock entry that is not a version (a git or file spec) is what npm resolved; no finding here.
    inv.add(lockedNpmDependency(e.name, e.version, at >= 0 ? lines.lineOf(at) : null, e.dev ? 'dev' : undefined), { quiet: true })
  }
  return inv.result()
}
