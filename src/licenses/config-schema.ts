import { z } from 'zod'
import { httpUrl, isoDate } from '../config/fields.js'
import { normalizeLicense } from './normalize.js'

/**
 * The `licenses` block of `.modelgate.yml` (plugged into src/config/schema.ts).
 * Entries are checked when the config loads, so a typo in a deny list is an
 * error, never a policy that silently denies nothing.
 */

const severityOrOff = z.enum(['error', 'warning', 'note', 'off'])

/** `CC-BY-NC-*`: a glob over license ids (case-insensitive). */
export const LICENSE_GLOB = /^[A-Za-z0-9.+*?-]+$/

/**
 * One license per entry: an SPDX id (any letter case), `id+` / `-or-later`, `id WITH exception`,
 * a Hugging Face id (`llama2`), a `LicenseRef-*`, or a glob over ids. spdx-satisfies takes no AND/OR
 * on this side; alternatives are separate entries.
 */
const licenseEntry = z
  .string()
  .min(1)
  .max(200)
  .refine((v) => (/[*?]/.test(v) ? LICENSE_GLOB.test(v) : isSingleLicense(v)), {
    message: 'expected one SPDX license id (e.g. CC-BY-NC-4.0, GPL-2.0-or-later, Apache-2.0 WITH LLVM-exception), a Hugging Face license id, a LicenseRef-…, or a glob such as CC-BY-NC-*; list alternatives as separate entries'
  })

function isSingleLicense(v: string): boolean {
  const n = normalizeLicense(v)
  return n?.state === 'known' && !/ (AND|OR) /.test(n.expression!)
}


const kindPolicy = z.strictObject({
  allow: z.array(licenseEntry).optional(),
  deny: z.array(licenseEntry).optional(),
  unknown: severityOrOff.optional()
})

const exception = z.strictObject({
  /** Glob over artifact paths, card paths, dependency manifests, or a dependency purl without version (`pkg:pypi/name`). */
  path: z.string().min(1),
  /** Why the exception is acceptable (shown in the report). */
  reason: z.string().trim().min(1),
  /** Last day (UTC) the exception holds. */
  expires: isoDate.optional(),
  /** Only while the license is still this one. */
  license: z
    .string()
    .min(1)
    .max(200)
    .refine((v) => normalizeLicense(v)?.state === 'known', { message: 'expected an SPDX license expression or a Hugging Face license id' })
    .optional()
})


export const LICENSES_DEFAULTS = { deny: [], unknown: 'warning' as const, exceptions: [], lookups: false }

export const licensesSchema = z
  .strictObject({
    /** When set, every license must satisfy one of these. */
    allow: z.array(licenseEntry).optional(),
    deny: z.array(licenseEntry).default([]),
    /** Severity of license-unknown and license-missing. */
    unknown: severityOrOff.default('warning'),
    /** Per-kind overrides: each key given replaces the top-level one for that kind. */
    models: kindPolicy.optional(),
    datasets: kindPolicy.optional(),
    dependencies: kindPolicy.optional(),
    exceptions: z.array(exception).default([]),
    /** Ask the package indexes (PyPI, npm) for the licenses of ML dependencies the scan sees; off: they stay unknown, with no finding. */
    lookups: z.boolean().default(false),
    /** PyPI base URL (default https://pypi.org); the JSON API is `{pypi-url}/pypi/{name}/{version}/json`. */
    'pypi-url': httpUrl('https://pypi.org').optional(),
    /** npm registry base URL (default https://registry.npmjs.org). */
    'npm-url': httpUrl('https://registry.npmjs.org').optional()
  })
  .default(LICENSES_DEFAULTS)

export type LicensesConfig = z.infer<typeof licensesSchema>
