/**
 * A pull request three ways at once, all consistent: a temp git repository (the runner's
 * workspace), the fake GitHub's seed (files at both refs, pulls.listFiles with real patches), and
 * a real webhook payload from @octokit/webhooks-examples with this PR's numbers and shas.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import type { FakeGitHub, FakeGitHubSeed, FileSeed, PullFileSeed, PullSeed } from '../../support/fake-github/index.js'
import { gitIn } from '../../support/git.js'
import { writeTree, type TreeSpec } from '../../support/tree.js'

export const OWNER = 'Codertocat'
export const REPO = 'Hello-World'
export const NUMBER = 2
export const TOKEN = 'ghs_e2eTokenForTests'

type Payload = Record<string, unknown> & { pull_request: Record<string, unknown> & { head: Record<string, unknown>; base: Record<string, unknown> } }
const require = createRequire(import.meta.url)

/** A real payload GitHub sent for this event (first example of that action). */
export function webhookExample(event: string, action?: string): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples') as Array<{ name: string; examples: Array<Record<string, unknown>> }>
  const ex = all.find((e) => e.name === event)?.examples.find((p) => action === undefined || p.action === action)
  if (!ex) throw new Error(`no webhook example for ${event}${action ? `.${action}` : ''}`)
  return structuredClone(ex)
}

export interface PullRequestWorld {
  workspace: string
  base: string
  head: string
  eventPath: string
  seed: FakeGitHubSeed
  /** Commits `changes` (null deletes) on the PR branch; updates the fake and the payload. */
  push(gh: FakeGitHub, changes: Record<string, Buffer | string | null>): Promise<void>
  cleanup(): Promise<void>
}

export async function pullRequestWorld(base: TreeSpec, head: Record<string, Buffer | string | null>, opts: { fork?: boolean; checkout?: 'head' | 'none' } = {}): Promise<PullRequestWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modelgate-e2e-'))
  const workspace = path.join(dir, 'workspace')
  const eventPath = path.join(dir, 'event.json')
  const git = (...args: string[]) => gitIn(workspace, ...args)
  execFileSync('mkdir', ['-p', workspace])
  git('init', '-q')
  await writeTree(workspace, base)
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  const baseSha = git('rev-parse', 'HEAD')
  git('checkout', '-q', '-b', 'feature')

  const world: PullRequestWorld = {
    workspace,
    base: baseSha,
    head: '',
    eventPath,
    seed: { owner: OWNER, repo: REPO, token: TOKEN, pulls: [], files: {} },
    async push(gh, changes) {
      await commit(changes)
      gh.state.setFiles(world.head, filesAt(world.head))
      gh.state.addPull(pullSeed())
      await writeEvent()
    },
    cleanup: () => rm(dir, { recursive: true, force: true })
  }

  async function commit(changes: Record<string, Buffer | string | null>): Promise<void> {
    for (const [rel, content] of Object.entries(changes)) {
      if (content === null) git('rm', '-q', rel)
      else await writeTree(workspace, { [rel]: content })
    }
    git('add', '-A')
    git('commit', '-q', '--allow-empty', '-m', 'change')
    world.head = git('rev-parse', 'HEAD')
  }

  /** Every file at a commit, read in one `git cat-file --batch` (thousands of files stay fast). */
  function filesAt(sha: string): Record<string, FileSeed> {
    const entries = git('ls-tree', '-r', '-z', sha)
      .split('\0')
      .filter(Boolean)
      .map((l) => ({ sha: l.split(/\s/)[2] as string, path: l.slice(l.indexOf('\t') + 1) }))
    const batch = execFileSync('git', ['cat-file', '--batch'], { cwd: workspace, input: entries.map((e) => e.sha).join('\n') + '\n', maxBuffer: 1 << 28 })
    const out: Record<string, FileSeed> = {}
    let at = 0
    for (const e of entries) {
      const eol = batch.indexOf(0x0a, at)
      const size = Number(batch.subarray(at, eol).toString('latin1').split(' ')[2])
      out[e.path] = batch.subarray(eol + 1, eol + 1 + size)
      at = eol + 1 + size + 1
    }
    return out
  }

  /** pulls.listFiles as GitHub computes it: the three-dot diff, renames detected, patches for text files. */
  function listFiles(): PullFileSeed[] {
    const raw = git('diff', '--name-status', '-z', '-M', `${baseSha}...${world.head}`).split('\0').filter(Boolean)
    const files: PullFileSeed[] = []
    for (let i = 0; i < raw.length; ) {
      const status = raw[i++] as string
      const letter = status[0]
      const from = raw[i++] as string
      const to = letter === 'R' ? (raw[i++] as string) : from
      // one git call per file is slow for the 3,000-file PR, whose patches nobody reads
      const patch = raw.length > 600 ? '' : execFileSync('git', ['diff', '--no-color', '--no-ext-diff', '-M', `${baseSha}...${world.head}`, '--', ...(letter === 'R' ? [from, to] : [to])], { cwd: workspace, encoding: 'utf8' })
      const hunks = patch.includes('\n@@') ? patch.slice(patch.indexOf('\n@@') + 1).replace(/\n$/, '') : undefined
      files.push({
        filename: to,
        status: letter === 'A' ? 'added' : letter === 'D' ? 'removed' : letter === 'R' ? 'renamed' : 'modified',
        ...(letter === 'R' ? { previous_filename: from } : {}),
        ...(hunks ? { patch: hunks } : {})
      })
    }
    return files
  }

  function pullSeed(): PullSeed {
    return {
      number: NUMBER,
      title: 'Add a model',
      head: { sha: world.head, ref: 'feature', ...(opts.fork ? { repoFullName: `octo-fork/${REPO}` } : {}) },
      base: { sha: baseSha, ref: 'main' },
      files: listFiles()
    }
  }

  async function writeEvent(): Promise<void> {
    const payload = webhookExample('pull_request', 'opened') as Payload
    const pr = payload.pull_request
    pr.number = NUMBER
    payload.number = NUMBER
    pr.head = { ...pr.head, sha: world.head, ref: 'feature' }
    pr.base = { ...pr.base, sha: baseSha, ref: 'main' }
    if (opts.fork) pr.head.repo = { ...(pr.head.repo as object), full_name: `octo-fork/${REPO}`, fork: true }
    await writeFile(eventPath, JSON.stringify(payload))
  }

  await commit(head)
  world.seed.files = { [baseSha]: filesAt(baseSha), [world.head]: filesAt(world.head) }
  world.seed.pulls = [pullSeed()]
  await writeEvent()
  if (opts.checkout === 'none') {
    // pull_request_target style: nothing of the PR on disk, not even a git repository
    await rm(path.join(workspace, '.git'), { recursive: true, force: true })
  }
  return world
}

/**
 * The checkout actions/checkout makes by default: a bare `origin` holding the world's commits, and a
 * depth-1 clone of the PR branch from it (only the head commit local). `origin` is a file:// remote,
 * so fetching by commit id works with no network, as it does from github.com.
 */
export function shallowCheckout(world: PullRequestWorld, name = 'shallow'): string {
  const dir = path.dirname(world.workspace)
  const origin = path.join(dir, 'origin.git')
  const clone = path.join(dir, name)
  if (!existsSync(origin)) execFileSync('git', ['clone', '--quiet', '--bare', world.workspace, origin])
  execFileSync('git', ['clone', '--quiet', '--depth', '1', '--branch', 'feature', `file://${origin}`, clone])
  return clone
}
