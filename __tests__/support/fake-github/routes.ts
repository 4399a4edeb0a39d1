/**
 * The routes the fake serves: one line each, "METHOD template" exactly as GitHub's OpenAPI
 * description spells it (the validator looks the operation up by that key), the permission a
 * GITHUB_TOKEN needs (alternatives separated by "|"), and the handler.
 */
import { createCheckRun, getCheckRun, listAnnotations, listCheckRunsForRef, updateCheckRun } from './handlers/checks.js'
import { getBlob, getContent, getTree } from './handlers/git.js'
import { createIssueComment, deleteIssueComment, getIssueComment, listIssueComments, updateIssueComment } from './handlers/issue-comments.js'
import {
  createReview,
  createReviewComment,
  deleteReviewComment,
  getPull,
  listPullFiles,
  listReviewComments,
  listReviews,
  updateReviewComment
} from './handlers/pulls.js'
import { createInstallationToken, listHookDeliveries, redeliverHookDelivery } from './handlers/app.js'
import { createSnapshot, getRepo, listAdvisories } from './handlers/repo.js'
import { getAuthenticatedUser } from './handlers/users.js'
import type { Ctx, Reply } from './reply.js'

export interface Route {
  key: string
  /** e.g. "checks:write" or "issues:write|pull_requests:write"; absent for non-repository routes */
  perm?: string
  handle: (ctx: Ctx) => Reply
}

const R = '/repos/{owner}/{repo}'

// prettier-ignore
export const ROUTES: Route[] = [
  { key: `GET ${R}`, perm: 'metadata:read', handle: getRepo },
  { key: `GET ${R}/pulls/{pull_number}`, perm: 'pull_requests:read', handle: getPull },
  { key: `GET ${R}/pulls/{pull_number}/files`, perm: 'pull_requests:read', handle: listPullFiles },
  { key: `GET ${R}/contents/{path}`, perm: 'contents:read', handle: getContent },
  { key: `GET ${R}/git/blobs/{file_sha}`, perm: 'contents:read', handle: getBlob },
  { key: `GET ${R}/git/trees/{tree_sha}`, perm: 'contents:read', handle: getTree },
  { key: `GET ${R}/issues/{issue_number}/comments`, perm: 'issues:read|pull_requests:read', handle: listIssueComments },
  { key: `POST ${R}/issues/{issue_number}/comments`, perm: 'issues:write|pull_requests:write', handle: createIssueComment },
  { key: `GET ${R}/issues/comments/{comment_id}`, perm: 'issues:read|pull_requests:read', handle: getIssueComment },
  { key: `PATCH ${R}/issues/comments/{comment_id}`, perm: 'issues:write|pull_requests:write', handle: updateIssueComment },
  { key: `DELETE ${R}/issues/comments/{comment_id}`, perm: 'issues:write|pull_requests:write', handle: deleteIssueComment },
  { key: `POST ${R}/pulls/{pull_number}/reviews`, perm: 'pull_requests:write', handle: createReview },
  { key: `GET ${R}/pulls/{pull_number}/reviews`, perm: 'pull_requests:read', handle: listReviews },
  { key: `GET ${R}/pulls/{pull_number}/comments`, perm: 'pull_requests:read', handle: listReviewComments },
  { key: `POST ${R}/pulls/{pull_number}/comments`, perm: 'pull_requests:write', handle: createReviewComment },
  { key: `PATCH ${R}/pulls/comments/{comment_id}`, perm: 'pull_requests:write', handle: updateReviewComment },
  { key: `DELETE ${R}/pulls/comments/{comment_id}`, perm: 'pull_requests:write', handle: deleteReviewComment },
  { key: `POST ${R}/check-runs`, perm: 'checks:write', handle: createCheckRun },
  { key: `PATCH ${R}/check-runs/{check_run_id}`, perm: 'checks:write', handle: updateCheckRun },
  { key: `GET ${R}/check-runs/{check_run_id}`, perm: 'checks:read', handle: getCheckRun },
  { key: `GET ${R}/check-runs/{check_run_id}/annotations`, perm: 'checks:read', handle: listAnnotations },
  { key: `GET ${R}/commits/{ref}/check-runs`, perm: 'checks:read', handle: listCheckRunsForRef },
  { key: `POST ${R}/dependency-graph/snapshots`, perm: 'contents:write', handle: createSnapshot },
  { key: 'GET /advisories', handle: listAdvisories },
  // the token's identity: a user token's account; a bot's token (GITHUB_TOKEN, installations) gets 403
  { key: 'GET /user', handle: getAuthenticatedUser },
  // GitHub App routes: authenticated with the app's JWT, not an installation token (server.ts)
  { key: 'POST /app/installations/{installation_id}/access_tokens', handle: createInstallationToken },
  { key: 'GET /app/hook/deliveries', handle: listHookDeliveries },
  { key: 'POST /app/hook/deliveries/{delivery_id}/attempts', handle: redeliverHookDelivery }
]

export interface Matcher {
  key: string
  method: string
  template: string
  regex: RegExp
  names: string[]
  literals: number
}

/**
 * Compiles an OpenAPI template to a regex on the raw (still percent-encoded) path. `{path}` may
 * span slashes (GitHub accepts contents/a/b.txt as well as Octokit's contents/a%2Fb.txt).
 */
export function compileTemplate(key: string): Matcher {
  const [method = '', template = ''] = key.split(' ')
  const names: string[] = []
  const body = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{(.+)\}$/.exec(part)
      if (!m) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      names.push(m[1] as string)
      return m[1] === 'path' ? '(.*)' : '([^/]+)'
    })
    .join('')
  const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length
  return { key, method, template, regex: new RegExp(`^${body}/?$`), names, literals }
}

/** Most literal segments first, so `issues/comments/{id}` wins over `issues/{issue_number}`. */
export const byLiterals = (a: Matcher, b: Matcher): number => b.literals - a.literals || a.names.length - b.names.length

export function match(matchers: Matcher[], method: string, rawPath: string): { m: Matcher; params: Record<string, string> } | 'wrong-method' | null {
  let pathMatched = false
  for (const m of matchers) {
    const hit = m.regex.exec(rawPath)
    if (!hit) continue
    pathMatched = true
    if (m.method !== method) continue
    const params: Record<string, string> = {}
    m.names.forEach((n, i) => {
      params[n] = decodeURIComponent(hit[i + 1] ?? '')
    })
    return { m, params }
  }
  return pathMatched ? 'wrong-method' : null
}
