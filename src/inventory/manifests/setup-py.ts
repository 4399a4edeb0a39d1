import type { InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { unresolved } from '../issues.js'
import { addPep508 } from '../python-deps.js'
import { LineIndex } from '../text.js'
import { findCalls, matchBrackets, splitRanges, valueOf } from '../code/calls.js'
import { tokenizePython } from '../code/python-tokens.js'
import type { Token } from '../code/tokens.js'

const KIND = 'setup.py'
const LISTS: Record<string, string | undefined> = { install_requires: undefined, setup_requires: 'build', tests_require: 'test' }

/**
 * setup.py is never run. The literal lists passed to `setup(...)` are read from
 * tokens (`install_requires=[...]`, `extras_require={...: [...]}`); anything
 * computed is a note that those dependencies are not in the inventory.
 */
export function parseSetupPy(text: string): InspectResult {
  const inv = new Inventory('pep508')
  const { tokens } = tokenizePython(text)
  const match = matchBrackets(tokens)
  const lines = new LineIndex(text)
  const calls = findCalls(tokens, (n) => n === 'setup', true)
  for (const call of calls) {
    for (const arg of call.args) {
      if (!arg.keyword || !(arg.keyword in LISTS || arg.keyword === 'extras_require')) continue
      const [from, to] = arg.range
      const line = lines.lineOf(arg.at)
      if (arg.keyword === 'extras_require') {
        if (!readDict(tokens, match, from, to, lines, inv)) computed(inv, arg.keyword, line)
        continue
      }
      if (!readList(tokens, match, from, to, lines, inv, LISTS[arg.keyword])) computed(inv, arg.keyword, line)
    }
  }
  return inv.result()
}

function computed(inv: Inventory, key: string, line: number): void {
  inv.issue(
    unresolved(
      `\`${key}\` in setup.py is computed, and ModelGate never runs setup.py, so these dependencies are not in the inventory.`,
      'Declare dependencies statically (a literal list here, or [project] dependencies in pyproject.toml) so they can be reviewed.',
      line
    )
  )
}

/** `[ "a", "b" ]` or `( ... )` of string literals; false when anything else is in it. */
function readList(tokens: Token[], match: Int32Array, from: number, to: number, lines: LineIndex, inv: Inventory, group: string | undefined): boolean {
  const open = tokens[from]
  if (!open || (open.text !== '[' && open.text !== '(') || match[from] !== to - 1) return false
  const items = splitRanges(tokens, match, from + 1, to - 1).map(([a, b]) => ({ value: valueOf(tokens, match, a, b, true), at: tokens[a]!.offset }))
  if (items.some((i) => i.value.kind !== 'string' || i.value.dynamic)) return false
  for (const item of items) if (item.value.kind === 'string') addPep508(inv, item.value.value, lines.lineOf(item.at), KIND, group)
  return true
}

function readDict(tokens: Token[], match: Int32Array, from: number, to: number, lines: LineIndex, inv: Inventory): boolean {
  if (tokens[from]?.text !== '{' || match[from] !== to - 1) return false
  for (const [a, b] of splitRanges(tokens, match, from + 1, to - 1)) {
    const key = tokens[a]
    if (key?.kind !== 'string' || tokens[a + 1]?.text !== ':') return false
    if (!readList(tokens, match, a + 2, b, lines, inv, `optional:${key.value ?? ''}`)) return false
  }
  return true
}
