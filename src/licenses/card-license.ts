import path from 'node:path'
import { cardKind, readFrontMatter, type FrontMatter } from '../identify/front-matter.js'
import { inDataFolder } from '../identify/by-name.js'
import { normalizeLicense } from './normalize.js'
import { linkedLicense } from './license-link.js'
import { shown } from './display.js'
import type { NormalizedLicense } from './types.js'

export const CARD_FILE = /^(readme|model_?card|dataset_?card)\.md$/i

export interface CardLicense {
  path: string
  kind: 'model' | 'dataset'
  /** 1-based line of the `license:` key in the card, null when absent. */
  line: number | null
  /** As written (a list shown as YAML flow), null when the card declares nothing. */
  declared: string | null
  /** Null when the card declares no license. */
  license: NormalizedLicense | null
  /** The license `license_link` points at, when it is a page of one known license (a Creative Commons deed, an SPDX or OSI page, ...). */
  link?: { line: number | null; declared: string; license: NormalizedLicense }
}

/**
 * The license a Hugging Face card declares, read from the raw front matter rather
 * than the engine's CardData: the raw `license` value keeps its shape (a list, a
 * number, `other`) and its line, which the finding points at. Null when the file
 * is not a card (no front matter, or metadata no card has).
 */
export function cardLicense(relPath: string, text: string): CardLicense | null {
  const fm = readFrontMatter(text)
  const base = path.posix.basename(relPath)
  if (!fm.data) {
    if (!fm.error || !CARD_FILE.test(base)) return null
    // A card whose metadata is broken: the license is there but unreadable (unparseable-artifact says why).
    return {
      path: relPath,
      kind: inDataFolder(relPath) || /^dataset/i.test(base) ? 'dataset' : 'model',
      line: fm.errorLine ?? null,
      declared: '(unparseable metadata)',
      license: { state: 'unknown', expression: null, name: null, url: null, restriction: null, note: `The card's YAML metadata cannot be parsed (${fm.error}).` }
    }
  }
  const kind = cardKind(fm.data, base, inDataFolder(relPath))
  if (!kind) return null
  const meta = fm.data
  // `license_name` (with `license_link`) and no `license:` is how the Hub names a custom license too: read it as `other`.
  const nameOnly = absent(meta.license) && typeof meta.license_name === 'string' && meta.license_name.trim() !== ''
  const license = normalizeLicense(nameOnly ? 'other' : meta.license, { name: meta.license_name, link: meta.license_link })
  const line = (nameOnly ? null : keyLine(fm, 'license')) ?? keyLine(fm, 'license_name') ?? keyLine(fm, '<<')
  const link = linkEvidence(meta.license_link, fm)
  return {
    path: relPath,
    kind: kind === 'dataset-card' ? 'dataset' : 'model',
    line,
    declared: !license ? null : nameOnly ? `license_name: ${shown(String(meta.license_name).trim().replace(/`/g, "'"), 180)}` : declaredText(meta.license, meta.license_name),
    license,
    ...(link ? { link } : {})
  }
}

/** `license_link` to the page of one known license: a declaration of its own, which the policy and the conflict check see. */
function linkEvidence(value: unknown, fm: FrontMatter): CardLicense['link'] | null {
  if (typeof value !== 'string') return null
  const link = value.trim()
  const id = linkedLicense(link)
  const license = id ? normalizeLicense(id) : null
  if (!license || license.state !== 'known') return null
  return { line: keyLine(fm, 'license_link'), declared: `license_link: ${shown(link.replace(/`/g, "'"), 180)}`, license: { ...license, url: link, note: `read the link as ${id}` } }
}

function absent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '')
}

/** The declaration as written, for messages: a list in YAML flow style, at most 200 characters, invisible characters escaped. */
function declaredText(license: unknown, name: unknown): string {
  const written = Array.isArray(license) ? `[${license.map((v) => String(v)).join(', ')}]` : typeof license === 'object' ? JSON.stringify(license) : String(license)
  const withName = String(license).toLowerCase() === 'other' && typeof name === 'string' ? `${written} (${name})` : written
  return shown(withName.replace(/`/g, "'"), 200)
}

/** 1-based line of a top-level key in the card (null when it is not written as one, e.g. merged in by `<<`). */
function keyLine(fm: FrontMatter, key: string): number | null {
  const lines = (fm.yaml ?? '').split('\n')
  const at = lines.findIndex((l) => new RegExp(`^['"]?${key}['"]?\\s*:`).test(l))
  return at < 0 ? null : at + (fm.firstLine ?? 1)
}
