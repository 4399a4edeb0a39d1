import type { Finding, Report } from '../../types.js'
import { findingsByPath } from '../findings.js'
import { repositoryOf, type Account, type Repository } from '../repository.js'
import type { Graph } from './graph.js'

/** What every part of the mapping shares: the graph, the scanned repository, who owns it, and the findings by file. */
export interface Ctx {
  graph: Graph
  repo: Repository
  /** Key of the Organization that owns the repository, the supplier of what is in it. */
  owner: string | null
  findings: Map<string, Finding[]>
}

export function contextFor(graph: Graph, report: Report, subject: string): Ctx {
  const repo = repositoryOf(subject, report.head)
  return { graph, repo, owner: repo.owner ? organization(graph, repo.owner) : null, findings: findingsByPath(report.findings) }
}

/**
 * An account that supplies things (a GitHub owner, a Hub user or organisation), as
 * an `Organization` identified by its URL: `acme` on GitHub and `acme` on the Hub
 * are two elements.
 */
export function organization(graph: Graph, account: Account): string {
  const key = `org:${account.url}`
  graph.add(key, 'Organization', account.name, { externalIdentifier: [{ type: 'ExternalIdentifier', externalIdentifierType: 'urlScheme', identifier: account.url }] })
  return key
}

/** A link as SPDX's `vcs` external reference. */
export const vcsRef = (url: string) => ({ type: 'ExternalRef', externalRefType: 'vcs', locator: [url] })

/** A purl as a `packageUrl` external identifier (tools read either this or `software_packageUrl`; both are written). */
export const purlId = (purl: string) => ({ type: 'ExternalIdentifier', externalIdentifierType: 'packageUrl', identifier: purl })
