import { minimatch } from 'minimatch'

/** Config `ignore` globs, matched against the repo-relative path and each of its parent folders. */
export function makeConfigIgnore(globs: readonly string[]): (relPath: string) => boolean {
  if (globs.length === 0) return () => false
  const opts = { dot: true, matchBase: false }
  return (relPath) => {
    const parts = relPath.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('/')
      if (globs.some((g) => minimatch(prefix, g, opts))) return true
    }
    return false
  }
}
