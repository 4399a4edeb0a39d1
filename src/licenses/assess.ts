import path from 'node:path'
import { minimatch } from 'minimatch'
import type { Artifact, Dependency, Finding, HubResolution } from '../types.js'
import type { Config } from '../config/schema.js'
import { hubPage } from '../inventory/code/hub-ids.js'
import type { TreeReader } from '../verify/tree-reader.js'
import { mapPool } from '../util/map-pool.js'
import { artifactSources, SourceCache, type ArtifactSources } from './artifact-sources.js'
import type { LicensesConfig } from './config-schema.js'
import { mergeFindings, type PendingFinding } from './findings.js'
import { normalizeLicense } from './normalize.js'
import { linkedLicense } from './license-link.js'
import { clipLine } from '../util/clip.js'
import { PackageIndex, type IndexAnswer, type RegistryOptions } from './package-index.js'
import { compatible, evaluate, policyFor, type KindPolicy, type Subject } from './policy.js'
import { RepoFiles } from './repo-files.js'
import { registryOptions } from './registry-options.js'
import type { LicenseTextLoader } from './license-texts.js'
import type { LicenseEvidence, LicenseException, NormalizedLicense, ResolvedLicense } from './types.js'

export type { ResolvedLicense } from './types.js'
export type { RegistryOptions } from './package-index.js'

export interface AssessLicensesInput {
  artifacts: Artifact[]
  dependencies: Dependency[]
  config: Config
  /** The scanned (head) state, to find cards, LICENSE files and metadata beside the artifacts. */
  tree: TreeReader
  /** Package index lookups for dependencies, over the config's `licenses.lookups` / `pypi-url` / `npm-url`; neither: offline (no network). */
  registry?: RegistryOptions
  /** For exception expiry (tests pin it). */
  now?: Date
  /** SPDX license texts for LICENSE files (tests inject a failing one); default: the data file beside the bundle. */
  licenseTexts?: LicenseTextLoader
}

export interface AssessLicensesResult {
  /** Keyed by artifact path (a card with no artifact beside it: the card's path) or dependency purl. */
  licenses: Map<string, ResolvedLicense>
  /** What each card read on the way declares (path → license; cards that declare nothing are absent), for the report. */
  cards: Map<string, NormalizedLicense>
  /** Cards whose `license_link` points at another license than the one they declare: the link is not that license's text. */
  foreignLinks: Set<string>
  findings: Finding[]
}

/** What one subject resolved to and where its findings go. */
interface Assessed {
  key: string
  subject: Subject
  /** Where a finding with no better place goes (the artifact; the manifest line of a dependency). */
  home: { path: string; line: number | null }
  resolved: ResolvedLicense
  /** Dependencies whose index was not consulted or did not answer: unknown, but no evidence of a problem. */
  unchecked: boolean
  /** Candidates for `licenses.exceptions[].path`. */
  names: string[]
  /** A model or dataset referenced on the Hub, not kept in the repository: its Hub page. */
  hub?: string
}

const CONCURRENCY = 8

/**
 * License policy over the artifacts and ML dependencies of one scan: resolve each
 * license (card, LICENSE text, metadata, package index), evaluate it against
 * `licenses` in the config, and report what fails. Never throws for bad input: an
 * unreadable declaration is `license-unknown`, an unreachable index is "unknown".
 */
export async function assessLicenses(input: AssessLicensesInput): Promise<AssessLicensesResult> {
  const config = input.config.licenses
  const now = input.now ?? new Date()
  const files = new RepoFiles(input.tree)
  const cache = new SourceCache(input.licenseTexts)
  const live = input.artifacts.filter((a) => a.change !== 'removed')

  const weights = live.filter((a) => a.kind === 'model' || a.kind === 'dataset')
  const weighed = await mapPool(weights, CONCURRENCY, async (a) => ({ a, src: await artifactSources(files, cache, a.path, a, false) }))
  const governing = new Set(weighed.flatMap(({ src }) => (src.card ? [src.card.path] : [])))
  // A card with no model or dataset file beside it in this scan (a PR that only edits the card, a
  // dataset hosted elsewhere) is assessed itself.
  const cards = live.filter((a) => (a.kind === 'model-card' || a.kind === 'dataset-card') && !governing.has(a.path))
  const carded = await mapPool(cards, CONCURRENCY, async (a) => ({ a, src: await artifactSources(files, cache, a.path, a, true) }))

  const assessed: Assessed[] = [
    ...weighed.map(({ a, src }) => artifactSubject(a, a.kind === 'dataset' ? 'dataset' : 'model', src)),
    ...carded.map(({ a, src }) => artifactSubject(a, src.card?.kind ?? (a.kind === 'dataset-card' ? 'dataset' : 'model'), src))
  ]

  const index = new PackageIndex(registryOptions(config, input.registry))
  const deps = input.dependencies.filter((d) => d.ml && d.change !== 'removed' && d.change !== 'unchanged' && (d.ecosystem === 'pypi' || d.ecosystem === 'npm'))
  const answers = await Promise.all(deps.map((d) => index.lookup(d)))
  deps.forEach((d, i) => assessed.push(dependencySubject(d, answers[i]!)))
  // Hub references resolved on the Hub (`hub.lookups`): the card license the Hub reports is the
  // model's or dataset's, judged by the same policy as a model in the repository.
  for (const d of input.dependencies) if (d.resolved && d.hubKind !== 'space' && d.change !== 'removed' && d.change !== 'unchanged') assessed.push(hubSubject(d, d.resolved))

  const licenses = new Map<string, ResolvedLicense>()
  const pending: PendingFinding[] = []
  for (const s of assessed) {
    s.resolved.exception = exceptionFor(config, s, now)
    licenses.set(s.key, s.resolved)
    pending.push(...findingsFor(s, policyFor(config, s.subject)))
  }
  const declared = new Map<string, NormalizedLicense>()
  const foreignLinks = new Set<string>()
  for (const [p, read] of cache.cards) {
    const card = await read
    if (card?.license) declared.set(p, card.license)
    if (card?.link && card.license?.state === 'known' && !card.license.custom && !compatible(card.license.expression!, card.link.license.expression!)) foreignLinks.add(p)
  }
  return { licenses, cards: declared, foreignLinks, findings: mergeFindings(pending) }
}

function artifactSubject(a: Artifact, subject: Subject, src: ArtifactSources): Assessed {
  return {
    key: a.path,
    subject,
    home: { path: a.path, line: null },
    resolved: resolve(subject, src.evidence, 'No model or dataset card declares a license, and there is no LICENSE file or license metadata beside it.'),
    unchecked: false,
    names: [a.path, ...src.evidence.map((e) => e.path)]
  }
}

function dependencySubject(d: Dependency, answer: IndexAnswer): Assessed {
  const evidence: LicenseEvidence[] = answer.ok && answer.license ? [{ source: 'package-index', path: answer.url, line: null, declared: answer.declared ?? '', license: answer.license }] : []
  const resolved = resolve('dependency', evidence, answer.ok ? `The package index has no license for ${d.name}${d.version ? ` ${d.version}` : ''}.` : `${answer.reason}.`)
  if (!answer.ok) resolved.state = 'unknown'
  return {
    key: d.purl,
    subject: 'dependency',
    home: { path: d.path, line: d.line },
    resolved,
    unchecked: !answer.ok,
    names: [d.purl, `pkg:${d.ecosystem}/${d.name}`, d.path]
  }
}

function hubSubject(d: Dependency, r: HubResolution): Assessed {
  const subject = d.hubKind === 'dataset' ? 'dataset' : 'model'
  const page = hubPage(d.name, subject)
  const license = r.license === null ? null : normalizeLicense(r.license, { name: r.licenseName, link: r.licenseLink })
  const declared = r.licenseName ? `other (license_name: ${r.licenseName})` : r.license
  const evidence: LicenseEvidence[] = license && declared ? [{ source: 'hub', path: page, line: null, declared: clipLine(declared, 200), license }] : []
  // The card's `license_link` on the Hub, when it is the page of one known license: judged and compared like a card's in the repository.
  const linked = r.licenseLink ? linkedLicense(r.licenseLink) : null
  const linkLicense = linked ? normalizeLicense(linked) : null
  if (evidence.length > 0 && linkLicense?.state === 'known') {
    evidence.push({ source: 'card-link', path: page, line: null, declared: `license_link: ${clipLine(r.licenseLink!, 180)}`, license: { ...linkLicense, url: r.licenseLink! } })
  }
  return {
    key: r.purl,
    subject,
    home: { path: d.path, line: d.line },
    resolved: resolve(subject, evidence, `The Hub reports no license for ${d.name} at ${r.commit.slice(0, 7)} (its card has no \`license\`).`),
    unchecked: false,
    names: [r.purl, `pkg:huggingface/${d.name}`, d.path],
    hub: page
  }
}

/** The strongest readable declaration wins; an unreadable one only when nothing else is readable. */
function resolve(subject: Subject, evidence: LicenseEvidence[], missing: string): ResolvedLicense {
  const winner = evidence.find((e) => e.license.state === 'known') ?? evidence[0] ?? null
  const l = winner?.license
  return {
    subject,
    state: l ? l.state : 'missing',
    expression: l?.expression ?? null,
    name: l?.name ?? null,
    url: l?.url ?? null,
    source: winner,
    evidence,
    restriction: l?.restriction ?? null,
    reason: !l ? missing : l.state === 'unknown' ? l.note : null,
    exception: null
  }
}

function exceptionFor(config: LicensesConfig, s: Assessed, now: Date): LicenseException | null {
  for (const ex of config.exceptions) {
    if (!s.names.some((n) => minimatch(n, ex.path, { dot: true }))) continue
    if (ex.license !== undefined && normalizeLicense(ex.license)?.expression !== s.resolved.expression) continue
    const expires = ex.expires ?? null
    // Valid through the whole expiry day, in UTC.
    const expired = expires !== null && now.getTime() > Date.parse(`${expires}T23:59:59.999Z`)
    return { path: ex.path, reason: ex.reason, expires, expired }
  }
  return null
}

const UNKNOWN_FIX =
  'Declare the license as one SPDX expression or Hugging Face license id (`license: apache-2.0`, `license: MIT AND CC-BY-NC-4.0`), or `license: other` with `license_name` and `license_link` for a custom license.'

function findingsFor(s: Assessed, policy: KindPolicy): PendingFinding[] {
  const out: PendingFinding[] = []
  const r = s.resolved
  // What the index and the Hub declare is not a file of the repository: its findings go on the manifest or code line.
  const at = (e: LicenseEvidence | null): { path: string; line: number | null } => (e && e.source !== 'package-index' && e.source !== 'hub' && !s.hub ? { path: e.path, line: e.line } : s.home)
  const add = (f: Omit<PendingFinding, 'subject'>): void => {
    out.push({ ...f, subject: s.key })
  }
  if (r.exception?.expired) {
    add({
      rule: 'license-exception-expired',
      severity: 'warning',
      ...at(r.source),
      message: `The license exception '${r.exception.path}' (${r.exception.reason}) expired on ${r.exception.expires}, so the license policy applies to this ${s.subject} again.`,
      fix: 'Review the license again and renew the exception with a later `expires` date in .modelgate.yml, or remove it and resolve the license findings.'
    })
  } else if (r.exception) {
    // An accepted exception: recorded in the license map, no findings.
    return out
  }

  const what = s.subject
  if (r.state === 'missing' && !s.unchecked && policy.unknown !== 'off') {
    add({
      rule: 'license-missing',
      severity: policy.unknown,
      ...s.home,
      message: `No license found for this ${what}: ${r.reason}`,
      fix:
        s.subject === 'dependency'
          ? 'Check the package\'s license by hand and record it as a `licenses.exceptions` entry with the reason, or choose a package that declares its license.'
          : s.hub
            ? `Check the terms on ${s.hub} by hand and record them as a \`licenses.exceptions\` entry (path \`${s.key}\`) with the reason, or load a ${what} that declares its license.`
            : 'Add `license:` (an SPDX or Hugging Face license id) to the model or dataset card front matter, or a LICENSE file beside the artifact.'
    })
  }
  // Fail closed: every declaration that cannot be read is reported, even when a weaker source can be
  // (a card saying `cc-by-nc-4.0, mit` is not settled by a config.json saying `mit`).
  if (!s.unchecked && policy.unknown !== 'off') {
    const unreadable = r.evidence.filter((e, i) => e.license.state === 'unknown' && r.evidence.findIndex((o) => o.path === e.path) === i)
    const fallback = r.state === 'known' ? r.source : null
    for (const e of unreadable) {
      add({
        rule: 'license-unknown',
        severity: policy.unknown,
        ...at(e),
        message:
          `The license of this ${what} cannot be read as an SPDX license: ${e.license.note ?? 'unrecognised declaration.'}` +
          (fallback ? ` The license found elsewhere (${fallback.license.expression}, from ${fallback.path}) does not settle it: this declaration may add or change terms.` : ''),
        fix: e.license.fix ?? UNKNOWN_FIX
      })
    }
    if (r.state === 'unknown' && unreadable.length === 0) {
      add({ rule: 'license-unknown', severity: policy.unknown, ...at(r.source), message: `The license of this ${what} cannot be read as an SPDX license: ${r.reason ?? 'unrecognised declaration.'}`, fix: UNKNOWN_FIX })
    }
  }

  const judged = new Set<string>()
  for (const e of r.evidence) {
    const expr = e.license.expression
    if (e.license.state !== 'known' || !expr || judged.has(`${expr}\0${e.path}`)) continue
    judged.add(`${expr}\0${e.path}`)
    const verdict = evaluate(expr, policy)
    const via = describe(e)
    if (verdict.verdict === 'denied') {
      add({
        rule: 'license-denied',
        severity: 'error',
        ...at(e),
        message: `${via} ${expr}, which the license policy denies (${verdict.entry} in licenses.deny${verdict.license !== expr ? ` matches ${verdict.license}` : ''}).`,
        fix: `Use a ${what} under an allowed license, or, if the use has been approved, add a \`licenses.exceptions\` entry for this path with the reason (and an expiry date).`
      })
      continue
    }
    if (verdict.verdict === 'not-allowed') {
      add({
        rule: 'license-not-allowed',
        severity: 'error',
        ...at(e),
        message: `${via} ${expr}, which is not on the license policy's allow list.`,
        fix: `Use a ${what} under a license on licenses.allow, add the license to the allow list if it is acceptable, or add a \`licenses.exceptions\` entry with the reason.`
      })
      continue
    }
    if (e.license.restriction) {
      add({
        rule: 'license-use-restricted',
        severity: 'note',
        ...at(e),
        message: `${via} ${e.license.name ?? expr}, which restricts how the ${what} may be used. Summary: ${e.license.restriction}`,
        fix: 'Read the license and its acceptable-use policy and check that your use complies; record the review as a `licenses.exceptions` entry.'
      })
    }
  }

  for (const c of conflicts(r.evidence)) {
    add({ rule: 'license-conflict', severity: 'warning', ...(s.hub ? s.home : c.at), message: c.message, fix: c.fix })
  }
  return out
}

const CARD_FIX = "Make the card and the LICENSE file agree: correct the card's `license:` or replace the LICENSE file with the license the artifact is really under."
const LINK_FIX = "Make `license` and `license_link` name the same license: link to that license's text, or correct `license:` if the linked one applies."
const FILES_FIX =
  'Keep one license per artifact: remove the LICENSE file that does not apply, or say on the card which terms apply (`license: MIT AND CC-BY-NC-4.0` if all of them do, `MIT OR CC-BY-NC-4.0` if one may be chosen).'

/**
 * Declarations that name licenses which cannot both hold: the card against its
 * `license_link` and against each LICENSE file; with no card, the LICENSE files
 * against each other (the first one, by name, is the reference).
 */
function conflicts(evidence: LicenseEvidence[]): { at: { path: string; line: number | null }; message: string; fix: string }[] {
  const known = (e: LicenseEvidence): boolean => e.license.state === 'known' && e.license.expression !== null
  const card = evidence.find((e) => (e.source === 'card' || e.source === 'hub') && known(e))
  const link = evidence.find((e) => e.source === 'card-link' && known(e))
  const files = evidence.filter((e) => e.source === 'license-file' && known(e))
  const out: { at: { path: string; line: number | null }; message: string; fix: string }[] = []
  // A custom `license_name` (a LicenseRef of that name) says nothing the link could contradict: the link is where its terms are.
  if (card && link && !card.license.custom && !compatible(card.license.expression!, link.license.expression!)) {
    out.push({
      at: { path: card.path, line: card.line },
      message: `The card declares ${card.license.expression} but its \`${link.declared}\` points at ${link.license.expression}; which one applies is unclear.`,
      fix: LINK_FIX
    })
  }
  if (card) {
    const against = files.filter((f) => !compatible(card.license.expression!, f.license.expression!) && !linkedFile(card, f))
    if (against.length > 0) {
      out.push({ at: { path: card.path, line: card.line }, message: `The card declares ${card.license.expression} but ${textsOf(against)}; which one applies is unclear.`, fix: CARD_FIX })
    }
    return out
  }
  const [first, ...others] = files
  const against = first ? others.filter((f) => !compatible(first.license.expression!, f.license.expression!)) : []
  if (first && against.length > 0) {
    out.push({ at: { path: first.path, line: null }, message: `${first.path} is the text of ${first.license.expression} but ${textsOf(against)}; which one applies is unclear.`, fix: FILES_FIX })
  }
  return out
}

function textsOf(files: LicenseEvidence[]): string {
  return files.map((f) => `${f.path} is the text of ${f.license.expression}`).join(' and ')
}

/** `license: other` + `license_link: LICENSE` says "the terms are in that file": not a contradiction. */
function linkedFile(card: LicenseEvidence, file: LicenseEvidence): boolean {
  const link = card.license.url
  return !!link && card.license.expression!.startsWith('LicenseRef-') && linksTo(link, card.path, file.path)
}

function linksTo(link: string, cardPath: string, filePath: string): boolean {
  if (/^[a-z]+:/i.test(link)) return link.replace(/[?#].*$/, '').endsWith(`/${path.posix.basename(filePath)}`)
  return path.posix.normalize(path.posix.join(path.posix.dirname(cardPath), link)) === filePath
}

function describe(e: LicenseEvidence): string {
  switch (e.source) {
    case 'card':
      return e.declared.startsWith('license_name: ') ? `The card declares \`${e.declared}\`, read as` : `The card declares \`license: ${e.declared}\`, read as`
    case 'card-link':
      return e.path.startsWith('http') ? `The card's \`${e.declared}\` on the Hub (${e.path}) points at the license` : `The card's \`${e.declared}\` points at the license`
    case 'license-file':
      return `${e.path} is the license text of`
    case 'model-config':
      return '`config.json` declares the license'
    case 'model-metadata':
      return 'The file\'s embedded metadata declares the license'
    case 'package-metadata':
      return `${path.posix.basename(e.path)} declares the license`
    case 'package-index':
      return `The package index declares \`${e.declared}\`, read as`
    case 'hub':
      return `The Hugging Face Hub reports the card license \`${e.declared}\` (${e.path}), read as`
  }
}
