import { byCodeUnit } from '../../util/compare.js'
import { fragment } from './ids.js'

export type Json = Record<string, unknown>

/** The one CreationInfo every element shares (a blank node, as the SPDX examples write it). */
export const CREATION_INFO = '_:creationinfo'

/** The relationship types this mapping writes (a subset of SPDX 3.0.1's RelationshipType). */
export type RelationshipType = 'contains' | 'dependsOn' | 'trainedOn' | 'ancestorOf' | 'hasInput' | 'hasOutput' | 'hasDeclaredLicense' | 'hasConcludedLicense'

/** Fields that hold element keys; they become IRIs when the document is finished. */
const REFERENCES = ['spdxId', 'from', 'to', 'subject', 'rootElement', 'element', 'suppliedBy', 'createdBy', 'createdUsing'] as const

interface Relation {
  from: string
  type: RelationshipType
  to: Set<string>
  completeness?: 'complete' | 'incomplete'
}

/**
 * Elements under local keys while the document is built; `finish` turns the keys
 * into IRIs. One relationship per (from, type), its `to` list merged and sorted, so
 * the output does not depend on the order facts were found in.
 */
export class Graph {
  private readonly elements = new Map<string, Json>()
  private readonly relations = new Map<string, Relation>()

  /** Adds an element; a key seen again is the same thing seen again (the first description stays). */
  add(key: string, type: string, name: string | null, fields: Json = {}): void {
    if (this.elements.has(key)) return
    this.elements.set(key, { type, spdxId: key, creationInfo: CREATION_INFO, ...(name !== null ? { name } : {}), ...fields })
  }

  relate(from: string, type: RelationshipType, to: readonly string[], completeness?: Relation['completeness']): void {
    if (to.length === 0) return
    const key = `rel:${type}:${from}`
    const r = this.relations.get(key) ?? { from, type, to: new Set<string>(), ...(completeness ? { completeness } : {}) }
    for (const t of to) r.to.add(t)
    this.relations.set(key, r)
  }

  /** Every element key (relationships included), sorted. */
  keys(): string[] {
    return [...this.elements.keys(), ...this.relations.keys()].sort(byCodeUnit)
  }

  /** The elements, sorted by key, with every reference resolved through `iri`. */
  finish(iri: (key: string) => string): Json[] {
    const all = new Map(this.elements)
    for (const [key, r] of this.relations) {
      all.set(key, {
        type: 'Relationship',
        spdxId: key,
        creationInfo: CREATION_INFO,
        from: r.from,
        relationshipType: r.type,
        to: [...r.to].sort(byCodeUnit),
        ...(r.completeness ? { completeness: r.completeness } : {})
      })
    }
    const dangling = [...all.values()].flatMap((e) => referencesOf(e)).filter((k) => !all.has(k))
    if (dangling.length > 0) throw new Error(`SPDX 3 mapping bug: references to missing elements: ${[...new Set(dangling)].join(', ')}`)
    return [...all.keys()].sort(byCodeUnit).map((key) => {
      const e = { ...all.get(key)! }
      for (const field of REFERENCES) {
        const v = e[field]
        if (typeof v === 'string') e[field] = iri(v)
        else if (Array.isArray(v)) e[field] = (v as string[]).map(iri)
      }
      return e
    })
  }
}

function referencesOf(e: Json): string[] {
  return REFERENCES.filter((f) => f !== 'spdxId').flatMap((f) => {
    const v = e[f]
    return typeof v === 'string' ? [v] : Array.isArray(v) ? (v as string[]) : []
  })
}

/** `<namespace>#<key>`. */
export const iriIn = (namespace: string) => (key: string) => `${namespace}#${fragment(key)}`
