import { parseConfig } from '../../src/config/load.js'
import { DEFAULT_CONFIG, type Config } from '../../src/config/schema.js'
import type { Dependency } from '../../src/types.js'

/** A policy from YAML text, or the defaults. */
export function config(yaml?: string): Config {
  return yaml ? parseConfig(yaml, '.modelgate.yml') : DEFAULT_CONFIG
}

/** A dependency as the inventory reports it: an exact pin when a version is given, else unpinned. */
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
    ...extra
  }
}
