import path from 'node:path'
import type { Artifact, FailOn, Finding, Report } from '../types.js'
import { loadBaseConfig, loadConfig } from '../config/load.js'
import type { Config } from '../config/schema.js'
import { makeConfigIgnore } from '../discover/ignore-rules.js'
import { discoverTree } from '../discover/tree.js'
import { discoverChange } from '../discover/change.js'
import type { Discovery, EscapingLink } from '../discover/types.js'
import { applySeverityOverrides, compareFindings, verdictFor } from '../assess/severity.js'
import { TOOL } from '../version.js'
import { DEFAULT_LIMITS, type Limits } from './limits.js'
import { processFile } from './process-file.js'
import { mapPool } from '../util/map-pool.js'
import { byCodeUnit } from '../util/compare.js'
import { fsTreeReader, gitTreeReader, type TreeReader } from '../verify/tree-reader.js'
import { verifySignatures } from '../verify/index.js'
import { assessLicenses, type RegistryOptions } from '../licenses/assess.js'
import { applyLicenses } from '../licenses/report-fields.js'
import { checkLfsRules } from './lfs-check.js'
import { groupMediaFolders, mediaFolderOf } from './media-folders.js'
import { advisoryFiles, assessAdvisories, chooseAdvisorySource } from '../advisories/index.js'
import { vulnerabilityRows } from '../advisories/table.js'
import type { GitHubClient } from '../github/client.js'
import { lookUpHubReferences, type HubOptions } from '../hub/index.js'

/** A change found by someone else (e.g. the GitHub API's list of PR files). */
export interface ProvidedChange extends Discovery {
  base?: string
  head?: string
  cleanup?: () => Promise<void>
  /** The head state, for directory-wide checks (signatures cover whole model folders). */
  tree?: TreeReader
  /** The side the policy came from (the base), for trust files named in it: a PR cannot swap its own keys. */
  trustTree?: TreeReader
}

export interface ScanOptions {
  root: string
  /** Change mode when set: compare `base...head`. */
  base?: string
  head?: string
  /** Change mode with files supplied by the caller (the action and the bot read them from the API). */
  discover?: (isIgnored: (relPath: string) => boolean) => Promise<ProvidedChange>
  configPath?: string
  /** A config already loaded elsewhere (e.g. from the base branch, so a PR cannot weaken its own policy). */
  config?: Config
  failOn: FailOn
  limits?: Limits
  /** Package indexes for dependency licenses, over the config's `licenses.lookups`; neither = offline (licenses not looked up are `unknown`, never a failure). */
  registry?: RegistryOptions
  /**
   * Known-vulnerability lookups. Absent = local OSV records only (`advisories.path`): network
   * sources are opt-in, so a scan never calls out unless asked to.
   */
  advisories?: { online?: boolean; github?: GitHubClient; files?: string[]; fetch?: typeof fetch }
  /** Hugging Face Hub lookups of references in code (src/hub/): off unless `hub.lookups` or `lookups: true` here. */
  hub?: HubOptions
  /** Clock for license exception expiry (tests). */
  now?: Date
  /** Progress lines for long runs (the CLI prints them to stderr). */
  log?: (line: string) => void
  /** Stops the scan (the bot's deadline): checked before each file and after the file loop; scan() then rejects with it. */
  signal?: AbortSignal
}

export interface ScanOutcome {
  report: Report
  config: Config
}

const PROGRESS_EVERY_MS = 5_000

/** The whole pipeline: discover → identify/hash/inspect → assess → report. */
export async function scan(opts: ScanOptions): Promise<ScanOutcome> {
  const root = path.resolve(opts.root)
  const config = opts.config ?? (opts.base && !opts.configPath ? await loadBaseConfig(root, opts.base) : (await loadConfig(root, opts.configPath)).config)
  const limits = opts.limits ?? DEFAULT_LIMITS
  const isIgnored = makeConfigIgnore(config.ignore)
  const mode = opts.base || opts.discover ? 'change' : 'tree'

  let discovery: Discovery
  let cleanup = async (): Promise<void> => {}
  let refs: { base?: string; head?: string } = {}
  let tree: TreeReader
  let trustTree: TreeReader | undefined
  let baseTree: TreeReader | undefined
  if (opts.discover) {
    const change = await opts.discover(isIgnored)
    discovery = change
    if (change.cleanup) cleanup = change.cleanup
    refs = { ...(change.base ? { base: change.base } : {}), ...(change.head ? { head: change.head } : {}) }
    tree = change.tree ?? fsTreeReader(root)
    trustTree = change.trustTree
    baseTree = change.trustTree
  } else if (opts.base) {
    const change = await discoverChange(root, opts.base, opts.head ?? 'HEAD', isIgnored)
    discovery = change
    cleanup = change.cleanup
    refs = { base: change.base, head: change.head }
    tree = gitTreeReader(root, change.head)
    trustTree = gitTreeReader(root, change.base)
    baseTree = trustTree
  } else {
    discovery = await discoverTree(root, isIgnored)
    tree = fsTreeReader(root)
  }

  try {
    let done = 0
    let lastLog = Date.now()
    const outcomes = await mapPool(discovery.candidates, limits.concurrency, async (c) => {
      opts.signal?.throwIfAborted()
      const outcome = await processFile(c, limits, { tree, ...(baseTree ? { baseTree } : {}), mediaDigest: mediaFolderOf(c.path) !== null })
      done++
      if (opts.log && Date.now() - lastLog > PROGRESS_EVERY_MS) {
        lastLog = Date.now()
        opts.log(`scanned ${done}/${discovery.candidates.length} files`)
      }
      return outcome
    })
    opts.signal?.throwIfAborted()
    const media = await groupMediaFolders(
      outcomes.map((o, i) => ({ candidate: discovery.candidates[i]!, ...o })),
      { mode, tree, ...(baseTree ? { baseTree } : {}) }
    )
    const artifacts: Artifact[] = [...media.artifacts, ...media.folders].sort((a, b) => byCodeUnit(a.path, b.path))
    const byPath = new Map(artifacts.map((a) => [a.path, a]))
    const verification = await verifySignatures({
      artifacts,
      tree,
      config,
      digestOf: (p) => byPath.get(p)?.sha256,
      ...(trustTree ? { readTrustFile: readTrust(trustTree) } : {})
    })
    for (const a of artifacts) a.signature = verification.signatures.get(a.path) ?? null
    const dependencies = outcomes.flatMap((o) => o.dependencies).sort((a, b) => byCodeUnit(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0) || byCodeUnit(a.name, b.name))
    const hub = await lookUpHubReferences(dependencies, config, opts.hub)
    const licensing = await assessLicenses({
      artifacts,
      dependencies,
      config,
      tree,
      // Absent: the config's licenses.lookups / pypi-url / npm-url decide (src/licenses/registry-options.ts).
      ...(opts.registry ? { registry: opts.registry } : {}),
      ...(opts.now ? { now: opts.now } : {})
    })
    const licenseExceptions = applyLicenses(artifacts, dependencies, licensing)
    const lfs = await checkLfsRules(artifacts, tree, mode)
    const adv = opts.advisories ?? {}
    const advisorySource = chooseAdvisorySource(config, { ...(adv.github ? { github: adv.github } : {}), offline: !adv.online, ...(adv.fetch ? { fetch: adv.fetch } : {}) })
    const advisoryRecords = advisoryFiles(config, root, adv.files ?? [])
    // Offline with no local records there is no source at all: nothing is checked, and the docs say how to add one.
    const vulnerabilities =
      advisorySource.kind === 'files' && advisoryRecords.length === 0
        ? { findings: [], matches: [] }
        : await assessAdvisories({
            dependencies,
            config,
            mode,
            source: advisorySource,
            files: advisoryRecords,
            ...(opts.now ? { now: opts.now } : {})
          })
    const raw: Finding[] = hub.apply([...outcomes.flatMap((o) => o.findings), ...discovery.escapingLinks.map(linkFinding), ...verification.findings, ...licensing.findings, ...lfs, ...vulnerabilities.findings])
    const relevant = mode === 'change' ? dropUnchangedContext(raw, dependencies, discovery) : raw
    const findings = applySeverityOverrides(relevant, config).sort(compareFindings)
    const report: Report = {
      schemaVersion: 1,
      tool: { name: TOOL.name, version: TOOL.version },
      mode,
      verdict: verdictFor(findings, opts.failOn),
      ...refs,
      artifacts,
      dependencies,
      findings
    }
    const vulnerable = vulnerabilityRows(vulnerabilities.matches, findings)
    if (vulnerable.length > 0) report.vulnerabilities = vulnerable
    if (licenseExceptions.length > 0) report.licenseExceptions = licenseExceptions
    return { report, config }
  } finally {
    await cleanup()
  }
}

/**
 * In change mode a finding must be about the change: nothing on files the change
 * removes, and no dependency finding on a line whose dependency the change left as
 * it was (an old unpinned pin is the base's debt, not this PR's).
 */
function dropUnchangedContext(findings: Finding[], dependencies: readonly { path: string; line: number | null; change?: string }[], discovery: Discovery): Finding[] {
  const removed = new Set(discovery.candidates.filter((c) => c.change === 'removed').map((c) => c.path))
  const untouched = new Set(dependencies.filter((d) => d.change === 'unchanged' && d.line !== null).map((d) => `${d.path}:${d.line}`))
  return findings.filter((f) => !removed.has(f.path) && !(f.line !== null && untouched.has(`${f.path}:${f.line}`)))
}

/** Trust files (keys, certificates, roots) named in the policy, read from the side the policy came from. */
function readTrust(tree: TreeReader): (relPath: string) => Promise<Buffer> {
  return async (relPath) => {
    const src = await tree.open(relPath)
    try {
      return await src.read(0, Math.min(src.size, 1 << 20))
    } finally {
      await src.close()
    }
  }
}

function linkFinding(link: EscapingLink): Finding {
  return {
    rule: 'symlink-outside-tree',
    severity: 'warning',
    path: link.path,
    line: null,
    message: `Symbolic link to '${link.target}' points outside the repository; ModelGate does not follow it, so whatever it points to is not scanned.`,
    fix: 'Commit the file itself (or a Git LFS pointer to it) instead of a link out of the repository.'
  }
}
