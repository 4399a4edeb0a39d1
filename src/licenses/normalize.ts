import parse from 'spdx-expression-parse'
import correct from 'spdx-correct'
import { HF_LICENSES, HF_LICENSES_DOC, type HfLicense } from './hf-licenses.js'
import { currentId, spdxIdOf, spdxInfo } from './spdx-ids.js'
import { restrictedFamilyByHfId, restrictedFamilyByText, USE_RESTRICTED } from './use-restrictions.js'
import type { NormalizedLicense } from './types.js'
import { clipLine } from '../util/clip.js'

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
    return unknown(`\`license\` is a list of ${declared.length} values; write one SPDX expression instead (e.g. \`MIT OR Apache-2.0\`).`)
  }
  if (typeof declared !== 'string' && typeof declared !== 'number') return unknown('`license` is not a string.')
  const text = String(declared).trim()
  if (!text) return null
  if (text.length > MAX_ID_CHARS) return unknown(`The declaration is ${text.length} characters of text, not a license identifier.`)
  const lower = text.toLowerCase()
  if (lower === 'other') return otherLicense(other)
  if (lower === 'unknown' || lower === 'none' || lower === 'n/a' || lower === 'noassertion') return unknown(`The license is declared as \`${text}\`.`)
  // npm: "UNLICENSED" means no rights are granted (https://docs.npmjs.com/cli/configuring-npm/package-json#license).
  if (text === 'UNLICENSED') return known('LicenseRef-UNLICENSED', 'UNLICENSED (no license granted)', null, null)
  const hf = HF_LICENSES[lower]
  if (hf && !hf.spdx) return hfLicense(lower, hf)
  return spdxExpression(text)
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
  if (text.length <= MAX_CORRECT_CHARS) {
    const guess = safeCorrection(text)
    if (guess) return withInfo(guess, `read \`${text}\` as ${guess}`)
  }
  return unknown(`\`${clipLine(text, 80)}\` is not an SPDX license expression or a Hugging Face license id.`)
}

/** `license: other` with `license_name` / `license_link` (the Hub's way to name a custom license). */
function otherLicense(other: { name?: unknown; link?: unknown }): NormalizedLicense {
  const name = typeof other.name === 'string' ? other.name.trim().slice(0, MAX_ID_CHARS) : ''
  const link = typeof other.link === 'string' && other.link.trim() ? other.link.trim().slice(0, 2048) : null
  if (name) {
    // `license_name: llama3` names a Hub id; `license_name: Apache-2.0` an SPDX one.
    const asId = name.toLowerCase() === 'other' ? null : normalizeLicense(name)
    if (asId?.state === 'known') return { ...asId, url: link ?? asId.url }
    const family = restrictedFamilyByText(`${name} ${link ?? ''}`)
    return known(licenseRef(name), name, link, family?.summary ?? null)
  }
  const family = link ? restrictedFamilyByText(link) : undefined
  if (family) return { ...hfLicense(family.hf, HF_LICENSES[family.hf]!), url: link }
  return unknown('`license: other` without `license_name` does not say which license.')
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
    const id = spdxIdOf(bare) ?? HF_LICENSES[bare.toLowerCase()]?.spdx ?? null
    if (!id) return null
    out.push(id + plus)
  }
  return out.join('')
}

/**
 * spdx-correct reads `Apache License 2.0` and `GPLv3` well, but also invents a
 * version (`GPL` → GPL-3.0-or-later, `BSD` → BSD-2-Clause). Its answer is kept only
 * when every version number it names is written in the input, and "or later" only
 * when the input says so.
 */
function safeCorrection(text: string): string | null {
  let guess: string | null
  try {
    guess = correct(text, { upgrade: true })
  } catch {
    return null
  }
  if (!guess) return null
  // `MIT AND` corrected to `MIT` drops a license someone meant to name.
  const operators = (t: string): number => (t.match(/(^|\s)(and|or|with)(?=\s|$)/gi) ?? []).length
  if (operators(guess) !== operators(text)) return null
  const written = new Set(text.match(/\d+/g) ?? [])
  for (const version of guess.match(/\d+(\.\d+)?/g) ?? []) {
    const [major, minor] = version.split('.') as [string, string | undefined]
    if (!written.has(major) || (minor && minor !== '0' && !written.has(minor))) return null
  }
  if (/-or-later/.test(guess) && !/\+|later/i.test(text)) guess = guess.replace(/-or-later/g, '-only')
  return tryParse(guess)
}

function withInfo(expression: string, note: string | null): NormalizedLicense {
  const info = spdxInfo(expression)
  return { ...known(expression, info?.name ?? expression, info?.url ?? null, restrictionOf(expression)), note }
}

/** Use restrictions of any LicenseRef in the expression that names a restricted family. */
function restrictionOf(expression: string): string | null {
  for (const ref of expression.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) {
    const byRef = USE_RESTRICTED.find((f) => refOf(f.hf) === ref)
    if (byRef) return byRef.summary
  }
  return null
}

function refOf(hfId: string): string {
  return HF_LICENSES[hfId]?.licenseRef ?? licenseRef(`hf-${hfId}`)
}

function known(expression: string, name: string | null, url: string | null, restriction: string | null): NormalizedLicense {
  return { state: 'known', expression, name, url, restriction, note: null }
}

function unknown(note: string): NormalizedLicense {
  return { state: 'unknown', expression: null, name: null, url: null, restriction: null, note }
}
