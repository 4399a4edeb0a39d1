import { win32 } from 'node:path'
import type { DeclaredDependency, Issue } from '../../inspect/types.js'
import type { HubKind } from '../../types.js'
import { percentDecoded } from '../../util/url-path.js'
import { huggingfacePurl } from '../purl.js'
import { hubPage, isCommit, isHubId } from './hub-ids.js'
import type { ShellWord } from './shell-words.js'

export interface ShellHubFindings {
  dependencies: DeclaredDependency[]
  issues: Issue[]
}

const HOST = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/([^?#]*)/i
const FILE_ROUTES = new Set(['resolve', 'blob', 'raw'])
const CLI_VALUE_OPTIONS = new Set(['--repo-type', '--revision', '--cache-dir', '--local-dir', '--token', '--local-dir-use-symlinks', '--max-workers', '--format'])

/**
 * Hub references in shell lines of a notebook (`!wget …`, `%%bash` cells): file
 * URLs (`huggingface.co/org/name/resolve/<rev>/file`, the one form that names a
 * revision), `huggingface-cli download` / `hf download`, and `git clone` of a Hub
 * repository (pinned when the same line checks out a commit). A URL to anything
 * else on the Hub (a web page, the API) is no reference.
 */
export function shellHubReferences(commands: ShellWord[][], lineOf: (offset: number) => number): ShellHubFindings {
  const out: ShellHubFindings = { dependencies: [], issues: [] }
  commands.forEach((words, c) => {
    const tool = win32.basename(words[0]?.text ?? '')
    if ((tool === 'huggingface-cli' || tool === 'hf') && words[1]?.text === 'download') return cliDownload(`${tool} download`, words.slice(2), lineOf, out)
    if (tool === 'git' && words.some((w) => w.text === 'clone')) return gitClone(words, commands.slice(c + 1), lineOf, out)
    for (const w of words.slice(1)) {
      const ref = w.dynamic ? null : fileUrl(w.text)
      if (!ref) continue
      const line = lineOf(w.start)
      // A `resolve/<rev>/<file>` URL is what `hf_hub_url` builds: one file.
      const dep = record(ref.id, ref.kind, ref.revision, line, { call: 'hf_hub_url', file: ref.file || null })
      out.dependencies.push(dep)
      if (dep.pinned) continue
      out.issues.push(
        unpinned(
          `\`${tool}\` downloads ${ref.file || 'a file'} from the ${ref.kind} ${ref.id} on the Hugging Face Hub at ${moving(ref.revision)}: whoever can push to ${ref.id} decides what is downloaded here.`,
          `Put the commit you reviewed in the URL: \`${hubPage(ref.id, ref.kind)}/resolve/<40-hex commit sha>/${ref.file}\` (${hubPage(ref.id, ref.kind)}/commits).`,
          line
        )
      )
    }
  })
  return out
}

function cliDownload(label: string, args: ShellWord[], lineOf: (o: number) => number, out: ShellHubFindings): void {
  let repo: ShellWord | null = null
  const files: string[] = []
  let patterns = false
  let revision: string | null = null
  let kind: HubKind = 'model'
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!
    if (w.text.startsWith('--')) {
      const [name, inline] = w.text.includes('=') ? [w.text.slice(0, w.text.indexOf('=')), w.text.slice(w.text.indexOf('=') + 1)] : [w.text, null]
      if (name === '--include' || name === '--exclude') {
        // Patterns run to the next option.
        patterns = true
        while (inline === null && args[i + 1] && !args[i + 1]!.text.startsWith('-')) i++
        continue
      }
      if (!CLI_VALUE_OPTIONS.has(name)) continue
      const value = inline ?? args[++i]?.text ?? null
      if (name === '--revision') revision = value
      if (name === '--repo-type' && (value === 'dataset' || value === 'space')) kind = value
      continue
    }
    if (repo) files.push(w.text)
    else repo = w
  }
  if (!repo || repo.dynamic || !isHubId(repo.text, kind)) return
  const line = lineOf(repo.start)
  // The CLI downloads one named file with `hf_hub_download`, anything else with `snapshot_download`.
  const single = files.length === 1 && !patterns
  const dep = record(repo.text, kind, revision, line, single ? { call: 'hf_hub_download', file: files[0]! } : { call: 'snapshot_download', file: null })
  out.dependencies.push(dep)
  if (dep.pinned) return
  out.issues.push(
    unpinned(
      `\`${label}\` pulls the ${kind} ${repo.text} from the Hugging Face Hub ${revision === null ? 'with no revision, so it downloads whatever is on the default branch' : `at ${moving(revision)}`}: whoever can push to ${repo.text} decides what is downloaded here.`,
      `Pass \`--revision <40-hex commit sha>\` to \`${label}\`, using the commit you reviewed (${hubPage(repo.text, kind)}/commits).`,
      line
    )
  )
}

function gitClone(words: ShellWord[], later: ShellWord[][], lineOf: (o: number) => number, out: ShellHubFindings): void {
  const url = words.find((w) => !w.dynamic && HOST.test(w.text))
  const ref = url ? repoUrl(url.text) : null
  if (!url || !ref) return
  const branchAt = words.findIndex((w) => w.text === '--branch' || w.text === '-b')
  const branch = branchAt >= 0 ? (words[branchAt + 1]?.text ?? null) : (words.find((w) => w.text.startsWith('--branch='))?.text.slice(9) ?? null)
  // `git clone URL && cd name && git checkout <sha>` (or `git -C name checkout`, `git reset --hard`): pinned by that commit.
  const checkout = later.find((cmd) => win32.basename(cmd[0]?.text ?? '') === 'git' && cmd.some((w) => w.text === 'checkout' || w.text === 'reset'))
  const commit = checkout?.find((w) => isCommit(w.text))?.text ?? null
  const line = lineOf(url.start)
  const dep = record(ref.id, ref.kind, commit ?? branch, line, { call: 'snapshot_download', file: null })
  out.dependencies.push(dep)
  if (dep.pinned) return
  const dir = ref.id.split('/').pop()!
  out.issues.push(
    unpinned(
      `\`git clone\` fetches the ${ref.kind} ${ref.id} from the Hugging Face Hub at ${branch === null ? 'its default branch' : moving(branch)}: whoever can push to ${ref.id} decides what is downloaded here.`,
      `Check out the commit you reviewed in the same command: \`git clone ${url.text} && git -C ${dir} checkout <40-hex commit sha>\` (${hubPage(ref.id, ref.kind)}/commits).`,
      line
    )
  )
}

/** `https://huggingface.co/[datasets/|spaces/]org/name/resolve/<rev>/<file>`. */
function fileUrl(url: string): { id: string; kind: HubKind; revision: string; file: string } | null {
  const m = HOST.exec(url)
  if (!m) return null
  const segs = m[1]!.split('/')
  const kind: HubKind = segs[0] === 'datasets' ? 'dataset' : segs[0] === 'spaces' ? 'space' : 'model'
  if (kind !== 'model') segs.shift()
  const at = FILE_ROUTES.has(segs[1] ?? '') ? 1 : FILE_ROUTES.has(segs[2] ?? '') ? 2 : -1
  if (at < 0 || !segs[at + 1]) return null
  const id = segs.slice(0, at).join('/')
  if (!isHubId(id, kind)) return null
  return { id, kind, revision: percentDecoded(segs[at + 1]!), file: segs.slice(at + 2).join('/') }
}

/** A repository URL (`git clone`): `https://huggingface.co/[datasets/|spaces/]org/name[.git]`. */
function repoUrl(url: string): { id: string; kind: HubKind } | null {
  const segs = HOST.exec(url)![1]!.replace(/\/+$/, '').split('/')
  const kind: HubKind = segs[0] === 'datasets' ? 'dataset' : segs[0] === 'spaces' ? 'space' : 'model'
  if (kind !== 'model') segs.shift()
  if (segs.length < 1 || segs.length > 2) return null
  const id = segs.join('/').replace(/\.git$/, '')
  return isHubId(id, kind) ? { id, kind } : null
}

/** `loader` says which files the download takes, in the terms of the Python call that does the same. */
function record(id: string, kind: HubKind, revision: string | null, line: number, loader: NonNullable<DeclaredDependency['loader']>): DeclaredDependency {
  const commit = isCommit(revision) ? revision!.toLowerCase() : null
  return { line, ecosystem: 'huggingface', name: id, specifier: revision, version: commit, pinned: commit !== null, ml: true, purl: huggingfacePurl(id, commit, kind), hubKind: kind, loader }
}

function unpinned(message: string, fix: string, line: number): Issue {
  return { rule: 'unpinned-hub-reference', severity: 'warning', message, fix, line }
}

function moving(revision: string): string {
  return `\`${revision}\`, a branch, tag or short sha that can move (only a full 40-character commit sha cannot)`
}
