import type { GitHubClient } from '../../github/client.js'
import { clipLine } from '../../util/clip.js'
import { comparableVersion, normalizeName, type AdvisoryEcosystem } from '../versions.js'
import { levelFromWord, oneLine, type Advisory, type AffectedPackage, type Bound, type Interval } from '../model.js'
import { cvss3BaseScore, levelForScore } from '../cvss.js'
import type { AdvisorySource, PackageQuery, QueryAnswer } from './types.js'

/** GitHub's names for the ecosystems (`GET /advisories?ecosystem=`). */
const GH_ECOSYSTEM = { pypi: 'pip', npm: 'npm' } as const
const FROM_GH: Record<string, AdvisoryEcosystem> = { pip: 'pypi', npm: 'npm' }
/** GitHub: "A maximum of 1000 packages can be specified" in `affects`. */
export const GITHUB_AFFECTS_LIMIT = 1000
/** Keep the query string well inside what GitHub's front end and proxies accept. */
export const GITHUB_AFFECTS_MAX_CHARS = 6000

type Json = Record<string, unknown>

/**
 * GitHub's global advisory database (`GET /advisories`, reviewed advisories) through the one
 * Octokit client: per ecosystem, every package of the run in `affects` (`name@version` for a pin,
 * `name` otherwise; up to 1000 packages and a bounded URL per request), 100 advisories a page.
 */
export class GitHubAdvisories implements AdvisorySource {
  readonly label = "GitHub's advisory database"
  private readonly answers = new Map<string, Promise<Map<string, Advisory[]> | Error>>()

  constructor(private readonly client: GitHubClient) {}

  async query(queries: PackageQuery[]): Promise<QueryAnswer[]> {
    const byEco = new Map<AdvisoryEcosystem, PackageQuery[]>()
    for (const q of queries) byEco.set(q.ecosystem, [...(byEco.get(q.ecosystem) ?? []), q])
    const chunkOf = new Map<PackageQuery, Promise<Map<string, Advisory[]> | Error>>()
    for (const [eco, qs] of byEco) {
      for (const chunk of affectsChunks(qs)) {
        const k = `${eco}\u0000${chunk.terms.join(',')}`
        let p = this.answers.get(k)
        if (!p) {
          p = this.fetchChunk(eco, chunk.terms)
          this.answers.set(k, p)
        }
        for (const q of chunk.queries) chunkOf.set(q, p)
      }
    }
    return Promise.all(
      queries.map(async (q): Promise<QueryAnswer> => {
        const got = await chunkOf.get(q)!
        if (got instanceof Error) return { ok: false, reason: `${this.label} could not be queried (${clipLine(got.message, 160)})` }
        return { ok: true, advisories: got.get(q.name) ?? [] }
      })
    )
  }

  private async fetchChunk(eco: AdvisoryEcosystem, terms: string[]): Promise<Map<string, Advisory[]> | Error> {
    try {
      const byName = new Map<string, Advisory[]>()
      const pages = this.client.paginate.iterator('GET /advisories', { ecosystem: GH_ECOSYSTEM[eco], affects: terms.join(','), per_page: 100 })
      for await (const page of pages) {
        for (const raw of page.data as unknown as Json[]) {
          const a = fromGitHub(raw)
          for (const pkg of a.affected) {
            if (pkg.ecosystem !== eco) continue
            const list = byName.get(pkg.name) ?? []
            if (!list.includes(a)) list.push(a)
            byName.set(pkg.name, list)
          }
        }
      }
      return byName
    } catch (err) {
      const e = err as { status?: number; message?: string }
      return new Error(e.status ? `HTTP ${e.status}: ${e.message ?? ''}` : (e.message ?? String(err)))
    }
  }
}

/** `affects` terms per request: one per package (a bare name covers every pin of it), ≤1000 and a bounded length. */
function affectsChunks(queries: PackageQuery[]): { terms: string[]; queries: PackageQuery[] }[] {
  const bare = new Set(queries.filter((q) => q.version === null).map((q) => q.name))
  const termOf = (q: PackageQuery): string => (q.version === null || bare.has(q.name) ? q.name : `${q.name}@${q.version}`)
  const groups = new Map<string, PackageQuery[]>()
  for (const q of queries) groups.set(termOf(q), [...(groups.get(termOf(q)) ?? []), q])
  const out: { terms: string[]; queries: PackageQuery[] }[] = []
  let cur: { terms: string[]; queries: PackageQuery[] } = { terms: [], queries: [] }
  let chars = 0
  for (const [term, qs] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const len = encodeURIComponent(term).length + 3
    if (cur.terms.length > 0 && (cur.terms.length >= GITHUB_AFFECTS_LIMIT || chars + len > GITHUB_AFFECTS_MAX_CHARS)) {
      out.push(cur)
      cur = { terms: [], queries: [] }
      chars = 0
    }
    cur.terms.push(term)
    cur.queries.push(...qs)
    chars += len
  }
  if (cur.terms.length > 0) out.push(cur)
  return out
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null)

/** A global advisory (REST `global-advisory` schema) as an Advisory. */
export function fromGitHub(a: Json): Advisory {
  const id = String(a.ghsa_id)
  const identifiers = (Array.isArray(a.identifiers) ? a.identifiers : []).map((x) => str((x as Json).value)).filter((x): x is string => x !== null)
  const aliases = [...new Set([str(a.cve_id), ...identifiers].filter((x): x is string => x !== null && x !== id))]
  let level = levelFromWord(str(a.severity))
  let levelSource: string | null = level ? 'database' : null
  if (!level) {
    const v3 = ((a.cvss_severities as Json | null)?.cvss_v3 ?? a.cvss) as Json | null | undefined
    const score = typeof v3?.score === 'number' ? v3.score : typeof v3?.vector_string === 'string' ? cvss3BaseScore(v3.vector_string) : null
    if (score !== null && score > 0) {
      level = levelForScore(score)
      levelSource = `CVSS ${score.toFixed(1)}`
    }
  }
  const affected: AffectedPackage[] = []
  for (const v of (Array.isArray(a.vulnerabilities) ? a.vulnerabilities : []) as Json[]) {
    const pkg = (v.package ?? {}) as Json
    const eco = FROM_GH[String(pkg.ecosystem ?? '')]
    const name = str(pkg.name)
    if (!eco || !name) continue
    const patched = v.first_patched_version
    const fixed = typeof patched === 'string' ? patched : str((patched as Json | null)?.identifier)
    affected.push(githubRange(eco, name, str(v.vulnerable_version_range), fixed))
  }
  return {
    id,
    aliases,
    summary: oneLine(str(a.summary)),
    url: str(a.html_url) ?? `https://github.com/advisories/${id}`,
    level,
    levelSource,
    modified: str(a.updated_at),
    withdrawn: str(a.withdrawn_at) !== null,
    affected
  }
}

/** `< 2.6.0`, `>= 4.0.0, < 4.48.0`, `<= 1.2`, `= 1.2.3` as one interval (or one listed version). */
function githubRange(ecosystem: AdvisoryEcosystem, name: string, range: string | null, fixed: string | null): AffectedPackage {
  const pkg: AffectedPackage = { ecosystem, name: normalizeName(ecosystem, name), intervals: [], versions: [], unreadable: null }
  if (range === null) {
    pkg.unreadable = 'GitHub gives no vulnerable version range'
    return pkg
  }
  let lower: Bound | null = null
  let upper: Bound | null = null
  for (const part of range.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(>=|<=|>|<|=)\s*(\S+)$/.exec(part)
    const v = m ? comparableVersion(ecosystem, m[2]!) : null
    if (!m || v === null) {
      pkg.unreadable = `GitHub's range '${range}' cannot be read`
      return pkg
    }
    if (m[1] === '=') pkg.versions.push(m[2]!)
    else if (m[1]!.startsWith('>')) lower = { version: v, inclusive: m[1] === '>=' }
    else upper = { version: v, inclusive: m[1] === '<=' }
  }
  if (pkg.versions.length === 0) {
    const interval: Interval = { lower, upper, fixed }
    pkg.intervals.push(interval)
  } else if (fixed) {
    // `= 1.2.3` with a patch: record the fix for the message.
    pkg.intervals.push({ lower: { version: comparableVersion(ecosystem, pkg.versions[0]!)!, inclusive: true }, upper: { version: comparableVersion(ecosystem, pkg.versions[0]!)!, inclusive: true }, fixed })
    pkg.versions = []
  }
  return pkg
}
