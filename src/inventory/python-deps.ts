import type { DeclaredDependency } from '../inspect/types.js'
import { clip } from '../util/clip.js'
import { percentDecoded } from '../util/url-path.js'
import { isMlPackage, normalizePypiName } from './ml-packages.js'
import { exactPep440, parseRequirement, type Requirement, type RequirementResult } from './pep508.js'
import type { Inventory } from './collect.js'
import { unparseableManifest } from './issues.js'
import { pypiPurl } from './purl.js'

const COMMIT = /^[0-9a-f]{40}$/i
const VCS = /^(git|hg|svn|bzr)\+/i

export interface PythonDependency {
  dep: DeclaredDependency
  /** A local path (`file:`, `./pkg`): nothing to pin. */
  local: boolean
}

/**
 * One PyPI dependency from a parsed requirement. A VCS URL is pinned only by a
 * full commit; an archive URL by a hash or a version in its file name.
 */
export function pythonDependency(req: Requirement, line: number | null, opts: { hashed?: boolean; group?: string } = {}): PythonDependency {
  const name = normalizePypiName(req.name)
  const ml = isMlPackage('pypi', name)
  const group = opts.group ? { group: opts.group } : {}
  if (req.url) {
    const url = req.url
    if (VCS.test(url)) {
      const ref = vcsRef(url)
      const commit = ref && COMMIT.test(ref) ? ref.toLowerCase() : null
      return {
        dep: { line, ecosystem: 'pypi', name, specifier: url, version: commit, pinned: commit !== null, ml, purl: pypiPurl(name, null, { vcs_url: url }), ...group },
        local: false
      }
    }
    if (/^file:/i.test(url) || !/^[a-z][a-z0-9+.-]*:/i.test(url)) {
      return { dep: { line, ecosystem: 'pypi', name, specifier: url, version: null, pinned: false, ml, purl: pypiPurl(name, null), ...group }, local: true }
    }
    const version = archiveVersion(url)
    // A versioned archive name fixes the version; a hash fixes the bytes too.
    const pinned = version !== null || opts.hashed === true || /#(sha256|sha384|sha512|md5)=/i.test(url)
    return {
      dep: { line, ecosystem: 'pypi', name, specifier: url, version, pinned, ml, purl: pypiPurl(name, version, { download_url: url.replace(/#.*$/, '') }), ...group },
      local: false
    }
  }
  const specifier = req.specifier || null
  const version = specifier ? exactPep440(specifier) : null
  return { dep: { line, ecosystem: 'pypi', name, specifier, version, pinned: version !== null, ml, purl: pypiPurl(name, version), ...group }, local: false }
}

/** A dependency whose version a lock file resolved: always exact. */
export function lockedPythonDependency(rawName: string, version: string, line: number | null, extra: Partial<DeclaredDependency> = {}): DeclaredDependency {
  const name = normalizePypiName(rawName)
  return { line, ecosystem: 'pypi', name, specifier: `==${version}`, version, pinned: true, ml: isMlPackage('pypi', name), purl: pypiPurl(name, version), ...extra }
}

/** `git+https://host/org/repo.git@ref#egg=x` → `ref`. */
export function vcsRef(url: string): string | null {
  const noFragment = url.replace(/#.*$/, '')
  const afterScheme = noFragment.replace(/^[a-z+]+:\/\//i, '')
  const slash = afterScheme.indexOf('/')
  const at = afterScheme.lastIndexOf('@')
  return at > slash && slash >= 0 ? afterScheme.slice(at + 1) || null : null
}

/** `torch-2.1.0-cp311-...whl` or `pkg-1.0.tar.gz` → the version in the file name. */
function archiveVersion(url: string): string | null {
  const file = percentDecoded(url.replace(/[#?].*$/, '').split('/').pop() ?? '')
  const wheel = /^[^-]+-([^-]+)-.*\.whl$/i.exec(file)
  if (wheel) return wheel[1]!
  const sdist = /^.+-(\d[^-]*?)\.(tar\.gz|tar\.bz2|tgz|zip)$/i.exec(file)
  return sdist ? sdist[1]! : null
}

/** What is wrong with a PEP 508 string that does not parse, for the finding. */
export function invalidRequirement(text: string, failure: Extract<RequirementResult, { ok: false }>): string {
  return `"${clip(text, 80, '...')}" is not a valid requirement (${failure.error} at column ${failure.column})`
}

/** Adds one PEP 508 string from a TOML/YAML/INI manifest; a malformed one is a finding on its line. */
export function addPep508(inv: Inventory, text: string, line: number | null, kind: string, group?: string): DeclaredDependency | null {
  const parsed = parseRequirement(text)
  if (!parsed.ok) {
    inv.issue(unparseableManifest(kind, invalidRequirement(text, parsed), line))
    return null
  }
  const { dep, local } = pythonDependency(parsed.requirement, line, group ? { group } : {})
  inv.add(dep, { local })
  return dep
}
