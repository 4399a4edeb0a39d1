import type { AdvisoryLevel } from './config-schema.js'
import { cvss3BaseScore, levelForScore } from './cvss.js'
import { compareVersions, comparableVersion, normalizeName, type AdvisoryEcosystem } from './versions.js'

/**
 * One advisory as ModelGate matches it, whatever database it came from: the OSV schema
 * (https://ossf.github.io/osv-schema/) read into bounds that can be compared per ecosystem.
 */
export interface Advisory {
  id: string
  /** CVE, GHSA, PYSEC, … ids naming the same vulnerability (never including `id`). */
  aliases: string[]
  summary: string | null
  url: string | null
  /** null: the database gives no severity ModelGate can read. */
  level: AdvisoryLevel | null
  /** Where `level` comes from, for the report: `database`, `CVSS 9.8`, … */
  levelSource: string | null
  modified: string | null
  withdrawn: boolean
  affected: AffectedPackage[]
  /** Only the id is known (OSV batch answers for unpinned packages carry ids, not records). */
  stub?: boolean
}

export interface Bound {
  version: string
  inclusive: boolean
}

/** Affected versions: lower ≤/< v ≤/< upper; a missing bound is open. */
export interface Interval {
  lower: Bound | null
  upper: Bound | null
  /** The first fixed version the database names for this interval (OSV `fixed`, GitHub `first_patched_version`). */
  fixed: string | null
}

export interface AffectedPackage {
  ecosystem: AdvisoryEcosystem
  /** Normalised (PEP 503 for PyPI). */
  name: string
  intervals: Interval[]
  /** Versions listed one by one (OSV `versions`, GitHub `= 1.2.3`). */
  versions: string[]
  /** Ranges given in a form ModelGate cannot compare (GIT commits only, unreadable versions). */
  unreadable: string | null
}

export type Evaluation =
  | { state: 'affected'; interval: Interval | null; range: string; fixed: string | null }
  | { state: 'not-affected' }
  /** The record cannot be compared with this version: reported as unresolved, never as safe. */
  | { state: 'unreadable'; reason: string }

const OSV_ECOSYSTEMS: Record<string, AdvisoryEcosystem> = { pypi: 'pypi', npm: 'npm' }

type Json = Record<string, unknown>
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})

/** An OSV record (any schema version ≥ 1.0) as an Advisory; null when it has no id. */
export function fromOsv(record: unknown): Advisory | null {
  const r = obj(record)
  const id = str(r.id)
  if (!id) return null
  const affected: AffectedPackage[] = []
  for (const a of arr(r.affected).map(obj)) {
    const pkg = obj(a.package)
    const ecosystem = OSV_ECOSYSTEMS[String(pkg.ecosystem ?? '').toLowerCase()]
    const name = str(pkg.name)
    if (!ecosystem || !name) continue
    affected.push(osvAffected(ecosystem, name, a))
  }
  const { level, source } = osvLevel(r)
  const refs = arr(r.references).map(obj)
  const advisoryRef = refs.find((x) => x.type === 'ADVISORY') ?? refs[0]
  return {
    id,
    aliases: [...new Set(arr(r.aliases).map(str).filter((x): x is string => x !== null && x !== id))],
    summary: oneLine(str(r.summary) ?? firstLine(str(r.details))),
    url: id.startsWith('GHSA-') ? `https://github.com/advisories/${id}` : (str(advisoryRef?.url) ?? `https://osv.dev/vulnerability/${id}`),
    level,
    levelSource: source,
    modified: str(r.modified),
    withdrawn: str(r.withdrawn) !== null,
    affected
  }
}

function osvAffected(ecosystem: AdvisoryEcosystem, name: string, a: Json): AffectedPackage {
  const intervals: Interval[] = []
  const unreadable: string[] = []
  let comparable = 0
  for (const range of arr(a.ranges).map(obj)) {
    const type = String(range.type ?? '')
    if (type !== 'ECOSYSTEM' && type !== 'SEMVER') continue
    comparable++
    const made = eventsToIntervals(ecosystem, arr(range.events).map(obj))
    if (typeof made === 'string') unreadable.push(made)
    else intervals.push(...made)
  }
  const versions = arr(a.versions).map(str).filter((v): v is string => v !== null)
  const hasGitOnly = comparable === 0 && arr(a.ranges).length > 0 && versions.length === 0
  if (hasGitOnly) unreadable.push('the record gives only GIT commit ranges')
  return { ecosystem, name: normalizeName(ecosystem, name), intervals, versions, unreadable: unreadable.length ? unreadable.join('; ') : null }
}

/**
 * OSV events (introduced / fixed / last_affected / limit) to intervals, evaluated as the schema
 * says: sorted by version, `introduced` opens a range, `fixed` closes it (exclusive),
 * `last_affected` closes it (inclusive), and `limit` caps every range (exclusive).
 */
function eventsToIntervals(ecosystem: AdvisoryEcosystem, events: Json[]): Interval[] | string {
  type Ev = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; raw: string; v: string | null }
  const evs: Ev[] = []
  for (const e of events) {
    for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const raw = str(e[kind])
      if (raw === null) continue
      if (kind === 'introduced' && raw === '0') evs.push({ kind, raw, v: null })
      else if (kind === 'limit' && raw === '*') continue
      else {
        const v = comparableVersion(ecosystem, raw)
        if (v === null) return `the event version '${raw}' is not a valid ${ecosystem === 'pypi' ? 'PEP 440' : 'semver'} version`
        evs.push({ kind, raw, v })
      }
    }
  }
  const order = (e: Ev): number => (e.kind === 'introduced' ? 1 : 0)
  evs.sort((x, y) => (x.v === null ? -1 : y.v === null ? 1 : compareVersions(ecosystem, x.v, y.v) || order(x) - order(y)))
  const limits = evs.filter((e) => e.kind === 'limit')
  const out: Interval[] = []
  let open: Interval | null = null
  for (const e of evs) {
    if (e.kind === 'introduced') {
      if (!open) open = { lower: e.v === null ? null : { version: e.v, inclusive: true }, upper: null, fixed: null }
    } else if (e.kind === 'fixed' && open) {
      out.push({ ...open, upper: { version: e.v!, inclusive: false }, fixed: e.raw })
      open = null
    } else if (e.kind === 'last_affected' && open) {
      out.push({ ...open, upper: { version: e.v!, inclusive: true } })
      open = null
    }
  }
  if (open) out.push(open)
  if (limits.length === 0) return out
  const cap = limits.reduce((m, l) => (compareVersions(ecosystem, l.v!, m.v!) < 0 ? l : m))
  return out.filter((i) => !i.lower || compareVersions(ecosystem, i.lower.version, cap.v!) < 0).map((i) => (i.upper ? i : { ...i, upper: { version: cap.v!, inclusive: false } }))
}

/**
 * Severity, strongest evidence first: the database's own word (`database_specific.severity`,
 * as GitHub's and most OSV sources write it), then a CVSS v3 vector's base score.
 */
function osvLevel(r: Json): { level: AdvisoryLevel | null; source: string | null } {
  const word = levelFromWord(str(obj(r.database_specific).severity))
  if (word) return { level: word, source: 'database' }
  for (const s of arr(r.severity).map(obj)) {
    if (s.type !== 'CVSS_V3') continue
    const score = cvss3BaseScore(String(s.score ?? ''))
    if (score !== null) return { level: levelForScore(score), source: `CVSS ${score.toFixed(1)}` }
  }
  return { level: null, source: null }
}

/** GitHub and OSV severity words (`MODERATE`, `medium`, …). */
export function levelFromWord(word: string | null): AdvisoryLevel | null {
  switch (word?.trim().toLowerCase()) {
    case 'critical':
      return 'critical'
    case 'high':
      return 'high'
    case 'moderate':
    case 'medium':
      return 'moderate'
    case 'low':
      return 'low'
    default:
      return null
  }
}

/** Whether `version` (already a comparable version) is affected, and by which interval. */
export function evaluate(pkg: AffectedPackage, version: string): Evaluation {
  const eco = pkg.ecosystem
  for (const i of pkg.intervals) {
    if (contains(eco, i, version)) return { state: 'affected', interval: i, range: intervalText(i), fixed: i.fixed }
  }
  for (const listed of pkg.versions) {
    const v = comparableVersion(eco, listed)
    if (v !== null && compareVersions(eco, v, version) === 0) return { state: 'affected', interval: null, range: `= ${listed}`, fixed: firstFixedAfter(pkg, version) }
  }
  if (pkg.unreadable) return { state: 'unreadable', reason: pkg.unreadable }
  return { state: 'not-affected' }
}

function contains(eco: AdvisoryEcosystem, i: Interval, v: string): boolean {
  if (i.lower) {
    const c = compareVersions(eco, v, i.lower.version)
    if (c < 0 || (c === 0 && !i.lower.inclusive)) return false
  }
  if (i.upper) {
    const c = compareVersions(eco, v, i.upper.version)
    if (c > 0 || (c === 0 && !i.upper.inclusive)) return false
  }
  return true
}

/** For a version listed one by one: the lowest fixed version above it, if the record names any. */
function firstFixedAfter(pkg: AffectedPackage, v: string): string | null {
  const fixes = pkg.intervals.map((i) => i.fixed).filter((f): f is string => f !== null)
  const above = fixes.filter((f) => {
    const c = comparableVersion(pkg.ecosystem, f)
    return c !== null && compareVersions(pkg.ecosystem, c, v) > 0
  })
  return above.sort((a, b) => compareVersions(pkg.ecosystem, comparableVersion(pkg.ecosystem, a)!, comparableVersion(pkg.ecosystem, b)!))[0] ?? null
}

/** `< 2.6.0`, `>= 4.0.0, < 4.48.0`, `>= 0` (every version). */
export function intervalText(i: Interval): string {
  const parts: string[] = []
  if (i.lower) parts.push(`${i.lower.inclusive ? '>=' : '>'} ${i.lower.version}`)
  if (i.upper) parts.push(`${i.upper.inclusive ? '<=' : '<'} ${i.upper.version}`)
  return parts.length ? parts.join(', ') : '>= 0 (every version)'
}

/** Advisory text is data from elsewhere: one line, bounded. */
export function oneLine(s: string | null, max = 200): string | null {
  if (s === null) return null
  const t = s.replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t || null
}

function firstLine(s: string | null): string | null {
  if (s === null) return null
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? null
}
