import type { Artifact, Dependency, LicenseExceptionRow } from '../types.js'
import { byCodeUnit } from '../util/compare.js'
import type { AssessLicensesResult } from './assess.js'
import { shown } from './display.js'
import { normalizeLicense } from './normalize.js'

/** Declared text kept in the report: enough to recognise it, never a pasted license or a 10 kB string. */
const MAX_DECLARED = 200

/**
 * What the report shows of the license check. `license` on an artifact or a
 * dependency is the resolved SPDX expression (a `LicenseRef-*` for licenses outside
 * the SPDX list), or null: never the text as written, so a reader, the BOM and any
 * tool reading the JSON see only licenses that were understood. The text as written
 * stays on the card (`card.license`), cut to 200 characters with invisible
 * characters escaped. Returns the exceptions in force, for the report to list.
 */
export function applyLicenses(artifacts: Artifact[], dependencies: Dependency[], result: AssessLicensesResult): LicenseExceptionRow[] {
  for (const d of dependencies) {
    const resolved = result.licenses.get(d.purl)
    if (resolved?.state === 'known' && resolved.expression) d.license = resolved.expression
    if (d.resolved?.license) d.resolved.license = shown(d.resolved.license, MAX_DECLARED)
  }
  for (const a of artifacts) {
    const resolved = result.licenses.get(a.path)
    if (resolved) a.license = resolved.state === 'known' ? resolved.expression : null
    else if (a.card) {
      // A card governing the files beside it reports what it declares, in the same SPDX spelling.
      const declared = result.cards.get(a.path) ?? normalizeLicense(a.card.license)
      a.license = declared?.state === 'known' ? declared.expression : null
      // `license_name` with no `license:` is a custom license named like `license: other`, and reported the same way.
      if (a.card.license === null && declared?.state === 'known') a.card.license = declared.name
    }
    if (a.card?.license) a.card.license = shown(a.card.license, MAX_DECLARED)
    // A link to another license is not the text of this one: the BOM must not give it as this license's url (license-conflict says so).
    if (a.card?.licenseLink && result.foreignLinks?.has(a.path)) a.card.licenseLink = null
    if (a.card?.licenseLink) a.card.licenseLink = shown(a.card.licenseLink, 2048)
  }
  const rows: LicenseExceptionRow[] = []
  for (const [key, r] of result.licenses) {
    if (r.exception && !r.exception.expired) rows.push({ path: key, license: r.state === 'known' ? r.expression : null, pattern: r.exception.path, reason: r.exception.reason, expires: r.exception.expires })
  }
  return rows.sort((a, b) => byCodeUnit(a.path, b.path))
}
