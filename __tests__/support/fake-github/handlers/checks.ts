/** Check runs and their annotations (at most 50 per request: the schema's maxItems, enforced with 422). */
import { created, errorBody, GitHubError, notFound, ok, paginate, type Ctx, type Reply } from '../reply.js'
import { checkRun } from '../shapes.js'
import type { CheckRunRecord } from '../state.js'

type Output = { title?: string; summary?: string; text?: string; annotations?: Array<Record<string, unknown>> }

function applyOutput(r: CheckRunRecord, output: Output | undefined): void {
  if (!output) return
  r.output = { title: output.title ?? r.output.title, summary: output.summary ?? r.output.summary, text: output.text ?? r.output.text }
  // GitHub appends annotations across updates: that is how more than 50 get onto one run
  r.annotations.push(...(output.annotations ?? []))
}

function applyStatus(ctx: Ctx, r: CheckRunRecord): void {
  const b = ctx.body
  if (typeof b.conclusion === 'string') {
    r.conclusion = b.conclusion
    r.status = 'completed'
    r.completed_at = (b.completed_at as string | undefined) ?? ctx.state.now()
  } else if (b.status === 'completed' && r.conclusion === null) {
    throw new GitHubError(422, errorBody('Invalid request.\n\n"conclusion" wasn\'t supplied.', ctx.op.docsUrl, 422), true)
  } else if (typeof b.status === 'string') r.status = b.status
}

export function createCheckRun(ctx: Ctx): Reply {
  const b = ctx.body
  const s = ctx.state
  // Only GitHub Apps (GITHUB_TOKEN included) write check runs; a person's token is refused.
  if (s.actor.type !== 'Bot') throw new GitHubError(403, errorBody('You must authenticate via a GitHub App.', ctx.op.docsUrl, 403), false)
  const sha = String(b.head_sha)
  if (!s.knowsCommit(sha)) throw new GitHubError(422, errorBody(`No commit found for SHA: ${sha}`, ctx.op.docsUrl, 422), true)
  const r: CheckRunRecord = {
    id: s.id(),
    name: String(b.name),
    head_sha: sha,
    status: 'queued',
    conclusion: null,
    started_at: (b.started_at as string | undefined) ?? s.now(),
    completed_at: null,
    details_url: (b.details_url as string | undefined) ?? null,
    external_id: (b.external_id as string | undefined) ?? null,
    output: { title: null, summary: null, text: null },
    annotations: []
  }
  applyStatus(ctx, r)
  applyOutput(r, b.output as Output | undefined)
  s.checkRuns.push(r)
  return created(checkRun(s, ctx.urls, r))
}

function findRun(ctx: Ctx): CheckRunRecord {
  const r = ctx.state.checkRuns.find((x) => x.id === ctx.params.check_run_id)
  if (!r) throw notFound(ctx)
  return r
}

export function updateCheckRun(ctx: Ctx): Reply {
  const r = findRun(ctx)
  const b = ctx.body
  if (typeof b.name === 'string') r.name = b.name
  if (typeof b.details_url === 'string') r.details_url = b.details_url
  if (typeof b.external_id === 'string') r.external_id = b.external_id
  if (typeof b.started_at === 'string') r.started_at = b.started_at
  applyStatus(ctx, r)
  applyOutput(r, b.output as Output | undefined)
  return ok(checkRun(ctx.state, ctx.urls, r))
}

export const getCheckRun = (ctx: Ctx): Reply => ok(checkRun(ctx.state, ctx.urls, findRun(ctx)))

export function listAnnotations(ctx: Ctx): Reply {
  const r = findRun(ctx)
  const s = ctx.state
  const { page, headers } = paginate(ctx, r.annotations)
  return ok(
    page.map((a) => ({
      path: a.path,
      blob_href: `${ctx.urls.html}/${s.owner}/${s.repo}/blob/${r.head_sha}/${String(a.path)}`,
      start_line: a.start_line,
      end_line: a.end_line,
      start_column: a.start_column ?? null,
      end_column: a.end_column ?? null,
      annotation_level: a.annotation_level,
      title: a.title ?? null,
      message: a.message,
      raw_details: a.raw_details ?? null
    })),
    headers
  )
}

/** GET commits/{ref}/check-runs: `filter=latest` (the default) keeps the newest run per name. */
export function listCheckRunsForRef(ctx: Ctx): Reply {
  const s = ctx.state
  const ref = String(ctx.params.ref)
  const sha = s.refs.get(ref.replace(/^refs\/heads\//, '').replace(/^heads\//, '')) ?? ref
  if (!s.knowsCommit(sha)) throw new GitHubError(422, errorBody(`No commit found for SHA: ${ref}`, ctx.op.docsUrl, 422), false)
  let runs = s.checkRuns.filter((r) => r.head_sha === sha)
  if (ctx.query.check_name !== undefined) runs = runs.filter((r) => r.name === ctx.query.check_name)
  if (ctx.query.status !== undefined) runs = runs.filter((r) => r.status === ctx.query.status)
  if ((ctx.query.filter ?? 'latest') === 'latest') {
    runs = runs.filter((r) => !runs.some((o) => o.name === r.name && o.id > r.id))
  }
  runs = [...runs].reverse()
  const { page, headers } = paginate(ctx, runs)
  return ok({ total_count: runs.length, check_runs: page.map((r) => checkRun(s, ctx.urls, r)) }, headers)
}
