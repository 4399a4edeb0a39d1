const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/

/**
 * The head-side (RIGHT) line numbers a review comment may target in one file of a pull request:
 * added and context lines inside the patch's hunks. GitHub rejects a line outside them.
 */
export function commentableLines(patch: string | undefined): Set<number> {
  const lines = new Set<number>()
  if (!patch) return lines
  let next = 0
  let inHunk = false
  for (const text of patch.split('\n')) {
    const h = HUNK.exec(text)
    if (h) {
      inHunk = true
      next = Number(h[1])
      continue
    }
    if (!inHunk || text.startsWith('\\')) continue // "\ No newline at end of file"
    if (text.startsWith('-')) continue // removed: LEFT side only
    lines.add(next++)
  }
  return lines
}
