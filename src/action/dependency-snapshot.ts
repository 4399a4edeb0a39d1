import * as core from '@actions/core'
import type { GitHubClient } from '../github/client.js'
import type { Dependency, Report } from '../types.js'
import { TOOL } from '../version.js'
import type { RunContext } from './context.js'

/** Ecosystems the dependency graph accepts from ModelGate's manifests (conda has no purl type there). */
const ACCEPTED: ReadonlyArray<Dependency['ecosystem']> = ['pypi', 'npm']

/** Same workflow and job, same correlator: each submission replaces the previous one. */
export function correlator(ctx: Pick<RunContext, 'workflow' | 'job'>): string {
  return `modelgate ${ctx.workflow} ${ctx.job}`.trim()
}

export function snapshotBody(report: Report, ctx: RunContext, scanned: string) {
  const manifests: Record<string, { name: string; file: { source_location: string }; resolved: Record<string, { package_url: string; relationship: 'direct'; scope: 'runtime' }> }> = {}
  for (const d of report.dependencies) {
    if (!ACCEPTED.includes(d.ecosystem)) continue
    const m = (manifests[d.path] ??= { name: d.path, file: { source_location: d.path }, resolved: {} })
    m.resolved[d.name] = { package_url: d.purl, relationship: 'direct', scope: 'runtime' }
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

/** Submits the snapshot; a rejection is a warning, never a failure (the scan's verdict stands). */
export async function submitDependencySnapshot(client: GitHubClient, ctx: RunContext, report: Report): Promise<void> {
  const { data } = await client.rest.dependencyGraph.createRepositorySnapshot({ ...ctx.repo, ...snapshotBody(report, ctx, new Date().toISOString()) })
  if (data.result === 'INVALID') core.warning(`dependency graph rejected the snapshot: ${data.message}`)
  else core.info(`dependency snapshot ${data.id}: ${data.result} (${data.message})`)
}
