import type { Artifact, Finding, Report } from '../../types.js'
import type { Graph } from './graph.js'

/** What every part of the mapping shares: the graph, who owns the repository, links into it, and the findings by file. */
export interface Ctx {
  graph: Graph
  /** Key of the Organization that owns the repository (`owner` of `owner/repo`), the supplier of what is in it. */
  owner: string | null
  /** `https://github.com/owner/repo` when the subject is a GitHub repository and the scanned commit is known. */
  repoUrl: string | null
  head: string | null
  findings: Map<string, Finding[]>
}

export const HUB = 'https://huggingface.co'

export function contextFor(graph: Graph, report: Report, subject: string): Ctx {
  const github = /^([\w.-]+)\/[\w.-]+$/.exec(subject)
  const findings = new Map<string, Finding[]>()
  for (const f of report.findings) findings.set(f.path, [...(findings.get(f.path) ?? []), f])
  return {
    graph,
    owner: github ? organization(graph, github[1]!, `https://github.com/${github[1]}`) : null,
    repoUrl: github && report.head ? `https://github.com/${subject}` : null,
    head: report.head ?? null,
    findings
  }
}

/**
 * An account that supplies things (a GitHub owner, a Hub user or organisation), as
 * an `Organization` identified by its URL: `acme` on GitHub and `acme` on the Hub
 * are two elements.
 */
export function organization(graph: Graph, name: string, url: string): string {
  const key = `org:${url}`
  graph.add(key, 'Organization', name, { externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'urlScheme', identifier: url }] })
  return key
}

/** The file or folder on GitHub at the scanned commit (as the CycloneDX `vcs` reference). */
export function repoLink(ctx: Ctx, p: string, kind: 'tree' | 'blob'): string | null {
  return ctx.repoUrl && ctx.head ? `${ctx.repoUrl}/${kind}/${ctx.head}${p === '.' ? '' : `/${p.split('/').map(encodeURIComponent).join('/')}`}` : null
}

/**
 * What the scan found in these files (as the CycloneDX `modelgate:scan:result`):
 * the worst finding's severity; `not-scanned` for a Git LFS pointer with no
 * finding (its content was not read); else `no-findings`.
 */
export function scanResult(files: readonly Artifact[], findings: Map<string, Finding[]>): string {
  const severities = new Set(files.flatMap((f) => (findings.get(f.path) ?? []).map((x) => x.severity)))
  for (const s of ['error', 'warning', 'note'] as const) if (severities.has(s)) return s
  return files.some((f) => f.lfs) ? 'not-scanned' : 'no-findings'
}

/** A link as SPDX's `vcs` external reference. */
export const vcsRef = (url: string) => ({ type: 'ExternalRef', externalRefType: 'vcs', locator: [url] })

/** A purl as a `packageUrl` external identifier (tools read either this or `software_packageUrl`; both are written). */
export const purlId = (purl: string) => ({ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: purl })
