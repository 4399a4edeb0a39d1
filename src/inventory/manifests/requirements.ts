import type { DeclaredDependency, InspectResult, Issue } from '../../inspect/types.js'
import { manifestFormat } from '../../identify/by-name.js'
import { Inventory } from '../collect.js'
import { resolveInclude, type IncludeReader } from '../include-reader.js'
import { unparseableManifest, unresolved } from '../issues.js'
import { normalizePypiName } from '../ml-packages.js'
import { parseRequirement, type Requirement } from '../pep508.js'
import { invalidRequirement, pythonDependency } from '../python-deps.js'
import { pypiPurl } from '../purl.js'
import { splitLines } from '../text.js'

/** Includes deeper than this, or more files than this, are not followed (pip has no limit; we need one). */
const MAX_INCLUDE_DEPTH = 8
const MAX_INCLUDED_FILES = 64

export interface RequirementsOptions {
  /** Repo-relative path of the file, to resolve `-r`/`-c` against. */
  path: string
  /** Without one, includes are listed as facts but not followed. */
  reader?: IncludeReader
  /** Dependency group to record (`pip` inside a conda environment, ...). */
  group?: string
  /** What the text is, for messages: `requirements file` unless given (a notebook's install command). */
  kind?: string
}

interface Entry {
  dep: DeclaredDependency
  local: boolean
  /** Where the finding goes (the line in the top file) and what it says about the origin. */
  where?: string
  quiet: boolean
}

/** The top file's line an included file hangs from, and the chain for messages. */
interface Origin {
  line: number
  /** Set for included files: deps are reported at `line` with `declaredIn`. */
  file: string | null
  /** The included file is itself a manifest by name and gets scanned (and reported) on its own. */
  ownFindings: boolean
}

class State {
  readonly entries: Entry[] = []
  readonly constraints = new Map<string, string>()
  readonly issues: Issue[] = []
  readonly visited = new Set<string>()
  readonly includes: string[] = []
  constructor(readonly opts: RequirementsOptions) {}
}

/**
 * pip requirements files: one requirement per line with pip's own rules for
 * continuations, comments, options and per-requirement `--hash`es. `-r` and `-c`
 * are followed inside the tree only; `-c` pins make an unpinned line pinned.
 */
export async function parseRequirementsText(text: string, opts: RequirementsOptions): Promise<InspectResult> {
  const state = new State(opts)
  state.visited.add(opts.path)
  await walk(state, text, opts.path, null, 0, 'requirements')
  const inv = new Inventory('pep508')
  for (const e of state.entries) {
    // A `-c` pin decides what pip installs for a name the file leaves open (not for URLs).
    const constrained = !e.dep.pinned && !(e.dep.specifier ?? '').includes(':') ? state.constraints.get(e.dep.name) : undefined
    const dep = constrained ? { ...e.dep, version: constrained, pinned: true, purl: pypiPurl(e.dep.name, constrained) } : e.dep
    inv.add(dep, { local: e.local, quiet: e.quiet, ...(e.where ? { where: e.where } : {}) })
  }
  for (const i of state.issues) inv.issue(i)
  if (state.includes.length) inv.facts.includes = state.includes.join(',')
  return inv.result()
}

async function walk(state: State, text: string, file: string, origin: Origin | null, depth: number, mode: 'requirements' | 'constraints'): Promise<void> {
  for (const { line, content } of logicalLines(text)) {
    const at = origin ? origin.line : line
    const where = origin?.file ? `declared in ${origin.file} line ${line}` : undefined
    const spot = (detail: string) => (origin?.file ? `${origin.file} line ${line}: ${detail}` : detail)
    if (content.startsWith('-')) {
      await option(state, content, file, { line, at, origin, depth, mode, spot })
      continue
    }
    const parsed = requirementOf(content)
    if ('skip' in parsed) continue
    if ('error' in parsed) {
      if (!origin?.ownFindings) state.issues.push(unparseable(state, spot(parsed.error), at))
      continue
    }
    if (mode === 'constraints') {
      const v = parsed.req.url ? null : /^\s*===?\s*([^\s,*]+)\s*$/.exec(parsed.req.specifier)?.[1]
      if (v) state.constraints.set(normalizePypiName(parsed.req.name), v)
      continue
    }
    addRequirement(state, parsed.req, { line, at, origin, where, hashed: parsed.hashed })
  }
}

function addRequirement(state: State, req: Requirement, p: { line: number; at: number; origin: Origin | null; where: string | undefined; hashed: boolean }): void {
  const { dep, local } = pythonDependency(req, p.at, { hashed: p.hashed, ...(state.opts.group ? { group: state.opts.group } : {}) })
  const declared = p.origin?.file ? { declaredIn: { path: p.origin.file, line: p.line } } : {}
  state.entries.push({ dep: { ...dep, ...declared }, local, quiet: p.origin?.ownFindings ?? false, ...(p.where ? { where: p.where } : {}) })
}

interface OptionContext {
  line: number
  at: number
  origin: Origin | null
  depth: number
  mode: 'requirements' | 'constraints'
  spot: (detail: string) => string
}

/** Options pip allows in requirements files; those that pull in packages are followed, the rest ignored. */
async function option(state: State, content: string, file: string, o: OptionContext): Promise<void> {
  if (content.startsWith('--hash')) {
    // pip rejects it too: a hash belongs to the requirement on its own logical line.
    if (!o.origin?.ownFindings) state.issues.push(unparseable(state, o.spot('--hash without a requirement before it on the same line (a missing `\\` continuation?)'), o.at))
    return
  }
  const m = /^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s*=\s*|\s+|(?<=^-[rce]))(.*)$/.exec(content)
  if (!m) return
  const flag = m[1]!
  const value = m[2]!.trim()
  if (!value) {
    if (!o.origin?.ownFindings) state.issues.push(unparseable(state, o.spot(`${flag} needs a value`), o.at))
    return
  }
  if (flag === '-e' || flag === '--editable') {
    if (o.mode === 'constraints') return
    const parsed = requirementOf(value)
    if ('skip' in parsed) return
    if ('error' in parsed) {
      if (!o.origin?.ownFindings) state.issues.push(unparseable(state, o.spot(parsed.error), o.at))
      return
    }
    addRequirement(state, parsed.req, { line: o.line, at: o.at, origin: o.origin, where: o.origin?.file ? `declared in ${o.origin.file} line ${o.line}` : undefined, hashed: false })
    return
  }
  const mode = flag === '-c' || flag === '--constraint' || o.mode === 'constraints' ? 'constraints' : 'requirements'
  const target = resolveInclude(file, value)
  if ('refused' in target) {
    if (!o.origin?.ownFindings) {
      state.issues.push(
        unresolved(
          `${o.spot(`\`${flag} ${value}\``)} is not followed: ${target.refused}, so what it ${mode === 'constraints' ? 'pins' : 'installs'} is not inventoried.`,
          'Keep included requirement files inside the repository and refer to them by relative path.',
          o.at
        )
      )
    }
    return
  }
  if (!state.includes.includes(target.path)) state.includes.push(target.path)
  const reader = state.opts.reader
  if (!reader || state.visited.has(target.path)) return
  if (o.depth + 1 > MAX_INCLUDE_DEPTH || state.visited.size >= MAX_INCLUDED_FILES) {
    state.issues.push(unresolved(`\`${flag} ${value}\` is not followed: includes nest deeper than ${MAX_INCLUDE_DEPTH} files or number more than ${MAX_INCLUDED_FILES}.`, 'Flatten the chain of included requirement files.', o.at))
    return
  }
  state.visited.add(target.path)
  const bytes = await reader.read(target.path)
  if (!bytes) {
    if (!o.origin?.ownFindings) state.issues.push(unresolved(`${o.spot(`\`${flag} ${value}\``)}: ${target.path} is not a file in the repository, so pip would fail and nothing from it is inventoried.`, `Add ${target.path} or fix the path.`, o.at))
    return
  }
  const top = o.origin ?? { line: o.line, file: null, ownFindings: false }
  const child: Origin = { line: top.line, file: target.path, ownFindings: top.ownFindings || (mode === 'requirements' && manifestFormat(target.path) === 'requirements') }
  await walk(state, bytes.toString('utf8').replace(/^\uFEFF/, ''), target.path, child, o.depth + 1, mode)
}

/** A line pip rejects, in the words of what the text is (a requirements file, a notebook's install command). */
function unparseable(state: State, detail: string, line: number): Issue {
  return unparseableManifest(state.opts.kind ?? 'requirements file', detail, line)
}

/** pip's line handling: `\` continues a line (not in a comment); `#` after whitespace starts a comment. */
function* logicalLines(text: string): Generator<{ line: number; content: string }> {
  const lines = splitLines(text)
  let parts: string[] = []
  let first = 0
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const isComment = /^\s*#/.test(raw)
    if (raw.endsWith('\\') && !isComment) {
      if (parts.length === 0) first = i + 1
      parts.push(raw.slice(0, -1))
      continue
    }
    const joined = parts.length ? parts.join('') + raw : raw
    const line = parts.length ? first : i + 1
    parts = []
    const content = joined.replace(/(^|\s)#.*$/, '').trim()
    if (content) yield { line, content }
  }
  if (parts.length) {
    const content = parts.join('').replace(/(^|\s)#.*$/, '').trim()
    if (content) yield { line: first, content }
  }
}

/** `skip`: a local project directory (`-e .`), which is the code under review, not a dependency. */
type Parsed = { req: Requirement; hashed: boolean } | { error: string } | { skip: true }

/**
 * A requirement line without its per-requirement options (`--hash=...`): PEP 508,
 * or the forms pip accepts besides — a bare URL with `#egg=name`, a VCS URL, an
 * archive or a local path.
 */
function requirementOf(line: string): Parsed {
  const tokens = line.split(' ')
  const cut = tokens.findIndex((t) => t.startsWith('-'))
  const spec = (cut < 0 ? tokens : tokens.slice(0, cut)).join(' ').trim()
  const options = cut < 0 ? [] : tokens.slice(cut)
  const hashed = options.some((t) => t.startsWith('--hash'))
  if (!spec) return { error: 'a line with options but no requirement' }
  const urlLike = /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) || /^(git|hg|svn|bzr)\+/i.test(spec) || /^file:/i.test(spec)
  const pathLike = !urlLike && (/^\.{1,2}(\/|\\|$)/.test(spec) || spec.startsWith('/') || /\.(whl|tar\.gz|tar\.bz2|tgz|zip)$/i.test(spec))
  if (urlLike || pathLike) {
    const [location, marker] = splitMarker(spec)
    const name = eggName(location) ?? nameFromLocation(location)
    if (!name) return pathLike || /^file:/i.test(location) ? { skip: true } : { error: `cannot tell the package name of ${location} (add #egg=<name>)` }
    return { req: { name, extras: [], specifier: '', url: pathLike ? `file:${location}` : location, marker }, hashed }
  }
  const parsed = parseRequirement(spec)
  if (!parsed.ok) return { error: invalidRequirement(spec, parsed) }
  return { req: parsed.requirement, hashed }
}

function splitMarker(spec: string): [string, string | null] {
  const m = /^(\S+)\s*;\s*(.+)$/.exec(spec)
  return m ? [m[1]!, m[2]!] : [spec, null]
}

function eggName(url: string): string | null {
  const m = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(url)
  return m ? m[1]! : null
}

/** The project name in an archive file name or the repository name in a VCS URL. */
function nameFromLocation(location: string): string | null {
  // Only the path names the project: `git+https://host/` alone does not.
  const pathPart = location.replace(/[#?].*$/, '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/\/+$/, '')
  const file = pathPart.split(/[/\\]/).pop() ?? ''
  const archive = /^([A-Za-z0-9][A-Za-z0-9._]*?)-\d[^/]*\.(whl|tar\.gz|tar\.bz2|tgz|zip)$/i.exec(file)
  if (archive) return archive[1]!
  if (/^(git|hg|svn|bzr)\+/i.test(location)) {
    const repo = file.replace(/@.*$/, '').replace(/\.git$/, '')
    return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(repo) ? repo : null
  }
  return null
}
