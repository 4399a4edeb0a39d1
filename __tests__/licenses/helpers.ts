import type { Artifact, ArtifactKind, Dependency } from '../../src/types.js'
import { dependency as baseDependency } from '../support/builders.js'
export { config } from '../support/builders.js'

/** An artifact as the engine reports it; only path, kind and facts matter to license resolution. */
export function artifact(path: string, kind: ArtifactKind, extra: Partial<Artifact> = {}): Artifact {
  return { path, kind, format: 'test', change: 'added', size: 1, sha256: '0'.repeat(64), lfs: null, signature: null, license: null, facts: {}, ...extra }
}

/** License lookups concern added or changed dependencies: these default to `added`. */
export function dependency(name: string, version: string | null, extra: Partial<Dependency> = {}): Dependency {
  return baseDependency(name, version, { change: 'added', ...extra })
}

