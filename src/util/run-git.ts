import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { UsageError } from './errors.js'

/** Runs git with arguments (never a shell) and returns stdout; a failure names the command and git's message. */
export async function git(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', (e) => reject(new UsageError(`cannot run git: ${e.message}; install git or scan without --base`)))
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new UsageError(`git ${args.join(' ')} failed: ${Buffer.concat(err).toString('utf8').trim().split('\n')[0]}`))
    })
  })
}

/** Streams a blob into a file so that large blobs never sit in memory. */
export async function writeBlob(cwd: string, sha: string, dest: string): Promise<void> {
  const child = spawn('git', ['cat-file', 'blob', sha], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git cat-file blob ${sha} exited with ${code}`))))
  })
  await Promise.all([pipeline(child.stdout, createWriteStream(dest)), done])
}
