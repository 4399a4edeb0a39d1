/** ensureComparable against a local bare "origin" (no network): what a shallow checkout lacks is fetched, bounded. */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ensureComparable } from '../../src/action/local-commits.js'
import { gitIn } from '../support/git.js'

let dir: string
beforeEach(async () => void (dir = await mkdtemp(path.join(os.tmpdir(), 'modelgate-local-commits-'))))
afterEach(() => rm(dir, { recursive: true, force: true }))

/** main: base ← main2; feature branches from base with `ahead` commits. Returns the bare origin and the shas. */
async function history(ahead: number): Promise<{ origin: string; base: string; head: string; fork: string }> {
  const src = path.join(dir, 'src')
  execFileSync('mkdir', ['-p', src])
  const commit = async (file: string, text: string) => {
    await writeFile(path.join(src, file), text)
    gitIn(src, 'add', '-A')
    gitIn(src, 'commit', '-q', '-m', text)
    return gitIn(src, 'rev-parse', 'HEAD')
  }
  gitIn(src, 'init', '-q')
  const fork = await commit('a.txt', 'base')
  gitIn(src, 'checkout', '-q', '-b', 'feature')
  let head = fork
  for (let i = 0; i < ahead; i++) head = await commit('f.txt', `feature ${i}`)
  gitIn(src, 'checkout', '-q', 'main')
  const base = await commit('m.txt', 'main moved on')
  const origin = path.join(dir, 'origin.git')
  execFileSync('git', ['clone', '-q', '--bare', src, origin])
  return { origin, base, head, fork }
}

function shallowClone(origin: string, branch = 'feature'): string {
  const clone = path.join(dir, 'clone')
  execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', branch, `file://${origin}`, clone])
  return clone
}

const short = (sha: string) => sha.slice(0, 12)

test('a depth-1 clone of a branch 3 commits ahead: the base is fetched, the history deepened until the two meet', async () => {
  const { origin, base, head, fork } = await history(3)
  const clone = shallowClone(origin)
  const log: string[] = []
  await ensureComparable(clone, base, head, (l) => log.push(l))
  expect(log).toEqual([
    `fetched the base commit ${short(base)} from origin (the checkout did not have it)`,
    `deepened the shallow checkout by 1 commit(s) to find the merge base of ${short(base)} and ${short(head)}`,
    `deepened the shallow checkout by 10 commit(s) to find the merge base of ${short(base)} and ${short(head)}`
  ])
  expect(gitIn(clone, 'merge-base', base, head)).toBe(fork)
  // nothing to do the second time
  const again: string[] = []
  await ensureComparable(clone, base, head, (l) => again.push(l))
  expect(again).toEqual([])
})

test('a full clone needs nothing; a commit origin does not have, histories that never meet, a bad id and no repository are clear errors', async () => {
  const { origin, base, head } = await history(1)
  const full = path.join(dir, 'full')
  execFileSync('git', ['clone', '-q', `file://${origin}`, full])
  const log: string[] = []
  await ensureComparable(full, base, head, (l) => log.push(l))
  expect(log).toEqual([])

  const missing = 'e'.repeat(40)
  await expect(ensureComparable(full, missing, head, () => {})).rejects.toThrow(
    new RegExp(`^the base commit ${missing} is not in the checkout and fetching it from origin failed \\(git fetch .+\\); add \`fetch-depth: 0\` to the actions/checkout step \\(\`with: fetch-depth: 0\`\\)$`)
  )

  // an orphan commit shares no history with main
  gitIn(full, 'checkout', '-q', '--orphan', 'lonely')
  await writeFile(path.join(full, 'x.txt'), 'x')
  gitIn(full, 'add', '-A')
  gitIn(full, 'commit', '-q', '-m', 'lonely')
  const lonely = gitIn(full, 'rev-parse', 'HEAD')
  await expect(ensureComparable(full, base, lonely, () => {})).rejects.toThrow(
    `${short(base)} and ${short(lonely)} have no common ancestor in the checkout; add \`fetch-depth: 0\` to the actions/checkout step (\`with: fetch-depth: 0\`)`
  )

  await expect(ensureComparable(full, '--upload-pack=evil', head, () => {})).rejects.toThrow("the base commit '--upload-pack=evil' from the event is not a commit id")
  await expect(ensureComparable(dir, base, head, () => {})).rejects.toThrow(
    `comparing ${short(base)}...${short(head)} needs a git checkout, and ${dir} is not one: add actions/checkout before ModelGate, with \`fetch-depth: 0\``
  )
})
