import type { Readable } from 'node:stream'
import type { ByteSource } from '../../util/byte-source.js'
import { checkMembers, isBomb, listZip, openMember, readMemberHead, type ZipListing, type ZipMember } from '../formats/zip.js'
import { FormatError } from '../formats/common.js'
import { inspectPickleStream, looksLikePickle } from '../pickle-result.js'
import type { InspectResult, Issue } from '../types.js'

const MEMBER_HEAD = 4096

export interface MemberScanOptions {
  /** What the archive is, for messages (e.g. "PyTorch archive"). */
  kind: string
  framework?: string
  /** Members known to hold raw tensor bytes, never pickles (torch `data/N` storages). */
  skip?: (name: string) => boolean
}

/**
 * Scans every pickle inside a zip, whatever its name: a member is a pickle if it is
 * called `*.pkl` or its bytes say so. Archive-level problems (traversal, bombs,
 * encryption, duplicates) come from formats/zip.ts.
 */
export async function scanZipPickles(src: ByteSource, opts: MemberScanOptions): Promise<InspectResult & { members: number; pickleMembers: string[] }> {
  let listing: ZipListing
  try {
    listing = await listZip(src)
  } catch (err) {
    const e = err as FormatError
    return { facts: {}, issues: [{ rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: ${e.message}`, fix: e.fix ?? 'Re-create the archive.' }], members: 0, pickleMembers: [] }
  }
  const issues: Issue[] = checkMembers(listing, opts.kind)
  const pickleMembers: string[] = []
  const facts: Record<string, string | number | boolean> = {}
  try {
    for (const m of listing.members) {
      if (m.name.endsWith('/') || m.encrypted || isBomb(m)) continue
      if (opts.skip?.(m.name) && !m.name.endsWith('.pkl')) continue
      const isPickle = m.name.endsWith('.pkl') || looksLikePickle(await readMemberHead(listing.zip, m, MEMBER_HEAD))
      if (!isPickle) continue
      pickleMembers.push(m.name)
      const stream = await openMember(listing.zip, m)
      try {
        const r = await inspectPickleStream(stream as Readable & AsyncIterable<Buffer>, { ...(opts.framework ? { framework: opts.framework } : {}) }, `member "${m.name}"`)
        issues.push(...r.issues)
        mergeImports(facts, r.facts.pickle_globals)
      } finally {
        stream.destroy()
      }
    }
  } finally {
    listing.zip.close()
  }
  facts.zip_members = listing.members.length
  facts.pickle_members = pickleMembers.length
  return { facts, issues, members: listing.members.length, pickleMembers }
}

function mergeImports(facts: Record<string, string | number | boolean>, more: string | number | boolean | undefined): void {
  if (typeof more !== 'string' || more === '') return
  const all = new Set([...(typeof facts.pickle_globals === 'string' ? facts.pickle_globals.split(',') : []), ...more.split(',')])
  facts.pickle_globals = [...all].join(',')
}

export type { ZipMember }
