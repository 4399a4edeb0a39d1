import type { Artifact, Dependency, Finding } from '../types.js'
import { messageWithOffset } from '../inspect/issue-text.js'
import type { Candidate, OpenedSource } from '../discover/types.js'
import { identify } from '../identify/identify.js'
import { HashingSource } from '../hash/hashing-source.js'
import { lfsOidOrSha256 } from '../hash/sha256.js'
import { INSPECTORS, type Inspector } from '../inspect/registry.js'
import type { DeclaredDependency, Facts, InspectResult, Issue } from '../inspect/types.js'
import { codeScannerFor, MANIFEST_PARSERS } from '../inventory/registry.js'
import { diffDependencies, markAll } from '../inventory/diff.js'
import { timeoutFor, type Limits } from './limits.js'
import type { TreeReader } from '../verify/tree-reader.js'
import { includeReaderOf, type IncludeReader } from '../inventory/include-reader.js'
import { mediaDigest, type MediaDigest } from './media-folders.js'

export interface FileOutcome {
  artifact: Artifact | null
  findings: Finding[]
  dependencies: Dependency[]
  /** With `FileEnv.mediaDigest`, for a file that is no artifact of its own (see media-folders.ts). */
  digest?: MediaDigest
}

/**
 * One file through identify → hash → inspect. Never throws: any failure becomes a
 * `scan-incomplete` finding, so a file the engine could not finish can never pass.
 */
/** The scan's views of the repository, for parsers that read related files (e.g. `-r` includes). */
export interface FileEnv {
  tree?: TreeReader
  baseTree?: TreeReader
  /** Media files in data folders: keep their digest for the folder's dataset record, in the same open. */
  mediaDigest?: boolean
}

export async function processFile(candidate: Candidate, limits: Limits, env: FileEnv = {}): Promise<FileOutcome> {
  let timer: NodeJS.Timeout | undefined
  let size = 0
  try {
    const src = await candidate.open()
    size = src.size
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${Math.round(timeoutFor(size, limits) / 1000)} s`)), timeoutFor(size, limits))
    })
    try {
      return await Promise.race([analyse(candidate, src, env), timeout])
    } finally {
      await src.close()
    }
  } catch (err) {
    return {
      artifact: null,
      dependencies: [],
      findings: [
        {
          rule: 'scan-incomplete',
          severity: 'error',
          path: candidate.path,
          line: null,
          message: `ModelGate could not finish scanning this file (${(err as Error).message}), so it cannot be reported as safe.`,
          fix: 'Re-run the scan; if it fails again, check that the file is readable and not larger than expected, and report the message above.'
        }
      ]
    }
  } finally {
    clearTimeout(timer)
  }
}

async function analyse(candidate: Candidate, src: OpenedSource, env: FileEnv): Promise<FileOutcome> {
  const id = await identify(candidate.path, src)
  if (!id) {
    const code = await analyseCode(candidate, src, env)
    return env.mediaDigest ? { ...code, digest: await mediaDigest(src) } : code
  }
  const issues: Issue[] = [...id.issues]
  const facts: Facts = { ...id.facts }
  let dependencies: DeclaredDependency[] = []
  let card: Artifact['card']
  let stages: Artifact['stages']
  // Content that contradicts its name is still inspected when it is a valid file of another format
  // (a pickle named .npy: numpy.load(allow_pickle=True) runs it), so the finding names the payload.
  const broken = issues.some((i) => i.rule === 'unparseable-artifact') && !id.misnamed
  const inspector = id.lfs || broken ? undefined : (INSPECTORS[id.format] ?? MANIFEST_PARSERS[id.format])
  const tap = new HashingSource(src)
  if (inspector) {
    const deep = await inspector(tap, { path: candidate.path, facts, ...related(env.tree) })
    // The parser's own `format` label is the artifact's format already.
    for (const [key, value] of Object.entries(deep.facts)) if (key !== 'format') facts[key] = value
    issues.push(...deep.issues)
    card = deep.card
    stages = deep.stages
    // Weights and data declare no dependencies: their base side is read only for its digest (below).
    const weights = (id.kind === 'model' || id.kind === 'dataset') && (deep.dependencies ?? []).length === 0
    dependencies = weights ? [] : await compareWithBase(candidate, inspector, deep, facts, env)
  }
  const artifact: Artifact = {
    path: candidate.path,
    kind: id.kind,
    format: id.format,
    change: candidate.change,
    ...(candidate.oldPath ? { oldPath: candidate.oldPath } : {}),
    size: id.lfs ? id.lfs.size : src.size,
    sha256: id.lfs ? id.lfs.oid : await tap.digest(),
    lfs: id.lfs,
    signature: null,
    license: card?.license ?? null,
    facts,
    ...(card ? { card } : {}),
    ...(stages && stages.length > 0 ? { stages } : {})
  }
  if ((artifact.kind === 'model' || artifact.kind === 'dataset') && candidate.openBase) {
    const previous = await baseDigest(candidate)
    if (previous) artifact.previous = previous
  }
  return { artifact, findings: issues.map((i) => toFinding(candidate.path, i)), dependencies: dependencies.map((d) => ({ ...d, path: candidate.path })) }
}

/** The digest of the base side (an LFS pointer's oid, never its blob), so a replaced model shows old → new. */
async function baseDigest(candidate: Candidate): Promise<Artifact['previous'] | null> {
  // The head side was scanned in full; a base side that cannot be read only loses the old → new display.
  let base: Awaited<ReturnType<NonNullable<Candidate['openBase']>>> | null = null
  try {
    base = await candidate.openBase!()
    const { sha256, size } = await lfsOidOrSha256(base)
    return { sha256, size }
  } catch {
    return null
  } finally {
    await base?.close()
  }
}

/** Files that are not artifacts may still be code that pulls models from a hub. */
async function analyseCode(candidate: Candidate, src: OpenedSource, env: FileEnv): Promise<FileOutcome> {
  const scanner = codeScannerFor(candidate.path)
  if (!scanner) return { artifact: null, findings: [], dependencies: [] }
  const result = await scanner(src, { path: candidate.path, facts: {}, ...related(env.tree) })
  const dependencies = await compareWithBase(candidate, scanner, result, {}, env)
  return { artifact: null, findings: result.issues.map((i) => toFinding(candidate.path, i)), dependencies: dependencies.map((d) => ({ ...d, path: candidate.path })) }
}

/** In change mode, dependencies are marked against the base side of the same file. */
async function compareWithBase(candidate: Candidate, parser: Inspector, head: InspectResult, facts: Facts, env: FileEnv): Promise<DeclaredDependency[]> {
  const deps = head.dependencies ?? []
  if (candidate.change === 'unchanged') return deps
  if (candidate.change === 'added') return markAll(deps, 'added')
  if (candidate.change === 'removed') return markAll(deps, 'removed')
  if (!candidate.openBase) return deps
  const base = await candidate.openBase()
  try {
    const before = await parser(base, { path: candidate.oldPath ?? candidate.path, facts: { ...facts }, ...related(env.baseTree) })
    return diffDependencies(deps, before.dependencies ?? [])
  } finally {
    await base.close()
  }
}

/** Lets manifest parsers follow includes through the same view of the repository as the scan. */
function related(tree: TreeReader | undefined): { readRelated?: IncludeReader } {
  return tree ? { readRelated: includeReaderOf(tree) } : {}
}

function toFinding(path: string, issue: Issue): Finding {
  return { rule: issue.rule, severity: issue.severity, path, line: issue.line ?? null, message: messageWithOffset(issue), fix: issue.fix }
}
