/** The PR head read through the API when it is not checked out (pull_request_target). */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { apiTreeReader } from '../../src/github/api-tree-reader.js'
import { createGitHubClient } from '../../src/github/client.js'
import { startFakeGitHub } from '../support/fake-github/index.js'

test('lists regular files recursively and by folder, opens blobs as raw bytes, skips symlinks', async () => {
  const HEAD = 'a'.repeat(40)
  const bin = Buffer.from([0, 1, 2, 0xff, 0xfe])
  const gh = await startFakeGitHub({
    seed: { owner: 'o', repo: 'r', token: 't', refs: { main: HEAD }, files: { [HEAD]: { 'm/a.bin': bin, 'm/sub/b.txt': 'b', 'm/link': { content: '../x', mode: '120000' }, 'top.md': '#' } } }
  })
  try {
    // blobs land in the temporary folder as one file each, gone once closed
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'api-tree-test-'))
    const tree = apiTreeReader(createGitHubClient({ token: 't', baseUrl: gh.url, log: () => {} }), { owner: 'o', repo: 'r' }, HEAD, tmp)
    expect(await tree.list('')).toEqual(['m/a.bin', 'm/sub/b.txt', 'top.md'])
    expect(await tree.list('m')).toEqual(['m/a.bin', 'm/sub/b.txt'])
    expect(await tree.children('m')).toEqual(['m/a.bin'])
    try {
      const src = await tree.open('m/a.bin')
      expect((await readdir(tmp)).map((n) => n.replace(/[0-9a-f-]{36}$/, 'UUID'))).toEqual(['modelgate-blob-UUID'])
      expect(await src.read(0, 10)).toEqual(bin)
      await src.close()
      expect(await readdir(tmp)).toEqual([])
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
    await expect(tree.open('m/link')).rejects.toThrow('m/link is not a regular file')
    expect(gh.operations()).toEqual(['git/get-tree', 'git/get-blob'])
    expect(gh.violations).toEqual([])
  } finally {
    await gh.close()
  }
})
