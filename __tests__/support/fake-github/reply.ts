/** What a route handler receives and returns, GitHub's error bodies, and Link-header pagination. */
import type { OperationSpec } from './openapi-index.js'
import type { Urls } from './shapes.js'
import type { FakeState } from './state.js'

export interface Ctx {
  state: FakeState
  urls: Urls
  op: OperationSpec
  /** decoded and type-coerced by the OpenAPI parameter schemas */
  params: Record<string, string | number>
  /** coerced, with OpenAPI defaults applied (per_page, page, …) */
  query: Record<string, unknown>
  body: Record<string, unknown>
  accept: string
  /** the request URL on the fake, for Link headers */
  url: URL
}

export interface Reply {
  status: number
  body?: unknown
  raw?: Buffer
  headers?: Record<string, string>
}

/**
 * An error answered the way GitHub words it. `violation` says whether the client did something
 * GitHub rejects (422, a malformed call) rather than hit a legitimate state (404 absent file, 403 read-only).
 */
export class GitHubError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly violation: boolean,
    readonly headers: Record<string, string> = {}
  ) {
    super(String(body.message))
  }
}

export const errorBody = (message: string, docsUrl: string, status: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  message,
  ...extra,
  documentation_url: docsUrl,
  status: String(status)
})

export const notFound = (ctx: Ctx, violation = false): GitHubError => new GitHubError(404, errorBody('Not Found', ctx.op.docsUrl, 404), violation)

/** 422 "Validation Failed" with GitHub's errors[] objects. */
export const validationFailed = (ctx: Ctx, errors: Array<Record<string, unknown>>): GitHubError =>
  new GitHubError(422, errorBody('Validation Failed', ctx.op.docsUrl, 422, { errors }), true)

/** 422 "Unprocessable Entity" with string errors, as the reviews endpoint answers. */
export const unprocessable = (ctx: Ctx, errors: string[]): GitHubError =>
  new GitHubError(422, errorBody('Unprocessable Entity', ctx.op.docsUrl, 422, { errors }), true)

export const MAX_COMMENT = 65536

/** Slices `items` by per_page/page (GitHub caps per_page at 100) and builds GitHub's Link header. */
export function paginate<T>(ctx: Ctx, items: T[]): { page: T[]; headers: Record<string, string> } {
  const per = Math.min(Math.max(Number(ctx.query.per_page ?? 30), 1), 100)
  const pageNo = Math.max(Number(ctx.query.page ?? 1), 1)
  const last = Math.max(Math.ceil(items.length / per), 1)
  const link = (n: number, rel: string): string => {
    const u = new URL(ctx.url.href)
    u.searchParams.set('per_page', String(per))
    u.searchParams.set('page', String(n))
    return `<${u.toString()}>; rel="${rel}"`
  }
  const rels: string[] = []
  if (pageNo > 1) rels.push(link(pageNo - 1, 'prev'))
  if (pageNo < last) rels.push(link(pageNo + 1, 'next'), link(last, 'last'))
  if (pageNo > 1) rels.push(link(1, 'first'))
  return { page: items.slice((pageNo - 1) * per, pageNo * per), headers: rels.length ? { link: rels.join(', ') } : {} }
}

export const ok = (body: unknown, headers: Record<string, string> = {}): Reply => ({ status: 200, body, headers })
export const created = (body: unknown): Reply => ({ status: 201, body })
