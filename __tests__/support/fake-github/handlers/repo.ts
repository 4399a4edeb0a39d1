/** The repository itself, dependency-graph snapshots, and global advisories. */
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
}

/**
 * GET /advisories: filters on the fields a scanner uses (ecosystem, affects by package name,
 * ghsa_id, cve_id, severity, type, is_withdrawn) and pages with an opaque `after` cursor.
 * Version matching inside `affects` ("name@1.2.3") is by name only.
 */
export function listAdvisories(ctx: Ctx): Reply {
  const q = ctx.query
  const affects = list(q.affects).map((a) => a.replace(/@[^@]*$/, '').toLowerCase())
  const vulns = (a: Record<string, unknown>): Vuln[] => (a.vulnerabilities as Vuln[] | null) ?? []
  const rows = ctx.state.advisories.filter(
    (a) =>
      (q.ghsa_id === undefined || a.ghsa_id === q.ghsa_id) &&
      (q.cve_id === undefined || a.cve_id === q.cve_id) &&
      (q.severity === undefined || a.severity === q.severity) &&
      a.type === (q.type ?? 'reviewed') &&
      (q.is_withdrawn === undefined || (a.withdrawn_at !== null) === q.is_withdrawn) &&
      (q.ecosystem === undefined || vulns(a).some((v) => v.package?.ecosystem === q.ecosystem)) &&
      (affects.length === 0 || vulns(a).some((v) => affects.includes(String(v.package?.name).toLowerCase())))
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
