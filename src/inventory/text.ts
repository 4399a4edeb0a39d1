import type { ByteSource } from '../util/byte-source.js'

/** Manifests and lock files above this are not parsed (a lock file of a large monorepo is a few MB). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024
/** Source files above this are not searched for hub references (generated or minified code). */
export const MAX_CODE_BYTES = 2 * 1024 * 1024
/** Notebooks carry outputs (images) next to their code, so they get more room. */
export const MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024

/** The whole file as text (BOM dropped), or null when it is larger than `cap`. */
export async function readText(src: ByteSource, cap: number): Promise<string | null> {
  if (src.size > cap) return null
  return (await src.read(0, src.size)).toString('utf8').replace(/^\uFEFF/, '')
}

/** Offset → 1-based line, for parsers that work on offsets. */
export class LineIndex {
  private readonly starts: number[] = [0]
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1)
    }
  }
  lineOf(offset: number): number {
    return lastAtOrBefore(this.starts, offset) + 1
  }
}

/** The index of the last of `starts` (ascending) at or before `offset`; 0 when there is none. */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** Lines split on any line break, so Windows and old-Mac files number the same. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/)
}
