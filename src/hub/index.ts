import type { Config } from '../config/schema.js'
import type { Issue } from '../inspect/types.js'
import { huggingfacePurl } from '../inventory/purl.js'
import { isHubId } from '../inventory/code/hub-ids.js'
import type { Dependency, Finding, HubKind, HubResolution } from '../types.js'
import { mapPool } from '../util/map-pool.js'
import { HubClient } from './client.js'
import type { HubHttp } from './http.js'
import type { JudgedFile } from './judge-file.js'
import { MAX_FILES_PER_REFERENCE, PICKLE_FORMATS, PICKLE_NAME, planLoad, shardsOf } from './load-plan.js'
import * as say from './messages.js'
import type { RepoFile, RepoInfo } from './repo-info.js'

const DEFAULT_HF_ENDPOINT = 'https://huggingface.co'

/** How the front ends steer hub lookups; anything not given comes from the config and the environment. */
export interface HubOptions {
  /** Overrides `hub.lookups` (CLI `--hub-lookups`). */
  lookups?: boolean
  /** Default: HF_ENDPOINT, else https://huggingface.co. Never read from the scanned repository. */
  endpoint?: string
  /** Default: HF_TOKEN. Sent only to the endpoint's origin; never logged or reported. */
  token?: string
  /** Where HF_ENDPOINT and HF_TOKEN are read (default process.env). */
  env?: NodeJS.ProcessEnv
  fetch?: typeof fetch
  /** Per request (default 30 s). */
  timeoutMs?: number
  /** Per file, all its requests (default 60 s plus 1 s per 2 MiB of budget). */
  fileTimeoutMs?: number
  /** References looked up at once (default 4). */
  concurrency?: number
}

export interface HubStage {
  /**
   * The scan's findings plus the hub findings, with the commit to pin written into the
   * fixes of `unpinned-hub-reference` findings whose reference was resolved.
   */
  apply(findings: Finding[]): Finding[]
}

const IDENTITY: HubStage = { apply: (f) => f }
/** Distinct references looked up per scan. */
export const MAX_REFERENCES = 200

interface Outcome {
  issues: Issue[]
  resolution: HubResolution | null
  words: say.RefWords
}

/**
 * The hub stage: with `hub.lookups` on, each Hugging Face reference the inventory
 * found in code is resolved through the Hub API to a commit, and the files its call
 * would load are judged by range requests (headers) and bounded streams (pickles)
 * without downloading them whole. Sets `Dependency.resolved`; findings land on the
 * line of the code that loads the reference.
 */
export async function lookUpHubReferences(deps: Dependency[], config: Config, opts: HubOptions = {}): Promise<HubStage> {
  if (!(opts.lookups ?? config.hub.lookups)) return IDENTITY
  // In change mode only what the change adds or changes is judged: findings on untouched lines are dropped anyway.
  const refs = deps.filter((d) => d.ecosystem === 'huggingface' && d.hubKind && d.change !== 'removed' && d.change !== 'unchanged')
  if (refs.length === 0) return IDENTITY
  const env = opts.env ?? process.env
  const endpointText = opts.endpoint ?? (env.HF_ENDPOINT?.trim() || DEFAULT_HF_ENDPOINT)
  const token = opts.token ?? (env.HF_TOKEN?.trim() || null)
  const endpoint = httpUrl(endpointText)
  const budget = config.hub['max-bytes']
  const http: HubHttp | null = endpoint ? { endpoint, token, fetch: opts.fetch ?? fetch, timeoutMs: opts.timeoutMs ?? 30_000 } : null
  const client = http ? new HubClient(http, { budget, fileDeadlineMs: opts.fileTimeoutMs ?? 60_000 + Math.ceil(budget / (2 * 1024 * 1024)) * 1000 }) : null

  // One look-up per distinct reference (kind, id, revision, call); every code line that makes it shares the answer.
  const groups = new Map<string, Dependency[]>()
  for (const d of refs) {
    const key = JSON.stringify([d.hubKind, d.name, d.specifier, d.loader?.call ?? null, d.loader?.file ?? null])
    groups.set(key, [...(groups.get(key) ?? []), d])
  }
  // Every reference costs requests and up to hub.max-bytes per file: a bound per scan, and a note for the rest.
  const outcomes = await mapPool([...groups.values()], opts.concurrency ?? 4, async (sites, i) => {
    const d = sites[0]!
    const words: say.RefWords = { kind: d.hubKind!, name: d.name, revision: d.specifier, token: Boolean(token), endpoint: endpointText }
    if (i >= MAX_REFERENCES) return { sites, outcome: { issues: [say.tooManyReferences(words, MAX_REFERENCES)], resolution: null, words } }
    if (!client) return { sites, outcome: { issues: [say.lookupFailed(words, { status: null, code: null, reason: `HF_ENDPOINT \`${endpointText}\` is not an http(s) URL` })], resolution: null, words } }
    return { sites, outcome: await resolveReference(client, d, words) }
  })

  const found: Finding[] = []
  /** Resolved unpinned references by code line, for the fixes of their `unpinned-hub-reference` findings. */
  const pins = new Map<string, { words: say.RefWords; commit: string }[]>()
  for (const { sites, outcome } of outcomes) {
    for (const site of sites) {
      if (outcome.resolution) site.resolved = outcome.resolution
      for (const issue of outcome.issues) found.push({ rule: issue.rule, severity: issue.severity, path: site.path, line: site.line, message: issue.message, fix: issue.fix })
      if (outcome.resolution && !site.pinned) {
        const key = `${site.path}\u0000${site.line}`
        pins.set(key, [...(pins.get(key) ?? []), { words: outcome.words, commit: outcome.resolution.commit }])
      }
    }
  }
  const withPin = (f: Finding): Finding => {
    if (f.rule !== 'unpinned-hub-reference') return f
    // One reference on the line is the usual case; with several, the message names the id (`... the model org/name from|on the Hub ...`).
    const here = pins.get(`${f.path}\u0000${f.line}`) ?? []
    const pin = here.length === 1 ? here[0] : here.find((p) => f.message.includes(` ${p.words.name} `))
    return pin ? { ...f, fix: say.pinFix(f.fix, pin.words, pin.commit) } : f
  }
  return { apply: (findings) => [...findings.map(withPin), ...found] }
}

async function resolveReference(client: HubClient, dep: Dependency, words: say.RefWords): Promise<Outcome> {
  const kind = dep.hubKind as HubKind
  const info = await client.repoInfo(kind, dep.name, dep.specifier ?? 'main')
  if ('failure' in info) return { issues: [say.lookupFailed(words, info.failure)], resolution: null, words }
  // A renamed repository answers with its new id; that is the one whose files are read.
  const id = isHubId(info.id, kind) ? info.id : dep.name
  const issues: Issue[] = []
  const plan = planLoad(dep, info.files)
  let paths: string[] = []
  if (plan.kind === 'missing') issues.push(say.missingFile(words, info.commit, dep.loader?.call ?? 'hf_hub_download', plan.file))
  if (plan.kind === 'weights' || plan.kind === 'snapshot' || plan.kind === 'file') {
    paths = plan.files
    let skipped = plan.truncated
    if (plan.index) {
      const shards = await readShards(client, kind, id, info, plan.index)
      if ('issue' in shards) issues.push(shards.issue === 'failed' ? say.indexFailed(words, info.commit, plan.index, shards.why) : say.missingShards(words, info.commit, plan.index, shards.missing))
      paths = 'shards' in shards ? shards.shards.slice(0, MAX_FILES_PER_REFERENCE) : []
      skipped = 'shards' in shards ? Math.max(0, shards.shards.length - MAX_FILES_PER_REFERENCE) : 0
    }
    if (skipped > 0) issues.push(say.truncatedFiles(words, info.commit, paths.length, skipped))
  }
  const byPath = new Map(info.files.map((f) => [f.path, f]))
  const judged: JudgedFile[] = []
  for (const p of paths) {
    const file = byPath.get(p)!
    const j = await client.judge(kind, id, info.commit, file)
    judged.push(j)
    for (const i of j.issues) issues.push(say.inFile(words, info.commit, p, i))
    if (j.stopped && 'budget' in j.stopped) issues.push(say.overBudget(words, info.commit, p, file.size, j.stopped.budget))
    if (j.stopped && 'failure' in j.stopped) issues.push(say.fileFailed(words, info.commit, p, j.stopped.failure, info.gated))
  }
  const pickles = judged.filter((j) => (j.format ? PICKLE_FORMATS.has(j.format) : PICKLE_NAME.test(j.path))).map((j) => j.path)
  if (kind === 'model' && pickles.length > 0 && !info.files.some((f) => f.path.endsWith('.safetensors'))) issues.push(say.pickleOnly(words, info.commit, pickles))
  return {
    issues,
    words,
    resolution: {
      commit: info.commit,
      purl: huggingfacePurl(id, info.commit, kind),
      license: info.license,
      ...(info.licenseName ? { licenseName: info.licenseName } : {}),
      ...(info.licenseLink ? { licenseLink: info.licenseLink } : {}),
      gated: info.gated,
      files: judged.map((j) => fileEntry(byPath.get(j.path)!, j))
    }
  }
}

type Shards = { shards: string[] } | { issue: 'failed'; why: string } | { issue: 'missing'; missing: string[]; shards: string[] }

async function readShards(client: HubClient, kind: HubKind, id: string, info: RepoInfo, index: string): Promise<Shards> {
  const text = await client.text(kind, id, info.commit, index)
  if (typeof text !== 'string') return { issue: 'failed', why: text.failure.reason }
  const r = shardsOf(text, index, info.files)
  if ('invalid' in r) return { issue: 'failed', why: r.invalid }
  return r.missing.length > 0 ? { issue: 'missing', missing: r.missing, shards: r.shards } : { shards: r.shards }
}

function fileEntry(f: RepoFile, j: JudgedFile): HubResolution['files'][number] {
  return { path: f.path, sha256: f.sha256, size: f.size, format: j.format }
}

function httpUrl(text: string): URL | null {
  try {
    const u = new URL(text)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : null
  } catch {
    return null
  }
}

