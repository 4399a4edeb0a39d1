import { clipLine } from '../util/clip.js'
import { LICENSE_TEXTS_FILE, loadLicenseTexts, type LicenseTextLoader } from './license-texts.js'
import { isDeprecated } from './spdx-ids.js'
import { USE_RESTRICTED } from './use-restrictions.js'
import { restrictiveWords } from './restrictive-words.js'
import { escapeNonAscii } from './display.js'

/**
 * Identifies a LICENSE file by its text, not its name: word-bigram Dice similarity
 * against every license text in the SPDX list (`spdx-license-list/full`), then a
 * tie-break on the words that tell the closest candidates apart. Only a confident
 * best match is accepted; a near miss (MIT with an extra clause, a truncated Apache
 * text) is reported as unrecognised rather than guessed.
 *
 * A match must also be the license and nothing else: once a candidate is chosen,
 * every word of the file (all of it, what follows "END OF TERMS AND CONDITIONS"
 * too) must be explained by the candidate's own text, apart from a pure copyright
 * notice (marker, years, a holder's name, "All rights reserved") and a handful of
 * stray words (a title such as "The MIT License (MIT)"). Added terms in any words
 * or language, restrictive wording however short, and letters the (ASCII) license
 * does not have (a Cyrillic "о" in "non-commercial") refuse the match.
 *
 * Calibrated on the 242 distinct LICENSE files of this repository's node_modules:
 * every one whose text is a single license matches it, or a stricter variant whose
 * extra clause really is in the file (BSD-2-Clause-Views). The 8 that carry a
 * paragraph of their own besides the license (a fork notice, "files under src/ are
 * licensed ...", a CC0 exception for data) are refused, with that paragraph quoted.
 */

/** Dice below this is not the same license. */
const MIN_SCORE = 0.9
/** Candidates this close to the best are compared on what distinguishes them. */
const CLOSE = 0.06
/** A candidate loses to a rival when the rival's own words are this much more present. */
const EVIDENCE_GAP = 0.25
/** Two survivors closer than this, with different texts: ambiguous. */
const TIE = 0.01
/** Words the chosen license does not explain, beyond which the file holds more than that license. */
export const MAX_EXTRA_WORDS = 12
/** No license text is this long (the longest in the SPDX list is under 100 KiB); a file past it is not compared. */
export const MAX_TEXT_CHARS = 512 * 1024

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
  /** The terms: the words before "END OF TERMS AND CONDITIONS" (what follows is advice, often left out). */
  tokens: string[]
  /** Every word, the appendix included: what a file may contain and still be this license. */
  all: string[]
  /** The text has letters outside ASCII (a French or German license): look-alike letters are not checked. */
  nonAscii: boolean
  bag?: Bag
  allBag?: Bag
}

interface Bag {
  counts: Map<string, number>
  total: number
}

/** One corpus per loader (the default one for the whole process); a failed load is not kept, so the next run tries again. */
const corpora = new Map<LicenseTextLoader, Promise<Candidate[]>>()

export async function matchLicenseText(text: string, load: LicenseTextLoader = loadLicenseTexts): Promise<TextVerdict> {
  if (text.length > MAX_TEXT_CHARS) return { match: null, reason: `the file is over ${MAX_TEXT_CHARS / 1024} KiB, longer than any license text, so it was not compared` }
  const input = prepare(text)
  const tokens = input.terms
  if (tokens.length < 5) return { match: null, reason: 'the file has too few words to be a license text' }
  const inputBag = bagOf(tokens)
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
    scored.push({ c, score: dice(inputBag, (c.bag ??= bagOf(c.tokens))) })
  }
  scored.sort((a, b) => b.score - a.score || (a.c.id < b.c.id ? -1 : 1))
  const best = scored[0]
  if (!best || best.score < MIN_SCORE) return byTitle(text) ?? { match: null, reason: 'its text matches no license in the SPDX list closely enough' }
  const close = scored.filter((s) => s.score >= best.score - CLOSE)
  const present = (own: Candidate, rival: Candidate): number => evidence(inputBag, own.bag!, rival.bag!)
  // Drop a candidate when a rival's distinguishing words are clearly in the file and its own are not.
  const survivors = close.filter((x) => !close.some((y) => y !== x && present(y.c, x.c) - present(x.c, y.c) >= EVIDENCE_GAP))
  const [first, second] = survivors
  if (!first) return { match: null, reason: `its text is close to ${close.map((s) => s.c.id).join(', ')} but matches none of them` }
  if (second && second.score > first.score - TIE) {
    return { match: null, reason: `its text is equally close to ${first.c.id} and ${second.c.id}` }
  }
  const id = first.c.id
  const extra = unexplained(input.all, (first.c.allBag ??= bagOf(first.c.all)))
  const restrictive = extra.spans.map(restrictiveIn).find((q) => q !== null)
  if (restrictive) return { match: null, reason: `its text is ${id} with added terms ("${restrictive}")` }
  if (input.nonAscii && !first.c.nonAscii) {
    return { match: null, reason: `its text is ${id} but has letters ${id} does not have ("${input.nonAscii}"): a look-alike letter can hide added terms` }
  }
  if (extra.count > MAX_EXTRA_WORDS) {
    const longest = extra.spans.reduce((a, b) => (b.split(' ').length > a.split(' ').length ? b : a))
    return { match: null, reason: `its text is ${id} with ${extra.count} words that are not part of it ("${clipWords(longest, 14)}")` }
  }
  return { match: { id, method: 'text', score: Math.round(first.score * 1000) / 1000 } }
}

/**
 * The passages of the file the license's own text does not explain. A word is
 * explained when it is part of three or more words in a row that are in the
 * license (two overlapping word pairs): a lone pair such as "of the" or "and to"
 * is in every license by chance. `count` is the number of unexplained words; the
 * spans keep the explained words at their edges for context.
 */
function unexplained(tokens: string[], bag: Bag): { count: number; spans: string[] } {
  const pair = tokens.map((t, i) => i + 1 < tokens.length && bag.counts.has(`${t} ${tokens[i + 1]}`))
  // Pair i (words i, i+1) is explained when it joins an explained neighbour.
  const covered = (i: number): boolean => i >= 0 && i + 1 < tokens.length && pair[i]! && ((i > 0 && pair[i - 1]!) || pair[i + 1]!)
  let count = 0
  for (let i = 0; i < tokens.length; i++) if (!covered(i - 1) && !covered(i)) count++
  const spans: string[] = []
  let span: string[] = []
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (covered(i)) {
      if (span.length) spans.push(span.join(' '))
      span = []
    } else {
      if (!span.length) span.push(tokens[i]!)
      span.push(tokens[i + 1]!)
    }
  }
  if (span.length) spans.push(span.join(' '))
  // A file of one word has no pairs: the word itself is unexplained.
  if (tokens.length === 1) spans.push(tokens[0]!)
  return { count, spans }
}

/** The restrictive wording in a passage, with a few words around it; null when there is none. */
function restrictiveIn(span: string): string | null {
  const m = restrictiveWords(span)
  if (!m) return null
  const words = span.split(' ')
  const at = span.slice(0, m.index).split(' ').length - 1
  return words.slice(Math.max(0, at - 3), at + 6).join(' ')
}

function clipWords(text: string, n: number): string {
  const words = text.split(' ')
  return words.length > n ? `${words.slice(0, n).join(' ')} …` : text
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
      const p = prepare(full[id]!.licenseText)
      if (p.terms.length < 5) continue
      const key = p.all.join(' ')
      const seen = byText.get(key)
      if (!seen) byText.set(key, { id, words: p.terms.length, tokens: p.terms, all: p.all, nonAscii: p.nonAscii !== null })
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

/** A copyright statement: `Copyright (c) 2024`, `Copyright 2024`, `(c) 2024`, `©`, `Copyright Acme` (not "copyright notice"). */
const COPYRIGHT_MARK = /\bcopyright\s*(\(c\)|©|\d|<|\[)|©|\(c\)\s*\d/i
const COPYRIGHT_NAME = /\bCopyright\s+[A-Z][a-z]/
/** Words of a sentence, not of a name: a copyright line holding them says more than who holds the copyright. */
const CLAUSE_WORDS = new Set(
  [
    'use used uses using only not no nor may must shall should will can cannot licensed license licence licenses licensing permitted permission permit',
    'prohibited prohibit restricted restriction commercial noncommercial research purpose purposes terms term conditions condition require requires required',
    'allowed allow granted grant except subject agree agreement distribute distributed distribution redistribute redistributions redistribution sell sale',
    'modify copy copies paid fee fees profit is are be was were if unless without notice notices holder holders owner owners liable above following provided warranty'
  ]
    .join(' ')
    .split(' ')
)
/** Longest holder name (in words) a pure copyright line may carry. */
const MAX_HOLDER_WORDS = 16

/**
 * True for a line that only says who holds a copyright: the marker, years, a
 * holder's name (with an e-mail address or a URL), "All rights reserved", a few
 * words of attribution ("Port to TypeScript Copyright Isaac Z. Schlueter"). A line
 * that goes on ("... Licensed for non-commercial use only") is kept, and its words
 * must be explained like any other; so are the license's own sentences that
 * mention the copyright ("The above copyright notice ... shall be included").
 */
export function pureCopyrightLine(line: string): boolean {
  if (!COPYRIGHT_MARK.test(line) && !COPYRIGHT_NAME.test(line)) return false
  const rest = line
    .toLowerCase()
    .replace(/all rights reserved/g, ' ')
    .replace(/\bcopyright\b|\(c\)|©/g, ' ')
    // Placeholders of license templates (`<year> <copyright holders>`, `[yyyy] [name of copyright owner]`), addresses, links.
    .replace(/<[^<>]*>|\[[^[\]]*\]|\S+@\S+|\b[a-z][a-z0-9+.-]*:\/\/\S+/g, ' ')
  const words = rest.split(/[^\p{L}\p{N}]+/u).filter((w) => w && !/^\d+$/.test(w) && w !== 'present')
  return words.length <= MAX_HOLDER_WORDS && !words.some((w) => CLAUSE_WORDS.has(w)) && restrictiveWords(words.join(' ')) === null
}

/**
 * Lower case, letters and digits only; pure copyright lines dropped (they name
 * the holder, not the terms) and the usual holder placeholders folded into one
 * word, so "THE AUTHOR DISCLAIMS" and "ISC DISCLAIMS" read alike. URLs keep their
 * words (`https` read as `http`). `terms` stops at "END OF TERMS AND CONDITIONS";
 * `nonAscii` is the first word (escaped) with a letter outside ASCII, null if none.
 */
function prepare(text: string): { terms: string[]; all: string[]; nonAscii: string | null } {
  const kept = text.split(/\r\n?|\n/).filter((l) => !pureCopyrightLine(l))
  const joined = kept.join('\n')
  const odd = joined.split(/\s+/).find(lookAlike)
  const all = joined
    .toLowerCase()
    .replace(/\bhttps:\/\//g, 'http://')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\b(the )?(isc|authors?|copyright (holders?|owners?))\b/g, ' holder ')
    .split(' ')
    .filter(Boolean)
  const end = indexOfRun(all, ['end', 'of', 'terms', 'and', 'conditions'])
  return { terms: end < 0 ? all : all.slice(0, end), all, nonAscii: odd ? escapeNonAscii(clipLine(odd, 40)) : null }
}

/**
 * A word with a letter that is not Latin (a Cyrillic "о" in "nоn-cоmmercial") or
 * a compatibility form (full-width "ｍｉｔ"): in an English license text such a
 * letter hides words from anyone reading for them. Accented Latin letters
 * ("Marchán") are names, not disguises.
 */
function lookAlike(word: string): boolean {
  if (!/[^\p{ASCII}]/u.test(word)) return false
  return word.normalize('NFKC') !== word || /(?![\p{Script=Latin}])[\p{L}\p{M}]/u.test(word.normalize('NFC'))
}

function indexOfRun(tokens: string[], run: string[]): number {
  outer: for (let i = 0; i + run.length <= tokens.length; i++) {
    for (let j = 0; j < run.length; j++) if (tokens[i + j] !== run[j]) continue outer
    return i
  }
  return -1
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
