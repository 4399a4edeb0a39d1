import { z } from 'zod'
import { RULE_IDS } from '../types.js'

/**
 * `.modelgate.yml`. Strict objects everywhere: a misspelt key is an error, never
 * a silently ignored policy.
 */
const severityOrOff = z.enum(['error', 'warning', 'note', 'off'])

const trustedIdentity = z.strictObject({
  identity: z.string().min(1),
  issuer: z.string().min(1)
})

export const configSchema = z.strictObject({
  ignore: z.array(z.string().min(1)).default([]),
  signatures: z
    .strictObject({
      'required-for': z.array(z.string().min(1)).default([]),
      'trusted-keys': z.array(z.string().min(1)).default([]),
      'trusted-identities': z.array(trustedIdentity).default([])
    })
    .default({ 'required-for': [], 'trusted-keys': [], 'trusted-identities': [] }),
  licenses: z
    .strictObject({
      allow: z.array(z.string().min(1)).optional(),
      deny: z.array(z.string().min(1)).default([])
    })
    .default({ deny: [] }),
  severity: z.partialRecord(z.enum(RULE_IDS), severityOrOff).default({})
})

export type Config = z.infer<typeof configSchema>

export const DEFAULT_CONFIG: Config = configSchema.parse({})
