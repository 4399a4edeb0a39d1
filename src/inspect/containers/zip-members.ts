import { Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import type { ByteSource } from '../../util/byte-source.js'
import { checkMembers, isBomb, listZip, openMember, readMemberHead, ZIP_LIMITS, type ZipListing, type ZipMember } from '../formats/zip.js'
import { FormatError, truncate } from '../formats/common.js'
import { inspectPickleStream, looksLikePickle } from '../pickle-result.js'
import type { InspectResult, Issue } from '../types.js'
import { findEndRecord, tampering, walkLocalHeaders, type LocalMember } from './zip-layout.js'

const MEMBER_HEAD = 4096

export interface MemberScanOptions {
  /** What the archive is, for messages (e.g. "PyTorch archive"). */
  kind: string
  framework?: string
  /** Members known to hold raw tensor bytes, never pickles (torch `data/N` storages). */
  skip?: (name: string) => boolean
}

type Facts = Record<string, string | number | boolean>

/**
 * Scans every pickle inside a zip, whatever its name: a member is a pickle if it is
 * called `*.pkl` or its bytes say so. Archive-level problems (traversal, bombs,
 * encryption, duplicates) come from formats/zip.ts; disagreements between the central
 * directory and the local file headers (hidden members, other names or sizes, data
 * outside any member) from zip-layout.ts, and members only a local-header reader sees
 * are scanned too.
 */
export async function scanZipPickles(src: ByteSource, opts: MemberScanOptions): Promise<InspectResult & { members: number; pickleMembers: string[] }> {
  let listing: ZipListing
  try {
    listing = await listZip(src)
  } catch (err) {
    return unreadableDirectory(src, opts, err as FormatError)
  }
  const issues: Issue[] = checkMembers(listing, opts.kind)
  const pickleMembers: string[] = []
  const facts: Facts = {}
  try {
    const layout = await walkLocalHeaders(src, listing, opts.kind)
    issues.push(...layout.issues)
    for (const m of listing.members) {
      if (m.name.endsWith('/') || m.encrypted || isBomb(m)) continue
      if (opts.skip?.(m.name) && !m.name.endsWith('.pkl')) continue
      let stream: Readable
      try {
        const isPickle = m.name.endsWith('.pkl') || looksLikePickle(await readMemberHead(listing.zip, m, MEMBER_HEAD))
        if (!isPickle) continue
        stream = await openMember(listing.zip, m)
      } catch (err) {
        // e.g. a central directory entry that points at no local header: that member cannot be opened.
        issues.push({ rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: member "${truncate(m.name, 120)}" cannot be opened (${truncate((err as Error).message, 120)}).`, fix: 'Re-create the archive with a standard zip tool.' })
        continue
      }
      pickleMembers.push(m.name)
      try {
        const r = await inspectPickleStream(stream as Readable & AsyncIterable<Buffer>, { ...(opts.framework ? { framework: opts.framework } : {}) }, `member "${m.name}"`)
        issues.push(...r.issues)
        mergeImports(facts, r.facts.pickle_globals)
      } finally {
        stream.destroy()
      }
    }
    const byOffset = new Map(listing.members.map((m) => [m.offset, m]))
    for (const l of layout.locals) {
      const cd = byOffset.get(l.offset)
      // The central-directory scan above already read these bytes, unless it skipped them by name.
      const unseen = l.hidden || l.differs || (cd !== undefined && !cd.rawName.equals(l.rawName) && (opts.skip?.(cd.name) ?? false))
      if (!unseen) continue
      const where = l.hidden ? `hidden member "${l.name}"` : `member "${l.name}" as its local header describes it`
      if (await scanLocal(src, l, where, opts, issues, facts)) pickleMembers.push(l.name)
    }
  } finally {
    listing.zip.close()
  }
  facts.zip_members = listing.members.length
  facts.pickle_members = pickleMembers.length
  return { facts, issues, members: listing.members.length, pickleMembers }
}

/**
 * The central directory cannot be read (yauzl refuses it): the archive is unparseable, and
 * pickles the local headers still lead to are scanned, since a lenient loader may reach them.
 */
async function unreadableDirectory(src: ByteSource, opts: MemberScanOptions, e: FormatError): Promise<InspectResult & { members: number; pickleMembers: string[] }> {
  const issues: Issue[] = [{ rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: ${e.message}`, fix: e.fix ?? 'Re-create the archive.' }]
  const facts: Facts = {}
  const pickleMembers: string[] = []
  try {
    const end = await findEndRecord(src)
    if (end && end.trailing > 0) {
      issues.push(tampering(opts.kind, [`${end.trailing} bytes follow the end-of-central-directory record (an appended payload or a polyglot file: Python's zipfile ignores them, stricter readers refuse the archive)`]))
    }
    const layout = await walkLocalHeaders(src, null, opts.kind)
    for (const l of layout.locals) {
      if (await scanLocal(src, l, `member "${l.name}" (found from its local header)`, opts, issues, facts)) pickleMembers.push(l.name)
    }
  } catch (err) {
    issues.push({ rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: the local file headers cannot be walked either (${truncate((err as Error).message, 120)}).`, fix: 'Re-create the archive.' })
  }
  facts.pickle_members = pickleMembers.length
  return { facts, issues, members: 0, pickleMembers }
}

/** Scans a member's data as a local-header reader finds it, if it is a pickle. Returns whether it was one. */
async function scanLocal(src: ByteSource, l: LocalMember, where: string, opts: MemberScanOptions, issues: Issue[], facts: Facts): Promise<boolean> {
  if (!l.sizeKnown || l.name.endsWith('/') || (l.method !== 0 && l.method !== 8)) return false
  const end = Math.min(src.size, l.dataStart + l.compressedSize)
  const open = (): Readable => {
    const raw = Readable.from(src.stream(l.dataStart, end))
    if (l.method === 0) return raw
    const inflater = createInflateRaw()
    raw.on('error', (err) => inflater.destroy(err))
    return raw.pipe(inflater)
  }
  let head: Buffer
  const probe = open()
  try {
    head = await readHead(probe, MEMBER_HEAD)
  } catch {
    return false
  } finally {
    probe.destroy()
  }
  if (!l.name.endsWith('.pkl') && !looksLikePickle(head)) return false
  const stream = open()
  try {
    const r = await inspectPickleStream(capped(stream, ZIP_LIMITS.bombBytes), { ...(opts.framework ? { framework: opts.framework } : {}) }, where)
    issues.push(...r.issues)
    mergeImports(facts, r.facts.pickle_globals)
  } catch (err) {
    issues.push({ rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: ${where} cannot be decompressed (${truncate((err as Error).message, 120)}).`, fix: 'Re-create the archive.' })
  } finally {
    stream.destroy()
  }
  return true
}

async function readHead(stream: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let n = 0
  for await (const chunk of stream) {
    parts.push(chunk)
    n += chunk.length
    if (n >= max) break
  }
  return Buffer.concat(parts).subarray(0, max)
}

/** Stops a stream after `max` bytes: a member a local header makes huge cannot make the scan read forever. */
async function* capped(stream: AsyncIterable<Buffer>, max: number): AsyncIterable<Buffer> {
  let n = 0
  for await (const chunk of stream) {
    if (n + chunk.length >= max) {
      yield chunk.subarray(0, max - n)
      return
    }
    n += chunk.length
    yield chunk
  }
}

function mergeImports(facts: Facts, more: string | number | boolean | undefined): void {
  if (typeof more !== 'string' || more === '') return
  const all = new Set([...(typeof facts.pickle_globals === 'string' ? facts.pickle_globals.split(',') : []), ...more.split(',')])
  facts.pickle_globals = [...all].join(',')
}

export type { ZipMember }
