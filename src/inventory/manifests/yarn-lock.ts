import { parseSyml } from '@yarnpkg/parsers'
import type { InspectResult } from '../../inspect/types.js'
import { clip } from '../../util/clip.js'
import { Inventory } from '../collect.js'
import { isRecord } from '../parse-errors.js'
import { splitLines } from '../text.js'
import { LOCAL_PROTOCOL, lockedNpmDependency, splitDescriptor } from './npm-locked.js'
import { malformedLock, symlSyntaxIssue, type SymlLock } from './syml-errors.js'

const YARN_LOCK: SymlLock = { kind: 'yarn.lock', tool: 'yarn', notAMapping: (shape) => `it is not a list of package entries (it reads as ${shape})` }
const LEGACY_HEADER = /^(#.*(\r?\n))*?#\s+yarn\s+lockfile\s+v1\r?\n/i
/** An entry's first line: its descriptors at column 0, up to the colon that ends the key. */
const ENTRY = /^([^\s#].*?):(?:[ \t]|$)/

/**
 * yarn.lock, classic (v1) and berry (v2+, YAML), read with yarn's own parser.
 * Each entry is one resolved package at its exact version, on the line of its
 * descriptors. Workspace, `file:`, `link:` and `portal:` entries are the
 * repository's own code; berry's `patch:` entries repeat the package they patch.
 */
export function parseYarnLock(text: string): InspectResult {
  const inv = new Inventory('npm')
  // yarn's parser takes v1 syntax only after its header comment; a v1 file without it is still v1.
  const headerless = !LEGACY_HEADER.test(text) && !/^__metadata:/m.test(text) && /^[ \t]+version "/m.test(text)
  let doc: Record<string, unknown>
  try {
    doc = parseSyml(headerless ? `# yarn lockfile v1\n${text}` : text)
  } catch (err) {
    inv.issue(symlSyntaxIssue(YARN_LOCK, err, headerless ? 0 : 1))
    return inv.result()
  }
  const lines = entryLines(text)
  const seen = new Set<unknown>()
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue
    const first = key.split(',')[0]!.trim()
    const line = lines.get(first) ?? null
    // v1 lists an entry once per descriptor, as the same object.
    if (isRecord(value)) {
      if (seen.has(value)) continue
      seen.add(value)
    }
    if (!isRecord(value) || typeof value.version !== 'string') {
      inv.issue(malformedLock(YARN_LOCK, isRecord(value) ? `the entry "${clip(key, 80, '...')}" has no version` : `"${clip(key, 80, '...')}" is not a package entry (a block with version and resolution)`, line))
      continue
    }
    const name = packageName(first, value)
    if (name) inv.add(lockedNpmDependency(name, value.version, line), { quiet: true })
  }
  return inv.result()
}

/** The package an entry installs: berry's `resolution`, or the v1 descriptor (an `npm:` alias names the real package). */
function packageName(descriptor: string, entry: Record<string, unknown>): string | null {
  const resolution = typeof entry.resolution === 'string' ? splitDescriptor(entry.resolution) : null
  if (resolution) {
    const [name, ref] = resolution
    return LOCAL_PROTOCOL.test(ref) || ref.startsWith('patch:') ? null : name
  }
  const split = splitDescriptor(descriptor)
  if (!split) return null
  const [name, range] = split
  if (LOCAL_PROTOCOL.test(range)) return null
  if (range.startsWith('npm:')) return splitDescriptor(range.slice(4))?.[0] ?? name
  return name
}

/** Descriptor → line of the entry that lists it. */
function entryLines(text: string): Map<string, number> {
  const out = new Map<string, number>()
  splitLines(text).forEach((raw, i) => {
    const m = ENTRY.exec(raw)
    if (!m) return
    for (const d of m[1]!.split(',')) {
      const descriptor = d.trim().replace(/^"|"$/g, '')
      if (descriptor && !out.has(descriptor)) out.set(descriptor, i + 1)
    }
  })
  return out
}
