import * as core from '@actions/core'
import { discoverPullRequest, type PullFile } from '../discover/pull-request.js'
import { scan } from '../engine/scan.js'
import type { GitHubClient } from '../github/client.js'
import type { Report } from '../types.js'
import { UsageError } from '../util/errors.js'
import path from 'node:path'
import { loadBaseConfig } from './base-config.js'
import { PULL_REQUEST_EVENTS, SNAPSHOT_EVENTS, type RunContext } from './context.js'
import type { ActionInputs } from './inputs.js'
import { ensureComparable } from './local-commits.js'

export type Mode = 'pull-request' | 'snapshot'

/** `auto` picks by event: PR and merge-queue events compare a change, everything else scans the tree. */
export function resolveMode(input: ActionInputs['mode'], eventName: string): Mode {
  if (input !== 'auto') return input
  if (PULL_REQUEST_EVENTS.includes(eventName)) return 'pull-request'
  if (!SNAPSHOT_EVENTS.includes(eventName)) core.info(`event '${eventName || '(none)'}': scanning the whole tree (snapshot mode)`)
  return 'snapshot'
}

export interface ScanResult {
  report: Report
  /** The commit reports attach to (check run, review comments). */
  headSha: string
  /** PR files with patches, for review comments; null outside a PR. */
  files: PullFile[] | null
}

/**
 * Pull-request mode: files from the API (or git past 3,000 files, or when the token may not read the
 * PR), policy from the base commit. merge_group has no PR: it compares the queue's merge commit with
 * its base in the checkout. Commits a shallow checkout lacks are fetched first.
 */
export async function scanChange(client: GitHubClient | null, ctx: RunContext, inputs: ActionInputs): Promise<ScanResult> {
  const pr = ctx.pullRequest
  const refs = pr ? { base: pr.baseSha, head: pr.headSha } : ctx.mergeGroup ? { base: ctx.mergeGroup.baseSha, head: ctx.mergeGroup.headSha } : null
  if (!refs) throw new UsageError(`mode pull-request needs a pull_request, pull_request_target or merge_group event (this is '${ctx.eventName || 'none'}'); use mode: snapshot or auto`)
  const log = (line: string) => core.info(line)
  const prepareLocal = (base: string, head: string) => ensureComparable(ctx.workspace, base, head, log)
  const fromApi = pr !== null && client !== null
  // the local comparison needs both commits before the policy is read, so the policy comes from git too
  if (!fromApi) await prepareLocal(refs.base, refs.head)
  const { config, path: configPath } = await loadBaseConfig(client, ctx.repo, ctx.workspace, inputs.config, refs.base)
  let files: PullFile[] | null = null
  const { report } = await scan({
    root: ctx.workspace,
    config,
    failOn: inputs.failOn,
    log,
    advisories: advisorySources(client),
    ...(pr && client
      ? {
          discover: async (isIgnored: (rel: string) => boolean) => {
            const target = { ...ctx.repo, number: pr.number, baseSha: pr.baseSha, headSha: pr.headSha }
            const change = await discoverPullRequest(client, target, ctx.workspace, isIgnored, (line) => core.warning(line), { prepareLocal })
            files = change.files
            return change
          }
        }
      : { base: refs.base, head: refs.head })
  })
  const changedPolicy = (files as PullFile[] | null)?.some((f) => f.filename === configPath)
  if (changedPolicy) core.notice(`This pull request changes ${configPath}; ModelGate applied the base branch's policy, the change takes effect once merged.`)
  return { report, headSha: refs.head, files }
}

/**
 * Known vulnerabilities: GitHub's advisory database with the job token (`advisories.source: auto`),
 * or the OSV API when the policy asks for it. Without a token the run stays offline: only the
 * policy's local OSV records are checked, and the log says so.
 */
function advisorySources(client: GitHubClient | null): { online?: boolean; github?: GitHubClient } {
  if (client) return { online: true, github: client }
  core.info('advisories: no github-token, so only local OSV records (advisories.path) are checked')
  return {}
}

/**
 * Snapshot mode: the whole checked-out tree, with the policy in it (a pushed branch is trusted). On a
 * pull request event (`mode: snapshot`) the check run goes to the PR's head, where the PR shows it.
 */
export async function scanSnapshot(client: GitHubClient | null, ctx: RunContext, inputs: ActionInputs): Promise<ScanResult> {
  const { report } = await scan({
    root: ctx.workspace,
    ...(inputs.config ? { configPath: path.resolve(ctx.workspace, inputs.config) } : {}),
    failOn: inputs.failOn,
    log: (line) => core.info(line),
    advisories: advisorySources(client)
  })
  return { report, headSha: ctx.pullRequest?.headSha ?? ctx.sha, files: null }
}
