/** What a signed delivery means: a job, a log line, nothing (204), or a malformed payload (400). */
import { route } from '../../src/bot/events.js'
import { webhookExample } from '../action/support/pr-world.js'
import { forApp } from './support/bot-world.js'

const APP = 424242
const HEAD = 'a'.repeat(40)
const BASE = 'b'.repeat(40)

function pullRequest(change: (pr: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const p = forApp(webhookExample('pull_request', 'opened')) as Record<string, unknown> & { pull_request: Record<string, unknown> }
  const pr = { ...p.pull_request, head: { ...(p.pull_request.head as object), sha: HEAD }, base: { ...(p.pull_request.base as object), sha: BASE } }
  change(pr)
  return { ...p, pull_request: pr }
}

test('a well-formed pull_request.opened is a job', () => {
  expect(route('pull_request', 'd-1', pullRequest(), APP)).toEqual({
    kind: 'job',
    job: { type: 'pull-request', deliveryId: 'd-1', event: 'pull_request.opened', installationId: 77, owner: 'Codertocat', repo: 'Hello-World', number: 2, headSha: HEAD, baseSha: BASE, changedFiles: 1, force: false }
  })
})

test.each([
  ['no head sha', (pr: Record<string, unknown>) => delete (pr.head as Record<string, unknown>).sha, 'pull_request.opened payload is missing or has an invalid pull_request.head.sha (a 40-hex commit id)'],
  ['a short base sha', (pr: Record<string, unknown>) => ((pr.base as Record<string, unknown>).sha = 'abc'), 'pull_request.opened payload is missing or has an invalid pull_request.base.sha (a 40-hex commit id)'],
  [
    'no number and no head',
    (pr: Record<string, unknown>) => {
      delete pr.number
      delete pr.head
    },
    'pull_request.opened payload is missing or has an invalid pull_request.number (a positive integer), pull_request.head.sha (a 40-hex commit id)'
  ]
])('pull_request.opened with %s is invalid, naming the field', (_name, change, reason) => {
  expect(route('pull_request', 'd', pullRequest(change), APP)).toEqual({ kind: 'invalid', reason })
})

test('a pull_request without installation or repository (a repository webhook, not the app\'s) is invalid', () => {
  const bare = pullRequest()
  delete bare.installation
  delete bare.repository
  expect(route('pull_request', 'd', bare, APP)).toEqual({
    kind: 'invalid',
    reason: 'pull_request.opened payload is missing or has an invalid installation.id (GitHub sends it to an app; is this a repository webhook?), repository.full_name (owner/name)'
  })
})

test('push and check_run.rerequested without what they need are invalid; actions and branches the bot does not act on stay 204', () => {
  const push = forApp({ ...webhookExample('push'), ref: 'refs/heads/main', after: HEAD, deleted: false }) as Record<string, unknown>
  const repository = { ...(push.repository as object), default_branch: 'main' }
  expect(route('push', 'd', { ...push, repository, after: undefined }, APP)).toEqual({ kind: 'invalid', reason: 'push payload is missing or has an invalid after (a 40-hex commit id)' })
  expect(route('push', 'd', { ...push, repository, ref: 'refs/heads/feature' }, APP)).toEqual({ kind: 'ignored', reason: 'push to refs/heads/feature, not the default branch' })
  expect(route('push', 'd', { ...push, repository, after: '0'.repeat(40), deleted: true }, APP)).toEqual({ kind: 'ignored', reason: 'branch deleted' })
  const rerun = forApp(webhookExample('check_run', 'rerequested')) as Record<string, unknown> & { check_run: Record<string, unknown> }
  const ours = { ...rerun.check_run, app: { ...(rerun.check_run.app as object), id: APP } }
  expect(route('check_run', 'd', { ...rerun, check_run: { ...ours, head_sha: 'nope' } }, APP)).toEqual({ kind: 'invalid', reason: 'check_run.rerequested payload is missing or has an invalid check_run.head_sha (a 40-hex commit id)' })
  // another app's run is not ours to judge, however it looks
  expect(route('check_run', 'd', { ...rerun, check_run: { ...rerun.check_run, head_sha: 'nope' } }, APP)).toEqual({ kind: 'ignored', reason: 'check run of another app' })
  expect(route('pull_request', 'd', forApp(webhookExample('pull_request', 'closed')), APP)).toEqual({ kind: 'ignored', reason: 'pull_request.closed is not scanned' })
})
