import path from 'node:path'
import type { Config } from '../config/schema.js'
import type { GitHubClient } from '../github/client.js'
import type { Dependency, Finding, Severity } from '../types.js'
import type { AdvisoryLevel } from './config-schema.js'
import { evaluate, intervalText, type Advisory, type Evaluation } from './model.js'
import { FileAdvisories } from './sources/files.js'
import { GitHubAdvisories } from './sources/github.js'
import { OsvApi, OsvCache } from './sources/osv-api.js'
import { queryKey, type AdvisorySource, type PackageQuery, type QueryAnswer } from './sources/types.js'
import { ADVISORY_ECOSYSTEMS, comparableVersion, normalizeName, type AdvisoryEcosystem } from './versions.js'

export type AdvisorySourceOption =
  | { kind: 'github'; client: GitHubClient }
  | { kind: 'osv'; url?: string; fetch?: typeof fetch }
  /** Only the local records in `files`. */
  | { kind: 'files' }
  | { kind: 'off' }
  /** The chosen source cannot be used in this run (e.g. `github` without a token): every check is `advisories-unavailable`. */
  | { kind: 'unavailable'; reason: string }

export interface AdvisoryInput {
  dependencies: Dependency[]
  config: Config
  mode: 'tree' | 'change'
  source: AdvisorySourceOption
  /** Local OSV records, used with any source: a file with one record or an array, or a folder of records (bulk export layout). */
  files?: string[]
  now?: Date
  /** Answers kept across calls in one run (e.g. the action scanning head and base); default: one per call. */
  cache?: AdvisoryCache
}

/** Per-run memory of OSV answers and records and GitHub pages. */
export class AdvisoryCache {
  readonly osv = new OsvCache()
  readonly github = new WeakMap<GitHubClient, GitHubAdvisories>()
}

export interface AdvisoryMatch {
  dependency: Dependency
  /** `affected`: the exact version is in an affected range. `unresolved`: no exact version (a range) or the record cannot be compared with it — never counted as safe. */
  status: 'affected' | 'unresolved'
  advisory: { id: string; aliases: string[]; summary: string | null; url: string | null; level: AdvisoryLevel | null; levelSource: string | null }
  /** Affected versions as the advisory gives them (`< 2.6.0`); null when not known. */
  affectedRange: string | null
  /** First fixed version for the range the dependency is in; null when none is published or known. */
  fixed: string | null
  /** An `advisories.ignore` entry naming this advisory (expired ones too: those are reported again). */
  ignored: { id: string; reason: string; expires: string | null; expired: boolean } | null
  /** Severity of the finding reported for it; null when ignored. */
  severity: Severity | null
}

export interface AdvisoryOutcome {
  findings: Finding[]
  matches: AdvisoryMatch[]
}

const LEVEL_RANK: Record<AdvisoryLevel, number> = { low: 1, moderate: 2, high: 3, critical: 4 }
/** An advisory whose database gives no severity is treated as high: unknown is not harmless. */
export const UNKNOWN_LEVEL: AdvisoryLevel = 'high'

/**
 * Known vulnerabilities in the inventory's PyPI and npm dependencies. Exact versions (pins, lock
 * files) are matched against advisory ranges with each ecosystem's version rules; a range is
 * "unresolved" unless a pin of the same package in the same folder, or a lock file above it,
 * settles it. All packages go to the source in one batched query. In change mode only added or changed
 * dependencies are reported. A source that fails is `advisories-unavailable`, never a pass.
 */
export async function assessAdvisories(input: AdvisoryInput): Promise<AdvisoryOutcome> {
  if (input.source.kind === 'off') return { findings: [], matches: [] }
  const cfg = input.config.advisories
  const now = input.now ?? new Date()
  const candidates = input.dependencies.filter(fromPackageIndex)
  const inScope = (d: Dependency): boolean => input.mode === 'tree' || d.change === undefined || d.change === 'added' || d.change === 'changed'

  const pinsByPackage = new Map<string, Dependency[]>()
  for (const d of candidates) {
    if (d.version === null || comparableVersion(eco(d), d.version) === null) continue
    const k = packageKey(d)
    pinsByPackage.set(k, [...(pinsByPackage.get(k) ?? []), d])
  }

  interface Checked {
    dep: Dependency
    query: PackageQuery
    /** Comparable exact version; null for a range or an unreadable version. */
    version: string | null
    why: string | null
  }
  const checked: Checked[] = []
  for (const d of candidates.filter(inScope)) {
    const ecosystem = eco(d)
    const name = normalizeName(ecosystem, d.name)
    if (d.version !== null) {
      const v = comparableVersion(ecosystem, d.version)
      if (v !== null) checked.push({ dep: d, query: { ecosystem, name, version: v }, version: v, why: null })
      else checked.push({ dep: d, query: { ecosystem, name, version: null }, version: null, why: `its version '${d.version}' is not a valid ${ecosystem === 'pypi' ? 'PEP 440' : 'semver'} version` })
      continue
    }
    // An exact pin in the same folder (a compiled requirements file, a lock file), or a lock file
    // above it (a workspace's root uv.lock), settles which version a range installs.
    const dir = path.posix.dirname(d.path)
    if ((pinsByPackage.get(packageKey(d)) ?? []).some((p) => path.posix.dirname(p.path) === dir || (LOCK_FILE.test(path.posix.basename(p.path)) && within(path.posix.dirname(p.path), dir)))) continue
    checked.push({ dep: d, query: { ecosystem, name, version: null }, version: null, why: null })
  }
  if (checked.length === 0) return { findings: [], matches: [] }

  const queries = [...new Map(checked.map((c) => [queryKey(c.query), c.query])).values()]
  const answers = await ask(sourcesFor(input), queries)

  const findings: Finding[] = []
  const matches: AdvisoryMatch[] = []
  const unavailable = new Map<string, { deps: Dependency[]; reasons: Set<string> }>()
  const seen = new Set<string>()
  for (const c of checked) {
    const answer = answers.get(queryKey(c.query))!
    if (answer.failures.length > 0) {
      const u = unavailable.get(c.dep.path) ?? { deps: [], reasons: new Set<string>() }
      u.deps.push(c.dep)
      for (const r of answer.failures) u.reasons.add(r)
      unavailable.set(c.dep.path, u)
    }
    const relevant = answer.advisories.filter((a) => !a.withdrawn && (a.stub || a.affected.some((p) => p.ecosystem === c.query.ecosystem && p.name === c.query.name)))
    const once = `${c.dep.path}\u0000${c.dep.line}\u0000${c.dep.name}\u0000${c.dep.version ?? c.dep.specifier}`
    if (seen.has(once)) continue
    seen.add(once)
    if (c.version !== null) {
      const hits: Hit[] = []
      for (const a of relevant) {
        const ev = evaluateAdvisory(a, c.query, c.version)
        if (ev.state !== 'not-affected') hits.push({ advisory: a, ev })
      }
      for (const group of groupByAlias(hits)) {
        const m = matchFor(c.dep, group, cfg, now)
        matches.push(m)
        if (m.status === 'affected' && m.severity) findings.push(affectedFinding(c.dep, m, cfg['fail-on-severity']))
      }
      const unreadable = matches.filter((m) => m.dependency === c.dep && m.status === 'unresolved' && m.severity)
      if (unreadable.length > 0) findings.push(unresolvedFinding(c.dep, unreadable, 'unreadable'))
    } else {
      const groups = groupByAlias(relevant.map((advisory) => ({ advisory, ev: rangeEvaluation(advisory, c.query) })))
      const ms = groups.map((g) => matchFor(c.dep, g, cfg, now))
      matches.push(...ms)
      const open = ms.filter((m) => m.severity)
      if (open.length > 0) findings.push(unresolvedFinding(c.dep, open, c.why ?? 'range'))
    }
  }
  for (const [file, u] of unavailable) findings.push(unavailableFinding(file, u.deps, [...u.reasons], cfg.required))
  return { findings, matches }
}

/** The source to use for a run: the config's choice, with the action's client, the CLI's network or offline. */
export function chooseAdvisorySource(config: Config, ctx: { github?: GitHubClient; offline?: boolean; fetch?: typeof fetch }): AdvisorySourceOption {
  const s = config.advisories.source
  if (s === 'off') return { kind: 'off' }
  if (s === 'files' || ctx.offline) return { kind: 'files' }
  const osv: AdvisorySourceOption = { kind: 'osv', ...(config.advisories['osv-url'] ? { url: config.advisories['osv-url'] } : {}), ...(ctx.fetch ? { fetch: ctx.fetch } : {}) }
  if (s === 'github') return ctx.github ? { kind: 'github', client: ctx.github } : { kind: 'unavailable', reason: 'advisories.source is `github`, but this run has no GitHub token' }
  if (s === 'osv') return osv
  return ctx.github ? { kind: 'github', client: ctx.github } : osv
}

/** `advisories.path` (repo-relative) and `--advisories` paths, resolved against the repository root. */
export function advisoryFiles(config: Config, root: string, extra: readonly string[] = []): string[] {
  const configured = config.advisories.path === undefined ? [] : Array.isArray(config.advisories.path) ? config.advisories.path : [config.advisories.path]
  return [...configured.map((p) => path.resolve(root, p)), ...extra.map((p) => path.resolve(p))]
}

// ---------------------------------------------------------------------------------------------

type Answer = { advisories: Advisory[]; failures: string[] }
interface Hit {
  advisory: Advisory
  ev: Evaluation | { state: 'listed'; range: string | null }
}

const eco = (d: Dependency): AdvisoryEcosystem => d.ecosystem as AdvisoryEcosystem
const packageKey = (d: Dependency): string => `${d.ecosystem}\u0000${normalizeName(eco(d), d.name)}`
/** Lock files the inventory reads: they pin what every manifest below them resolves to. */
const LOCK_FILE = /^(uv\.lock|poetry\.lock|Pipfile\.lock|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml)$/
const within = (ancestor: string, dir: string): boolean => ancestor === '.' || ancestor === dir || dir.startsWith(`${ancestor}/`)

/** Packages from PyPI or npm, not URLs, VCS checkouts or local paths, and not removed by the change. */
function fromPackageIndex(d: Dependency): boolean {
  if (!(ADVISORY_ECOSYSTEMS as readonly string[]).includes(d.ecosystem) || d.change === 'removed') return false
  if (/[?&](vcs_url|download_url)=/.test(d.purl)) return false
  return !(d.specifier !== null && /:\/\/|^(\.|\/|file:|git\+|github:|workspace)/.test(d.specifier))
}

function sourcesFor(input: AdvisoryInput): AdvisorySource[] | string {
  const files = input.files ?? []
  const local = files.length > 0 ? [new FileAdvisories(files)] : []
  const cache = input.cache ?? new AdvisoryCache()
  switch (input.source.kind) {
    case 'github': {
      let gh = cache.github.get(input.source.client)
      if (!gh) {
        gh = new GitHubAdvisories(input.source.client)
        cache.github.set(input.source.client, gh)
      }
      return [gh, ...local]
    }
    case 'osv':
      return [new OsvApi({ ...(input.source.url ? { url: input.source.url } : {}), ...(input.source.fetch ? { fetch: input.source.fetch } : {}) }, cache.osv), ...local]
    case 'files':
      return [new FileAdvisories(files)]
    case 'unavailable':
      return input.source.reason
    case 'off':
      return []
  }
}

/** Every source answers every query; one source failing leaves the others' advisories in place. */
async function ask(sources: AdvisorySource[] | string, queries: PackageQuery[]): Promise<Map<string, Answer>> {
  const out = new Map<string, Answer>(queries.map((q) => [queryKey(q), { advisories: [], failures: typeof sources === 'string' ? [sources] : [] }]))
  if (typeof sources === 'string') return out
  const all = await Promise.all(
    sources.map((s) =>
      s.query(queries).catch((err: unknown): QueryAnswer[] => queries.map(() => ({ ok: false, reason: `${s.label} failed (${String((err as { message?: unknown } | null)?.message ?? err)})` })))
    )
  )
  for (const answers of all) {
    answers.forEach((a, i) => {
      const slot = out.get(queryKey(queries[i]!))!
      if (!a.ok) slot.failures.push(a.reason)
      for (const adv of a.advisories ?? []) {
        const j = slot.advisories.findIndex((x) => x.id === adv.id)
        if (j < 0) slot.advisories.push(adv)
        // The same id from two sources: the full record over a bare id, then the newer record.
        else if (slot.advisories[j]!.stub || (!adv.stub && (adv.modified ?? '') > (slot.advisories[j]!.modified ?? ''))) slot.advisories[j] = adv
      }
    })
  }
  return out
}

function evaluateAdvisory(a: Advisory, q: PackageQuery, version: string): Evaluation {
  let unreadable: Evaluation | null = null
  for (const p of a.affected) {
    if (p.ecosystem !== q.ecosystem || p.name !== q.name) continue
    const ev = evaluate(p, version)
    if (ev.state === 'affected') return ev
    if (ev.state === 'unreadable') unreadable = ev
  }
  return unreadable ?? { state: 'not-affected' }
}

/** For a range: the advisory's affected versions of the package, for the message. */
function rangeEvaluation(a: Advisory, q: PackageQuery): Hit['ev'] {
  const ranges = a.affected.filter((p) => p.ecosystem === q.ecosystem && p.name === q.name).flatMap((p) => [...p.intervals.map(intervalText), ...p.versions.map((v) => `= ${v}`)])
  return { state: 'listed', range: ranges.length ? ranges.join('; ') : null }
}

/** Records naming the same vulnerability (GHSA, PYSEC, CVE aliases) are one advisory in the report. */
function groupByAlias(hits: Hit[]): Hit[][] {
  const parent = hits.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
  const owner = new Map<string, number>()
  hits.forEach((h, i) => {
    for (const id of [h.advisory.id, ...h.advisory.aliases].map((x) => x.toUpperCase())) {
      const j = owner.get(id)
      if (j === undefined) owner.set(id, i)
      else parent[find(i)] = find(j)
    }
  })
  const groups = new Map<number, Hit[]>()
  hits.forEach((h, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), h]))
  const rank = (h: Hit): number => (h.ev.state === 'affected' ? 8 : 0) + (h.advisory.level ? 4 : 0) + (h.advisory.id.startsWith('GHSA-') ? 2 : 0) + (h.advisory.stub ? 0 : 1)
  return [...groups.values()]
    .map((g) => g.sort((a, b) => rank(b) - rank(a) || (a.advisory.id < b.advisory.id ? -1 : 1)))
    .sort((a, b) => (a[0]!.advisory.id < b[0]!.advisory.id ? -1 : 1))
}

function matchFor(dep: Dependency, group: Hit[], cfg: Config['advisories'], now: Date): AdvisoryMatch {
  const lead = group[0]!
  const ids = [...new Set(group.flatMap((h) => [h.advisory.id, ...h.advisory.aliases]))]
  const levels = group.map((h) => h.advisory.level).filter((l): l is AdvisoryLevel => l !== null)
  const level = levels.length ? levels.reduce((a, b) => (LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a)) : null
  const levelSource = level ? (group.find((h) => h.advisory.level === level)!.advisory.levelSource ?? null) : null
  const ev = lead.ev
  const status = ev.state === 'affected' ? 'affected' : 'unresolved'
  const entry = cfg.ignore.find((e) => ids.some((id) => id.toUpperCase() === e.id.toUpperCase()))
  const expired = entry?.expires !== undefined && now.getTime() > Date.parse(`${entry.expires}T23:59:59.999Z`)
  const ignored = entry ? { id: entry.id, reason: entry.reason, expires: entry.expires ?? null, expired } : null
  const summary = group.map((h) => h.advisory.summary).find((s) => s !== null) ?? null
  return {
    dependency: dep,
    status,
    advisory: { id: lead.advisory.id, aliases: ids.filter((i) => i !== lead.advisory.id), summary, url: lead.advisory.url, level, levelSource },
    affectedRange: ev.state === 'affected' || ev.state === 'listed' ? ev.range : null,
    fixed: ev.state === 'affected' ? ev.fixed : null,
    ignored,
    severity: ignored && !expired ? null : status === 'affected' ? severityFor(level, cfg['fail-on-severity']) : 'note'
  }
}

/** At or above `fail-on-severity`: error; below it, warning for moderate and up, note for low. */
export function severityFor(level: AdvisoryLevel | null, failOn: AdvisoryLevel): Severity {
  const rank = LEVEL_RANK[level ?? UNKNOWN_LEVEL]
  return rank >= LEVEL_RANK[failOn] ? 'error' : rank >= LEVEL_RANK.moderate ? 'warning' : 'note'
}

const depName = (d: Dependency): string => (d.version !== null ? `${d.name} ${d.version}` : `${d.name}${d.specifier ? (/^[<>=!~^]/.test(d.specifier) ? d.specifier : ` ${d.specifier}`) : ''}`)

function affectedFinding(dep: Dependency, m: AdvisoryMatch, failOn: AdvisoryLevel): Finding {
  const a = m.advisory
  const aliases = a.aliases.length ? ` (${a.aliases.slice(0, 4).join(', ')})` : ''
  const level = a.level ? `${a.level}${a.levelSource && a.levelSource !== 'database' ? `, ${a.levelSource}` : ''}` : `severity not given, treated as ${UNKNOWN_LEVEL}`
  const fixed = m.fixed ? `fixed in ${m.fixed}` : 'no fixed version is published'
  const expired = m.ignored?.expired ? ` The ignore entry for it ("${m.ignored.reason}") expired on ${m.ignored.expires}.` : ''
  return {
    rule: 'vulnerable-dependency',
    severity: m.severity ?? severityFor(a.level, failOn),
    path: dep.path,
    line: dep.line,
    message: `${depName(dep)} is affected by ${a.id}${aliases} [${level}]${a.summary ? `: ${a.summary}` : ''}. Affected versions: ${m.affectedRange ?? 'see the advisory'}; ${fixed}.${expired}`,
    fix: m.fixed
      ? `Upgrade ${dep.name} to ${m.fixed} or later. If the vulnerable code path is not used here, add ${a.id} to advisories.ignore in .modelgate.yml with a reason and an expiry.`
      : `Replace or remove ${dep.name}, or, if the vulnerable code path is not used here, add ${a.id} to advisories.ignore in .modelgate.yml with a reason and an expiry.`
  }
}

function unresolvedFinding(dep: Dependency, ms: AdvisoryMatch[], why: 'range' | 'unreadable' | string): Finding {
  const list = ms.slice(0, 5).map((m) => `${m.advisory.id}${m.affectedRange ? ` (${m.affectedRange})` : ''}`).join(', ') + (ms.length > 5 ? ` and ${ms.length - 5} more` : '')
  const pkg = dep.name
  if (why === 'unreadable') {
    return {
      rule: 'vulnerable-dependency',
      severity: 'note',
      path: dep.path,
      line: dep.line,
      message: `${depName(dep)}: unresolved against ${list}: the advisory's affected versions cannot be compared with this version, so it is not counted as safe.`,
      fix: `Read the advisory and upgrade ${pkg} if it applies, or add its id to advisories.ignore with a reason.`
    }
  }
  const cause = why === 'range' ? 'does not pin one version' : why
  return {
    rule: 'vulnerable-dependency',
    severity: 'note',
    path: dep.path,
    line: dep.line,
    message: `${depName(dep)} is unresolved: it ${cause}, so ModelGate cannot tell whether the installed version is affected by the ${ms.length === 1 ? 'advisory' : `${ms.length} advisories`} known for ${pkg}: ${list}.`,
    fix: `Pin an exact version of ${pkg} or commit a lock file (${dep.ecosystem === 'npm' ? 'package-lock.json, yarn.lock, pnpm-lock.yaml' : 'uv.lock, poetry.lock, Pipfile.lock'}) next to this manifest so its version can be checked.`
  }
}

function unavailableFinding(file: string, deps: Dependency[], reasons: string[], required: boolean): Finding {
  const names = deps.slice(0, 5).map(depName).join(', ') + (deps.length > 5 ? ` and ${deps.length - 5} more` : '')
  return {
    rule: 'advisories-unavailable',
    severity: required ? 'error' : 'warning',
    path: file,
    line: deps.length === 1 ? deps[0]!.line : null,
    message: `Known vulnerabilities could not be checked for ${deps.length === 1 ? '1 dependency' : `${deps.length} dependencies`} in this file (${names}): ${reasons.join('; ')}. They are not counted as safe.`,
    fix: 'Re-run when the advisory source is reachable, choose another with advisories.source / advisories.osv-url, or give local OSV records (advisories.path, --advisories) for offline runs.'
  }
}
