import { UsageError } from '../util/errors.js'
import { git } from '../util/run-git.js'

/** What a workflow adds so that the checkout has every commit a comparison needs. */
export const FETCH_DEPTH_FIX = 'add `fetch-depth: 0` to the actions/checkout step (`with: fetch-depth: 0`)'

/** Deepening steps (commits per side) before giving up: a branch further from its base needs the full history. */
const DEEPEN = [1, 10, 100]
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/**
 * Makes `base...head` comparable in the checkout. actions/checkout fetches one commit by default,
 * so a merge queue's base or a pull request's base and head are often missing: each is fetched
 * from `origin` by id (depth 1), and while the two share no ancestor the shallow history is
 * deepened a bounded number of commits. Only git objects are fetched; the working tree and
 * submodules are left alone. When that is not enough the error says what to add to the workflow.
 */
export async function ensureComparable(workspace: string, base: string, head: string, log: (line: string) => void): Promise<void> {
  for (const [side, sha] of [
    ['base', base],
    ['head', head]
  ] as const) {
    if (!SHA.test(sha)) throw new UsageError(`the ${side} commit '${sha}' from the event is not a commit id`)
  }
  if (!(await succeeds(workspace, ['rev-parse', '--git-dir']))) {
    throw new UsageError(`comparing ${short(base)}...${short(head)} needs a git checkout, and ${workspace} is not one: add actions/checkout before ModelGate, with \`fetch-depth: 0\``)
  }
  for (const [side, sha] of [
    ['base', base],
    ['head', head]
  ] as const) {
    if (await succeeds(workspace, ['cat-file', '-e', `${sha}^{commit}`])) continue
    await fetch(workspace, ['--depth=1', 'origin', sha], `the ${side} commit ${sha} is not in the checkout and fetching it from origin failed`)
    log(`fetched the ${side} commit ${short(sha)} from origin (the checkout did not have it)`)
  }
  for (const n of DEEPEN) {
    if (await succeeds(workspace, ['merge-base', base, head])) return
    if (!(await isShallow(workspace))) break
    await fetch(workspace, [`--deepen=${n}`, 'origin', base, head], `deepening the shallow checkout to find where ${short(head)} branched from ${short(base)} failed`)
    log(`deepened the shallow checkout by ${n} commit(s) to find the merge base of ${short(base)} and ${short(head)}`)
  }
  if (await succeeds(workspace, ['merge-base', base, head])) return
  throw new UsageError(`${short(base)} and ${short(head)} have no common ancestor in the checkout${(await isShallow(workspace)) ? ` within ${DEEPEN.reduce((a, b) => a + b, 0)} commits of history` : ''}; ${FETCH_DEPTH_FIX}`)
}

async function fetch(workspace: string, args: string[], what: string): Promise<void> {
  try {
    await git(workspace, ['fetch', '--no-tags', '--no-recurse-submodules', '--quiet', ...args])
  } catch (err) {
    throw new UsageError(`${what} (${(err as Error).message}); ${FETCH_DEPTH_FIX}`)
  }
}

const succeeds = (cwd: string, args: string[]): Promise<boolean> =>
  git(cwd, args).then(
    () => true,
    () => false
  )

async function isShallow(workspace: string): Promise<boolean> {
  return (await git(workspace, ['rev-parse', '--is-shallow-repository'])).toString('utf8').trim() === 'true'
}

function short(sha: string): string {
  return sha.slice(0, 12)
}
