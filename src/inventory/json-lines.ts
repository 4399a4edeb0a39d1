import { LineIndex } from './text.js'

/**
 * Lines of keys in a JSON file (JSON.parse keeps no positions): the next
 * `"key":` after a parent key's position. Good for the shallow, machine-written
 * layouts of package.json and lock files.
 */
export class JsonLines {
  private readonly index: LineIndex
  constructor(private readonly text: string) {
    this.index = new LineIndex(text)
  }

  /** Offset of `"key":` at or after `from`, or -1. */
  keyOffset(key: string, from = 0): number {
    const re = new RegExp(`${escape(JSON.stringify(key))}\\s*:`, 'g')
    re.lastIndex = from
    const m = re.exec(this.text)
    return m ? m.index : -1
  }

  /** 1-based line of `"child":` inside the object that follows `"parent":`; null when not found. */
  childLine(parent: string, child: string, parentFrom = 0): number | null {
    const p = this.keyOffset(parent, parentFrom)
    if (p < 0) return null
    const c = this.keyOffset(child, p + 1)
    return c < 0 ? null : this.index.lineOf(c)
  }

  lineOf(offset: number): number {
    return this.index.lineOf(offset)
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
