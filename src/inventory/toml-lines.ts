import { splitLines } from './text.js'

const HEADER = /^\s*\[\[?\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$/

/**
 * Lines of keys and strings in a TOML file. smol-toml gives values without
 * positions, so positions come from the text: a table's header line, a key's
 * line inside it (`[a.b] c =` or `[a] b.c =`), a string after that key.
 */
export class TomlLines {
  private readonly lines: string[]
  /** Header line index (0-based) and normalised name, in file order. */
  private readonly headers: { at: number; name: string; array: boolean }[] = []
  /** Per key path, how far string searches have got, so repeated values get successive lines. */
  private readonly cursors = new Map<string, number>()

  constructor(text: string) {
    this.lines = splitLines(text)
    this.lines.forEach((line, at) => {
      const m = HEADER.exec(line)
      if (m) this.headers.push({ at, name: normaliseKey(m[1]!), array: /^\s*\[\[/.test(line) })
    })
  }

  /** 1-based line of `[[name]]` number `n` (0-based), for lock files' package lists. */
  arrayTableLine(name: string, n: number): number | null {
    const h = this.headers.filter((x) => x.array && x.name === name)[n]
    return h ? h.at + 1 : null
  }

  /** 1-based line where `path` (a key path from the document root) is defined, or null. */
  keyLine(path: string[]): number | null {
    const found = this.locate(path)
    return found === null ? null : found + 1
  }

  /** 1-based line of the next occurrence of the quoted `value` inside the value of `path`. */
  stringLine(path: string[], value: string): number | null {
    const start = this.locate(path)
    if (start === null) return null
    const id = path.join('\0')
    const from = this.cursors.get(`${id}\0${value}`) ?? start
    const end = this.tableEnd(start + 1)
    const quoted = [`"${escapeBasic(value)}"`, `'${value}'`, `"""${value}"""`, `'''${value}'''`]
    for (let i = from; i < end; i++) {
      if (quoted.some((q) => this.lines[i]!.includes(q))) {
        this.cursors.set(`${id}\0${value}`, i + 1)
        return i + 1
      }
    }
    return start + 1
  }

  /** 0-based line index of the key, trying `[a.b.c] d`, `[a.b] c.d`, ... and the root table. */
  private locate(path: string[]): number | null {
    for (let split = path.length - 1; split >= 0; split--) {
      const table = path.slice(0, split).join('.')
      const key = path.slice(split)
      const re = new RegExp(`^\\s*${key.map(keyPattern).join('\\s*\\.\\s*')}\\s*=`)
      const ranges = table === '' ? [{ from: 0 }] : this.headers.filter((h) => !h.array && h.name === table).map((h) => ({ from: h.at + 1 }))
      for (const { from } of ranges) {
        const end = this.tableEnd(from)
        for (let i = from; i < end; i++) if (re.test(this.lines[i]!)) return i
      }
      // The key is a table of its own: `[a.b.c]`.
      if (split === path.length - 1) {
        const own = this.headers.find((h) => !h.array && h.name === path.join('.'))
        if (own) return own.at
      }
    }
    return null
  }

  private tableEnd(from: number): number {
    const next = this.headers.find((h) => h.at >= from)
    return next ? next.at : this.lines.length
  }
}

function normaliseKey(key: string): string {
  return key.replace(/\s*\.\s*/g, '.').replace(/["']/g, '')
}

function keyPattern(k: string): string {
  const e = k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `(?:"${e}"|'${e}'|${e})`
}

function escapeBasic(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}
