import type { InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { resolveInclude, type IncludeReader } from '../include-reader.js'
import { unparseableManifest, unresolved } from '../issues.js'
import { addPep508 } from '../python-deps.js'
import { splitLines } from '../text.js'
import { parseRequirementsText } from './requirements.js'

const KIND = 'setup.cfg'
const KEYS: Record<string, string | undefined> = { install_requires: undefined, setup_requires: 'build', tests_require: 'test' }

interface Value {
  section: string
  key: string
  /** Each item with its 1-based line. */
  items: { text: string; line: number }[]
}

/**
 * setup.cfg, read as setuptools reads it (configparser: `key = value`, indented
 * continuation lines; a one-line value is `;`-separated). `file:` values name
 * requirements files, followed inside the tree.
 */
export async function parseSetupCfg(text: string, opts: { path: string; reader?: IncludeReader }): Promise<InspectResult> {
  const inv = new Inventory('pep508')
  const values = readIni(text, inv)
  for (const v of values) {
    const group = v.section === 'options' ? (v.key in KEYS ? KEYS[v.key] : null) : v.section === 'options.extras_require' ? `optional:${v.key}` : null
    if (group === null) continue
    const first = v.items[0]
    if (first && /^file:/.test(first.text)) {
      await includeFiles(first.text.slice(5), first.line, opts, inv, group)
      continue
    }
    for (const item of v.items) addPep508(inv, item.text, item.line, KIND, group)
  }
  return inv.result()
}

async function includeFiles(list: string, line: number, opts: { path: string; reader?: IncludeReader }, inv: Inventory, group: string | undefined): Promise<void> {
  for (const target of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const resolved = resolveInclude(opts.path, target)
    if ('refused' in resolved) {
      inv.issue(unresolved(`\`file: ${target}\` is not followed: ${resolved.refused}.`, 'Keep requirement files inside the repository.', line))
      continue
    }
    inv.facts.includes = [inv.facts.includes, resolved.path].filter(Boolean).join(',')
    const bytes = opts.reader ? await opts.reader.read(resolved.path) : null
    if (!bytes) continue
    const sub = await parseRequirementsText(bytes.toString('utf8'), { path: resolved.path, reader: opts.reader, ...(group ? { group } : {}) })
    // Reported at the `file:` line; the requirements file gets its own findings when scanned.
    for (const d of sub.dependencies ?? []) inv.add({ ...d, line, declaredIn: { path: resolved.path, line: d.line } }, { quiet: true })
  }
}

function readIni(text: string, inv: Inventory): Value[] {
  const out: Value[] = []
  let section = ''
  let current: Value | null = null
  splitLines(text).forEach((raw, i) => {
    const line = i + 1
    if (/^\s*([#;].*)?$/.test(raw)) return
    const header = /^\[([^\]]+)\]\s*$/.exec(raw)
    if (header) {
      section = header[1]!.trim()
      current = null
      return
    }
    if (/^\s/.test(raw)) {
      if (!current) {
        inv.issue(unparseableManifest(KIND, 'an indented line that continues no key', line))
        return
      }
      const item = stripComment(raw)
      if (item) current.items.push({ text: item, line })
      return
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw)
    if (!kv) {
      inv.issue(unparseableManifest(KIND, `"${raw.trim().slice(0, 80)}" is neither a section, a key nor a continuation line`, line))
      current = null
      return
    }
    current = { section, key: kv[1]!.trim(), items: [] }
    const first = stripComment(kv[2]!)
    // A one-line list is `;`-separated; a marker needs the dangling form.
    if (first) for (const part of /^file:/.test(first) ? [first] : first.split(';')) if (part.trim()) current.items.push({ text: part.trim(), line })
    out.push(current)
  })
  return out
}

function stripComment(s: string): string {
  return s.replace(/(^|\s)#.*$/, '').trim()
}
