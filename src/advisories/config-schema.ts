import { z } from 'zod'
import { httpUrl, isoDate } from '../config/fields.js'

/**
 * The `advisories` block of `.modelgate.yml` (plugged into src/config/schema.ts): where known
 * vulnerabilities come from, which severities fail the gate, and advisories accepted for a reason.
 */



const ignoreEntry = z.strictObject({
  /** Advisory id or any of its aliases: GHSA-…, CVE-…, PYSEC-…, OSV id. */
  id: z.string().trim().min(3).max(100),
  /** Why the advisory does not apply here (shown in the report). */
  reason: z.string().trim().min(1),
  /** Last day (UTC) the ignore holds; afterwards the advisory is reported again. */
  expires: isoDate.optional()
})

export const ADVISORY_LEVELS = ['critical', 'high', 'moderate', 'low'] as const
export type AdvisoryLevel = (typeof ADVISORY_LEVELS)[number]

export const ADVISORIES_DEFAULTS = { source: 'auto' as const, 'fail-on-severity': 'high' as const, required: false, ignore: [] }

export const advisoriesSchema = z
  .strictObject({
    /** `auto`: GitHub's advisory database in the action, the OSV API in the CLI, local records only offline. */
    source: z.enum(['auto', 'github', 'osv', 'files', 'off']).default('auto'),
    /** OSV API base URL (default https://api.osv.dev); `/v1/querybatch` and `/v1/vulns/{id}` live under it. */
    'osv-url': httpUrl('https://api.osv.dev').optional(),
    /** Local OSV records (repo-relative): a file with one record or an array, or a folder of records (OSV bulk export). */
    path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Advisories at or above this severity are errors; below it, warnings (moderate and up) or notes. */
    'fail-on-severity': z.enum(ADVISORY_LEVELS).default('high'),
    /** An unreachable advisory source fails the gate (error) instead of warning. */
    required: z.boolean().default(false),
    ignore: z.array(ignoreEntry).default([])
  })
  .default(ADVISORIES_DEFAULTS)

export type AdvisoriesConfig = z.infer<typeof advisoriesSchema>
