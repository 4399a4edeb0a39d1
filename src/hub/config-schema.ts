import { z } from 'zod'

/**
 * The `hub` block of `.modelgate.yml` (plugged into src/config/schema.ts): remote
 * lookups of Hugging Face references found in code. Off by default: a scan never
 * calls out unless asked to. The endpoint and token come from the environment only
 * (HF_ENDPOINT, HF_TOKEN), never from the scanned repository, so a repository
 * cannot send the token elsewhere.
 */
const HUB_DEFAULT_MAX_BYTES = 256 * 1024 * 1024

const HUB_DEFAULTS = { lookups: false, 'max-bytes': HUB_DEFAULT_MAX_BYTES }

export const hubSchema = z
  .strictObject({
    /** Resolve each hub reference through the Hub API and judge the weight files it loads. */
    lookups: z.boolean().default(false),
    /** Bytes read from the Hub per file; a file that needs more is reported as incomplete, never as safe. */
    'max-bytes': z.number().int().min(1024).max(64 * 1024 * 1024 * 1024).default(HUB_DEFAULT_MAX_BYTES)
  })
  .default(HUB_DEFAULTS)

export type HubConfig = z.infer<typeof hubSchema>
