import path from 'node:path'
import * as core from '@actions/core'
import type { GitHubClient } from '../github/client.js'
import type { Dependency, Report } from '../types.js'
import { TOOL } from '../version.js'
import type { RunContext } from './context.js'

/** Ecosystems the dependency graph accepts from ModelGate's manifests (conda has no purl type there). */
const ACCEPTED: ReadonlyArray<Dependency['ecosystem']> = ['pypi', 'npm']

/** Lock files and the manifest each locks (in the same folder): the manifest says what the project asks for directly. */
const LOCKED_BY: Readonly<Record<string, string>> = {
  'pipfile-lock': 'pipfile',
  'poetry-lock': 'pyproject',
  'uv-lock': 'pyproject',
  'package-lock': 'package-json',
  'yarn-lock': 'package-json',
  'pnpm-lock': 'package-json'
}

interface Resolved {
  package_url: string
  relationship?: 'direct' | 'indirect'
  scope: 'runtime' | 'development'
}

/** Same workflow and job, same correlator: each submission replaces the previous one. */
export function correlator(ctx: Pick<RunContext, 'workflow' | 'job'>): string {
  return `modelgate ${ctx.workflow} ${ctx.job}`.trim()
}

/**
 * The dependency-graph snapshot: one manifest per file, each package keyed by its purl (a file may
 * pin two versions of one package under different markers). A manifest's entries are direct; a lock
 * file's are direct when the manifest it locks declares them and indirect when it does not, and
 * carry no relationship when that manifest is not in the tree. Development groups have the
 * development scope.
 */
export function snapshotBody(report: Report, ctx: RunContext, scanned: string) {
  const formatOf = new Map(report.artifacts.map((a) => [a.path, a.format]))
  const manifests: Record<string, { name: string; file: { source_location: string }; resolved: Record<string, Resolved> }> = {}
  const relationship = lockRelationships(report, formatOf)
  for (const d of report.dependencies) {
    if (!ACCEPTED.includes(d.ecosystem)) continue
    const m = (manifests[d.path] ??= { name: d.path, file: { source_location: d.path }, resolved: {} })
    const rel = relationship(d)
    m.resolved[d.purl] = { package_url: d.purl, ...(rel ? { relationship: rel } : {}), scope: d.group === 'dev' ? 'development' : 'runtime' }
  }
  return {
    version: 0,
    sha: ctx.sha,
    ref: ctx.ref,
    job: { correlator: correlator(ctx), id: ctx.runId || '0' },
    detector: { name: TOOL.name, version: TOOL.version, url: 'https://github.com/modelgate/modelgate' },
    scanned,
    manifests
  }
}

/** direct / indirect / unknown (null) for each dependency, from the manifest next to its lock file. */
function lockRelationships(report: Report, formatOf: Map<string, string>): (d: Dependency) => 'direct' | 'indirect' | null {
  const key = (file: string, ecosystem: string, name: string) => `${file}\0${ecosystem}\0${name}`
  const declared = new Set(report.dependencies.map((d) => key(d.path, d.ecosystem, d.name)))
  const manifestOf = new Map<string, string | null>()
  const lockedManifest = (lock: string, format: string): string | null => {
    if (!manifestOf.has(lock)) {
      const dir = path.posix.dirname(lock)
      manifestOf.set(lock, report.artifacts.find((a) => a.format === format && path.posix.dirname(a.path) === dir)?.path ?? null)
    }
    return manifestOf.get(lock) ?? null
  }
  return (d) => {
    const locks = LOCKED_BY[formatOf.get(d.path) ?? '']
    if (!locks) return 'direct'
    const manifest = lockedManifest(d.path, locks)
    if (manifest === null) return null
    return declared.has(key(manifest, d.ecosystem, d.name)) ? 'direct' : 'indirect'
  }
}

/** Submits the snapshot; a rejection is a warning, never a failure (the scan's verdict stands). */
export async function submitDependencySnapshot(client: GitHubClient, ctx: RunContext, report: Report, now = new Date()): Promise<void> {
  const { data } = await client.rest.dependencyGraph.createRepositorySnapshot({ ...ctx.repo, ...snapshotBody(report, ctx, now.toISOString()) })
  if (data.result === 'INVALID') core.warning(`dependency graph rejected the snapshot: ${data.message}`)
  else core.info(`dependency snapshot ${data.id}: ${data.result} (${data.message})`)
}
