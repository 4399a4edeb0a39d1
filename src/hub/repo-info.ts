import { isRecord } from '../inventory/parse-errors.js'
import type { HubKind } from '../types.js'

/**
 * The Hub API's repository information (`GET /api/{models|datasets|spaces}/{id}/revision/{rev}?blobs=true`)
 * read into what ModelGate needs. The answer is hostile input like any other: every
 * field is checked, odd file names are dropped, and a missing commit makes the whole
 * answer unusable rather than partly trusted.
 */

export interface RepoFile {
  /** `rfilename`: path inside the repository. */
  path: string
  /** Bytes (`size`, or `lfs.size`), when listed. */
  size: number | null
  /** Git LFS oid (`lfs.sha256`): the SHA-256 of the content; null for files kept in plain Git. */
  sha256: string | null
}

export interface RepoInfo {
  /** The id the Hub answers with (a renamed repository answers with its new id). */
  id: string
  /** `sha`: the commit the revision resolved to. */
  commit: string
  /** `gated`: "auto" / "manual" mean the files need an account that accepted the conditions. */
  gated: boolean
  /** `cardData.license`, else a `license:` tag, else null. */
  license: string | null
  /** `cardData.license_name` / `license_link` when the license is `other`: a custom license is known by its name. */
  licenseName?: string
  licenseLink?: string
  files: RepoFile[]
}

const COMMIT = /^[0-9a-f]{40}$/
const SHA256 = /^[0-9a-f]{64}$/
/** More files than any real repository lists in one answer: the rest is not read. */
export const MAX_LISTED_FILES = 100_000

export function apiPath(kind: HubKind): string {
  return `/api/${kind}s`
}

export function parseRepoInfo(data: unknown): RepoInfo | { invalid: string } {
  if (!isRecord(data)) return { invalid: 'the answer is not a JSON object' }
  const sha = data.sha
  if (typeof sha !== 'string' || !COMMIT.test(sha)) return { invalid: 'the answer names no commit (`sha` is missing or not 40 hex digits)' }
  if (!Array.isArray(data.siblings)) return { invalid: 'the answer lists no files (`siblings` is missing)' }
  const files: RepoFile[] = []
  const seen = new Set<string>()
  for (const s of data.siblings.slice(0, MAX_LISTED_FILES)) {
    if (!isRecord(s) || typeof s.rfilename !== 'string' || !safePath(s.rfilename) || seen.has(s.rfilename)) continue
    seen.add(s.rfilename)
    const lfs = isRecord(s.lfs) ? s.lfs : null
    const oid = lfs && typeof lfs.sha256 === 'string' && SHA256.test(lfs.sha256) ? lfs.sha256 : null
    files.push({ path: s.rfilename, size: count(lfs?.size) ?? count(s.size), sha256: oid })
  }
  return {
    id: typeof data.id === 'string' && data.id ? data.id : '',
    commit: sha,
    gated: data.gated === 'auto' || data.gated === 'manual' || data.gated === true,
    ...licenseOf(data),
    files
  }
}

/** Paths the Hub can hold: relative, no empty, `.` or `..` segments, no control characters. */
function safePath(p: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (p.length === 0 || p.length > 1000 || p.startsWith('/') || p.includes('\\') || /[\u0000-\u001f\u007f]/.test(p)) return false
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..')
}

function licenseOf(data: Record<string, unknown>): Pick<RepoInfo, 'license' | 'licenseName' | 'licenseLink'> {
  const card = isRecord(data.cardData) ? data.cardData : null
  const raw = card?.license
  const declared = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : []
  if (declared.length === 1 && declared[0]!.trim().toLowerCase() === 'other') {
    const name = typeof card?.license_name === 'string' ? card.license_name.trim() : ''
    const link = typeof card?.license_link === 'string' ? card.license_link.trim() : ''
    return { license: 'other', ...(name ? { licenseName: name } : {}), ...(link ? { licenseLink: link } : {}) }
  }
  // Several ids stay a list (joined with `, `), which the license check reports as unreadable rather than guessing.
  if (declared.length > 0) return { license: declared.map((s) => s.trim()).filter(Boolean).join(', ') || null }
  // Without card metadata the Hub still tags the repository with its license.
  const tag = Array.isArray(data.tags) ? data.tags.find((t): t is string => typeof t === 'string' && t.startsWith('license:')) : undefined
  return { license: tag ? tag.slice('license:'.length) || null : null }
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null
}

