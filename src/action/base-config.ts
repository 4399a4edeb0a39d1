import * as core from '@actions/core'
import { CONFIG_FILE_NAME, parseConfig } from '../config/load.js'
import { DEFAULT_CONFIG, type Config } from '../config/schema.js'
import type { GitHubClient } from '../github/client.js'
import { readTextAtRef as fromApi } from '../report-github/base-config.js'
import { git } from '../util/run-git.js'

/**
 * The policy as it is on the PR's base commit, so a pull request cannot weaken its own policy:
 * from the local git objects when the checkout has the base commit, else from the API. A policy
 * file missing on the base means the defaults (the PR that adds it takes effect once merged).
 */
export async function loadBaseConfig(client: GitHubClient | null, repo: { owner: string; repo: string }, workspace: string, configInput: string, baseSha: string): Promise<{ config: Config; path: string }> {
  const rel = (configInput || CONFIG_FILE_NAME).replace(/\\/g, '/').replace(/^\.\//, '')
  const label = `${rel} at base ${baseSha.slice(0, 7)}`
  const local = await fromGit(workspace, baseSha, rel)
  const text = local !== undefined ? local : client ? await fromApi(client, repo, rel, baseSha) : undefined
  if (text === undefined) throw new Error(`cannot read ${label}: the base commit is not checked out and there is no token to ask the API`)
  if (text === null) {
    if (configInput) core.warning(`${label} does not exist; using the default policy (a pull request cannot bring its own policy)`)
    return { config: DEFAULT_CONFIG, path: rel }
  }
  core.info(`policy: ${label}`)
  return { config: parseConfig(text, label), path: rel }
}

/** The file's text, null when the base commit has no such file, undefined when the commit is not local. */
async function fromGit(workspace: string, sha: string, rel: string): Promise<string | null | undefined> {
  try {
    await git(workspace, ['cat-file', '-e', `${sha}^{commit}`])
  } catch {
    return undefined
  }
  try {
    return (await git(workspace, ['show', `${sha}:${rel}`])).toString('utf8')
  } catch {
    return null
  }
}
