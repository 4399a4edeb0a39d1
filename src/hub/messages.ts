import { messageWithOffset } from '../inspect/issue-text.js'
import type { Issue } from '../inspect/types.js'
import { hubPage } from '../inventory/code/hub-ids.js'
import type { HubKind } from '../types.js'
import type { HubFailure } from './http.js'

/**
 * What hub lookups report, worded once. Lookups that get no answer are notes
 * (`scan-incomplete`, like the inventory's unresolved references): the reference is
 * not known to be safe, and the note says why and what would let ModelGate check it.
 */

export interface RefWords {
  kind: HubKind
  /** The id as written in the code. */
  name: string
  /** The revision as written, null for the default branch. */
  revision: string | null
  /** Whether HF_TOKEN was given (never its value). */
  token: boolean
  endpoint: string
}

function what(w: RefWords): string {
  return `the ${w.kind} ${w.name}`
}

function at(w: RefWords, commit: string): string {
  return `${what(w)}@${commit.slice(0, 7)}`
}

function note(message: string, fix: string): Issue {
  return { rule: 'scan-incomplete', severity: 'note', message, fix }
}

const gated = (f: HubFailure) => f.code === 'GatedRepo'
const notFound = (f: HubFailure) => f.code === 'RepoNotFound' || (f.status === 401 && !gated(f)) || (f.status === 404 && f.code !== 'RevisionNotFound' && f.code !== 'EntryNotFound')

/** The repository information could not be had. */
export function lookupFailed(w: RefWords, f: HubFailure): Issue {
  if (gated(f)) return gatedNote(w, f, `its information`)
  if (f.code === 'RevisionNotFound') {
    return note(
      `The revision \`${w.revision ?? 'main'}\` does not exist in ${what(w)} on the Hugging Face Hub (${f.reason}), so this code would fail to load it; nothing was checked.`,
      `Use an existing branch, tag or commit of ${w.name} (${hubPage(w.name, w.kind)}/commits).`
    )
  }
  if (notFound(f)) {
    return note(
      `${cap(what(w))} was not found on the Hugging Face Hub (${f.reason}): it does not exist, or it is private and ${w.token ? 'HF_TOKEN has no access to it' : 'no HF_TOKEN was given'}. What this code loads was not checked.`,
      `Check the repository id; for a private repository set HF_TOKEN to a token that can read it.`
    )
  }
  return note(
    `${cap(what(w))} could not be looked up on the Hugging Face Hub at ${w.endpoint} (${f.reason}), so the files it loads were not checked.`,
    'Re-run when the Hub is reachable (HF_ENDPOINT names another endpoint); until then this reference is not known to be safe.'
  )
}

function gatedNote(w: RefWords, f: HubFailure, thing: string): Issue {
  return note(
    `${cap(what(w))} is gated and ${w.token ? 'the HF_TOKEN given has no access to it' : 'no HF_TOKEN was given'}: the Hub refused ${thing} (${f.reason}), so it was not checked.`,
    `Set HF_TOKEN to a token of an account that accepted the conditions on ${hubPage(w.name, w.kind)}, or review the files by hand.`
  )
}

/** A file the call loads could not be read; on a gated repository a bare 401/403 is the gate too. */
export function fileFailed(w: RefWords, commit: string, file: string, f: HubFailure, repoGated: boolean): Issue {
  if (gated(f) || (repoGated && (f.status === 401 || f.status === 403))) return gatedNote(w, f, file)
  return note(
    `${file} of ${at(w, commit)} could not be read from the Hugging Face Hub (${f.reason}), so it was not checked.`,
    'Re-run when the Hub is reachable; until then this file is not known to be safe.'
  )
}

/** The byte budget ran out before the parsers were done: incomplete is not safe. */
export function overBudget(w: RefWords, commit: string, file: string, size: number | null, budget: number): Issue {
  return {
    rule: 'scan-incomplete',
    severity: 'error',
    message: `${file} of ${at(w, commit)}${size !== null ? ` (${size} bytes)` : ''} needs more than the ${budget}-byte budget for reading from the Hugging Face Hub (hub.max-bytes), so its scan is incomplete and it is not known to be safe.`,
    fix: 'Raise hub.max-bytes in .modelgate.yml to scan it fully, or load a safetensors version of the model.'
  }
}

/** What the local parsers found in a Hub file, on the line of the code that loads it. */
export function inFile(w: RefWords, commit: string, file: string, issue: Issue): Issue {
  return { rule: issue.rule, severity: issue.severity, message: `In ${file} of ${at(w, commit)} on the Hugging Face Hub, which this code loads: ${messageWithOffset(issue)}`, fix: issue.fix }
}

export function missingFile(w: RefWords, commit: string, call: string, file: string): Issue {
  return note(
    `\`${call}\` asks for ${file}, which ${what(w)} does not have at commit ${commit.slice(0, 7)}, so the call would fail; nothing was checked.`,
    `Check the file name against ${hubPage(w.name, w.kind)}/tree/${commit}.`
  )
}

export function indexFailed(w: RefWords, commit: string, index: string, why: string): Issue {
  return note(
    `The shard index ${index} of ${at(w, commit)} could not be read (${why}), so the weight shards it names were not checked.`,
    'Re-run when the Hub is reachable; until then these weights are not known to be safe.'
  )
}

export function missingShards(w: RefWords, commit: string, index: string, missing: string[]): Issue {
  return note(
    `The shard index ${index} of ${at(w, commit)} names ${missing.length === 1 ? 'a file' : 'files'} the repository does not have (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}), so loading would fail there.`,
    `Check the repository on ${hubPage(w.name, w.kind)}; a broken index may mean an incomplete upload.`
  )
}

export function tooManyReferences(w: RefWords, limit: number): Issue {
  return note(
    `This scan brings more than ${limit} distinct Hugging Face references; hub lookups stop there, so ${what(w)} was not looked up and what it loads was not checked.`,
    'Split the change, or review the references beyond the limit by hand.'
  )
}

export function truncatedFiles(w: RefWords, commit: string, checked: number, skipped: number): Issue {
  return note(
    `${cap(at(w, commit))} has ${checked + skipped} files this call may load; only the first ${checked} were checked.`,
    'Load a specific file (hf_hub_download) or a smaller repository, or review the remaining files by hand.'
  )
}

export function pickleOnly(w: RefWords, commit: string, files: string[]): Issue {
  return {
    rule: 'hub-model-unsafe-format',
    severity: 'warning',
    message: `${cap(at(w, commit))} offers the weights this code loads only as pickle-based files (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}) and no safetensors: loading them can run code, and whoever can push to ${w.name} can replace them.`,
    fix: `Load a model or revision that ships model.safetensors (the owner can convert it), and pin the commit you reviewed with revision="<40-hex commit sha>".`
  }
}

/** The fix of an `unpinned-hub-reference` finding, with the commit the revision points to now. */
export function pinFix(fix: string, w: RefWords, commit: string): string {
  const named = fix.includes('<40-hex commit sha>') ? fix.split('<40-hex commit sha>').join(commit) : `${fix} Commit: ${commit}.`
  return `${named} ${w.revision ? `\`${w.revision}\`` : 'The default branch'} points to this commit now (looked up on the Hub); review it before pinning.`
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
