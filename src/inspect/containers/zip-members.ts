import { Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import type { ByteSource } from '../../util/byte-source.js'
import { checkMembers, isBomb, listZip, openMember, openMemberIgnoringFlags, readMemberHead, ZIP_LIMITS, type ZipListing, type ZipMember } from '../formats/zip.js'
import { FormatError, truncate } from '../formats/common.js'
import { inspectPickleStream, pickleResult, torchStorageFacts } from '../pickle-result.js'
import { scanPickle, type PickleScanResult } from '../pickle/index.js'
import { BufferByteSource } from '../../util/byte-source.js'
import { isPickleMember, judgeMember, MAX_NESTING, nestedArchive, pickleByName, type NestedArchive } from './member-kind.js'
import { ARCHIVE_LIMITS, scanNestedStream, SliceSource, tooDeep } from './tar-members.js'
import type { InspectResult, Issue } from '../types.js'
import { findEndRecord, tampering, walkLocalHeaders, type LocalMember } from './zip-layout.js'
import { checkTorchScriptCode, TORCHSCRIPT_CODE } from './torchscript-code.js'
import { MAX_TOKENS } from '../../inventory/code/tokens.js'

const MEMBER_HEAD = 4096
/** Torch zips keep raw tensor bytes in `<archive>/data/<n>`: never pickles. */
const TORCH_STORAGE = /(^|\/)data\/\d+$/

export interface MemberScanOptions {
  /** What the archive is, for messages (e.g. "PyTorch archive"). */
  kind: string
  framework?: string
  /** Members known to hold raw tensor bytes, never pickles (torch `data/N` storages). */
  skip?: (name: string) => boolean
  /** Archives around this one (0 for a file): nested archives are opened up to MAX_NESTING. */
  depth?: number
}

type Facts = Record<string, string | number | boolean>

/**
 * Scans every pickle inside a zip, whatever its name: a member is a pickle if it is
 * called `*.pkl` or its bytes say so. Archive-level problems (traversal, bombs,
 * duplicates) come from formats/zip.ts; disagreements between the central directory
 * and the local file headers (hidden members, other names, sizes or flags, data
 * outside any member) from zip-layout.ts, and members only a local-header reader sees
 * are scanned too. A member marked encrypted whose data is plain is read as a reader
 * that ignores the flag would (the lie is a finding); really encrypted data fails
 * closed. In torch archives, TorchScript code (`code/**.py`) is checked for calls
 * outside TorchScript (torchscript-code.ts).
 */
export async function scanZipPickles(src: ByteSource, opts: MemberScanOptions): Promise<InspectResult & { members: number; pickleMembers: string[] }> {
  let listing: ZipListing
  try {
    listing = await listZip(src)
  } catch (err) {
    return unreadableDirectory(src, opts, err as FormatError)
  }
  const issues: Issue[] = checkMembers(listing, opts.kind, true)
  // A nested zip with a data.pkl (any case: PyTorch's reader finds it so) is a torch checkpoint (a file is identified as one by name and bytes).
  if (opts.framework === undefined && (opts.depth ?? 0) > 0 && listing.members.some((m) => /(^|\/)data\.pkl$/i.test(m.name))) opts = { ...opts, framework: 'torch' }
  const torch = opts.framework === 'torch'
  const pickleMembers: string[] = []
  const facts: Facts = {}
  const flagLies: string[] = []
  const code = { bytes: 0, capped: false }
  const torchMeta: Facts = {}
  const torchScans: PickleScanResult[] = []
  try {
    const layout = await walkLocalHeaders(src, listing, opts.kind)
    issues.push(...layout.issues)
    for (const m of listing.members) {
      if (m.name.endsWith('/')) continue
      if (isBomb(m)) {
        if (m.encrypted) issues.push(encryptedIssue(opts.kind, m))
        continue
      }
      // Members skipped by name (torch storages) are still checked for an encryption flag that lies.
      const skipped = (opts.skip?.(m.name) ?? false) && !pickleByName(m.name)
      if (skipped && !m.encrypted) continue
      // A member marked encrypted is read as a reader that ignores the flag would (see flaggedMember).
      const open = m.encrypted ? openMemberIgnoringFlags : openMember
      const isCode = !skipped && opts.framework === 'torch' && TORCHSCRIPT_CODE.test(m.name)
      let head: Buffer
      try {
        head = await readMemberHead(listing.zip, m, isCode ? codeRoom(code) + 1 : MEMBER_HEAD, open)
      } catch (err) {
        // e.g. a central directory entry that points at no local header: that member cannot be opened.
        issues.push(
          m.encrypted
            ? encryptedIssue(opts.kind, m)
            : { rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: member "${truncate(m.name, 120)}" cannot be opened (${truncate((err as Error).message, 120)}).`, fix: 'Re-create the archive with a standard zip tool.' }
        )
        continue
      }
      if (m.encrypted) {
        const lie = flaggedMember(m)
        if (!lie) {
          issues.push(encryptedIssue(opts.kind, m))
          continue
        }
        flagLies.push(lie)
      }
      if (skipped) continue
      if (isCode) scanCode(opts.kind, m.name, head, code, issues)
      if (torch) noteTorchRecord(m.name, head, torchMeta)
      // The central directory's size may lie: fewer bytes than asked is the member's end.
      const judged = await judgeMember(Number.MAX_SAFE_INTEGER, async (max) => (max <= head.length ? head.subarray(0, max) : readMemberHead(listing.zip, m, max, open)))
      if (!isPickleMember(m.name, judged.judgement, torch)) {
        const nested = nestedArchive(m.name, judged.head)
        if (nested) pickleMembers.push(...(await scanNested(src, listing, m, open, nested, opts, issues, facts)))
        continue
      }
      let stream: Readable
      try {
        stream = await open(listing.zip, m)
      } catch (err) {
        issues.push({ rule: 'unparseable-artifact', severity: 'error', message: `${opts.kind}: member "${truncate(m.name, 120)}" cannot be opened (${truncate((err as Error).message, 120)}).`, fix: 'Re-create the archive with a standard zip tool.' })
        continue
      }
      pickleMembers.push(m.name)
      try {
        const sr = await scanPickle(stream as Readable & AsyncIterable<Buffer>, { ...(opts.framework ? { framework: opts.framework } : {}) })
        if (torch) torchScans.push(sr)
        const r = pickleResult(sr, `member "${m.name}"`)
        issues.push(...r.issues)
        mergeImports(facts, r.facts.pickle_globals)
      } finally {
        stream.destroy()
      }
    }
    if (flagLies.length > 0) issues.push(flagLieIssue(opts.kind, flagLies))
    if (code.capped) {
      issues.push({
        rule: 'scan-incomplete',
        severity: 'error',
        message: `${opts.kind}: its TorchScript code is too large to check in full (over ${CODE_LIMITS.memberBytes} bytes or ${MAX_TOKENS} tokens in one member, or ${CODE_LIMITS.totalBytes} bytes in all); the code past that was not checked for calls outside TorchScript.`,
        fix: 'Re-export the model from trusted source code; TorchScript code of this size is unusual.'
      })
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
  if (!torch) return { facts, issues, members: listing.members.length, pickleMembers }
  // Storages are counted from the one pickle that names any: two could share storages.
  const named = torchScans.filter((r) => r.storages.persistentIds > 0)
  const tensorFacts = named.length === 1 ? torchStorageFacts(named[0]!) : {}
  return { facts: { framework: 'pytorch', ...torchMeta, ...facts, ...tensorFacts }, issues, members: listing.members.length, pickleMembers }
}

/** `<archive>/version` and `<archive>/byteorder` (torch.save writes both; `.data/version` in newer archives). */
const TORCH_RECORD = /^[^/]+\/(?:\.data\/)?(version|byteorder)$/

function noteTorchRecord(name: string, head: Buffer, meta: Facts): void {
  const rec = TORCH_RECORD.exec(name)?.[1]
  if (rec === undefined || head.length > 64) return
  const text = head.toString('latin1').trim()
  if (rec === 'version' && /^\d{1,9}$/.test(text) && meta.format_version === undefined) meta.format_version = text
  if (rec === 'byteorder' && (text === 'little' || text === 'big')) meta.byteorder = text
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
  const head = async (max: number): Promise<Buffer> => {
    const probe = open()
    try {
      return await readHead(probe, max)
    } finally {
      probe.destroy()
    }
  }
  let judged
  try {
    judged = await judgeMember(Number.MAX_SAFE_INTEGER, head)
  } catch {
    return false
  }
  if (!isPickleMember(l.name, judged.judgement, opts.framework === 'torch')) return false
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

/**
 * A member that is itself an archive (a torch zip in a bundle zip, a tar.gz, a zlib joblib):
 * opened and scanned as a file would be, its findings naming the path through the archives.
 * A zip needs random access: a stored member is read in place, a compressed one from memory up
 * to `nestedBytes`. Returns the pickle members found, by nested path.
 */
async function scanNested(src: ByteSource, listing: ZipListing, m: ZipMember, open: typeof openMember, nested: NestedArchive, opts: MemberScanOptions, issues: Issue[], facts: Facts): Promise<string[]> {
  const depth = (opts.depth ?? 0) + 1
  const where = `${opts.kind} member "${truncate(m.name, 120)}"`
  if (depth > MAX_NESTING) {
    issues.push(tooDeep(where, nested))
    return []
  }
  const prefix = (r: Issue[], kind: string) => r.map((i) => (i.message.startsWith(kind) ? i : { ...i, message: `${kind}: ${i.message}` }))
  try {
    if (nested !== 'zip') {
      const stream = await open(listing.zip, m)
      try {
        const r = await scanNestedStream(stream as Readable & AsyncIterable<Buffer>, nested, m.name, where, depth)
        issues.push(...r.issues)
        mergeImports(facts, r.facts.pickle_globals)
        return r.pickleMembers.map((n) => `${m.name}/${n}`)
      } finally {
        stream.destroy()
      }
    }
    const sub = await nestedZipSource(src, listing, m, open)
    if (!sub) {
      issues.push({ rule: 'scan-incomplete', severity: 'error', message: `${where} is a compressed zip of ${m.uncompressedSize} bytes, over the ${ARCHIVE_LIMITS.nestedBytes}-byte limit for opening a nested zip, so it was not scanned.`, fix: 'Commit the inner zip (e.g. the .pt checkpoint) itself, or store it uncompressed in the outer zip, so it can be inspected.' })
      return []
    }
    const kind = `${where} (zip)`
    const r = await scanZipPickles(sub, { kind, skip: (n) => TORCH_STORAGE.test(n), depth })
    issues.push(...prefix(r.issues, kind))
    mergeImports(facts, r.facts.pickle_globals)
    return r.pickleMembers.map((n) => `${m.name}/${n}`)
  } catch (err) {
    issues.push({ rule: 'unparseable-artifact', severity: 'error', message: `${where} is a ${nested} archive that cannot be read (${truncate((err as Error).message, 120)}), so what it holds was not scanned.`, fix: 'Re-create the archive with standard tools.' })
    return []
  }
}

/** Random access to a nested zip: a stored member in place, a compressed one inflated into memory (bounded). */
async function nestedZipSource(src: ByteSource, listing: ZipListing, m: ZipMember, open: typeof openMember): Promise<ByteSource | null> {
  if (m.method === 0 && !m.encrypted) {
    const local = await src.read(m.offset, 30)
    if (local.length === 30 && local.readUInt32LE(0) === 0x04034b50) {
      const start = m.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
      return new SliceSource(src, start, Math.min(src.size, start + m.compressedSize))
    }
  }
  if (m.uncompressedSize > ARCHIVE_LIMITS.nestedBytes) return null
  const stream = await open(listing.zip, m)
  try {
    const parts: Buffer[] = []
    let n = 0
    for await (const c of stream as AsyncIterable<Buffer>) {
      n += c.length
      if (n > ARCHIVE_LIMITS.nestedBytes) return null
      parts.push(c)
    }
    return new BufferByteSource(Buffer.concat(parts))
  } finally {
    stream.destroy()
  }
}

/** TorchScript code read to check for calls outside TorchScript: per member and per archive. */
const CODE_LIMITS = { memberBytes: 8 * 1024 * 1024, totalBytes: 64 * 1024 * 1024 }

function codeRoom(code: { bytes: number }): number {
  return Math.max(0, Math.min(CODE_LIMITS.memberBytes, CODE_LIMITS.totalBytes - code.bytes))
}

/** Checks one TorchScript code member (`head` holds up to the room left, plus one byte that says there is more). */
function scanCode(kind: string, name: string, head: Buffer, code: { bytes: number; capped: boolean }, issues: Issue[]): void {
  const room = codeRoom(code)
  if (head.length > room) code.capped = true
  const text = head.subarray(0, room)
  code.bytes += text.length
  const { issue, truncated } = checkTorchScriptCode(kind, name, text.toString('utf8'))
  if (truncated) code.capped = true
  if (issue) issues.push(issue)
}

/**
 * Whether a member the central directory marks encrypted holds plain data, as a reader that
 * ignores the flag would read it: stored with equal compressed and uncompressed sizes (traditional
 * encryption adds a 12-byte header, strong encryption its own), or deflated data that inflated.
 * Returns how it shows, or null when the data is really encrypted.
 */
function flaggedMember(m: ZipMember): string | null {
  const flags = `flags 0x${m.flags.toString(16).padStart(4, '0')}`
  if (m.method === 0) return m.compressedSize === m.uncompressedSize ? `"${truncate(m.name, 80)}" (${flags}, stored with equal compressed and uncompressed sizes: no encryption header)` : null
  return `"${truncate(m.name, 80)}" (${flags}, deflated data that inflates as it is)`
}

function encryptedIssue(kind: string, m: ZipMember): Issue {
  return {
    rule: 'scan-incomplete',
    severity: 'error',
    message: `${kind} member "${truncate(m.name, 120)}" is encrypted and cannot be scanned.`,
    fix: 'Commit the archive unencrypted so it can be inspected.'
  }
}

function flagLieIssue(kind: string, lies: string[]): Issue {
  const listed = lies.slice(0, 8).join('; ') + (lies.length > 8 ? `; and ${lies.length - 8} more` : '')
  return {
    rule: 'unsafe-serialization',
    severity: 'error',
    message: `${kind}: members marked encrypted hold unencrypted data: ${listed}. Readers that honour the flag (PyTorch, Python's zipfile, most scanners) refuse or skip them while readers that ignore it read them, which is how a payload is hidden from scanners; ModelGate scanned the data as those readers see it.`,
    fix: 'Do not load this archive. Rebuild it with a standard tool from trusted sources: a member that is not encrypted must not carry the encryption flag.'
  }
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
