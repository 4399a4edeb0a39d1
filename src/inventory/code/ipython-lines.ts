/** A line IPython does not run as Python: `!cmd`, `%magic args`, `x = !cmd`, `x = %magic args`. */
export interface Escape {
  kind: 'shell' | 'magic'
  /** The magic's name (`pip`, `conda`, ...); '' for shell lines. */
  magic: string
  /** Offset where the command (or the magic's arguments) starts. */
  command: number
  /** Offset of the line's first character and of the end of its logical line (continuations included). */
  from: number
  to: number
}

/** Cell magics whose body is IPython code (the magic only wraps how it runs). */
const PYTHON_CELL_MAGICS = new Set(['capture', 'time', 'timeit', 'prun', 'debug'])
const SHELL_CELL_MAGICS = new Set(['bash', 'sh', 'shell', 'system', 'sx'])

export type CellBody = { kind: 'python' | 'shell'; from: number } | { kind: 'other'; magic: string }

/** What a cell is, by its cell magic (`%%bash`, `%%capture`, `%%writefile`, ...) on its first line. */
export function cellBody(code: string): CellBody {
  const m = /^(?:[ \t]*(?:\r\n|\n|\r))*%%([A-Za-z_]\w*)([^\r\n]*)/.exec(code)
  if (!m) return { kind: 'python', from: 0 }
  const name = m[1]!
  const end = m[0].length
  if (SHELL_CELL_MAGICS.has(name) || (name === 'script' && /^\s*(?:\S*\/)?(ba|z|da)?sh\b/.test(m[2]!))) return { kind: 'shell', from: end }
  if (PYTHON_CELL_MAGICS.has(name)) return { kind: 'python', from: end }
  return { kind: 'other', magic: name }
}

const ESCAPE = /[ \t]*(?:[A-Za-z_][\w.]*[ \t]*=[ \t]*)?(?:(!!?)(?!=)|%([A-Za-z_]\w*))/y

/**
 * The escaped lines of a cell's Python, found the way IPython finds them: only
 * at the start of a logical line, so never inside a multi-line string, open
 * brackets or a backslash continuation of Python code.
 */
export function ipythonEscapes(code: string, from = 0): Escape[] {
  const out: Escape[] = []
  let depth = 0
  let continued = false
  let pos = from
  const n = code.length
  while (pos < n) {
    let lineEnd = endOfLine(code, pos)
    if (depth === 0 && !continued) {
      ESCAPE.lastIndex = pos
      const m = ESCAPE.exec(code)
      if (m) {
        // The escape's logical line runs through backslash continuations.
        let to = lineEnd
        while (to < n && code[to - 1] === '\\') to = endOfLine(code, nextLine(code, to))
        out.push({ kind: m[1] ? 'shell' : 'magic', magic: m[2] ?? '', command: ESCAPE.lastIndex, from: pos, to })
        pos = nextLine(code, to)
        continue
      }
    }
    // Python: track strings, brackets and continuations to know where logical lines start.
    continued = false
    let i = pos
    while (i < lineEnd) {
      const c = code[i]!
      if (c === '#') break
      if (c === '"' || c === "'") {
        const triple = c.repeat(3)
        if (code.startsWith(triple, i)) {
          // One search per string, never one per line: an unclosed string would make that quadratic.
          const close = code.indexOf(triple, i + 3)
          // Never closed: the rest of the cell is inside it, so no line of it starts a logical line.
          if (close < 0) return out
          // Closed on a later line: the lines between are string, and that line goes on after the quotes.
          i = close + 3
          if (close >= lineEnd) lineEnd = endOfLine(code, i)
          continue
        }
        // One-line string: to its closing quote or the line end.
        let j = i + 1
        while (j < lineEnd && code[j] !== c) j += code[j] === '\\' ? 2 : 1
        i = j + 1
        continue
      }
      if (c === '(' || c === '[' || c === '{') depth++
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1)
      else if (c === '\\' && i === lineEnd - 1) continued = true
      i++
    }
    pos = nextLine(code, lineEnd)
  }
  return out
}

/** The code with the escaped lines blanked (newlines kept), so offsets and lines stay where they were. */
export function blankEscapes(code: string, escapes: Escape[], header = 0): string {
  if (escapes.length === 0 && header === 0) return code
  // Slices, not an array of characters: cells can be tens of megabytes.
  const parts: string[] = []
  let kept = 0
  const blank = (from: number, b: number) => {
    const a = Math.max(from, kept)
    if (b <= a) return
    parts.push(code.slice(kept, a), code.slice(a, b).replace(/[^\r\n]/g, ' '))
    kept = b
  }
  blank(0, header)
  for (const e of escapes) blank(e.from, e.to)
  parts.push(code.slice(kept))
  return parts.join('')
}

function endOfLine(code: string, from: number): number {
  let i = from
  while (i < code.length && code[i] !== '\n' && code[i] !== '\r') i++
  return i
}

function nextLine(code: string, eol: number): number {
  return code[eol] === '\r' && code[eol + 1] === '\n' ? eol + 2 : eol + 1
}
