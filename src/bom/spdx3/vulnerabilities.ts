import type { Report } from '../../types.js'
import { dependencyRef } from '../dependencies.js'
import type { Ctx } from './context.js'

/**
 * Known vulnerabilities of pinned dependencies (the report's table behind the
 * `vulnerable-dependency` findings) in the Security profile: one
 * `security_Vulnerability` per advisory (its id and aliases as identifiers, its
 * page as the advisory reference) and one `security_VexAffectedVulnAssessmentRelationship`
 * per affected package, saying what to do (upgrade to the fixed version, or that
 * none is published). No CVSS assessment: the advisory's level is not a score.
 */
export function addVulnerabilities(ctx: Ctx, report: Report): void {
  for (const v of report.vulnerabilities ?? []) {
    const dep =
      report.dependencies.find((d) => d.change !== 'removed' && d.path === v.path && d.line === v.line && d.name === v.name) ??
      report.dependencies.find((d) => d.change !== 'removed' && d.name === v.name && d.version === v.version)
    if (!dep) continue
    const key = `vulnerability:${v.id}`
    ctx.graph.add(key, 'security_Vulnerability', v.id, {
      ...(v.level ? { summary: `${v.level} severity` } : {}),
      externalIdentifier: [v.id, ...v.aliases].map((id) => ({ type: 'ExternalIdentifier', externalIdentifierType: /^CVE-\d{4}-\d+$/.test(id) ? 'cve' : 'securityOther', identifier: id })),
      ...(v.url ? { externalRef: [{ type: 'ExternalRef', externalRefType: 'securityAdvisory', locator: [v.url] }] } : {})
    })
    const pkg = dependencyRef(dep)
    ctx.graph.add(`vex:${v.id}:${pkg}`, 'security_VexAffectedVulnAssessmentRelationship', null, {
      from: key,
      relationshipType: 'affects',
      to: [pkg],
      ...(v.affected ? { security_statusNotes: `Affected versions: ${v.affected}.` } : {}),
      security_actionStatement: v.fixed ? `Upgrade ${v.name} to ${v.fixed} or later.` : `No fixed version of ${v.name} is published: replace or remove it.`
    })
  }
}
