import { mkdtemp, mkdir, writeFile, symlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export type TreeSpec = Record<string, Buffer | string | { symlink: string }>

/** Writes a throw-away directory tree; returns its path. */
export async function makeTree(spec: TreeSpec): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'modelgate-test-'))
  await writeTree(root, spec)
  return root
}

export async function writeTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [rel, content] of Object.entries(spec)) {
    const abs = path.join(root, rel)
    await mkdir(path.dirname(abs), { recursive: true })
    if (typeof content === 'object' && !Buffer.isBuffer(content)) await symlink(content.symlink, abs)
    else await writeFile(abs, content)
  }
}
