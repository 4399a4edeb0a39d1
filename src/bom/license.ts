import * as Models from '@cyclonedx/cyclonedx-library/Models'
import { isSupportedSpdxId } from '@cyclonedx/cyclonedx-library/SPDX'
import type { Artifact, HubResolution } from '../types.js'
import { shown } from '../licenses/display.js'
import { licenseRef, normalizeLicense } from '../licenses/normalize.js'

/** A single `LicenseRef-*` (no operators): a license outside the SPDX list. */
const SINGLE_REF = /^LicenseRef-[A-Za-z0-9.-]+$/

/**
 * A license as CycloneDX wants it, from what the license check resolved (an SPDX
 * expression) or, for reports built elsewhere, the text as written, normalised the
 * same way: `{license: {id}}` for one SPDX id, `{expression}` for `MIT OR
 * Apache-2.0` or `Apache-2.0 WITH LLVM-exception`, `{license: {name, url}}` for a
 * `LicenseRef-*` (a Hugging Face license such as llama3 by its name, or a card's
 * `license_name`), with the card's `license_link` as its url.
 *
 * Null for a declaration that cannot be read (`true`, `MIT AND`, `cc-by-nc-4.0,
 * mit`, a pasted text): a named license in a BOM is an assertion that tools match
 * by name, and "MIT AND" would read as MIT. No license is what the BOM can honestly
 * say; the `license-unknown` finding (and the component's scan result) says why.
 *
 * `card`: the card the license comes from, whose `license_link` (and, for
 * `license: other`, `license_name`) describe it when the card declares that same license.
 */
export function toCdxLicense(license: string | null | undefined, card?: Artifact | null): Models.License | null {
  const n = license ? normalizeLicense(license) : null
  if (n?.state !== 'known' || !n.expression) return null
  const expression = n.expression
  const fromCard = card?.card && cardLicense(card) === expression ? card.card : null
  const link = fromCard?.licenseLink && /^https?:\/\/\S+$/.test(fromCard.licenseLink) ? fromCard.licenseLink : null
  if (isSupportedSpdxId(expression)) return new Models.SpdxLicense(expression, link ? { url: link } : {})
  if (SINGLE_REF.test(expression)) {
    // `license: other` + `license_name: Acme Research License` is `LicenseRef-Acme-Research-License`: the card's name reads better.
    const named = fromCard?.license && licenseRef(fromCard.license) === expression ? fromCard.license : null
    const name = named ?? (n.name && n.name !== expression ? n.name : expression)
    // Only a link to the license itself (the card's): the Hub's list of license ids is not the text of any of them.
    return new Models.NamedLicense(shown(name, 200), link ? { url: link } : {})
  }
  return new Models.LicenseExpression(expression)
}

/** The license of a reference resolved on the Hub: a custom (`other`) license by its `license_name` and `license_link`. */
export function hubCdxLicense(r: HubResolution): Models.License | null {
  if (!r.licenseName) return toCdxLicense(r.license)
  const n = normalizeLicense(r.license, { name: r.licenseName, link: r.licenseLink })
  if (n?.state !== 'known' || !n.expression) return null
  if (!SINGLE_REF.test(n.expression)) return toCdxLicense(n.expression)
  const url = n.url && /^https?:\/\/\S+$/.test(n.url) ? n.url : null
  return new Models.NamedLicense(shown(n.name ?? n.expression, 200), url ? { url } : {})
}

/**
 * Custom licenses (`LicenseRef-*`) by the card that names them: the first card in path order for each.
 * A `LicenseRef` made from a `license_name` stands for that name wherever it appears.
 */
export function cardsByLicense(artifacts: readonly Artifact[]): Map<string, Artifact> {
  const out = new Map<string, Artifact>()
  for (const a of artifacts) {
    if (!a.card || a.change === 'removed') continue
    const expression = cardLicense(a)
    if (expression && SINGLE_REF.test(expression) && !out.has(expression)) out.set(expression, a)
  }
  return out
}

/** The license a card artifact declares, as the license check read it. */
function cardLicense(card: Artifact): string | null {
  const declared = card.license ?? card.card?.license
  if (!declared) return null
  return normalizeLicense(declared)?.expression ?? (card.card?.license ? licenseRef(card.card.license) : null)
}
