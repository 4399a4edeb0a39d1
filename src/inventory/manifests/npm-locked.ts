import semver from 'semver'
import type { DeclaredDependency } from '../../inspect/types.js'
import { isMlPackage } from '../ml-packages.js'
import { npmPurl } from '../purl.js'

/**
 * A package a JavaScript lock file resolved, as package-lock.json entries are
 * recorded: the version as written is the specifier; it is pinned when it is
 * one semver version (a lock entry always names what was installed, so it is
 * never a finding).
 */
export function lockedNpmDependency(name: string, rawVersion: string, line: number | null, group?: string): DeclaredDependency {
  const version = semver.valid(rawVersion) ?? null
  return {
    line,
    ecosystem: 'npm',
    name,
    specifier: rawVersion,
    version,
    pinned: version !== null,
    ml: isMlPackage('npm', name),
    purl: npmPurl(name, version),
    ...(group ? { group } : {})
  }
}

/** `name@rest` → [`name`, `rest`], scoped names included (`@scope/name@rest`); null without a name. */
export function splitDescriptor(descriptor: string): [string, string] | null {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0)
  if (at <= 0) return null
  return [descriptor.slice(0, at), descriptor.slice(at + 1)]
}

/** Protocols of packages that live in the repository itself: nothing to pin, not from a registry. */
export const LOCAL_PROTOCOL = /^(file|link|portal|workspace):/
