import { licenseRef, normalizeLicense } from '../../licenses/normalize.js'
import { clipLine } from '../../util/clip.js'
import type { Graph, RelationshipType } from './graph.js'

/**
 * A license as SPDX 3's Simple Licensing profile holds it: one
 * `simplelicensing_LicenseExpression` element per distinct expression, linked from
 * each package or file by `hasDeclaredLicense` (what a card declares) or
 * `hasConcludedLicense` (what ModelGate resolved for the file). Text that is no
 * SPDX expression becomes a `LicenseRef-` id, with the text as written in the
 * element's comment: never guessed into a listed license.
 */
export function linkLicense(graph: Graph, from: string, type: Extract<RelationshipType, 'hasDeclaredLicense' | 'hasConcludedLicense'>, text: string): void {
  const normalized = normalizeLicense(text)
  const known = normalized?.state === 'known' && normalized.expression ? normalized.expression : null
  const expression = known ?? licenseRef(text)
  const key = `license:${expression}`
  graph.add(key, 'simplelicensing_LicenseExpression', null, {
    ...(known ? {} : { comment: `Not an SPDX license expression; declared as: ${clipLine(text, 200)}` }),
    simplelicensing_licenseExpression: expression
  })
  graph.relate(from, type, [key])
}
