import * as pep440 from '@renovatebot/pep440'
import semver from 'semver'

/** The ecosystems advisories are checked for: the ones OSV and GitHub's database share with the inventory. */
export type AdvisoryEcosystem = 'pypi' | 'npm'

export const ADVISORY_ECOSYSTEMS: readonly AdvisoryEcosystem[] = ['pypi', 'npm']

/** Package names as each ecosystem compares them: PEP 503 for PyPI (`Scikit_Learn` = `scikit-learn`), exact for npm. */
export function normalizeName(ecosystem: AdvisoryEcosystem, name: string): string {
  return ecosystem === 'pypi' ? name.trim().toLowerCase().replace(/[-_.]+/g, '-') : name.trim()
}

/**
 * A version as advisories compare it, or null when the ecosystem's rules cannot read it.
 * PyPI: PEP 440 (epochs, pre/post/dev releases). A local label (`2.5.1+cu121`) names a build of
 * the public release `2.5.1`, so it is compared as that release: an advisory fixed in 2.6.0
 * covers `2.5.1+cu121` and not `2.6.0+cu121`, and one whose last affected version is 2.5.1 covers
 * every local build of 2.5.1 (PEP 440 ordering alone would put `2.5.1+cu121` after `2.5.1`).
 * npm: semver 2.0 (strict; a leading `v` or `=` is tolerated as npm does).
 */
export function comparableVersion(ecosystem: AdvisoryEcosystem, version: string): string | null {
  const v = version.trim()
  if (ecosystem === 'pypi') {
    const parsed = pep440.explain(v)
    return parsed ? parsed.public : null
  }
  return semver.valid(v)
}

/** Total order within an ecosystem; both sides must be comparable versions. */
export function compareVersions(ecosystem: AdvisoryEcosystem, a: string, b: string): number {
  return ecosystem === 'pypi' ? pep440.compare(a, b) : semver.compare(a, b)
}

/** The version to send to a remote database: public PEP 440 part / clean semver. */
export function queryVersion(ecosystem: AdvisoryEcosystem, version: string): string | null {
  return comparableVersion(ecosystem, version)
}
