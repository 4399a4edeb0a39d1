/** The repository itself, dependency-graph snapshots, and global advisories. */
import * as pep440 from '@renovatebot/pep440'
import semver from 'semver'
import { created, ok, type Ctx, type Reply } from '../reply.js'
import { repository } from '../shapes.js'

export const getRepo = (ctx: Ctx): Reply => ok(repository(ctx.state, ctx.urls))

const SNAPSHOT_MESSAGES = {
  SUCCESS: 'Dependency results for the repo have been successfully updated.',
  ACCEPTED: 'The snapshot was accepted, but it is not for the default branch. It will not update dependency results for the repository.',
  INVALID: 'The snapshot is invalid and was not processed.'
}

export function createSnapshot(ctx: Ctx): Reply {
  const s = ctx.state
  const record = { id: s.id(), body: ctx.body, created_at: s.now(), result: s.snapshotResult }
  s.snapshots.push(record)
  return created({ id: record.id, created_at: record.created_at, result: record.result, message: SNAPSHOT_MESSAGES[record.result] })
}

/** A comma-separated string or repeated parameter, as GitHub accepts for `affects`/`cwes`. */
const list = (v: unknown): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean))

interface Vuln {
  package?: { ecosystem?: string; name?: string }
  vulnerable_version_range?: string | null
}

/** `name` or `name@version` (a scoped npm name keeps its leading `@`). */
function affectsTerm(term: string): { name: string; version: string | null } {
  const at = term.lastIndexOf('@')
  return at > 0 ? { name: term.slice(0, at).toLowerCase(), version: term.slice(at + 1) } : { name: term.toLowerCase(), version: null }
}

/** Whether `version` is in GitHub's `vulnerable_version_range` ("< 2.6.0", ">= 4.0.0, < 4.48.0", "= 1.2.3"). */
function inRange(ecosystem: string | undefined, range: string | null | undefined, version: string): boolean {
  if (!range) return true
  const cmp = (a: string, b: string): number | null => {
    if (ecosystem === 'pip') return pep440.valid(a) && pep440.valid(b) ? pep440.compare(a, b) : null
    return semver.valid(a) && semver.valid(b) ? semver.compare(a, b) : null
  }
  return range.split(',').every((part) => {
    const m = /^\s*(>=|<=|>|<|=)\s*(\S+)\s*$/.exec(part)
    const c = m ? cmp(version, m[2]!) : null
    if (!m || c === null) return true // unreadable: GitHub would not drop the advisory for it
    return { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0 }[m[1] as '>=' | '<=' | '>' | '<' | '=']
  })
}

/**
 * GET /advisories: filters on the fields a scanner uses (ecosystem, affects by package name or
 * `name@version`, ghsa_id, cve_id, severity, type, is_withdrawn) and pages with an opaque `after`
 * cursor. For `name@version`, only advisories whose vulnerable range holds the version match
 * (PEP 440 for pip, semver otherwise).
 */
export function listAdvisories(ctx: Ctx): Reply {
  const q = ctx.query
  const affects = list(q.affects).map(affectsTerm)
  const vulns = (a: Record<string, unknown>): Vuln[] => (a.vulnerabilities as Vuln[] | null) ?? []
  const hit = (v: Vuln): boolean =>
    affects.some((t) => t.name === String(v.package?.name).toLowerCase() && (t.version === null || inRange(v.package?.ecosystem, v.vulnerable_version_range, t.version)))
  const rows = ctx.state.advisories.filter(
    (a) =>
      (q.ghsa_id === undefined || a.ghsa_id === q.ghsa_id) &&
      (q.cve_id === undefined || a.cve_id === q.cve_id) &&
      (q.severity === undefined || a.severity === q.severity) &&
      a.type === (q.type ?? 'reviewed') &&
      (q.is_withdrawn === undefined || (a.withdrawn_at !== null) === q.is_withdrawn) &&
      (q.ecosystem === undefined || vulns(a).some((v) => v.package?.ecosystem === q.ecosystem)) &&
      (affects.length === 0 || vulns(a).some(hit))
  )
  const per = Number(q.per_page ?? 30)
  const start = typeof q.after === 'string' ? Number(Buffer.from(q.after, 'base64url').toString()) : 0
  const page = rows.slice(start, start + per)
  const headers: Record<string, string> = {}
  if (start + per < rows.length) {
    const u = new URL(ctx.url.href)
    u.searchParams.set('after', Buffer.from(String(start + per)).toString('base64url'))
    headers.link = `<${u.toString()}>; rel="next"`
  }
  return ok(page, headers)
}
