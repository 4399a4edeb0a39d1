/**
 * How a scan is stopped (its deadline, or shutdown): the scan's GitHub client cuts off the request
 * in flight and sends no further one, and the engine starts no further file.
 */
import { rm } from 'node:fs/promises'
import { readBotConfig } from '../../src/bot/config.js'
import { GitHubApp } from '../../src/bot/github-app.js'
import { silentLogger } from '../../src/bot/log.js'
import { discoverTree } from '../../src/discover/tree.js'
import { DEFAULT_LIMITS } from '../../src/engine/limits.js'
import { scan } from '../../src/engine/scan.js'
import { OWNER, pullRequestWorld, REPO, type PullRequestWorld } from '../action/support/pr-world.js'
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js'
import { makeTree } from '../support/tree.js'
import { appSeed, botEnv, gate, INSTALLATION } from './support/bot-world.js'

describe("the scan's client", () => {
  let world: PullRequestWorld
  let gh: FakeGitHub
  beforeEach(async () => {
    world = await pullRequestWorld({ 'a.txt': 'a\n' }, { 'b.txt': 'b\n' })
    gh = await startFakeGitHub({ seed: { ...world.seed, ...appSeed() } })
  })
  afterEach(async () => {
    expect(gh.violations).toEqual([])
    await gh.close()
    await world.cleanup()
  })

  test('aborting cuts off the request in flight and refuses every later one before it reaches GitHub; the job client is unaffected', async () => {
    const app = new GitHubApp(readBotConfig(botEnv(gh.url)), silentLogger)
    const stop = new AbortController()
    const scanClient = await app.installationClient(INSTALLATION, stop.signal)
    const jobClient = await app.installationClient(INSTALLATION)
    const repo = { owner: OWNER, repo: REPO }
    const read = (client: typeof scanClient) => client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: 'a.txt', ref: world.base })

    // GitHub holds the answer; the scan is stopped while it waits
    const held = gate()
    gh.failNext({ route: 'repos/get-content', kind: 'slow', hold: held.promise })
    const inFlight = read(scanClient)
    await waitFor(() => gh.operations().includes('repos/get-content'))
    stop.abort()
    await expect(inFlight).rejects.toThrow()
    await expect(read(scanClient)).rejects.toMatchObject({ name: 'AbortError', message: 'the scan was stopped' })
    await expect(scanClient.rest.pulls.listFiles({ ...repo, pull_number: 2 })).rejects.toMatchObject({ name: 'AbortError' })
    // the token was fetched once (then cached); the held read is the only one the scan client made
    expect(gh.operations()).toEqual(['apps/create-installation-access-token', 'repos/get-content'])

    // the job's own client (claims, check-run updates) still works
    expect((await read(jobClient)).status).toBe(200)
    expect(gh.operations()).toEqual(['apps/create-installation-access-token', 'repos/get-content', 'repos/get-content'])
    held.open()
  })
})

describe('the engine', () => {
  let root: string
  beforeEach(async () => {
    root = await makeTree({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' })
  })
  afterEach(() => rm(root, { recursive: true, force: true }))

  /** The engine over the tree, recording which files it opens; `onOpen` runs at each open. */
  function scanRecording(signal: AbortSignal, onOpen: () => void): { opened: string[]; done: Promise<unknown> } {
    const opened: string[] = []
    const done = scan({
      root,
      failOn: 'error',
      limits: { ...DEFAULT_LIMITS, concurrency: 1 },
      signal,
      discover: async (isIgnored) => {
        const found = await discoverTree(root, isIgnored)
        return {
          ...found,
          candidates: found.candidates.map((c) => ({
            ...c,
            open: () => {
              opened.push(c.path)
              onOpen()
              return c.open()
            }
          }))
        }
      }
    })
    return { opened, done }
  }

  test('a signal aborted during the file loop: no further file is started, and the scan rejects', async () => {
    const stop = new AbortController()
    const run = scanRecording(stop.signal, () => stop.abort())
    await expect(run.done).rejects.toMatchObject({ name: 'AbortError' })
    expect(run.opened).toEqual(['a.txt'])
  })

  test('a signal aborted before the loop: no file is opened', async () => {
    const stop = new AbortController()
    stop.abort()
    const run = scanRecording(stop.signal, () => {})
    await expect(run.done).rejects.toMatchObject({ name: 'AbortError' })
    expect(run.opened).toEqual([])
  })

  test('without an abort the same scan opens every file', async () => {
    const run = scanRecording(new AbortController().signal, () => {})
    await expect(run.done).resolves.toMatchObject({ report: { verdict: 'pass' } })
    expect(run.opened).toEqual(['a.txt', 'b.txt', 'c.txt'])
  })
})

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10))
}
