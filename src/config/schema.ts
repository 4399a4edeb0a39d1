import { z } from 'zod'
import { RULE_IDS } from '../types.js'
import { licensesSchema } from '../licenses/config-schema.js'
import { advisoriesSchema } from '../advisories/config-schema.js'
import { hubSchema } from '../hub/config-schema.js'

/**
 * `.modelgate.yml`. Strict objects everywhere: a misspelt key is an error, never
 * a silently ignored policy.
 */
const severityOrOff = z.enum(['error', 'warning', 'note', 'off'])

/** Accepts a JavaScript regular expression source; it is matched against the whole value (implicitly anchored). */
const regexSource = z.string().min(1).refine(
  (v) => {
    try {
      new RegExp(v, 'u')
      return true
    } catch {
      return false
    }
  },
  { message: 'expected a valid regular expression' }
)

/**
 * A Sigstore keyless signer: the certificate identity (SAN: e-mail, URI, workflow ref) as an exact
 * string or a regular expression, and the OIDC issuer that vouched for it (exact).
 */
const trustedIdentity = z
  .strictObject({
    identity: z.string().min(1).optional(),
    'identity-regex': regexSource.optional(),
    issuer: z.string().min(1)
  })
  .refine((v) => (v.identity === undefined) !== (v['identity-regex'] === undefined), {
    message: "give exactly one of 'identity' (exact) or 'identity-regex'"
  })

const SIGNATURE_DEFAULTS = {
  'required-for': [],
  'trusted-keys': [],
  'trusted-certificates': [],
  'trusted-identities': [],
  'ignore-paths': []
}

export const configSchema = z.strictObject({
  ignore: z.array(z.string().min(1)).default([]),
  signatures: z
    .strictObject({
      /** Globs of models that must be signed. */
      'required-for': z.array(z.string().min(1)).default([]),
      /** Public keys (PEM files, repo-relative, or inline PEM) for `model_signing sign key` / cosign key signatures. */
      'trusted-keys': z.array(z.string().min(1)).default([]),
      /** CA certificates (PEM files or inline PEM) that anchor `model_signing sign certificate` chains. */
      'trusted-certificates': z.array(z.string().min(1)).default([]),
      /** Sigstore keyless signers. */
      'trusted-identities': z.array(trustedIdentity).default([]),
      /** A Sigstore `trusted_root.json` (private instance); default: the public-good root shipped with ModelGate. */
      'trusted-root': z.string().min(1).optional(),
      /** Globs (repo-relative) of files inside signed model folders that are not part of the signed model. */
      'ignore-paths': z.array(z.string().min(1)).default([])
    })
    .default(SIGNATURE_DEFAULTS),
  /** License policy: allow/deny, per-kind overrides, unknown severity, exceptions (src/licenses/config-schema.ts). */
  licenses: licensesSchema,
  /** Known vulnerabilities in dependencies: source, severity threshold, ignores (src/advisories/config-schema.ts). */
  advisories: advisoriesSchema,
  /** Hugging Face Hub lookups of references in code: off by default (src/hub/config-schema.ts). */
  hub: hubSchema,
  severity: z.partialRecord(z.enum(RULE_IDS), severityOrOff).default({})
})

export type Config = z.infer<typeof configSchema>

export const DEFAULT_CONFIG: Config = configSchema.parse({})
