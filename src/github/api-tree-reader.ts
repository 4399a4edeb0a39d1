import { createWriteStream } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import { FileByteSource } from '../util/byte-source.js'
import type { TreeReader } from '../verify/tree-reader.js'
import type { GitHubClient } from './client.js'

export interface RepoCoords {
  owner: string
  repo: string
}

/** Streams a raw blob to `dest`: bytes as data, never decoded as text, never all in memory. */
export async function downloadBlob(client: GitHubClient, repo: RepoCoords, sha: string, dest: string): Promise<void> {
  const res = await client.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
    ...repo,
    file_sha: sha,
    headers: { accept: 'application/vnd.github.raw+json' },
    request: { parseSuccessResponseBody: false }
  })
  const body = res.data as unknown as WebReadableStream<Uint8Array> | null
  if (!body) throw new Error(`GitHub sent no content for blob ${sha}`)
  await pipeline(Readable.fromWeb(body), createWriteStream(dest))
}

/**
 * A commit's tree read through the API (one recursive tree listing, blobs on demand): the head
 * state of a PR that is not checked out, e.g. under pull_request_target.
 */
export function apiTreeReader(client: GitHubClient, repo: RepoCoords, commit: string, tmpDir = os.tmpdir()): TreeReader {
  let files: Promise<Map<string, string>> | undefined
  const listing = () =>
    (files ??= client.rest.git.getTree({ ...repo, tree_sha: commit, recursive: '1' }).then(({ data }) => {
      if (data.truncated) throw new Error(`the tree of ${commit.slice(0, 12)} is too large for the API; check out the pull request (actions/checkout)`)
      // regular files only: symlinks (120000) and submodules are never followed
      return new Map(data.tree.filter((e) => e.type === 'blob' && e.mode !== '120000' && e.path && e.sha).map((e) => [e.path as string, e.sha as string]))
    }))
  const under = (dir: string, p: string) => dir === '' || p.startsWith(`${dir}/`)
  return {
    async list(dir) {
      return [...(await listing()).keys()].filter((p) => under(dir, p)).sort()
    },
    async children(dir) {
      return [...(await listing()).keys()].filter((p) => under(dir, p) && !p.slice(dir ? dir.length + 1 : 0).includes('/')).sort()
    },
    async open(relPath) {
      const sha = (await listing()).get(relPath)
      if (!sha) throw new Error(`${relPath} is not a regular file at ${commit.slice(0, 12)}`)
      // one temporary file per open, deleted on close: nothing is left behind, not even a folder
      const dest = path.join(tmpDir, `modelgate-blob-${randomUUID()}`)
      try {
        await downloadBlob(client, repo, sha, dest)
        return await FileByteSource.open(dest, () => rm(dest, { force: true }))
      } catch (err) {
        await rm(dest, { force: true })
        throw err
      }
    }
  }
}
