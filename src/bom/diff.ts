import { byCodeUnit } from '../util/compare.js'

/**
 * `modelgate bom diff OLD NEW`: what changed between two CycloneDX BOMs, by component
 * identity (purl, else bom-ref), for models, datasets and libraries. Pure: it takes
 * parsed JSON and returns the changes; the CLI renders them.
 */
type Json = Record<string, unknown>

export interface ComponentChange {
  kind: 'added' | 'removed' | 'changed'
  type: string
  id: string
  name: string
  /** For `changed`: what differs, e.g. `version 2.1.0 → 2.4.1`. */
  details: string[]
}

const TRACKED = new Set(['machine-learning-model', 'data', 'library', 'file'])

export function diffBoms(oldBom: unknown, newBom: unknown): ComponentChange[] {
  const before = index(oldBom)
  const after = index(newBom)
  const out: ComponentChange[] = []
  for (const [id, c] of after) {
    const old = before.get(id)
    if (!old) out.push({ kind: 'added', type: String(c.type), id, name: String(c.name), details: [] })
    else {
      const details = compare(old, c)
      if (details.length > 0) out.push({ kind: 'changed', type: String(c.type), id, name: String(c.name), details })
    }
  }
  for (const [id, c] of before) if (!after.has(id)) out.push({ kind: 'removed', type: String(c.type), id, name: String(c.name), details: [] })
  const rank = { removed: 0, changed: 1, added: 2 }
  return out.sort((a, b) => rank[a.kind] - rank[b.kind] || byCodeUnit(a.id, b.id))
}

/** Every tracked component, nested ones included, by a stable identity. */
function index(bom: unknown): Map<string, Json> {
  const out = new Map<string, Json>()
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return
    for (const c of list as Json[]) {
      if (c && typeof c === 'object' && TRACKED.has(String(c.type))) out.set(identity(c), c)
      walk(c?.components)
    }
  }
  walk((bom as Json | null)?.components)
  return out
}

/** Libraries by purl without version (a version bump is a change, not a swap); others by bom-ref. */
function identity(c: Json): string {
  if (typeof c.purl === 'string') return c.purl.replace(/@[^?#]*/, '')
  return String(c['bom-ref'] ?? `${String(c.type)}:${String(c.name)}`)
}

function compare(a: Json, b: Json): string[] {
  const d: string[] = []
  const field = (label: string, x: string | undefined, y: string | undefined) => {
    if (x !== y) d.push(`${label} ${x ?? '(none)'} → ${y ?? '(none)'}`)
  }
  field('version', str(a.version), str(b.version))
  field('sha256', sha(a), sha(b))
  field('license', licenses(a), licenses(b))
  field('signature', prop(a, 'modelgate:signature'), prop(b, 'modelgate:signature'))
  return d
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
function sha(c: Json): string | undefined {
  const hashes = c.hashes as { alg: string; content: string }[] | undefined
  return hashes?.find((h) => h.alg === 'SHA-256')?.content
}
function licenses(c: Json): string | undefined {
  const list = c.licenses as { license?: { id?: string; name?: string }; expression?: string }[] | undefined
  if (!list || list.length === 0) return undefined
  return list.map((l) => l.expression ?? l.license?.id ?? l.license?.name ?? '?').join(' AND ')
}
function prop(c: Json, name: string): string | undefined {
  return (c.properties as { name: string; value: string }[] | undefined)?.find((p) => p.name === name)?.value
}

export function renderBomDiff(changes: ComponentChange[]): string {
  if (changes.length === 0) return 'No model, dataset or library changes.\n'
  const sign = { added: '+', removed: '-', changed: '~' }
  return changes.map((c) => `${sign[c.kind]} ${c.type} ${c.name} (${c.id})${c.details.length ? `\n    ${c.details.join('\n    ')}` : ''}`).join('\n') + '\n'
}
