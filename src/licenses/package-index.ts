import type { Dependency } from '../types.js'
import { namesOnly, normalizeLicense } from './normalize.js'
import { clipLine } from '../util/clip.js'
import { classifierLicense, PYPI_CLASSIFIERS } from './pypi-classifiers.js'
import { matchLicenseText, pureCopyrightLine } from './text-match.js'
import type { NormalizedLicense } from './types.js'

export interface RegistryOptions {
  /** PyPI base URL (default https://pypi.org); the JSON API lives under `/pypi/`. */
  pypiUrl?: string
  /** npm registry base URL (default https://registry.npmjs.org). */
  npmUrl?: string
  /** No lookups: dependencies resolve as `unknown`, never as a failure. */
  offline?: boolean
  fetch?: typeof fetch
  /** Requests in flight at once (default 8). */
  concurrency?: number
  /** Per request (default 10 s), the body included. */
  timeoutMs?: number
  /** Largest answer read, in bytes (default 32 MiB); a larger one is "unknown", never read to the end. */
  maxBodyBytes?: number
}

export type IndexAnswer =
  /** The index answered; `license` null when it names none. */
  | { ok: true; url: string; declared: string | null; license: NormalizedLicense | null }
  /** Not asked (offline, not an index package) or no usable answer: the license is unknown, which is not evidence of anything. */
  | { ok: false; url: string | null; reason: string }

const MAX_BODY = 32 * 1024 * 1024

/**
 * License lookups in PyPI's JSON API (`GET /pypi/{name}/{version}/json`) and the
 * npm registry (`GET /{name}/{version}`), for dependencies the PR declares. One
 * answer per package version per run (cached), a bounded number of requests in
 * flight, and every failure turned into "unknown" rather than thrown: a registry
 * outage must not fail a pull request.
 */
export class PackageIndex {
  private readonly cache = new Map<string, Promise<IndexAnswer>>()
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly opts: RegistryOptions = { offline: true }) {}

  lookup(dep: Dependency): Promise<IndexAnswer> {
    if (dep.ecosystem !== 'pypi' && dep.ecosystem !== 'npm') return Promise.resolve({ ok: false, url: null, reason: `ModelGate does not look up ${dep.ecosystem} licenses` })
    // A URL, VCS or local path requirement is not the index's package.
    if (/[?&](vcs_url|download_url)=/.test(dep.purl) || (dep.specifier !== null && /:\/\/|^(\.|\/|file:)/.test(dep.specifier))) {
      return Promise.resolve({ ok: false, url: null, reason: 'the dependency is not installed from the package index' })
    }
    if (this.opts.offline) return Promise.resolve({ ok: false, url: null, reason: 'offline: the package index was not consulted' })
    const url = dep.ecosystem === 'pypi' ? pypiUrl(this.opts.pypiUrl, dep) : npmUrl(this.opts.npmUrl, dep)
    let answer = this.cache.get(url)
    if (!answer) {
      answer = this.limited(() => this.fetchLicense(url, dep.ecosystem as 'pypi' | 'npm'))
      this.cache.set(url, answer)
    }
    return answer
  }

  private async fetchLicense(url: string, ecosystem: 'pypi' | 'npm'): Promise<IndexAnswer> {
    try {
      const f = this.opts.fetch ?? fetch
      const res = await f(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000), redirect: 'follow' })
      if (!res.ok) return { ok: false, url, reason: `the package index answered HTTP ${res.status}` }
      const max = this.opts.maxBodyBytes ?? MAX_BODY
      const tooLarge = { ok: false as const, url, reason: `the package index answer is larger than ${sizeText(max)}, so it was not read` }
      const length = Number(res.headers.get('content-length') ?? 0)
      if (length > max) {
        await res.body?.cancel().catch(() => {})
        return tooLarge
      }
      const body = await readCapped(res, max)
      if (body === null) return tooLarge
      const data = JSON.parse(body) as unknown
      if (!data || typeof data !== 'object') return { ok: false, url, reason: 'the package index answer is not a JSON object' }
      const { declared, license } = ecosystem === 'pypi' ? await pypiLicense(data as Record<string, unknown>) : npmLicense(data as Record<string, unknown>)
      return { ok: true, url, declared, license }
    } catch (err) {
      return { ok: false, url, reason: `the package index could not be read (${clipLine((err as Error).message, 120)})` }
    }
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    const limit = Math.max(1, this.opts.concurrency ?? 8)
    while (this.active >= limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/**
 * The body as text, or null as soon as it passes `max` bytes: a chunked answer has
 * no content-length to check first, so the stream is read and cut off, not buffered whole.
 */
async function readCapped(res: Response, max: number): Promise<string | null> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function sizeText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

function pypiUrl(base: string | undefined, dep: Dependency): string {
  const root = (base ?? 'https://pypi.org').replace(/\/+$/, '')
  const name = encodeURIComponent(dep.name)
  return dep.version ? `${root}/pypi/${name}/${encodeURIComponent(dep.version)}/json` : `${root}/pypi/${name}/json`
}

function npmUrl(base: string | undefined, dep: Dependency): string {
  const root = (base ?? 'https://registry.npmjs.org').replace(/\/+$/, '')
  // Scoped names keep the `@` and escape the `/` (`@scope%2Fname`), as the registry expects.
  const name = dep.name.startsWith('@') ? `@${encodeURIComponent(dep.name.slice(1))}` : encodeURIComponent(dep.name)
  return `${root}/${name}/${encodeURIComponent(dep.version ?? 'latest')}`
}

type Declared = { declared: string | null; license: NormalizedLicense | null }

/**
 * PyPI, strongest first: `license_expression` (PEP 639, SPDX), `license` (free
 * text: an id, or a whole license text, which is matched like a LICENSE file),
 * then the `License ::` classifiers. Several classifiers are alternatives (OR)
 * only when all of them are open licenses; with `Other/Proprietary License` among
 * them, which terms apply is unknown. Fail closed: a `license` field that cannot
 * be read is not settled by the classifiers (it may add or change terms), unless
 * its words only name the classifiers' license (`Apache` beside `Apache Software
 * License`) or it is a bare copyright notice (who, not which terms).
 */
async function pypiLicense(data: Record<string, unknown>): Promise<Declared> {
  const info = (data.info ?? {}) as Record<string, unknown>
  const expression = typeof info.license_expression === 'string' ? info.license_expression.trim() : ''
  if (expression) return { declared: clipLine(expression, 200), license: normalizeLicense(expression) }
  let fromText: Declared | null = null
  const text = typeof info.license === 'string' ? info.license.trim() : ''
  // setuptools wrote "UNKNOWN" when a project gave no license.
  if (text && text !== 'UNKNOWN' && !copyrightNoticeOnly(text)) {
    const n = text.length <= 200 ? normalizeLicense(text) : null
    if (n?.state === 'known') return { declared: clipLine(text, 200), license: n }
    let reason = n?.note ?? null
    if (text.length > 200) {
      const verdict = await matchLicenseText(text)
      if (verdict.match?.method === 'text') return { declared: `license text matching ${verdict.match.id}`, license: normalizeLicense(verdict.match.id) }
      if (!verdict.match) reason = `its text is not recognised: ${verdict.reason}.`
    }
    fromText = { declared: clipLine(text, 200), license: unknownLicense(reason ?? normalizeLicense(text)?.note ?? 'it is not a license identifier.') }
  }
  const classifiers = (Array.isArray(info.classifiers) ? info.classifiers : []).filter((c): c is string => typeof c === 'string')
  const named = classifiers.map((c) => ({ c, id: classifierLicense(c) })).filter((x) => x.id !== undefined)
  if (named.length === 0) return fromText ?? { declared: null, license: null }
  const declared = clipLine(named.map((x) => x.c).join('; '), 200)
  const family = named.find((x) => !x.id)
  if (family) return fromText ? { ...fromText, license: unreadField(fromText, `the classifier \`${family.c}\` does not name one license either`) } : { declared, license: unknownLicense(`The classifier \`${family.c}\` does not name one license.`) }
  const ids = [...new Set(named.map((x) => x.id!))]
  if (ids.length > 1 && ids.includes(PROPRIETARY)) {
    const open = ids.filter((id) => id !== PROPRIETARY)
    return {
      declared,
      license: unknownLicense(
        `The classifiers name a proprietary license (\`Other/Proprietary License\`) beside ${open.join(', ')}: whether the open license may be chosen, or the proprietary terms also apply, is not said.`
      )
    }
  }
  const license = normalizeLicense(ids.join(' OR '))
  if (!license) return fromText ?? { declared: null, license: null }
  if (fromText) {
    // `license: Apache` beside `License :: OSI Approved :: Apache Software License`: the field names the same license, loosely.
    if (!(license.state === 'known' && namesOnly(text, license.expression!))) return { ...fromText, license: unreadField(fromText, `the classifiers say ${license.expression ?? declared}, which does not settle it: the field may add or change terms`) }
  }
  const apache = named.some((x) => x.c.endsWith(':: Apache Software License'))
  return { declared, license: apache ? { ...license, note: 'the classifier `Apache Software License` names no version; read as Apache-2.0' } : license }
}

const PROPRIETARY = PYPI_CLASSIFIERS['Other/Proprietary License']!

/** A `license` field that is only a copyright notice ("Copyright 2018 Databricks, Inc. All rights reserved."): no terms at all. */
function copyrightNoticeOnly(text: string): boolean {
  const lines = text.split(/\r\n?|\n/).filter((l) => l.trim())
  return lines.length > 0 && lines.length <= 5 && lines.every(pureCopyrightLine)
}

function unreadField(field: Declared, more: string): NormalizedLicense {
  return unknownLicense(`The \`license\` field \`${clipLine(field.declared ?? '', 80).replace(/`/g, "'")}\` cannot be read as a license (${(field.license?.note ?? '').replace(/\.$/, '')}); ${more}.`)
}

function unknownLicense(note: string): NormalizedLicense {
  return { state: 'unknown', expression: null, name: null, url: null, restriction: null, note }
}

/** npm: `license` (SPDX expression), or the legacy `license: { type }` / `licenses: [{ type }]`. */
function npmLicense(data: Record<string, unknown>): Declared {
  const typeOf = (v: unknown): string | null => (typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as Record<string, unknown>).type === 'string' ? ((v as Record<string, unknown>).type as string) : null)
  const single = typeOf(data.license)
  if (single) return { declared: clipLine(single, 200), license: normalizeLicense(single) }
  if (Array.isArray(data.licenses)) {
    const types = data.licenses.map(typeOf).filter((t): t is string => t !== null)
    if (types.length > 0) return { declared: clipLine(types.join(', '), 200), license: normalizeLicense(types.length === 1 ? types[0] : `(${types.join(') OR (')})`) }
  }
  return { declared: null, license: null }
}
