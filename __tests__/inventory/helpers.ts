import type { IncludeReader } from '../../src/inventory/include-reader.js'
import type { Issue } from '../../src/inspect/types.js'

/** An include reader over an in-memory tree, recording what was asked for. */
export function memoryReader(files: Record<string, string>): IncludeReader & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    async read(relPath) {
      asked.push(relPath)
      return relPath in files ? Buffer.from(files[relPath]!) : null
    }
  }
}

/** Findings in a compact, exact form: `line rule severity`. */
export function brief(issues: Issue[]): string[] {
  return issues.map((i) => `${i.line ?? '-'} ${i.rule} ${i.severity}`)
}
