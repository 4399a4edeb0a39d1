import type { Issue } from '../../inspect/types.js'
import { unparseableManifest } from '../issues.js'

/** A JavaScript lock file read with yarn's parser (`parseSyml`), and the tool that writes it. */
export interface SymlLock {
  kind: 'yarn.lock' | 'pnpm-lock.yaml'
  tool: 'yarn' | 'pnpm'
  /** The detail when the top level is not a mapping; `shape` is what it reads as (`a string`, `an array`). */
  notAMapping(shape: string): string
}

/** The lock file cannot be read as it is: fix the line, or let the tool write the file again. */
export function malformedLock(lock: SymlLock, detail: string, line: number | null): Issue {
  return { ...unparseableManifest(lock.kind, detail, line), fix: `${line ? `Fix line ${line}, or r` : 'R'}egenerate the file with \`${lock.tool} install\`: ${lock.tool} cannot read it as it is.` }
}

/**
 * What `parseSyml` threw, on the line of the file: its yarn v1 grammar reports a
 * location (`Expected … but "x" found.`), js-yaml a mark (0-based), and a top level
 * that is not a mapping neither. `firstLine` is the file line of the parsed text's
 * first line (0 when a header line was put in front of the file).
 */
export function symlSyntaxIssue(lock: SymlLock, err: unknown, firstLine: number): Issue {
  const e = err as { message?: string; location?: { start?: { line?: number } }; mark?: { line?: number }; reason?: string }
  const message = String(e.message ?? err).split('\n')[0]!.trim()
  if (e.location?.start?.line) {
    const found = /but (.+) found\.$/.exec(message)?.[1]
    // The parser appends a final newline, so a truncated file ends "at" a line break.
    const what = found === '"\\n"' || found === '"\\r\\n"' ? 'a line ends where more of the entry should follow' : `unexpected ${found}`
    return malformedLock(lock, found ? `${what} (yarn lockfile v1 syntax)` : message, Math.max(1, firstLine + e.location.start.line - 1))
  }
  if (typeof e.mark?.line === 'number') return malformedLock(lock, e.reason ?? message, firstLine + e.mark.line)
  const shape = /got (an? \w+) instead/.exec(message)
  return malformedLock(lock, shape ? lock.notAMapping(shape[1]!) : (e.reason ?? message), null)
}
