import path from 'node:path'
import { type Document, type LineCounter, type Node } from 'yaml'
import type { PipelineStage } from '../../types.js'
import type { DeclaredDependency, Facts, InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { isRecord, yamlOf } from '../parse-errors.js'
import { githubPurl } from '../purl.js'

const COMMIT = /^[0-9a-f]{40}$/i
const HASH_KEYS = ['md5', 'etag', 'checksum', 'version_id']

/**
 * DVC metafiles. `.dvc` files (from `dvc add` / `dvc import`): each output's path,
 * hash and size, and the Git repository an import comes from (pinned by its
 * `rev_lock` commit). `dvc.yaml`: stages, outputs and declared `artifacts`;
 * `dvc.lock`: the hashes of stage dependencies and outputs.
 */
export function parseDvc(text: string, kind: 'dvc-pointer' | 'dvc-pipeline' | 'dvc-lock', filePath = kind === 'dvc-pipeline' ? 'dvc.yaml' : ''): InspectResult {
  const inv = new Inventory('pep508')
  const parsed = yamlOf(text, kind === 'dvc-pointer' ? 'DVC file' : kind === 'dvc-lock' ? 'dvc.lock' : 'dvc.yaml')
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const { doc, lines, value } = parsed.value
  if (!isRecord(value)) return inv.result()
  if (kind === 'dvc-pointer') pointer(value, doc, lines, inv)
  else pipeline(value, inv.facts, kind)
  if (kind === 'dvc-pipeline') {
    const stages = pipelineStages(value, filePath)
    if (stages.length > 0) return { ...inv.result(), stages }
  }
  return inv.result()
}

function pointer(value: Record<string, unknown>, doc: Document, lines: LineCounter, inv: Inventory): void {
  const outs = Array.isArray(value.outs) ? value.outs.filter(isRecord) : []
  inv.facts.outputs = outs.length
  inv.facts.hashedOutputs = outs.filter(hashOf).length
  const first = outs[0]
  if (outs.length === 1 && first) {
    if (typeof first.path === 'string') inv.facts.path = first.path
    const hash = hashOf(first)
    if (hash) inv.facts[hash.algorithm] = hash.value
    if (typeof first.size === 'number') inv.facts.size = first.size
    if (typeof first.nfiles === 'number') inv.facts.files = first.nfiles
  }
  const deps = Array.isArray(value.deps) ? value.deps : []
  deps.forEach((dep, i) => {
    if (!isRecord(dep) || !isRecord(dep.repo) || typeof dep.repo.url !== 'string') {
      if (isRecord(dep) && typeof dep.path === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(dep.path)) inv.facts.importedFrom = dep.path
      return
    }
    const url = dep.repo.url
    inv.facts.importedFrom = url
    const gh = /^(?:https?:\/\/|git@)github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(url)
    if (!gh) return
    const lock = typeof dep.repo.rev_lock === 'string' ? dep.repo.rev_lock : null
    const rev = typeof dep.repo.rev === 'string' ? dep.repo.rev : null
    const commit = lock && COMMIT.test(lock) ? lock.toLowerCase() : null
    const node = doc.getIn(['deps', i, 'repo', 'url'], true) as Node | undefined
    const line = node?.range ? lines.linePos(node.range[0]).line : null
    const d: DeclaredDependency = { line, ecosystem: 'github', name: gh[1]!, specifier: rev ?? lock, version: commit, pinned: commit !== null, ml: true, purl: githubPurl(gh[1]!, commit ?? rev) }
    inv.dependencies.push(d)
    if (!commit) {
      inv.issue({
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: `This DVC import takes ${typeof dep.path === 'string' ? dep.path : 'data'} from ${url} without a \`rev_lock\` commit: \`dvc update\` or a fresh checkout can bring different data.`,
        fix: 'Re-run `dvc import` (it records `rev_lock`), or pin `rev:` to a commit sha.',
        ...(line ? { line } : {})
      })
    }
  })
}

function pipeline(value: Record<string, unknown>, facts: Facts, kind: 'dvc-pipeline' | 'dvc-lock'): void {
  const stages = isRecord(value.stages) ? Object.values(value.stages).filter(isRecord) : []
  facts.stages = stages.length
  let outputs = 0
  let hashed = 0
  for (const stage of stages) {
    for (const out of Array.isArray(stage.outs) ? stage.outs : []) {
      outputs++
      if (isRecord(out) && hashOf(out)) hashed++
    }
  }
  facts.outputs = outputs
  if (kind === 'dvc-lock') facts.hashedOutputs = hashed
  if (isRecord(value.artifacts)) {
    // `name:type:path`, for the BOM (dvc.yaml artifacts name models and datasets by path).
    facts.artifacts = Object.entries(value.artifacts)
      .filter(([, a]) => isRecord(a))
      .map(([name, a]) => `${name}:${typeof (a as Record<string, unknown>).type === 'string' ? (a as Record<string, unknown>).type : 'artifact'}:${String((a as Record<string, unknown>).path ?? '')}`)
      .join(',')
  }
}

/** Stages whose inputs and outputs are known as written: `foreach`/`matrix` templates are skipped (their paths are not literal). */
const MAX_STAGES = 500
const MAX_PATHS = 200

function pipelineStages(value: Record<string, unknown>, filePath: string): PipelineStage[] {
  if (!isRecord(value.stages)) return []
  const dir = path.posix.dirname(filePath)
  const out: PipelineStage[] = []
  for (const [name, stage] of Object.entries(value.stages).slice(0, MAX_STAGES)) {
    if (!isRecord(stage) || 'foreach' in stage || 'matrix' in stage) continue
    const wdir = typeof stage.wdir === 'string' ? stage.wdir : '.'
    const repoPath = (p: string): string | null => {
      const joined = path.posix.normalize(path.posix.join(dir, wdir, p))
      // a path that leaves the repository is not a repository artifact
      return joined.startsWith('../') || joined === '..' || path.posix.isAbsolute(p) ? null : joined
    }
    const paths = (list: unknown): string[] =>
      (Array.isArray(list) ? list : [])
        .slice(0, MAX_PATHS)
        .map((e) => (typeof e === 'string' ? e : isRecord(e) ? Object.keys(e)[0] : undefined))
        .filter((p): p is string => typeof p === 'string' && p !== '' && !p.includes('${'))
        .map(repoPath)
        .filter((p): p is string => p !== null)
    const cmd = typeof stage.cmd === 'string' ? stage.cmd : Array.isArray(stage.cmd) ? stage.cmd.filter((c) => typeof c === 'string').join(' && ') : null
    out.push({ name, cmd: cmd || null, deps: paths(stage.deps), outs: paths(stage.outs) })
  }
  return out
}

function hashOf(out: Record<string, unknown>): { algorithm: string; value: string } | null {
  for (const k of HASH_KEYS) if (typeof out[k] === 'string' && out[k]) return { algorithm: k, value: out[k] as string }
  return null
}

