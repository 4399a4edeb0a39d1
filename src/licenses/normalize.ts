import parse from 'spdx-expression-parse'
import correct from 'spdx-correct'
import { HF_LICENSES, HF_LICENSES_DOC, type HfLicense } from './hf-licenses.js'
import { allSpdxIds, currentId, spdxIdOf, spdxInfo } from './spdx-ids.js'
import { restrictedFamilyByHfId, restrictedFamilyByText, USE_RESTRICTED } from './use-restrictions.js'
import type { NormalizedLicense } from './types.js'
import { linkedLicense } from './license-link.js'
import { restrictiveWords } from './restrictive-words.js'
import { escapeNonAscii, shown } from './display.js'

/** Longer than this is prose or a pasted license text, not an identifier. */
const MAX_ID_CHARS = 200
/** spdx-correct guesses from words; only short declarations are worth a guess. */
const MAX_CORRECT_CHARS = 100

/**
 * Reads one license declaration (a card's `license:`, a package's `license`
 * field, a PyPI `license_expression`) as an SPDX expression. Strict where a guess
 * would change the verdict: `gpl` (which version?) and `BSD` (how many clauses?)
 * stay unknown, npm's `UNLICENSED` is "no license", not the Unlicense.
 *
 * Returns null when nothing is declared (absent, empty string, empty list).
 */
export function normalizeLicense(declared: unknown, other: { name?: unknown; link?: unknown } = {}): NormalizedLicense | null {
  if (declared === undefined || declared === null) return null
  if (Array.isArray(declared)) {
    if (declared.length === 0) return null
    // `license: [mit]` (a one-item list, as dataset cards often write it) is that license; two or more are for a human to choose.
    if (declared.length === 1 && (typeof declared[0] === 'string' || typeof declared[0] === 'number')) return normalizeLicense(declared[0], other)
    return unknown(`\`license\` is a list of ${declared.length} values; write one SPDX expression instead (e.g. \`MIT OR Apache-2.0\`).`)
  }
  if (typeof declared !== 'string' && typeof declared !== 'number') return unknown('`license` is not a string.')
  const text = String(declared).trim()
  if (!text) return null
  if (text.length > MAX_ID_CHARS) return unknown(`The declaration is ${text.length} characters of text, not a license identifier.`)
  // A NUL or a bidi override cannot be part of an id; dropping it would accept text a reviewer does not see as written.
  if (INVISIBLE.test(text)) return unknown(`\`${quote(text, 80)}\` contains control or invisible formatting characters, so it is not a license identifier.`)
  const lower = text.toLowerCase()
  if (lower === 'other') return otherLicense(other)
  if (lower === 'unknown' || lower === 'none' || lower === 'n/a' || lower === 'noassertion') return unknown(`The license is declared as \`${text}\`.`)
  // npm: "UNLICENSED" means no rights are granted (https://docs.npmjs.com/cli/configuring-npm/package-json#license).
  if (text === 'UNLICENSED') return known('LicenseRef-UNLICENSED', 'UNLICENSED (no license granted)', null, null)
  const hf = hfEntry(lower)
  if (hf && !hf.spdx) return hfLicense(lower, hf)
  if (!hf) {
    const alias = aliasOf(text)
    if (alias?.hf) return hfLicense(alias.hf, HF_LICENSES[alias.hf]!)
    if (alias?.spdx) return withInfo(alias.spdx, `read \`${quote(text, 80)}\` as ${alias.spdx}`)
  }
  return spdxExpression(text)
}

/**
 * One license written another way: an SPDX or Hugging Face id with spaces or
 * underscores for its dashes, in any case (`cc-by-sa 4.0`, `Llama 3.1`,
 * `CreativeML OpenRAIL-M`), a well-known other name (`Expat`, `New BSD`, `ASL
 * 2.0`, `CC0`), or a Creative Commons license by its title (`Creative Commons
 * Attribution-NonCommercial 4.0 International`). Each reading is exact: every word
 * is part of the one name, so nothing is guessed or dropped.
 */
function aliasOf(text: string): { spdx?: string; hf?: string } | null {
  const key = shapeKey(text)
  return SHAPES.get(key) ?? (Object.hasOwn(OTHER_NAMES, key) ? { spdx: OTHER_NAMES[key]! } : null) ?? creativeCommonsTitle(text)
}

/** Lower case; `_`, spaces and dashes as one `-`; a dash between letters and digits (`llama3.1` ~ `llama 3.1`). */
function shapeKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/([a-z])(?=\d)/g, '$1-')
    .replace(/(\d)(?=[a-z])/g, '$1-')
    .replace(/[\s_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/** Every SPDX id and Hugging Face id by its shape; a shape two different licenses share is left out. */
const SHAPES: Map<string, { spdx?: string; hf?: string }> = (() => {
  const out = new Map<string, { spdx?: string; hf?: string } | null>()
  const add = (key: string, v: { spdx?: string; hf?: string }): void => {
    const seen = out.get(key)
    if (seen === undefined) out.set(key, v)
    else if (seen && (seen.spdx !== v.spdx || seen.hf !== v.hf)) out.set(key, null)
  }
  for (const id of allSpdxIds()) add(shapeKey(id), { spdx: spdxIdOf(id)! })
  for (const [id, hf] of Object.entries(HF_LICENSES)) {
    if (hf.category === 'family-ambiguous' || hf.category === 'unknown' || hf.category === 'custom') continue
    add(shapeKey(id), hf.spdx ? { spdx: hf.spdx } : { hf: id })
  }
  return new Map([...out].filter((e): e is [string, { spdx?: string; hf?: string }] => e[1] !== null))
})()

/**
 * Names of one license that are neither its id nor its SPDX name (keys in
 * `shapeKey` form). Only names with one reading: `BSD` (which clauses?) or `GPL`
 * (which version?) are not here.
 */
const OTHER_NAMES: Readonly<Record<string, string>> = {
  expat: 'MIT',
  'expat-license': 'MIT',
  'new-bsd': 'BSD-3-Clause',
  'new-bsd-license': 'BSD-3-Clause',
  'bsd-new': 'BSD-3-Clause',
  'modified-bsd': 'BSD-3-Clause',
  'modified-bsd-license': 'BSD-3-Clause',
  'revised-bsd': 'BSD-3-Clause',
  'revised-bsd-license': 'BSD-3-Clause',
  'simplified-bsd': 'BSD-2-Clause',
  'simplified-bsd-license': 'BSD-2-Clause',
  // ASL: the Apache Software License, as Fedora and others abbreviate it.
  'asl-2': 'Apache-2.0',
  'asl-2.0': 'Apache-2.0',
  'asl-v-2': 'Apache-2.0',
  'asl-v-2.0': 'Apache-2.0',
  'cc-0': 'CC0-1.0',
  'cc-0-universal': 'CC0-1.0',
  'cc-0-1.0-universal': 'CC0-1.0'
}

/**
 * A Creative Commons license by its title: `Creative Commons Attribution-NonCommercial-ShareAlike 4.0
 * International (Public License)`, `Attribution 4.0 International`, `CC BY NC 4.0`, `Creative Commons
 * Zero v1.0 Universal`. Every word must be part of the title; the result must be an SPDX id.
 */
function creativeCommonsTitle(text: string): { spdx: string } | null {
  if (/[^A-Za-z0-9 .,_-]/.test(text)) return null
  const words = text
    .toLowerCase()
    .replace(/\bcreative[\s_-]+commons\b/g, 'cc')
    .replace(/\bnon[\s_-]+commercial\b/g, 'noncommercial')
    .replace(/\bshare[\s_-]+alike\b/g, 'sharealike')
    .replace(/\bno[\s_-]+deriv(ative)?s\b/g, 'noderivs')
    .replace(/\bnoderivatives\b/g, 'noderivs')
    .split(/[\s_,-]+/)
    .filter(Boolean)
  let i = 0
  const cc = words[i] === 'cc' ? (i++, true) : false
  if (cc && (words[i] === 'zero' || words[i] === '0')) {
    i++
    if (/^v?1(\.0)?$/.test(words[i] ?? '')) i++
    if (words[i] === 'universal') i++
    return i === words.length ? { spdx: 'CC0-1.0' } : null
  }
  if (!(words[i] === 'attribution' || (cc && words[i] === 'by'))) return null
  i++
  const flags = new Set<string>()
  const FLAG: Record<string, string> = { noncommercial: 'NC', nc: 'NC', noderivs: 'ND', nd: 'ND', sharealike: 'SA', sa: 'SA' }
  while (words[i] && Object.hasOwn(FLAG, words[i]!)) {
    const f = FLAG[words[i]!]!
    if (flags.has(f)) return null
    flags.add(f)
    i++
  }
  const version = /^v?(\d)(?:\.(\d))?$/.exec(words[i] ?? '')
  if (!version || (flags.has('ND') && flags.has('SA'))) return null
  i++
  if (words[i] === 'international' || words[i] === 'unported' || words[i] === 'generic') i++
  if (words[i] === 'public') i++
  if (words[i] === 'license' || words[i] === 'licence') i++
  if (i !== words.length) return null
  const id = spdxIdOf(`CC-BY${['NC', 'ND', 'SA'].filter((f) => flags.has(f)).map((f) => `-${f}`).join('')}-${version[1]}.${version[2] ?? '0'}`)
  return id ? { spdx: id } : null
}

/** An SPDX expression as written, in any letter case, or corrected by spdx-correct when the guess is safe. */
function spdxExpression(text: string): NormalizedLicense {
  const exact = tryParse(text)
  if (exact) return withInfo(exact, null)
  const recased = recase(text)
  if (recased) {
    const parsed = tryParse(recased)
    if (parsed) return withInfo(parsed, null)
  }
  // `MIT License (MIT)`, `Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)`: one license, named twice.
  const twice = /^([^()]+?)\s*\(([^()]+)\)$/.exec(text)
  if (twice) {
    const [a, b] = [normalizeLicense(twice[1]!), normalizeLicense(twice[2]!)]
    if (a?.state === 'known' && b?.state === 'known' && a.expression === b.expression && !/\s(AND|OR|WITH)\s/.test(a.expression!)) return withInfo(a.expression!, `read \`${quote(text, 80)}\` as ${a.expression}`)
  }
  if (text.length <= MAX_CORRECT_CHARS) {
    const guess = safeCorrection(text)
    if (guess) return withInfo(guess, `read \`${text}\` as ${guess}`)
  }
  return unknown(unreadable(text))
}

/** Repository text inside a code span of a message: invisible characters escaped, backticks made quotes, clipped. */
function quote(text: string, max: number): string {
  return shown(text.replace(/`/g, "'"), max)
}

/** Characters that are never part of a license id (controls, bidi overrides, zero-width and other format characters). */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u
/** Separators SPDX does not define: `MIT, GPL-3.0` does not say whether both apply or either may be chosen. */
const SEPARATOR = /[,;/&]|\+(?!$)/
/** A comma inside a license name (`Apache License, Version 2.0`), not between two licenses. */
const VERSION_COMMA = /,\s*(?=version\s+\d)/gi

/** Why a declaration that is not an expression cannot be read, saying what was found and what to write instead. */
function unreadable(text: string): string {
  const quoted = `\`${quote(text, 80)}\``
  const separator = /[,;/&+]/.exec(text.replace(VERSION_COMMA, ' '))?.[0]
  if (separator) {
    const pieces = piecesOf(text)
    const ids = pieces.map(singleId)
    if (ids.every((id) => id !== null)) {
      return `${quoted} joins licenses with \`${separator}\`, which SPDX does not define (do all of them apply, or may one be chosen?); write \`${ids.join(' AND ')}\` if all of them apply or \`${ids.join(' OR ')}\` if one may be chosen.`
    }
    const named = ids.filter((id): id is string => id !== null)
    if (named.length > 0) return `${quoted} names ${named.join(', ')} among other text (joined by \`${separator}\`), which may change the terms and which SPDX cannot express.`
  }
  const qualified = /^([^()]+?)\s*\(([^()]*)\)\s*$/.exec(text)
  const id = qualified ? singleId(qualified[1]!) : null
  if (qualified && id) {
    return `${quoted} qualifies ${id} with \`(${quote(qualified[2]!, 60)})\`, which may change its terms and which SPDX cannot express; if those are the terms, declare \`license: other\` with \`license_name\` and \`license_link\`.`
  }
  return `${quoted} is not an SPDX license expression or a Hugging Face license id.`
}

/** `mit, cc-by-nc-4.0` → [MIT, CC-BY-NC-4.0]: two or more ids joined by separators SPDX does not define, else null. */
function listedIds(text: string): string[] | null {
  const ids = piecesOf(text).map(singleId)
  return ids.length > 1 && ids.every((id) => id !== null) ? (ids as string[]) : null
}

function piecesOf(text: string): string[] {
  return text.replace(VERSION_COMMA, ' ').split(/\s*[,;/&+]\s*/).filter(Boolean)
}

/** One SPDX or Hugging Face id as written (any case), else null: what a list element names. */
function singleId(word: string): string | null {
  const w = word.trim()
  const hf = hfEntry(w.toLowerCase())
  if (hf?.spdx) return hf.spdx
  if (hf && hf.category !== 'family-ambiguous' && hf.category !== 'unknown' && hf.category !== 'custom') return refOf(w.toLowerCase())
  return spdxIdOf(w)
}

/** `license: other` with `license_name` / `license_link` (the Hub's way to name a custom license). */
function otherLicense(other: { name?: unknown; link?: unknown }): NormalizedLicense {
  const name = typeof other.name === 'string' ? other.name.trim().slice(0, MAX_ID_CHARS) : ''
  const rawLink = typeof other.link === 'string' ? other.link.trim().slice(0, 2048) : ''
  // A link is a URL or a path: with spaces or invisible characters it is neither, and is not shown.
  const link = rawLink && !/[\s\p{Cc}\p{Cf}]/u.test(rawLink) ? rawLink : null
  if (name) {
    if (INVISIBLE.test(name)) return unknown(`\`license_name: ${quote(name, 80)}\` contains control or invisible formatting characters, so it cannot be shown as the license's name.`)
    const disguised = lookAlikeLetter(name)
    if (disguised) {
      return unknown(
        `\`license_name: ${quote(escapeNonAscii(name), 120)}\` has letters that look like others (${disguised}), so it cannot be shown or matched as the license's name; write the name in plain letters.`
      )
    }
    // `license_name: llama3` names a Hub id; `license_name: Apache-2.0` an SPDX one.
    const asId = name.toLowerCase() === 'other' ? null : normalizeLicense(name)
    if (asId?.state === 'known') return { ...asId, url: link ?? asId.url }
    // `license_name: cc-by-nc-4.0, mit` is a list of licenses, not the name of a custom one.
    if (asId && listedIds(name)) return asId
    const family = restrictedFamilyByText(`${name} ${link ?? ''}`)
    return { ...known(licenseRef(name), name, link, family?.summary ?? restrictedByName(name)), custom: true }
  }
  const family = link ? restrictedFamilyByText(link) : undefined
  if (family) return { ...hfLicense(family.hf, HF_LICENSES[family.hf]!), url: link }
  // `license: other` + `license_link: https://creativecommons.org/licenses/by-nc/4.0/`: the link names the license.
  const linked = link ? linkedLicense(link) : null
  if (linked) return { ...withInfo(linked, `read \`license_link: ${quote(link!, 120)}\` as ${linked}`), url: link }
  return unknown('`license: other` without `license_name` does not say which license.')
}

/**
 * A letter that can pass for another in a name: a Cyrillic, Greek, Armenian or
 * Cherokee letter (`С` for `C` in "CC BY-NС 4.0") or a compatibility form
 * (full-width `ｍｉｔ`). Said as `U+0421 'С'`; null when there is none. Chinese,
 * Japanese and accented Latin names pass.
 */
function lookAlikeLetter(name: string): string | null {
  for (const c of name) {
    if (c.normalize('NFKC') !== c || /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u.test(c)) return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`
  }
  return null
}


/**
 * The restriction a custom license's name announces ("MIT non-commercial use only",
 * "Acme Research-Only License"), as a summary for `license-use-restricted`.
 */
function restrictedByName(name: string): string | null {
  const words = name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
  const hit = /\bnc\b/.exec(words) ?? restrictiveWords(words)
  return hit ? `The license's name says "${quote(name, 80)}": its terms restrict use (${hit[0] === 'nc' ? 'NC: non-commercial' : hit[0]}); read them before any commercial or product use.` : null
}

function hfLicense(id: string, hf: HfLicense): NormalizedLicense {
  if (hf.category === 'family-ambiguous' && id !== 'openrail') {
    return { ...unknown(`\`${id}\` names a license family (${hf.name}), not one license; write the exact SPDX id with its version.`), name: hf.name }
  }
  if (id === 'unknown') return unknown('The license is declared as `unknown`.')
  const expression = hf.licenseRef ?? licenseRef(`hf-${id}`)
  return known(expression, hf.name, HF_LICENSES_DOC, restrictedFamilyByHfId(id)?.summary ?? null)
}

/** A valid LicenseRef id (`[A-Za-z0-9.-]+` after the prefix) from a free-form name. */
export function licenseRef(name: string): string {
  const idstring = name
    .replace(/\+/g, '-plus')
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64)
  return `LicenseRef-${idstring || 'other'}`
}

type Ast = parse.Info

function tryParse(text: string): string | null {
  try {
    return render(parse(text))
  } catch {
    return null
  }
}

/** Canonical text of a parsed expression; deprecated GNU ids become `-only` / `-or-later`. */
function render(node: Ast, parent?: 'and' | 'or'): string {
  if ('conjunction' in node) {
    const s = `${render(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${render(node.right, node.conjunction)}`
    return parent && parent !== node.conjunction ? `(${s})` : s
  }
  const plus = node.plus ? currentId(`${node.license}+`) : null
  const id = plus && plus !== `${node.license}+` ? plus : `${currentId(node.license)}${node.plus ? '+' : ''}`
  return node.exception ? `${id} WITH ${node.exception}` : id
}

/** `mit or apache-2.0` → `MIT OR Apache-2.0`: operators and ids re-cased; null when a word is no id. */
function recase(text: string): string | null {
  const tokens = text.split(/(\s+|\(|\))/).filter((t) => t !== '')
  const out: string[] = []
  let afterWith = false
  for (const tok of tokens) {
    if (/^\s+$/.test(tok) || tok === '(' || tok === ')') {
      out.push(tok)
      continue
    }
    const op = tok.toUpperCase()
    if (op === 'AND' || op === 'OR' || op === 'WITH') {
      out.push(op)
      afterWith = op === 'WITH'
      continue
    }
    if (afterWith) {
      out.push(tok)
      afterWith = false
      continue
    }
    const plus = tok.endsWith('+') ? '+' : ''
    const bare = plus ? tok.slice(0, -1) : tok
    if (/^licenseref-/i.test(bare)) {
      out.push(`LicenseRef-${bare.slice(11)}${plus}`)
      continue
    }
    const id = spdxIdOf(bare) ?? hfEntry(bare.toLowerCase())?.spdx ?? null
    if (!id) return null
    out.push(id + plus)
  }
  return out.join('')
}

/**
 * spdx-correct reads `Apache License 2.0` and `GPLv3` well, but also invents a
 * version (`GPL` → GPL-3.0-or-later, `BSD` → BSD-2-Clause) and quietly drops what
 * it does not understand (`cc-by-nc-4.0, mit` → MIT, `Apache-2.0 (non-commercial
 * use only)` → Apache-2.0). Its answer is kept only for one license written as
 * words: no list separators or parentheses (a trailing `+` means "or later"), no
 * `LicenseRef-`, every version number it names written in the input, "or later"
 * only when the input says so, and every word of the input accounted for by the
 * answer (its id, its SPDX name, or a filler such as "the", "license", "version").
 */
function safeCorrection(text: string): string | null {
  const words = text.replace(VERSION_COMMA, ' ')
  // Only letters, digits, spaces, `.`, `-`, `_` and a final `+`: any other mark is something the guess would drop.
  if (SEPARATOR.test(words) || /[^A-Za-z0-9 .+_-]/.test(words) || /\b(licenseref|documentref)-/i.test(words)) return null
  let guess: string | null
  try {
    guess = correct(text, { upgrade: true })
  } catch {
    return null
  }
  if (!guess || /LicenseRef-|DocumentRef-/.test(guess)) return null
  // `MIT AND` corrected to `MIT` drops a license someone meant to name.
  const operators = (t: string): number => (t.match(/(^|\s)(and|or|with)(?=\s|$)/gi) ?? []).length
  if (operators(guess) !== operators(text)) return null
  const written = new Set(text.match(/\d+/g) ?? [])
  for (const version of guess.match(/\d+(\.\d+)?/g) ?? []) {
    const [major, minor] = version.split('.') as [string, string | undefined]
    if (!written.has(major) || (minor && minor !== '0' && !written.has(minor))) return null
  }
  if (/-or-later/.test(guess) && !/\+|later/i.test(text)) guess = guess.replace(/-or-later/g, '-only')
  // `GPLv2+` is "or later"; a guess without it dropped the `+`.
  if (text.endsWith('+') && !/-or-later|\+/.test(guess)) return null
  if (!wordsAccountedFor(words, guess)) return null
  return tryParse(guess)
}

/** True when every word of `text` is part of `expression`'s ids or SPDX names (or a filler such as "license"): `Apache` for Apache-2.0. */
export function namesOnly(text: string, expression: string): boolean {
  return text.length <= MAX_CORRECT_CHARS && !/[^A-Za-z0-9 .+_-]/.test(text) && wordsAccountedFor(text, expression)
}

/** Words that name no license and change no terms. */
const FILLER = new Set(['the', 'license', 'licence', 'licensed', 'version'])

/** Lower-case words and version numbers: `GPLv3+` → gpl, 3; `BSD-3-Clause` → bsd, 3, clause. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/(?<=[a-z]|^|[^a-z0-9.])v(?=\d)/g, ' ')
    .split(/[^a-z0-9.]+/)
    .flatMap((w) => {
      const t = w.replace(/^\.+|\.+$/g, '')
      const m = /^([a-z]+)(\d+(?:\.\d+)*)$/.exec(t)
      return m ? [m[1]!, m[2]!] : [t]
    })
    .filter(Boolean)
}

/** Every word of the input is in the guessed ids, their SPDX names, or FILLER; a number matches a version (`2` ~ `2.0`). */
function wordsAccountedFor(text: string, guess: string): boolean {
  const ids = guess.split(/\s+/).filter((t) => !/^(AND|OR|WITH)$/.test(t))
  const known = new Set([...wordsOf(guess), ...ids.flatMap((id) => wordsOf(spdxInfo(id.replace(/\+$/, ''))?.name ?? ''))])
  const versions = [...known].filter((w) => /^\d/.test(w))
  return wordsOf(text).every((w) => known.has(w) || FILLER.has(w) || (/^\d+(\.\d+)*$/.test(w) && versions.some((v) => v === w || v.replace(/(\.0)+$/, '') === w.replace(/(\.0)+$/, ''))))
}

function withInfo(expression: string, note: string | null): NormalizedLicense {
  const info = spdxInfo(expression) ?? hfInfo(expression)
  return { ...known(expression, info?.name ?? expression, info?.url ?? null, restrictionOf(expression)), note }
}

/** `LicenseRef-hf-llama3`, `LicenseRef-scancode-llama-2-license-2023`: the Hugging Face license it stands for. */
function hfInfo(expression: string): { name: string; url: string } | null {
  const id = Object.keys(HF_LICENSES).find((k) => !HF_LICENSES[k]!.spdx && refOf(k) === expression)
  return id ? { name: HF_LICENSES[id]!.name, url: HF_LICENSES_DOC } : null
}

/** Use restrictions of any LicenseRef in the expression that names a restricted family. */
function restrictionOf(expression: string): string | null {
  for (const ref of expression.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) {
    const byRef = USE_RESTRICTED.find((f) => refOf(f.hf) === ref)
    if (byRef) return byRef.summary
  }
  return null
}

/** The table's own entries only: `__proto__` or `constructor` in a card is not a license id. */
function hfEntry(id: string): HfLicense | undefined {
  return Object.hasOwn(HF_LICENSES, id) ? HF_LICENSES[id] : undefined
}

function refOf(hfId: string): string {
  return hfEntry(hfId)?.licenseRef ?? licenseRef(`hf-${hfId}`)
}

function known(expression: string, name: string | null, url: string | null, restriction: string | null): NormalizedLicense {
  return { state: 'known', expression, name, url, restriction, note: null }
}

function unknown(note: string): NormalizedLicense {
  return { state: 'unknown', expression: null, name: null, url: null, restriction: null, note }
}
