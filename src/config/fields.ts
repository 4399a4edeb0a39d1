import { z } from 'zod'

/** Field types several `.modelgate.yml` blocks share. */

/** `YYYY-MM-DD`, a real calendar day (exception and ignore expiries). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date as YYYY-MM-DD' })
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), { message: 'expected a real calendar date' })

/** A base URL in `.modelgate.yml` (package index, advisory source): http or https, with an example in the error. */
export const httpUrl = (example: string) =>
  z
    .string()
    .min(1)
    .refine(
      (v) => {
        try {
          return /^https?:$/.test(new URL(v).protocol)
        } catch {
          return false
        }
      },
      { message: `expected an http(s) URL such as ${example}` }
    )
