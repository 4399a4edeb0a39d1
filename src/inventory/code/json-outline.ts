/**
 * JSON with positions, for files whose findings must land on the right line
 * (notebooks). One iterative pass validates the whole text as JSON.parse would
 * (any nesting depth, no recursion) and says where it is wrong; nodes are built
 * only under the paths the caller keeps, everything else is checked and skipped
 * without allocating (a notebook's outputs can be most of its 32 MB).
 */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null'
export type JsonPath = readonly (string | number)[]

export interface JsonNode {
  kind: JsonKind
  /** Offset of the value's first character. */
  start: number
  /** Strings under a kept path: the decoded value. */
  value?: string
  /** Kept objects: members in file order (duplicates included; `member` takes the last, like JSON.parse). */
  entries?: { key: string; node: JsonNode }[]
  /** Kept arrays. */
  items?: JsonNode[]
}

export type Outline = { ok: true; root: JsonNode } | { ok: false; offset: number; error: string }

/** The member JSON.parse would keep (the last of duplicate keys). */
export function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  const entries = node?.entries
  if (!entries) return undefined
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.key === key) return entries[i]!.node
  return undefined
}

/** How a value reads in a message: `a number`, `a list`, ... */
export function describeKind(kind: JsonKind): string {
  return { object: 'an object', array: 'a list', string: 'a string', number: 'a number', boolean: 'a boolean', null: 'null' }[kind]
}

class Fail {
  constructor(
    readonly offset: number,
    readonly error: string
  ) {}
}

interface Frame {
  kind: 'object' | 'array'
  /** Null while skipping. */
  node: JsonNode | null
  path: JsonPath | null
  /** `object`: the key just read; `array`: the next index. */
  key: string
  index: number
}

const MAX_KEPT_DEPTH = 32
const WS = /[ \t\n\r]*/y
// JSON forbids raw control characters in strings, so the run must stop at them.
// eslint-disable-next-line no-control-regex
const STRING_RUN = /[^"\\\u0000-\u001f]*/y
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const HEX4 = /[0-9a-fA-F]{4}/y

export function outlineJson(text: string, keep: (path: JsonPath) => boolean): Outline {
  try {
    return { ok: true, root: parse(text, keep) }
  } catch (err) {
    if (err instanceof Fail) return { ok: false, offset: err.offset, error: err.error }
    throw err
  }
}

function parse(text: string, keep: (path: JsonPath) => boolean): JsonNode {
  const n = text.length
  const stack: Frame[] = []
  let pos = 0
  const out: { root: JsonNode | null } = { root: null }

  const ws = () => {
    WS.lastIndex = pos
    WS.exec(text)
    pos = WS.lastIndex
  }
  const unexpected = (what: string): never => {
    if (pos >= n) throw new Fail(n, `the file ends inside the JSON, where ${what} should follow (truncated?)`)
    throw new Fail(pos, `${what} expected, found ${JSON.stringify(text[pos])}`)
  }
  /** Scans a string from its opening quote; returns the offset after the closing one. */
  const skipString = (): number => {
    const open = pos
    let i = pos + 1
    for (;;) {
      STRING_RUN.lastIndex = i
      STRING_RUN.exec(text)
      i = STRING_RUN.lastIndex
      const c = text[i]
      if (c === '"') return i + 1
      if (c === '\\') {
        const e = text[i + 1]
        if (e === 'u') {
          HEX4.lastIndex = i + 2
          if (!HEX4.test(text)) throw new Fail(i, 'a \\u escape without four hex digits')
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2
        } else if (e === undefined) {
          throw new Fail(open, 'a string that is never closed (truncated?)')
        } else {
          throw new Fail(i, `an invalid escape ${JSON.stringify(`\\${e ?? ''}`)} in a string`)
        }
        continue
      }
      if (i >= n) throw new Fail(open, 'a string that is never closed (truncated?)')
      throw new Fail(i, `a raw control character (U+${text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}) inside a string`)
    }
  }

  /** Reads one value; containers push a frame and return null (their node is attached when they open). */
  const value = (path: JsonPath | null): JsonNode | null => {
    const start = pos
    const c = text[pos]
    if (c === '{' || c === '[') {
      const kind = c === '{' ? 'object' : 'array'
      const kept = path !== null && keep(path)
      const node: JsonNode | null = kept ? (kind === 'object' ? { kind, start, entries: [] } : { kind, start, items: [] }) : null
      pos++
      stack.push({ kind, node, path: kept ? path : null, key: '', index: 0 })
      return node ?? { kind, start }
    }
    if (c === '"') {
      pos = skipString()
      return path !== null && keep(path) ? { kind: 'string', start, value: JSON.parse(text.slice(start, pos)) as string } : { kind: 'string', start }
    }
    if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null'
      if (!text.startsWith(word, pos)) unexpected('a value')
      pos += word.length
      return { kind: word === 'null' ? 'null' : 'boolean', start }
    }
    NUMBER.lastIndex = pos
    if (NUMBER.test(text)) {
      pos = NUMBER.lastIndex
      return { kind: 'number', start }
    }
    return unexpected('a value')
  }

  /** Attaches a finished value to the open container (when that one is kept). */
  const attach = (node: JsonNode, container: boolean) => {
    const top = stack[container ? stack.length - 2 : stack.length - 1]
    if (!top) {
      out.root ??= node
      return
    }
    if (top.node?.entries) top.node.entries.push({ key: top.key, node })
    else if (top.node?.items) top.node.items.push(node)
  }
  // Kept paths are short by design; a cap keeps a hostile keep() from making path copies quadratic.
  const childPath = (top: Frame): JsonPath | null => (top.path === null || top.path.length >= MAX_KEPT_DEPTH ? null : [...top.path, top.kind === 'object' ? top.key : top.index])

  // Expecting: 'value' (a value), 'after' (',' or a closer), 'key' (a member name), or the first member/item.
  let expect: 'value' | 'after' | 'key' | 'first' = 'value'
  for (;;) {
    ws()
    const top = stack[stack.length - 1]
    if (!top && expect === 'after') {
      if (pos < n) throw new Fail(pos, `text after the end of the JSON value, starting with ${JSON.stringify(text[pos])}`)
      return out.root!
    }
    if (expect === 'first' && top && text[pos] === (top.kind === 'object' ? '}' : ']')) {
      pos++
      stack.pop()
      expect = 'after'
      continue
    }
    if (expect === 'key' || (expect === 'first' && top?.kind === 'object')) {
      if (text[pos] !== '"') unexpected('a member name in double quotes')
      const start = pos
      pos = skipString()
      top!.key = JSON.parse(text.slice(start, pos)) as string
      ws()
      if (text[pos] !== ':') unexpected(`":" after the member name ${JSON.stringify(top!.key.slice(0, 40))}`)
      pos++
      ws()
      expect = 'value'
    }
    if (expect === 'value' || expect === 'first') {
      const path = top ? childPath(top) : []
      const depth = stack.length
      const node = value(path)
      if (!node) continue
      attach(node, stack.length > depth)
      if (top?.kind === 'array' && stack.length === depth) top.index++
      if (stack.length > depth) {
        if (top?.kind === 'array') top.index++
        expect = 'first'
        continue
      }
      expect = 'after'
      continue
    }
    // 'after': a value just ended inside `top`.
    const close = top!.kind === 'object' ? '}' : ']'
    if (text[pos] === ',') {
      pos++
      expect = top!.kind === 'object' ? 'key' : 'value'
    } else if (text[pos] === close) {
      pos++
      stack.pop()
    } else {
      unexpected(`"," or "${close}"`)
    }
  }
}
