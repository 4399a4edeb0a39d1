/**
 * What ModelGate knows about one artifact's or dependency's license. Shaped for the
 * report (state + a readable name), the policy (an SPDX expression that
 * spdx-satisfies accepts) and the BOM (an SPDX id or expression, or a name + url).
 */

/** `known`: an SPDX expression (ids and `LicenseRef-*`); `unknown`: something was declared but cannot be read as a license; `missing`: nothing declared anywhere. */
export type LicenseState = 'known' | 'unknown' | 'missing'

/** A declaration read as a license. */
export interface NormalizedLicense {
  state: 'known' | 'unknown'
  /** Valid SPDX expression when `known`: SPDX ids, `LicenseRef-*`, AND / OR / WITH. */
  expression: string | null
  /** Readable name (SPDX full name, Hugging Face name, or the card's `license_name`). */
  name: string | null
  /** Where the license text lives (a card's `license_link`, the SPDX page, the Hub's list). */
  url: string | null
  /** One-line summary of use-based restrictions (RAIL, Llama, Gemma, ...), else null. */
  restriction: string | null
  /** For `unknown`: why, in one sentence. For `known`: how it was read when not verbatim (e.g. "read `Apache 2` as Apache-2.0"). */
  note: string | null
  /** For `unknown`, when the usual advice (declare an SPDX id) does not apply: what to do instead. */
  fix?: string
  /** A `license_name` that names no license ModelGate knows: the `LicenseRef-*` stands for that name only. */
  custom?: true
}

/** Where a declaration was found, strongest first in LICENSE_SOURCE_ORDER. */
/** `card-link`: the license a card's `license_link` points at (a Creative Commons deed, an SPDX page, ...). */
/** `hub`: the card license the Hugging Face Hub reports for a referenced model or dataset (hub lookups). */
export type LicenseSourceKind = 'card' | 'card-link' | 'license-file' | 'model-config' | 'model-metadata' | 'package-metadata' | 'package-index' | 'hub'

export const LICENSE_SOURCE_ORDER: readonly LicenseSourceKind[] = ['card', 'card-link', 'license-file', 'model-config', 'model-metadata', 'package-metadata', 'package-index', 'hub']

export interface LicenseEvidence {
  source: LicenseSourceKind
  /** Repo-relative file the declaration is in, or the package index URL. */
  path: string
  /** 1-based line (a card's `license:` line), null when not line-addressable. */
  line: number | null
  /** As written, cut to 200 characters (for a LICENSE file: how its text was identified). */
  declared: string
  license: NormalizedLicense
}

export interface LicenseException {
  /** The `licenses.exceptions[].path` pattern that matched. */
  path: string
  reason: string
  /** `YYYY-MM-DD`, valid through that day (UTC); null for no expiry. */
  expires: string | null
  expired: boolean
}

export interface ResolvedLicense {
  /** `model`, `dataset` (artifacts, including cards with no artifact beside them) or `dependency`. */
  subject: 'model' | 'dataset' | 'dependency'
  state: LicenseState
  /** SPDX expression when `known`, else null. */
  expression: string | null
  name: string | null
  url: string | null
  /** The declaration the verdict rests on: the strongest source that said anything. Null when `missing`. */
  source: LicenseEvidence | null
  /** Every source that declared something, strongest first (conflicts are visible here). */
  evidence: LicenseEvidence[]
  restriction: string | null
  /** For `unknown` / `missing`: why, in one sentence. */
  reason: string | null
  /** A `licenses.exceptions` entry that covers this subject (expired ones too). */
  exception: LicenseException | null
}
