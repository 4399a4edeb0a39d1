import type { InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { isRecord, tomlOf } from '../parse-errors.js'
import { pypiPurl } from '../purl.js'
import { lockedPythonDependency } from '../python-deps.js'
import { TomlLines } from '../toml-lines.js'

const COMMIT = /[0-9a-f]{40}/i

/**
 * poetry.lock and uv.lock: `[[package]]` tables, each an exact version (or a git
 * commit). The project itself (uv `editable`/`virtual` sources) and local paths
 * are not dependencies from a registry and are left out.
 */
export function parsePythonLock(text: string, kind: 'poetry.lock' | 'uv.lock'): InspectResult {
  const inv = new Inventory('pep508')
  const parsed = tomlOf(text, kind)
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const packages = parsed.value.package
  if (!Array.isArray(packages)) return inv.result()
  const lines = new TomlLines(text)
  packages.forEach((pkg, n) => {
    if (!isRecord(pkg) || typeof pkg.name !== 'string') return
    const line = lines.arrayTableLine('package', n)
    const version = typeof pkg.version === 'string' ? pkg.version : null
    const source = pkg.source
    if (isRecord(source)) {
      const local = kind === 'uv.lock' ? ['editable', 'virtual', 'directory', 'path'].find((k) => k in source) : ['directory', 'file'].includes(String(source.type)) ? 'path' : undefined
      if (local) return
      const git = kind === 'uv.lock' ? (typeof source.git === 'string' ? source.git : null) : source.type === 'git' && typeof source.url === 'string' ? source.url : null
      if (git) {
        const commit = (kind === 'uv.lock' ? /#([0-9a-f]{40})$/i.exec(git)?.[1] : typeof source.resolved_reference === 'string' ? COMMIT.exec(source.resolved_reference)?.[0] : undefined)?.toLowerCase() ?? null
        const base = git.replace(/[?#].*$/, '')
        const url = commit ? `git+${base}@${commit}` : `git+${git}`
        const dep = lockedPythonDependency(pkg.name, version ?? '', line)
        inv.add({ ...dep, specifier: url, version: commit, pinned: commit !== null, purl: pypiPurl(dep.name, version, { vcs_url: url }) })
        return
      }
    }
    if (!version) return
    inv.add(lockedPythonDependency(pkg.name, version, line))
  })
  return inv.result()
}
