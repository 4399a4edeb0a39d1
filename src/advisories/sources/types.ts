import type { Advisory } from '../model.js'
import type { AdvisoryEcosystem } from '../versions.js'

/** What a database is asked about one package: every advisory (version null) or those that may affect one version. */
export interface PackageQuery {
  ecosystem: AdvisoryEcosystem
  /** Normalised name. */
  name: string
  /** Comparable version (public PEP 440 part, clean semver), or null for all of the package's advisories. */
  version: string | null
}

export type QueryAnswer =
  /** `advisories` may hold records for other versions: the caller matches versions itself. */
  | { ok: true; advisories: Advisory[] }
  /** The source failed for this query; `advisories` holds what it could still read (local records with a broken file). */
  | { ok: false; reason: string; advisories?: Advisory[] }

/** One advisory database. `query` answers every query, in order, and never throws. */
export interface AdvisorySource {
  /** For messages: "the OSV API at https://api.osv.dev". */
  label: string
  query(queries: PackageQuery[]): Promise<QueryAnswer[]>
}

export const queryKey = (q: PackageQuery): string => `${q.ecosystem}\u0000${q.name}\u0000${q.version ?? '*'}`
