import type { InspectContext, Inspector } from '../inspect/registry.js'

/**
 * Parsers for dependency manifests, by the format identification gives them
 * (`requirements`, `pyproject`, `package-json`, ...). Each returns the declared
 * dependencies (and findings such as an unparseable manifest) and never throws.
 */
export const MANIFEST_PARSERS: Partial<Record<string, Inspector>> = {}

/**
 * Source files that may pull models or data from a hub at run time. Null for
 * files that are not code; the scanner returns hub references as dependencies.
 */
export function codeScannerFor(_relPath: string): Inspector | null {
  return null
}

export type { InspectContext }
