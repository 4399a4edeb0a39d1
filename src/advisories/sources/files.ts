import { promises as fs } from 'node:fs'
import path from 'node:path'
import { fromOsv, type Advisory } from '../model.js'
import { mapPool } from '../../util/map-pool.js'
import { clipLine } from '../../util/clip.js'
import type { AdvisorySource, PackageQuery, QueryAnswer } from './types.js'

/** One record file of an OSV export is a few kB; refuse anything absurd rather than read it whole. */
const MAX_FILE = 64 * 1024 * 1024
const MAX_FILES = 500_000

export interface LoadedRecords {
  advisories: Advisory[]
  /** Files or entries that could not be read: a record set with holes is reported, never trusted silently. */
  problems: string[]
}

/**
 * Local OSV records: a JSON file holding one record, an array of records, or an OSV API answer
 * (`{ "vulns": [...] }`); or a folder of such files, searched recursively, as OSV's bulk exports
 * unpack (`PyPI/GHSA-….json`). Symbolic links are not followed.
 */
export async function loadOsvRecords(paths: readonly string[]): Promise<LoadedRecords> {
  const problems: string[] = []
  const files: string[] = []
  for (const p of paths) {
    try {
      const st = await fs.lstat(p)
      if (st.isDirectory()) await walk(p, files)
      else if (st.isFile()) files.push(p)
      else problems.push(`${p} is not a file or folder`)
    } catch (err) {
      problems.push(`${p} cannot be read (${clipLine((err as Error).message, 120)})`)
    }
    if (files.length > MAX_FILES) {
      problems.push(`more than ${MAX_FILES} record files under ${p}`)
      break
    }
  }
  const read = await mapPool(files, 16, async (file): Promise<{ records: unknown[] } | { problem: string }> => {
    try {
      const st = await fs.stat(file)
      if (st.size > MAX_FILE) return { problem: `${file} is larger than ${MAX_FILE / 1024 / 1024} MiB` }
      const data = JSON.parse(await fs.readFile(file, 'utf8')) as unknown
      const records = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as { vulns?: unknown }).vulns) ? (data as { vulns: unknown[] }).vulns : [data]
      return { records }
    } catch (err) {
      return { problem: `${file} is not a JSON OSV record (${clipLine((err as Error).message, 120)})` }
    }
  })
  const byId = new Map<string, Advisory>()
  read.forEach((r, i) => {
    if ('problem' in r) return problems.push(r.problem)
    r.records.forEach((rec, j) => {
      const a = fromOsv(rec)
      if (!a) return problems.push(`${files[i]}${r.records.length > 1 ? ` (entry ${j + 1})` : ''} has no OSV id`)
      const prev = byId.get(a.id)
      if (!prev || (a.modified ?? '') > (prev.modified ?? '')) byId.set(a.id, a)
    })
  })
  return { advisories: [...byId.values()], problems }
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of entries) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) await walk(full, out)
    else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(full)
    if (out.length > MAX_FILES) return
  }
}

/** Local records as a source: every record naming the package (versions are matched by the caller). */
export class FileAdvisories implements AdvisorySource {
  readonly label: string
  private loaded: Promise<LoadedRecords> | null = null

  constructor(private readonly paths: readonly string[]) {
    this.label = `the local advisory records (${paths.length === 1 ? paths[0] : `${paths.length} paths`})`
  }

  load(): Promise<LoadedRecords> {
    this.loaded ??= loadOsvRecords(this.paths)
    return this.loaded
  }

  async query(queries: PackageQuery[]): Promise<QueryAnswer[]> {
    if (this.paths.length === 0) return queries.map(() => ({ ok: false, reason: 'no local advisory records were given (advisories.path or --advisories)' }))
    const { advisories, problems } = await this.load()
    const index = new Map<string, Advisory[]>()
    for (const a of advisories) {
      for (const p of a.affected) {
        const k = `${p.ecosystem}\u0000${p.name}`
        const list = index.get(k) ?? []
        if (!list.includes(a)) list.push(a)
        index.set(k, list)
      }
    }
    const reason = problems.length ? `${this.label} could not all be read: ${clipLine(problems.slice(0, 3).join('; '), 300)}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}` : null
    return queries.map((q): QueryAnswer => {
      const found = index.get(`${q.ecosystem}\u0000${q.name}`) ?? []
      return reason ? { ok: false, reason, advisories: found } : { ok: true, advisories: found }
    })
  }
}
