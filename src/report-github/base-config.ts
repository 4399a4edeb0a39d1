import { CONFIG_FILE_NAME, parseConfig } from '../config/load.js'
import { DEFAULT_CONFIG, type Config } from '../config/schema.js'
import type { GitHubClient } from '../github/client.js'

/** A file's text at `ref` through the contents API (raw media type), null when the commit has no such file. */
export async function readTextAtRef(client: GitHubClient, repo: { owner: string; repo: string }, rel: string, ref: string): Promise<string | null> {
  try {
    const res = await client.request('GET /repos/{owner}/{repo}/contents/{path}', { ...repo, path: rel, ref, headers: { accept: 'application/vnd.github.raw+json' } })
    const data = res.data as unknown
    return typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8')
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null
    throw err
  }
}

/**
 * The policy at a trusted commit (a PR's base, a pushed default branch), read through the API as
 * data. A missing file means the defaults; an invalid one throws with the file, commit and key.
 */
export async function policyAt(client: GitHubClient, repo: { owner: string; repo: string }, sha: string, rel = CONFIG_FILE_NAME): Promise<{ config: Config; found: boolean; label: string }> {
  const label = `${rel} at ${sha.slice(0, 7)}`
  const text = await readTextAtRef(client, repo, rel, sha)
  if (text === null) return { config: DEFAULT_CONFIG, found: false, label }
  return { config: parseConfig(text, label), found: true, label }
}
