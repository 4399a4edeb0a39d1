import path from 'node:path'
import { parse as parseToml } from 'smol-toml'
import type { Artifact } from '../types.js'
import { cardLicense, CARD_FILE, type CardLicense } from './card-license.js'
import { normalizeLicense } from './normalize.js'
import { clipLine } from '../util/clip.js'
import { ancestors, joinPath, MAX_READ, type RepoFiles } from './repo-files.js'
import { LICENSE_TEXTS_FILE, type LicenseTextLoader } from './license-texts.js'
import { matchLicenseText, type TextVerdict } from './text-match.js'
import type { LicenseEvidence, NormalizedLicense } from './types.js'

/** `LICENSE`, `LICENSE.md`, `LICENSE-MODEL`, `LICENCE.txt`, `COPYING.LESSER`, ...: every file named as a license. */
const LICENSE_FILE = /^(licen[cs]e|copying)([-_.][A-Za-z0-9._-]*)?$/i
/** Named like a license but in a format that is not its plain text (code, markup, images). */
const NOT_LICENSE_TEXT = /\.(py|js|mjs|cjs|ts|json|ya?ml|toml|html?|xml|pdf|png|jpe?g|gif|svg|docx?|odt|rtf|ipynb|sh|c|h|cc|cpp|rs|go|java|csv|zip|gz)$/i
/** LICENSE files read per directory; more is reported as unread rather than silently skipped. */
export const MAX_LICENSE_FILES = 10

/** Per-run memo of what each card and LICENSE file says (many artifacts share one). */
export class SourceCache {
  readonly cards = new Map<string, Promise<CardLicense | null>>()
  readonly licenseFiles = new Map<string, Promise<LicenseEvidence>>()

  constructor(readonly licenseTexts?: LicenseTextLoader) {}
}

export interface ArtifactSources {
  /** Strongest first. */
  evidence: LicenseEvidence[]
  /** The card that governs the artifact: its own directory's, else the nearest above. */
  card: CardLicense | null
}

/**
 * Every declaration that applies to one model or dataset file, strongest first:
 * the nearest card; a LICENSE file between the artifact and that card's directory
 * (a LICENSE above the card is the repository's code license, not the model's);
 * `config.json` beside it; the license inside the weights (GGUF, safetensors
 * metadata); the nearest package.json / pyproject.toml within the same bounds.
 */
export async function artifactSources(files: RepoFiles, cache: SourceCache, subjectPath: string, artifact: Artifact | null, isCard: boolean): Promise<ArtifactSources> {
  const dirs = ancestors(subjectPath)
  let card: CardLicense | null = null
  let scope = dirs
  if (isCard) {
    card = await readCard(files, cache, subjectPath)
    scope = dirs.slice(0, 1)
  } else {
    for (let i = 0; i < dirs.length && !card; i++) {
      for (const name of (await files.filesIn(dirs[i]!)).filter((n) => CARD_FILE.test(n))) {
        card = await readCard(files, cache, joinPath(dirs[i]!, name))
        if (card) {
          scope = dirs.slice(0, i + 1)
          break
        }
      }
    }
  }
  const evidence: LicenseEvidence[] = []
  if (card?.license) evidence.push({ source: 'card', path: card.path, line: card.line, declared: card.declared ?? '', license: card.license })
  if (card?.link) evidence.push({ source: 'card-link', path: card.path, line: card.link.line, declared: card.link.declared, license: card.link.license })

  // Every LICENSE file of the nearest directory that has one: a second file (LICENSE.txt, LICENSE-MODEL) may carry other terms.
  const licenseFiles = await allNearest(files, scope, isLicenseFile, licenseFileRank)
  for (const p of licenseFiles.slice(0, MAX_LICENSE_FILES)) evidence.push(await readLicenseFile(files, cache, p))
  if (licenseFiles.length > MAX_LICENSE_FILES) {
    const dir = path.posix.dirname(licenseFiles[0]!)
    const rest = licenseFiles.slice(MAX_LICENSE_FILES)
    evidence.push({
      source: 'license-file',
      path: rest[0]!,
      line: null,
      declared: 'unread license files',
      license: {
        ...unread,
        note: `${dir === '.' ? 'The repository root' : dir} has ${licenseFiles.length} license files; ModelGate reads ${MAX_LICENSE_FILES}, so ${rest.length} (${clipLine(rest.map((p) => path.posix.basename(p)).join(', '), 120)}) went unread.`,
        fix: 'Keep the license of the artifact in one LICENSE file (and the card), and move other texts (third-party notices) to a folder of their own.'
      }
    })
  }

  if (!isCard && artifact?.kind === 'model') {
    const configPath = joinPath(dirs[0]!, 'config.json')
    if ((await files.filesIn(dirs[0]!)).includes('config.json')) {
      const declared = jsonLicense(await files.text(configPath))
      const license = normalizeLicense(declared)
      if (license) evidence.push({ source: 'model-config', path: configPath, line: null, declared: clipLine(String(declared), 200), license })
    }
  }
  const embedded = artifact?.facts.license ?? artifact?.facts['metadata.license']
  if (artifact && typeof embedded === 'string') {
    const license = normalizeLicense(embedded)
    if (license) evidence.push({ source: 'model-metadata', path: artifact.path, line: null, declared: clipLine(embedded, 200), license })
  }

  const manifest = await nearest(files, scope, (n) => n === 'package.json' || n === 'pyproject.toml', (n) => (n === 'pyproject.toml' ? 0 : 1))
  if (manifest) {
    const text = await files.text(manifest)
    const declared = manifest.endsWith('package.json') ? jsonLicense(text) : pyprojectLicense(text)
    const license = normalizeLicense(declared)
    if (license) evidence.push({ source: 'package-metadata', path: manifest, line: null, declared: clipLine(String(declared), 200), license })
  }
  return { evidence, card }
}

async function readCard(files: RepoFiles, cache: SourceCache, relPath: string): Promise<CardLicense | null> {
  let p = cache.cards.get(relPath)
  if (!p) {
    p = files.text(relPath).then((text) => (text === null ? null : cardLicense(relPath, text)))
    cache.cards.set(relPath, p)
  }
  return p
}

function readLicenseFile(files: RepoFiles, cache: SourceCache, relPath: string): Promise<LicenseEvidence> {
  let p = cache.licenseFiles.get(relPath)
  if (!p) {
    p = identifyLicenseFile(files, relPath, cache.licenseTexts)
    cache.licenseFiles.set(relPath, p)
  }
  return p
}

const unread: NormalizedLicense = { state: 'unknown', expression: null, name: null, url: null, restriction: null, note: null }

/** A LICENSE file is identified by its text; its name only says where to look. */
async function identifyLicenseFile(files: RepoFiles, relPath: string, load?: LicenseTextLoader): Promise<LicenseEvidence> {
  const read = await files.sized(relPath)
  const verdict: TextVerdict =
    read === null
      ? { match: null, reason: 'the file cannot be read' }
      : read.size > MAX_READ
        ? { match: null, reason: `the file is ${Math.ceil(read.size / 1024)} KiB, over the ${MAX_READ / 1024} KiB a license text is read to (no license text is that long), so what it says past that is unknown` }
        : await matchLicenseText(read.text, load)
  if (!verdict.match) {
    const license: NormalizedLicense = verdict.unavailable
      ? { ...unread, note: `${relPath} cannot be identified: ${verdict.reason}.`, fix: `Install ModelGate complete (dist/${LICENSE_TEXTS_FILE} beside the bundle, or node_modules for a source checkout) and scan again; until then this LICENSE file is unchecked.` }
      : { ...unread, note: `The license text in ${relPath} is not recognised: ${verdict.reason}.`, fix: 'Keep the unmodified text of one license in the LICENSE file; for terms of your own, declare them on the card (`license: other` with `license_name` and `license_link`) and have them reviewed.' }
    return { source: 'license-file', path: relPath, line: null, declared: 'unrecognised license text', license }
  }
  const { id, method, score } = verdict.match
  const license = normalizeLicense(id)!
  const declared = method === 'text' ? `license text matching ${id} (similarity ${score.toFixed(3)})` : `license text titled as ${license.name ?? id}`
  return { source: 'license-file', path: relPath, line: null, declared, license: { ...license, note: null } }
}

async function nearest(files: RepoFiles, dirs: string[], want: (name: string) => boolean, rank: (name: string) => number): Promise<string | null> {
  return (await allNearest(files, dirs, want, rank))[0] ?? null
}

/** The wanted files of the first directory that has any, best first. */
async function allNearest(files: RepoFiles, dirs: string[], want: (name: string) => boolean, rank: (name: string) => number): Promise<string[]> {
  for (const dir of dirs) {
    const hits = (await files.filesIn(dir)).filter(want).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))
    if (hits.length > 0) return hits.map((h) => joinPath(dir, h))
  }
  return []
}

function isLicenseFile(name: string): boolean {
  return LICENSE_FILE.test(name) && !NOT_LICENSE_TEXT.test(name)
}

/** `LICENSE` first, then `LICENSE.md` / `LICENSE.txt`, then other `LICENSE-*` files, then `COPYING*`. */
function licenseFileRank(name: string): number {
  if (!/^licen/i.test(name)) return 3
  if (/^licen[cs]e$/i.test(name)) return 0
  return /^licen[cs]e\.(md|txt|rst)$/i.test(name) ? 1 : 2
}

/** `license` of a JSON object (package.json: a string, or the legacy `{ "type": ... }`). */
function jsonLicense(text: string | null): unknown {
  if (!text) return undefined
  try {
    const data = JSON.parse(text) as unknown
    if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined
    const v = (data as Record<string, unknown>).license
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>).type === 'string') return (v as Record<string, unknown>).type
    return v
  } catch {
    return undefined
  }
}

/** pyproject.toml `[project] license`: a PEP 639 expression string, or the older `{ text = "..." }`. */
function pyprojectLicense(text: string | null): unknown {
  if (!text) return undefined
  try {
    const project = (parseToml(text) as Record<string, unknown>).project as Record<string, unknown> | undefined
    const v = project?.license
    if (v && typeof v === 'object' && !Array.isArray(v)) return (v as Record<string, unknown>).text
    return v
  } catch {
    return undefined
  }
}
