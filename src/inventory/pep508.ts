/**
 * PEP 508 dependency specifiers: `name[extras] specifier ; marker` or
 * `name[extras] @ url ; marker`. Hand-written so that a hostile line cannot make
 * it throw or backtrack: one left-to-right pass, bounded marker nesting.
 */
export interface Requirement {
  name: string
  extras: string[]
  /** Version clauses as written, without surrounding parentheses; '' when none. */
  specifier: string
  url: string | null
  marker: string | null
}

export type RequirementResult = { ok: true; requirement: Requirement } | { ok: false; error: string; column: number }

const NAME = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/y
const OPERATOR = /===|==|!=|<=|>=|~=|<|>/y
const VERSION = /[A-Za-z0-9_.*+!-]+/y
const MAX_MARKER_DEPTH = 50

class Failure extends Error {
  constructor(
    message: string,
    readonly column: number
  ) {
    super(message)
  }
}

class Cursor {
  pos = 0
  constructor(readonly text: string) {}
  ws(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++
  }
  peek(): string {
    return this.text[this.pos] ?? ''
  }
  done(): boolean {
    return this.pos >= this.text.length
  }
  match(re: RegExp): string | null {
    re.lastIndex = this.pos
    const m = re.exec(this.text)
    if (!m) return null
    this.pos += m[0].length
    return m[0]
  }
  fail(message: string): never {
    throw new Failure(message, this.pos + 1)
  }
}

export function parseRequirement(text: string): RequirementResult {
  const c: Cursor = new Cursor(text)
  try {
    c.ws()
    const name = c.match(NAME)
    if (!name) c.fail('expected a package name')
    c.ws()
    const extras = c.peek() === '[' ? readExtras(c) : []
    c.ws()
    let url: string | null = null
    let specifier = ''
    if (c.peek() === '@') {
      c.pos++
      c.ws()
      const start = c.pos
      while (!c.done() && !/\s/.test(c.peek())) c.pos++
      url = text.slice(start, c.pos)
      if (!url) c.fail('expected a URL after "@"')
      // A ';' glued to the URL is part of it; a marker needs whitespace before it.
    } else {
      specifier = readSpecifier(c)
    }
    c.ws()
    let marker: string | null = null
    if (c.peek() === ';') {
      c.pos++
      c.ws()
      const start = c.pos
      readMarker(c)
      marker = text.slice(start).trim()
      c.ws()
    }
    if (!c.done()) c.fail(`unexpected "${c.peek()}"`)
    return { ok: true, requirement: { name, extras, specifier, url, marker } }
  } catch (err) {
    if (err instanceof Failure) return { ok: false, error: err.message, column: err.column }
    throw err
  }
}

function readExtras(c: Cursor): string[] {
  c.pos++
  const extras: string[] = []
  c.ws()
  if (c.peek() === ']') {
    c.pos++
    return extras
  }
  for (;;) {
    c.ws()
    const extra = c.match(NAME)
    if (!extra) c.fail('expected an extra name')
    extras.push(extra)
    c.ws()
    if (c.peek() === ',') {
      c.pos++
      continue
    }
    if (c.peek() === ']') {
      c.pos++
      return extras
    }
    c.fail('expected "," or "]" in extras')
  }
}

function readSpecifier(c: Cursor): string {
  const paren = c.peek() === '('
  if (paren) c.pos++
  c.ws()
  const start = c.pos
  let end = c.pos
  if (c.match(OPERATOR) !== null || !paren) {
    if (c.pos === start) return paren ? c.fail('expected a version specifier') : ''
    for (;;) {
      c.ws()
      if (!c.match(VERSION)) c.fail('expected a version')
      end = c.pos
      c.ws()
      if (c.peek() !== ',') break
      c.pos++
      c.ws()
      if (!c.match(OPERATOR)) c.fail('expected a comparison operator (==, >=, ~=, ...)')
    }
  }
  if (paren) {
    c.ws()
    if (c.peek() !== ')') c.fail('expected ")"')
    c.pos++
  }
  return c.text.slice(start, end).trim()
}

const ENV_VARS = new Set([
  'python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system', 'platform_version',
  'platform_machine', 'platform_python_implementation', 'implementation_name', 'implementation_version', 'extra', 'extras', 'dependency_groups',
  // Legacy (PEP 345) spellings that pip still accepts.
  'os.name', 'sys.platform', 'platform.version', 'platform.machine', 'platform.python_implementation', 'python_implementation'
])
const MARKER_OP = /===|==|!=|<=|>=|~=|<|>|in\b|not[ \t]+in\b/y
const MARKER_NAME = /[A-Za-z_][A-Za-z0-9_.]*/y

function readMarker(c: Cursor, depth = 0): void {
  if (depth > MAX_MARKER_DEPTH) c.fail('markers nested too deeply')
  for (;;) {
    c.ws()
    if (c.peek() === '(') {
      c.pos++
      readMarker(c, depth + 1)
      c.ws()
      if (c.peek() !== ')') c.fail('expected ")" in marker')
      c.pos++
    } else {
      readMarkerValue(c)
      c.ws()
      if (!c.match(MARKER_OP)) c.fail('expected a marker operator (==, in, not in, ...)')
      c.ws()
      readMarkerValue(c)
    }
    c.ws()
    const save = c.pos
    const word = c.match(/(and|or)\b/y)
    if (!word) {
      c.pos = save
      return
    }
  }
}

function readMarkerValue(c: Cursor): void {
  const q = c.peek()
  if (q === '"' || q === "'") {
    const close = c.text.indexOf(q, c.pos + 1)
    if (close < 0) c.fail('unterminated string in marker')
    c.pos = close + 1
    return
  }
  const name = c.match(MARKER_NAME)
  if (!name) c.fail('expected a marker variable or a quoted string')
  if (!ENV_VARS.has(name)) {
    c.pos -= name.length
    c.fail(`unknown marker variable "${name}"`)
  }
}

/** The exact version a specifier pins (`==1.2.3`, `===1.2.3`), or null for a range or a wildcard. */
export function exactPep440(specifier: string): string | null {
  for (const clause of specifier.split(',')) {
    const m = /^\s*(===?)\s*([^\s*]+)\s*$/.exec(clause)
    if (m) return m[2]!
  }
  return null
}
