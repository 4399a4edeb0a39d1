/**
 * Words of one shell command line, as `sh` splits them, with offsets so that
 * each word can be mapped back to the line it is written on. Enough shell for
 * install commands in notebooks: quotes, backslashes, comments, `&&`/`||`/`;`/`|`
 * chains and redirections. `$…`, backticks and IPython's `{expr}` make a word
 * dynamic (its value is only known at run time).
 */
export interface ShellWord {
  /** The word after quote removal. */
  text: string
  /** Offset of its first character. */
  start: number
  dynamic: boolean
  /**
   * A redirection written right after the word (`torch>=2.0`): the shell cuts the
   * word there, so the operator and its target (`>=2.0`) never reach the command.
   */
  cut?: string
}

export interface ShellLine {
  /** The commands of the line, split at `&&`, `||`, `;`, `|` and `&`. */
  commands: ShellWord[][]
  /** Offset of the newline that ends the line (or the text's end). */
  end: number
}

/** Characters that end an unquoted run. */
const SPECIAL = /[ \t\r\n;&|<>'"\\#]/
const REDIRECT = /^(?:&>>|&>|>>|>&|>\||>|<<<|<<|<&|<>|<)/
/** `$x`, `${x}`, backticks, IPython's `{expr}` (its `{{` escape removed first). */
const DYNAMIC = /[$`{]/
const isDynamic = (s: string): boolean => DYNAMIC.test(s.replace(/\{\{/g, ''))

/**
 * Splits the line that starts at `from`; a backslash before the newline
 * continues it on the next line (IPython joins such lines with a space before
 * the shell sees them).
 */
export function splitShellLine(text: string, from: number): ShellLine {
  const n = text.length
  const commands: ShellWord[][] = [[]]
  let pos = from
  let word: ShellWord | null = null
  /** A redirection waiting for its target word, and the word it is glued to. */
  let redirect: { op: string; glued: ShellWord | null } | null = null

  const eol = (i: number) => i >= n || text[i] === '\n' || text[i] === '\r'
  const open = (): ShellWord => (word ??= { text: '', start: pos, dynamic: false })
  const finish = () => {
    if (!word) return
    if (redirect) {
      if (redirect.glued) redirect.glued.cut = `${redirect.op}${word.text}`
      redirect = null
    } else {
      commands[commands.length - 1]!.push(word)
    }
    word = null
  }

  while (!eol(pos)) {
    const c = text[pos]!
    if (c === ' ' || c === '\t') {
      finish()
      pos++
    } else if (c === '\\') {
      if (eol(pos + 1)) {
        // A continuation (or a lone backslash at the end): the next line is part of this one.
        finish()
        pos += 1 + (text[pos + 1] === '\r' && text[pos + 2] === '\n' ? 2 : pos + 1 < n ? 1 : 0)
      } else {
        open().text += text[pos + 1]
        pos += 2
      }
    } else if (c === "'") {
      const w = open()
      let i = pos + 1
      while (!eol(i) && text[i] !== "'") i++
      const inner = text.slice(pos + 1, i)
      w.text += inner
      // IPython expands `{expr}` before the shell runs, quotes or not.
      if (/\{/.test(inner.replace(/\{\{/g, ''))) w.dynamic = true
      pos = text[i] === "'" ? i + 1 : i
    } else if (c === '"') {
      const w = open()
      let i = pos + 1
      while (!eol(i) && text[i] !== '"') {
        if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '\n')) {
          w.text += text[i + 1]
          i += 2
          continue
        }
        if (text[i] === '{' && text[i + 1] === '{') {
          w.text += '{{'
          i += 2
          continue
        }
        if (isDynamic(text[i]!)) w.dynamic = true
        w.text += text[i]
        i++
      }
      pos = text[i] === '"' ? i + 1 : i
    } else if (c === '#' && !word) {
      // A comment runs to the end of the logical line, continuations included.
      while (!eol(pos)) pos += text[pos] === '\\' && text[pos + 1] === '\r' && text[pos + 2] === '\n' ? 3 : text[pos] === '\\' && (text[pos + 1] === '\n' || text[pos + 1] === '\r') ? 2 : 1
    } else if (c === '>' || c === '<' || (c === '&' && text[pos + 1] === '>')) {
      // `2>` and `2>&1`: a number glued to the operator is a file descriptor, not a word.
      const before = word as ShellWord | null
      const fd = before !== null && /^\d+$/.test(before.text) && !before.dynamic
      const glued = before && !fd ? before : null
      if (fd) word = null
      else finish()
      const op = REDIRECT.exec(text.slice(pos, pos + 3))![0]
      pos += op.length
      redirect = { op, glued }
      // `>&1`, `>&-`: the descriptor is the target.
      const dup = /^(\d+|-)/.exec(op.endsWith('&') ? text.slice(pos, pos + 8) : '')
      if (dup) {
        if (glued) glued.cut = `${op}${dup[1]}`
        redirect = null
        pos += dup[1]!.length
      }
    } else if (c === ';' || c === '|' || c === '&') {
      finish()
      pos += text[pos + 1] === c || (c === '|' && text[pos + 1] === '&') ? 2 : 1
      if (commands[commands.length - 1]!.length) commands.push([])
    } else {
      const w = open()
      let j = pos + 1
      while (j < n && !SPECIAL.test(text[j]!)) j++
      const chunk = text.slice(pos, j)
      if (isDynamic(chunk)) w.dynamic = true
      w.text += chunk
      pos = j
    }
  }
  finish()
  return { commands: commands.filter((c) => c.length > 0), end: pos }
}
