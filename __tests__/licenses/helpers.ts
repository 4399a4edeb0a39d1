import type { Artifact, ArtifactKind, Dependency } from '../../src/types.js'
import { parseConfig } from '../../src/config/load.js'
import type { Config } from '../../src/config/schema.js'
import { DEFAULT_CONFIG } from '../../src/config/schema.js'

/** An artifact as the engine reports it; only path, kind and facts matter to license resolution. */
export function artifact(path: string, kind: ArtifactKind, extra: Partial<Artifact> = {}): Artifact {
  return { path, kind, format: 'test', change: 'added', size: 1, sha256: '0'.repeat(64), lfs: null, signature: null, license: null, facts: {}, ...extra }
}

export function dependency(name: string, version: string | null, extra: Partial<Dependency> = {}): Dependency {
  const ecosystem = extra.ecosystem ?? 'pypi'
  return {
    path: 'requirements.txt',
    line: 1,
    ecosystem,
    name,
    specifier: version ? `==${version}` : null,
    version,
    pinned: version !== null,
    ml: true,
    purl: `pkg:${ecosystem}/${name.replace('@', '%40')}${version ? `@${version}` : ''}`,
    change: 'added',
    ...extra
  }
}

export function config(yaml?: string): Config {
  return yaml ? parseConfig(yaml, '.modelgate.yml') : DEFAULT_CONFIG
}
