import { clipLine } from '../util/clip.js'
import { LICENSE_TEXTS_FILE, loadLicenseTexts, type LicenseTextLoader } from './license-texts.js'
import { isDeprecated } from './spdx-ids.js'
import { USE_RESTRICTED } from './use-restrictions.js'

/**
 * Identifies a LICENSE file by its text, not its name: word-bigram Dice similarity
 * against every license text in the SPDX list (`spdx-license-list/full`), then a
 * tie-break on the words that tell the closest candidates apart. Only a confident
 * best match is accepted; a near miss (MIT with an extra clause, a truncated Apache
 * text) is reported as unrecognised rather than guessed.
 *
 * Calibrated on the 386 LICENSE files of this repository's node_modules: every one
 * whose package.json names a single license matches it, or a stricter variant
 * whose extra clause really is in the file (BSD-2-Clause-Views).
 */

/** Dice below this is not the same license. */
const MIN_SCORE = 0.9
/** Candidates this close to the best are compared on what distinguishes them. */
const CLOSE = 0.06
/** A candidate loses to a rival when the rival's own words are this much more present. */
const EVIDENCE_GAP = 0.25
/** Two survivors closer than this, with different texts: ambiguous. */
const TIE = 0.01

export interface LicenseTextMatch {
  /** SPDX id, or for a title match the Hugging Face id of a model license family. */
  id: string
  /** `text`: full-text similarity; `title`: a model license (Llama, Gemma, OpenRAIL) named in its first lines. */
  method: 'text' | 'title'
  /** Dice similarity (1 for a title match). */
  score: number
}

/** `unavailable`: the SPDX texts could not be loaded, so nothing was compared (the file itself may be fine). */
export type TextVerdict = { match: LicenseTextMatch } | { match: null; reason: string; unavailable?: true }

interface Candidate {
  /** Representative id; identical texts (GPL-3.0-only / -or-later) share one candidate. */
  id: string
  words: number
  tokens: string[]
  bag?: Bag
}

interface Bag {
  counts: Map<string, number>
  total: number
}

/** One corpus per loader (the default one for the whole process); a failed load is not kept, so the next run tries again. */
const corpora = new Map<LicenseTextLoader, Promise<Candidate[]>>()

export async function matchLicenseText(text: string, load: LicenseTextLoader = loadLicenseTexts): Promise<TextVerdict> {
  const tokens = tokenize(text)
  if (tokens.length < 5) return { match: null, reason: 'the file has too few words to be a license text' }
  const input = bagOf(tokens)
  let candidates: Candidate[]
  try {
    candidates = await loadCorpus(load)
  } catch (err) {
    // A bundle copied without its data file: this file cannot be compared, which is not a reason to stop the scan.
    return (
      byTitle(text) ?? {
        match: null,
        unavailable: true,
        reason: `ModelGate's SPDX license texts could not be loaded (${clipLine((err as Error).message, 160)}), so its text was not compared; keep ${LICENSE_TEXTS_FILE} beside the ModelGate bundle (dist/${LICENSE_TEXTS_FILE} next to dist/cli.js, dist/index.js or dist/server.js) or run ModelGate from a full install`
      }
    )
  }
  const scored: { c: Candidate; score: number }[] = []
  for (const c of candidates) {
    // Dice cannot exceed 2·min/(a+b): skip texts of a very different length unread.
    if ((2 * Math.min(c.words, tokens.length)) / (c.words + tokens.length) < MIN_SCORE) continue
    scored.push({ c, score: dice(input, (c.bag ??= bagOf(c.tokens))) })
  }
  scored.sort((a, b) => b.score - a.score || (a.c.id < b.c.id ? -1 : 1))
  const best = scored[0]
  if (!best || best.score < MIN_SCORE) return byTitle(text) ?? { match: null, reason: 'its text matches no license in the SPDX list closely enough' }
  const close = scored.filter((s) => s.score >= best.score - CLOSE)
  const present = (own: Candidate, rival: Candidate): number => evidence(input, own.bag!, rival.bag!)
  // Drop a candidate when a rival's distinguishing words are clearly in the file and its own are not.
  const survivors = close.filter((x) => !close.some((y) => y !== x && present(y.c, x.c) - present(x.c, y.c) >= EVIDENCE_GAP))
  const [first, second] = survivors
  if (!first) return { match: null, reason: `its text is close to ${close.map((s) => s.c.id).join(', ')} but matches none of them` }
  if (second && second.score > first.score - TIE) {
    return { match: null, reason: `its text is equally close to ${first.c.id} and ${second.c.id}` }
  }
  const added = restrictiveAddition(tokens, first.c.bag!)
  if (added) return { match: null, reason: `its text is ${first.c.id} with added terms ("${added}")` }
  return { match: { id: first.c.id, method: 'text', score: Math.round(first.score * 1000) / 1000 } }
}

/** Words that make an added passage a change of terms rather than a project note. */
const RESTRICTIVE = /\b(non ?commercial|commercial|prohibit\w*|restrict\w*|forbid\w*|shall not|may not|must not|not permitted|research (purposes|use)|only for|exclusively)\b/

/**
 * A close match with a restrictive clause added ("for non-commercial purposes
 * only") is not that license: the passages of the file the candidate does not
 * explain are searched for restrictive wording. Project notes ("this library is
 * a fork of ...") pass.
 */
function restrictiveAddition(tokens: string[], bag: Bag): string | null {
  const spans: string[] = []
  let span: string[] = []
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (bag.counts.has(`${tokens[i]} ${tokens[i + 1]}`)) {
      if (span.length) spans.push(span.join(' '))
      span = []
    } else {
      if (!span.length) span.push(tokens[i]!)
      span.push(tokens[i + 1]!)
    }
  }
  if (span.length) spans.push(span.join(' '))
  for (const s of spans) {
    const m = RESTRICTIVE.exec(s)
    if (m) {
      const words = s.split(' ')
      const at = s.slice(0, m.index).split(' ').length - 1
      return words.slice(Math.max(0, at - 3), at + 6).join(' ')
    }
  }
  return null
}

/** Model licenses are not in the SPDX list; their title in the first lines names them. */
function byTitle(text: string): TextVerdict | null {
  const lines = text
    .slice(0, 4096)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
  const head = lines.slice(0, 3).join(' ')
  // The first line is a title; further down, the name must come with a word that makes it one.
  const family = USE_RESTRICTED.find((f) => f.pattern.test(lines[0] ?? '') || (f.pattern.test(head) && /licen[cs]e|terms of use|agreement/i.test(head)))
  return family ? { match: { id: family.hf, method: 'title', score: 1 } } : null
}

function loadCorpus(load: LicenseTextLoader): Promise<Candidate[]> {
  const cached = corpora.get(load)
  if (cached) return cached
  const corpus = load().then((full) => {
    const byText = new Map<string, Candidate>()
    for (const id of Object.keys(full).sort()) {
      if (isDeprecated(id) || id.endsWith('+')) continue
      const tokens = tokenize(full[id]!.licenseText)
      if (tokens.length < 5) continue
      const key = tokens.join(' ')
      const seen = byText.get(key)
      if (!seen) byText.set(key, { id, words: tokens.length, tokens })
      else if (preferred(id, seen.id)) seen.id = id
    }
    return [...byText.values()]
  })
  corpora.set(load, corpus)
  corpus.catch(() => corpora.delete(load))
  return corpus
}

/** Among identical texts: `-only` (what the text alone proves), else the shortest id. */
function preferred(a: string, b: string): boolean {
  const rank = (id: string): number => (id.endsWith('-only') ? 0 : 1)
  return rank(a) - rank(b) < 0 || (rank(a) === rank(b) && (a.length < b.length || (a.length === b.length && a < b)))
}

/**
 * Lower case, words only; copyright statements dropped (they name the holder, not
 * the terms) and the usual holder placeholders folded into one word, so
 * "THE AUTHOR DISCLAIMS" and "ISC DISCLAIMS" read alike. Only whole lines that start
 * like a copyright statement go: "copyright notice" inside a wrapped clause stays.
 */
export function tokenize(text: string): string[] {
  return text
    .slice(0, 512 * 1024)
    .toLowerCase()
    // What follows the terms (Apache's appendix, the GPL's "How to Apply") is advice, often left out.
    .split('end of terms and conditions')[0]!
    .split(/\r\n?|\n/)
    .filter((l) => !/^\s*(copyright\s*(\(c\)|©|\d|<)|\(c\)\s*\d|©)/.test(l))
    .join('\n')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(the )?(isc|authors?|copyright (holders?|owners?))\b/g, ' holder ')
    .split(' ')
    .filter(Boolean)
}

function bagOf(tokens: string[]): Bag {
  const counts = new Map<string, number>()
  for (let i = 0; i + 1 < tokens.length; i++) {
    const k = `${tokens[i]} ${tokens[i + 1]}`
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return { counts, total: Math.max(0, tokens.length - 1) }
}

function dice(a: Bag, b: Bag): number {
  const [small, large] = a.counts.size < b.counts.size ? [a, b] : [b, a]
  let shared = 0
  for (const [k, n] of small.counts) {
    const m = large.counts.get(k)
    if (m) shared += Math.min(n, m)
  }
  return (2 * shared) / (a.total + b.total || 1)
}

/** Share of `own`'s bigrams that `rival` lacks and the input has (0 when `own` has none of its own). */
function evidence(input: Bag, own: Bag, rival: Bag): number {
  let total = 0
  let hit = 0
  for (const k of own.counts.keys()) {
    if (rival.counts.has(k)) continue
    total++
    if (input.counts.has(k)) hit++
  }
  return total ? hit / total : 0
}
