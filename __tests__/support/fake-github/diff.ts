/**
 * Which lines of a pull-request file a review comment may target: GitHub only resolves a `line`
 * that lies inside a diff hunk (RIGHT: added or context lines by new number; LEFT: removed or
 * context lines by old number), and a legacy `position` counts patch lines below the first `@@`.
 */
export interface DiffLines {
  right: Set<number>
  left: Set<number>
  /** number of lines a `position` may address */
  positions: number
  /** the hunk text up to `line`, for `diff_hunk` in responses */
  hunkAt: (line: number, side: 'LEFT' | 'RIGHT') => string
  /** which hunk (0-based) holds `line`, -1 when none: a multi-line comment must stay in one hunk */
  hunkOf: (line: number, side: 'LEFT' | 'RIGHT') => number
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/

export function parsePatch(patch: string | undefined): DiffLines {
  const right = new Set<number>()
  const left = new Set<number>()
  const lines = patch ? patch.split('\n') : []
  const owner: Array<{ side: 'LEFT' | 'RIGHT'; line: number; index: number; hunk: number }> = []
  let hunk = -1
  let oldNo = 0
  let newNo = 0
  let positions = 0
  let inHunk = false
  lines.forEach((text, index) => {
    const h = HUNK.exec(text)
    if (!h && !inHunk) return // tolerate "---/+++" file headers in a seeded patch
    if (h) {
      inHunk = true
      hunk++
      oldNo = Number(h[1])
      newNo = Number(h[2])
      if (positions > 0) positions++
      return
    }
    if (text.startsWith('\\')) return // "\ No newline at end of file"
    positions++
    if (text.startsWith('+')) {
      right.add(newNo)
      owner.push({ side: 'RIGHT', line: newNo++, index, hunk })
    } else if (text.startsWith('-')) {
      left.add(oldNo)
      owner.push({ side: 'LEFT', line: oldNo++, index, hunk })
    } else {
      right.add(newNo)
      left.add(oldNo)
      owner.push({ side: 'RIGHT', line: newNo++, index, hunk }, { side: 'LEFT', line: oldNo++, index, hunk })
    }
  })
  const hunkAt = (line: number, side: 'LEFT' | 'RIGHT'): string => {
    const hit = owner.find((o) => o.side === side && o.line === line)
    if (!hit) return ''
    let start = hit.index
    while (start > 0 && !HUNK.test(lines[start] ?? '')) start--
    return lines.slice(start, hit.index + 1).join('\n')
  }
  const hunkOf = (line: number, side: 'LEFT' | 'RIGHT'): number => owner.find((o) => o.side === side && o.line === line)?.hunk ?? -1
  return { right, left, positions, hunkAt, hunkOf }
}

/** Counts additions/deletions from a patch when the seed does not give them. */
export function countChanges(patch: string | undefined): { additions: number; deletions: number } {
  let additions = 0
  let deletions = 0
  for (const l of patch ? patch.split('\n') : []) {
    if (l.startsWith('+')) additions++
    else if (l.startsWith('-')) deletions++
  }
  return { additions, deletions }
}
