import type { DeclaredDependency, Issue } from '../inspect/types.js'

/** A manifest or lock file that does not parse: its dependencies are unknown, so it cannot pass. */
export function unparseableManifest(kind: string, detail: string, line?: number | null): Issue {
  return {
    rule: 'unparseable-artifact',
    severity: 'error',
    message: `Cannot parse this ${kind}: ${detail.replace(/\.+$/, '')}. Its dependencies cannot be inventoried or checked.`,
    fix: `Fix the syntax${line ? ` on line ${line}` : ''} so that the ${kind} parses (the package manager would reject it too).`,
    ...(line ? { line } : {})
  }
}

/** Something the inventory cannot resolve without running code or fetching; a note, not a failure. */
export function unresolved(message: string, fix: string, line?: number | null): Issue {
  return { rule: 'scan-incomplete', severity: 'note', message, fix, ...(line ? { line } : {}) }
}

export function tooLarge(kind: string, size: number, cap: number): Issue {
  return unresolved(
    `This ${kind} is ${size} bytes, more than the ${cap}-byte limit for reading it, so its dependencies were not inventoried.`,
    'Split the file, or check its dependencies by hand.'
  )
}

/** How to pin, in the syntax of the file the dependency is written in. */
export type PinSyntax = 'pep508' | 'poetry' | 'pipfile' | 'conda' | 'npm'

export function unpinnedDependency(dep: DeclaredDependency, syntax: PinSyntax, where?: string): Issue {
  const v = exampleVersion(dep.specifier)
  const version = v ?? '<version>'
  const pin: Record<PinSyntax, string> = {
    pep508: `${dep.name}==${version}`,
    poetry: `${dep.name} = "${version}"`,
    pipfile: `${dep.name} = "==${version}"`,
    conda: `${dep.name}=${version}`,
    npm: `"${dep.name}": "${version}"`
  }
  const as = dep.specifier ? `\`${dep.specifier}\`` : 'no version'
  const vcs = dep.specifier ? /^(git|hg|svn|bzr)\+(\S+?)(?:@([^@#/]+))?(#.*)?$/.exec(dep.specifier) : null
  if (vcs) {
    return {
      rule: 'unpinned-dependency',
      severity: 'warning',
      message: `ML dependency ${dep.name} is installed from ${vcs[2]} at ${vcs[3] ? `\`${vcs[3]}\`, a branch or tag` : 'its default branch'}${where ? ` (${where})` : ''}: whatever is pushed there next gets installed.`,
      fix: `Pin a commit: \`${dep.name} @ ${vcs[1]}+${vcs[2]}@<40-hex commit sha>\`.`,
      ...(dep.line ? { line: dep.line } : {})
    }
  }
  return {
    rule: 'unpinned-dependency',
    severity: 'warning',
    message: `ML dependency ${dep.name} is not pinned (${as}${where ? `; ${where}` : ''}): any release${dep.specifier ? ' that matches' : ''} can be installed, including one published after this review.`,
    fix: `Pin the exact version you tested: \`${pin[syntax]}\`${v ? ' (or the version you really use)' : ''}, or install from a lock file with hashes.`,
    ...(dep.line ? { line: dep.line } : {})
  }
}

/** The lower bound of a range (`>=2.1.0,<3` → `2.1.0`), to make the fix concrete; never an upper bound. */
function exampleVersion(specifier: string | null): string | null {
  const m = specifier?.match(/(?:>=|~=|\^|~(?!=)|===?)\s*v?(\d+\.\d+(?:\.\d+)?)(?![.\d]*\*)/)
  return m ? m[1]! : null
}
