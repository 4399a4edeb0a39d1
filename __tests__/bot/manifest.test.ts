/** The GitHub App manifest users register the app from: the least the bot needs, and the events it acts on. */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { route } from '../../src/bot/events.js'
import { WEBHOOK_PATH } from '../../src/bot/server.js'
import { REPO } from '../support/shared.js'

const manifest = JSON.parse(await readFile(path.join(REPO, 'app-manifest.json'), 'utf8')) as {
  default_permissions: Record<string, string>
  default_events: string[]
  hook_attributes: { url: string; active: boolean }
  public: boolean
}

test('permissions: exactly contents read, pull requests write, checks write, metadata read', () => {
  expect(manifest.default_permissions).toEqual({ contents: 'read', pull_requests: 'write', checks: 'write', metadata: 'read' })
})

test('events: exactly pull_request, push and check_run, each one the bot acts on', () => {
  expect(manifest.default_events).toEqual(['pull_request', 'push', 'check_run'])
  for (const event of manifest.default_events) expect(route(event, 'd', { action: 'x' }, 1)).not.toEqual({ kind: 'ignored', reason: `event ${event} is not handled` })
  // an event the manifest does not subscribe to is one the bot does not handle
  expect(route('issues', 'd', { action: 'opened' }, 1)).toEqual({ kind: 'ignored', reason: 'event issues is not handled' })
})

test('the webhook URL is the server\'s webhook path; the app is private to its owner by default', () => {
  expect(new URL(manifest.hook_attributes.url).pathname).toBe(WEBHOOK_PATH)
  expect(manifest.hook_attributes.active).toBe(true)
  expect(manifest.public).toBe(false)
})

test('docs/bot.md lists the same permissions and events', async () => {
  const doc = await readFile(path.join(REPO, 'docs', 'bot.md'), 'utf8')
  expect(doc).toContain('`contents: read`, `pull_requests: write`, `checks: write`, `metadata: read`,\n   and the events `pull_request`, `push`, `check_run`.')
})
