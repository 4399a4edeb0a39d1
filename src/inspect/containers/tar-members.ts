import { pipeline, Readable } from 'node:stream'
import { createGunzip, createInflate } from 'node:zlib'
import type { RuleId } from '../../types.js'
import { BufferByteSource, type ByteSource } from '../../util/byte-source.js'
import { escapesDirectory, FormatError, PATH_ESCAPE_RULE, truncate } from '../formats/common.js'
import { BLOCK, isTarHeader, SourceTarInput, StreamTarInput, TAR_LIMITS, walkTar, type TarEnd, type TarEntry, type TarInput } from '../formats/tar.js'
import { inspectPickleStream } from '../pickle-result.js'
import type { Facts, InspectResult, Issue } from '../types.js'
import { scanZipPickles } from './zip-members.js'
import { isPickleMember, judgeMember, MAX_NESTING, MEMBER_HEAD, nestedArchive } from './member-kind.js'

/**
 * tar, tar.gz/tgz and gzip files (webdataset shards, SageMaker `model.tar.gz`, gzipped
 * pickles), inspected as one stream: gunzip → tar headers → member data. Pickle members
 * are scanned as they stream past; zip members (torch checkpoints) are opened from the
 * file itself in a plain tar, or from memory up to `nestedBytes` in a compressed one.
 * Path traversal and links that point outside are archive path traversal; caps on
 * members, sizes and decompression fail closed.
 */

export const ARCHIVE_LIMITS = {
  ...TAR_LIMITS,
  /** gunzip output beyond this is not read: scan-incomplete. */
  maxDecompressedBytes: 32 * 2 ** 30,
  /** Output over bombBytes at a ratio over bombRatio is a decompression bomb. */
  bombBytes: 2 ** 30,
  bombRatio: 1000,
  /** A zip inside a compressed tar is buffered in memory to be opened; larger ones are not scanned. */
  nestedBytes: 64 * 2 ** 20
}

export type ArchiveLimits = typeof ARCHIVE_LIMITS

/** Bytes after a plain tar's end marker that are read to check they are padding. */
const MAX_PADDING = 1 << 20
const TORCH_STORAGE = /(^|\/)data\/\d+$/
/** Members of torch's legacy tar format (`torch.save(..., _use_new_zipfile_serialization=False)` before 1.0): all pickles. */
const TORCH_LEGACY_TAR = /^(\.\/)?(storages|tensors|pickle|sys_info)$/
const FIX_TAR = 'Re-create the archive with a standard tar tool (tar, Python tarfile) from trusted files.'

/** A cap was hit: the rule says whether the archive is hostile (bomb) or only too big to finish. */
class LimitHit extends Error {
  constructor(
    readonly rule: RuleId,
    message: string,
    readonly fix: string
  ) {
    super(message)
  }
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8
}

/** Decompresses a gzip stream (all members), enforcing the ratio and absolute caps as it goes. */
export function gunzipChunks(chunks: AsyncIterable<Buffer>, limits: ArchiveLimits = ARCHIVE_LIMITS, what = 'gzip stream'): AsyncGenerator<Buffer> {
  return decompressChunks(chunks, 'gzip', limits, what)
}

/** Decompresses a gzip or zlib stream with the same caps (a zlib stream: joblib's `compress=`). */
async function* decompressChunks(chunks: AsyncIterable<Buffer>, format: 'gzip' | 'zlib', limits: ArchiveLimits, what: string): AsyncGenerator<Buffer> {
  let inBytes = 0
  const counted = (async function* () {
    for await (const c of chunks) {
      inBytes += c.length
      yield c
    }
  })()
  const input = Readable.from(counted)
  const z = format === 'gzip' ? createGunzip() : createInflate()
  pipeline(input, z, () => {})
  let out = 0
  try {
    for await (const c of z as AsyncIterable<Buffer>) {
      out += c.length
      if (out > limits.bombBytes && out > inBytes * limits.bombRatio) {
        throw new LimitHit('unparseable-artifact', `The ${what} inflates to over ${out} bytes from ${inBytes} (ratio over ${limits.bombRatio}): a decompression bomb.`, 'Remove it; real model data does not compress that well.')
      }
      if (out > limits.maxDecompressedBytes) {
        throw new LimitHit('scan-incomplete', `The ${what} inflates to more than ${limits.maxDecompressedBytes} bytes; the rest was not scanned.`, 'Commit the files uncompressed (or split the archive) so they can be inspected.')
      }
      yield c
    }
  } finally {
    input.destroy()
    z.destroy()
  }
}

/** Up to `max` decompressed bytes from the start of a gzip buffer (a truncated head is fine). */
export async function gunzipHead(buf: Buffer, max: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let n = 0
  try {
    for await (const c of gunzipChunks((async function* () { yield buf })(), { ...ARCHIVE_LIMITS, maxDecompressedBytes: max + (1 << 16) })) {
      parts.push(c)
      n += c.length
      if (n >= max) break
    }
  } catch {
    // truncated head or corrupt stream: what came out before is the answer
  }
  return Buffer.concat(parts).subarray(0, max)
}

/** A window [start, end) of another source: a member of a plain tar (or a stored zip member) opened as a file. */
export class SliceSource implements ByteSource {
  constructor(
    private readonly src: ByteSource,
    private readonly start: number,
    private readonly end: number
  ) {}
  get size(): number {
    return this.end - this.start
  }
  async read(offset: number, length: number): Promise<Buffer> {
    const from = Math.max(0, offset)
    const to = Math.min(this.size, offset + length)
    return to <= from ? Buffer.alloc(0) : this.src.read(this.start + from, to - from)
  }
  stream(start = 0, end = this.size): AsyncIterable<Buffer> {
    return this.src.stream(this.start + Math.max(0, start), this.start + Math.min(this.size, end))
  }
}

interface Scan {
  kind: string
  limits: ArchiveLimits
  issues: Issue[]
  facts: Facts
  pickleMembers: string[]
  depth: number
  /** Members of a torch archive are all pickles to its loader. */
  torch?: boolean
}

/** tar, tar.gz or gzip, decided from the bytes. */
export async function inspectTarOrGzip(src: ByteSource, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<InspectResult> {
  const head = await src.read(0, BLOCK)
  const scan: Scan = { kind: 'tar archive', limits, issues: [], facts: {}, pickleMembers: [], depth: 0 }
  if (!isGzip(head)) {
    await scanTar(new SourceTarInput(src), scan)
    return done(scan)
  }
  scan.facts.compression = 'gzip'
  scan.kind = 'gzip file'
  const input = new StreamTarInput(gunzipChunks(src.stream(), limits, 'gzip stream'))
  try {
    const inner = await input.peek(MEMBER_HEAD)
    if (isTarHeader(inner.subarray(0, BLOCK))) {
      scan.kind = 'gzip-compressed tar archive'
      await scanTar(input, scan)
    } else {
      await scanPayload(input, { name: 'payload', size: Number.MAX_SAFE_INTEGER, dataOffset: 0 }, scan, 'decompressed content')
    }
  } catch (err) {
    fail(scan, err)
  } finally {
    await input.close()
  }
  return done(scan)
}

function done(scan: Scan): InspectResult {
  scan.facts.pickle_members = scan.pickleMembers.length
  return { facts: scan.facts, issues: scan.issues }
}

function fail(scan: Scan, err: unknown): void {
  if (err instanceof LimitHit) scan.issues.push({ rule: err.rule, severity: 'error', message: `${scan.kind}: ${err.message}`, fix: err.fix })
  else if (err instanceof FormatError) scan.issues.push({ rule: 'unparseable-artifact', severity: 'error', message: `${scan.kind}: ${err.message}`, fix: err.fix, ...(err.offset !== undefined ? { offset: err.offset } : {}) })
  else {
    scan.issues.push({
      rule: 'unparseable-artifact',
      severity: 'error',
      message: `${scan.kind} cannot be read to the end (${truncate(errorText(err), 160)}); its members are not all scanned.`,
      fix: FIX_TAR
    })
  }
}

/** Errors from node:zlib may come from another realm (jest's VM), so no instanceof. */
function errorText(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as Error).message === 'string' ? (err as Error).message : String(err)
}

const REGULAR = (t: string) => !['1', '2', '3', '4', '5', '6'].includes(t)

async function scanTar(input: TarInput, scan: Scan): Promise<void> {
  let members = 0
  let total = 0
  let end: TarEnd | null = null
  const disagreements: string[] = []
  try {
    for await (const e of walkTar(input, scan.limits, (x) => (end = x))) {
      if (++members > scan.limits.maxMembers) {
        scan.issues.push({ rule: 'scan-incomplete', severity: 'error', message: `${scan.kind} has more than ${scan.limits.maxMembers} members; only the first ${scan.limits.maxMembers} were inspected.`, fix: 'Split the archive or raise the member limit.' })
        members--
        end = null
        break
      }
      total += e.size
      if (total > scan.limits.maxTotalBytes) {
        scan.issues.push({ rule: 'scan-incomplete', severity: 'error', message: `${scan.kind} holds more than ${scan.limits.maxTotalBytes} bytes of members; the ones from "${truncate(e.name, 80)}" on were not inspected.`, fix: 'Split the archive so each part can be inspected.' })
        end = null
        break
      }
      checkPaths(e, scan)
      if (e.size !== e.declaredSize) {
        disagreements.push(`${typeName(e.type)} "${truncate(e.name, 80)}" at offset ${e.headerOffset} declares ${e.declaredSize} bytes of data that Python's tarfile reads as the next headers while other extractors skip them`)
      }
      if (!REGULAR(e.type) || e.size === 0) continue
      if (e.sparse) {
        scan.issues.push({ rule: 'scan-incomplete', severity: 'error', message: `${scan.kind} member "${truncate(e.name, 120)}" is a sparse file, whose stored bytes are not its content, so it was not scanned.`, fix: 'Re-create the archive without --sparse.' })
        continue
      }
      await scanPayload(input, e, scan, `member "${e.name}"`)
    }
    if (end) await checkAfterEnd(input, end, scan, disagreements)
  } catch (err) {
    fail(scan, err)
  }
  scan.facts.tar_members = members
  if (disagreements.length > 0) {
    const listed = disagreements.slice(0, 8).join('; ') + (disagreements.length > 8 ? `; and ${disagreements.length - 8} more` : '')
    scan.issues.push({
      rule: 'unsafe-serialization',
      severity: 'error',
      message: `${scan.kind}: archive tampering: tools disagree on what is inside: ${listed}. Content some extractors see and others skip is how payloads are hidden from scanners.`,
      fix: 'Do not extract or load this archive; rebuild it with a standard tar tool from trusted files.'
    })
  }
}

function typeName(t: string): string {
  return ({ '1': 'hard link', '2': 'symlink', '3': 'character device', '4': 'block device', '5': 'directory', '6': 'FIFO' } as Record<string, string>)[t] ?? `type ${t} member`
}

function checkPaths(e: TarEntry, scan: Scan): void {
  const why = escapesDirectory(e.name)
  if (why) {
    scan.issues.push({
      rule: PATH_ESCAPE_RULE,
      severity: 'error',
      message: `${scan.kind}: archive path traversal: member "${truncate(e.name, 120)}" ${why}; extracting the archive writes outside the target directory.`,
      fix: 'Rebuild the archive with relative member names inside one directory.'
    })
  }
  if (e.type !== '1' && e.type !== '2') return
  // A symlink resolves from its own directory; a hard link names another member from the archive root.
  const dir = e.name.replace(/\\/g, '/').split('/').slice(0, -1).join('/')
  const target = e.type === '2' && !/^([/\\]|[a-zA-Z]:)/.test(e.linkname) && dir ? `${dir}/${e.linkname}` : e.linkname
  const linkWhy = escapesDirectory(target)
  if (linkWhy) {
    scan.issues.push({
      rule: PATH_ESCAPE_RULE,
      severity: 'error',
      message: `${scan.kind}: archive path traversal: ${e.type === '2' ? 'symlink' : 'hard link'} "${truncate(e.name, 120)}" points to "${truncate(e.linkname, 120)}", which ${linkWhy}; extracting it (or writing through it) reaches files outside the target directory.`,
      fix: 'Rebuild the archive without links that point outside it.'
    })
  }
}

/** After the end-of-archive marker only zero padding may follow; anything else is content tarfile never shows. */
async function checkAfterEnd(input: TarInput, end: TarEnd, scan: Scan, disagreements: string[]): Promise<void> {
  if (!end.marker) return
  const after = end.at + BLOCK
  if (input.source) {
    const rest = input.source.size - after
    if (rest <= 0) return
    const bytes = rest > MAX_PADDING ? null : await input.source.read(after, rest)
    if (bytes && bytes.every((b) => b === 0)) return
    disagreements.push(`${rest} bytes after the end-of-archive marker at offset ${end.at} are not padding (tarfile and tar stop at the marker; tar --ignore-zeros and other readers go on)`)
    return
  }
  let nonZero = -1
  for await (const c of input.chunks(Number.MAX_SAFE_INTEGER)) {
    if (nonZero < 0) {
      const i = c.findIndex((b) => b !== 0)
      if (i >= 0) nonZero = input.pos - c.length + i
    }
  }
  if (nonZero >= 0) disagreements.push(`data at decompressed offset ${nonZero}, after the end-of-archive marker at ${end.at}, is not padding (tarfile and tar stop at the marker; tar --ignore-zeros and other readers go on)`)
}

/**
 * One member's data (or a gzip file's whole payload): a pickle is scanned as it streams,
 * another archive (zip, tar, gzip, a zlib-compressed joblib) opened and scanned as the top
 * level is, up to MAX_NESTING deep; deeper fails closed. Anything else is skipped.
 */
async function scanPayload(input: TarInput, e: Pick<TarEntry, 'name' | 'size' | 'dataOffset'>, scan: Scan, where: string): Promise<void> {
  let head = Buffer.alloc(0)
  // Read on (not again): a streamed member's bytes pass once.
  const more = async (max: number): Promise<Buffer> => {
    const want = Math.min(max, e.size) - head.length
    if (want > 0) head = Buffer.concat([head, await input.read(want)])
    return head
  }
  const { judgement } = await judgeMember(e.size, more)
  const rest = e.size - head.length
  const body = (): AsyncIterable<Buffer> => prepend(head, input.chunks(rest))
  if (isPickleMember(e.name, judgement, scan.torch === true || TORCH_LEGACY_TAR.test(e.name))) {
    scan.pickleMembers.push(e.name)
    await scanPickleChunks(body(), scan, where)
    return
  }
  const nested = nestedArchive(e.name, head)
  if (!nested) return
  if (scan.depth + 1 > MAX_NESTING) {
    scan.issues.push(tooDeep(`${scan.kind} ${where}`, nested))
    return
  }
  if (nested === 'zip') {
    let sub: ByteSource | null = null
    if (input.source) sub = new SliceSource(input.source, e.dataOffset, e.dataOffset + e.size)
    else if (e.size <= scan.limits.nestedBytes) sub = new BufferByteSource(await collect(body(), scan.limits.nestedBytes))
    if (!sub) {
      scan.issues.push({ rule: 'scan-incomplete', severity: 'error', message: `${scan.kind} ${where} is a zip of ${e.size} bytes inside a compressed archive, over the ${scan.limits.nestedBytes}-byte limit for opening it, so it was not scanned.`, fix: 'Commit the zip (e.g. the .pt checkpoint) itself, or an uncompressed tar, so it can be inspected.' })
      return
    }
    const kind = `${scan.kind} ${where} (zip)`
    const names = await scanZipPickles(sub, { kind, skip: (n) => TORCH_STORAGE.test(n), depth: scan.depth + 1 })
    scan.issues.push(...names.issues.map((i) => (i.message.startsWith(kind) ? i : { ...i, message: `${kind}: ${i.message}` })))
    mergeImports(scan.facts, names.facts.pickle_globals)
    scan.pickleMembers.push(...names.pickleMembers.map((n) => `${e.name}/${n}`))
    return
  }
  const inner = await scanNestedStream(body(), nested, e.name, `${scan.kind} ${where}`, scan.depth + 1, scan.limits)
  scan.issues.push(...inner.issues)
  mergeImports(scan.facts, inner.facts.pickle_globals)
  scan.pickleMembers.push(...inner.pickleMembers.map((n) => `${e.name}/${n}`))
}

/**
 * A member's bytes that are themselves a tar, a gzip file or a zlib stream (from a tar or a
 * zip), scanned as the top level is; `depth` counts the archives around it. Errors of the
 * inner stream (corrupt data, caps) become findings of this member, never a silent pass.
 */
export async function scanNestedStream(chunks: AsyncIterable<Buffer>, kind: 'tar' | 'gzip' | 'zlib', name: string, outer: string, depth: number, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<InspectResult & { pickleMembers: string[] }> {
  const scan: Scan = { kind: `${outer} (${kind})`, limits, issues: [], facts: {}, pickleMembers: [], depth }
  const input = new StreamTarInput(kind === 'tar' ? chunks : decompressChunks(chunks, kind, limits, `${kind}-compressed member "${truncate(name, 80)}"`))
  try {
    if (kind === 'tar') await scanTar(input, scan)
    else if (kind === 'zlib') {
      // joblib reads a zlib stream under its name as a pickle, whatever its bytes look like.
      scan.pickleMembers.push(name)
      await scanPickleChunks(input.chunks(Number.MAX_SAFE_INTEGER), scan, 'decompressed content')
    } else {
      const peek = await input.peek(MEMBER_HEAD)
      if (isTarHeader(peek.subarray(0, BLOCK))) await scanTar(input, scan)
      else await scanPayload(input, { name: name.replace(/\.gz$/i, ''), size: Number.MAX_SAFE_INTEGER, dataOffset: 0 }, scan, 'decompressed content')
    }
  } catch (err) {
    fail(scan, err)
  } finally {
    await input.close()
  }
  return { facts: scan.facts, issues: scan.issues, pickleMembers: scan.pickleMembers }
}

/** An archive nested deeper than MAX_NESTING: not opened, so not reported as safe. */
export function tooDeep(where: string, nested: string): Issue {
  return {
    rule: 'scan-incomplete',
    severity: 'error',
    message: `${where} is a ${nested} archive nested more than ${MAX_NESTING} archives deep; ModelGate does not open archives that deep, so what it holds was not scanned.`,
    fix: 'Commit the inner files (or one level of archive) so they can be inspected.'
  }
}

/** Scans a pickle stream; an error of the stream itself (gunzip, caps) is rethrown rather than becoming a pickle finding. */
async function scanPickleChunks(chunks: AsyncIterable<Buffer>, scan: Scan, where: string): Promise<void> {
  let failure: unknown = null
  const watched = (async function* () {
    try {
      yield* chunks
    } catch (err) {
      failure = err
      throw err
    }
  })()
  const r = await inspectPickleStream(watched, {}, `${scan.kind} ${where}`)
  if (failure) throw failure
  scan.issues.push(...r.issues)
  mergeImports(scan.facts, r.facts.pickle_globals)
}

async function* prepend(head: Buffer, rest: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  if (head.length > 0) yield head
  yield* rest
}

async function collect(chunks: AsyncIterable<Buffer>, max: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let n = 0
  for await (const c of chunks) {
    n += c.length
    if (n > max) throw new LimitHit('scan-incomplete', `A nested zip is over the ${max}-byte limit for opening it inside a compressed archive.`, 'Commit the zip itself so it can be inspected.')
    parts.push(c)
  }
  return Buffer.concat(parts)
}

function mergeImports(facts: Facts, more: string | number | boolean | undefined): void {
  if (typeof more !== 'string' || more === '') return
  const all = new Set([...(typeof facts.pickle_globals === 'string' ? facts.pickle_globals.split(',') : []), ...more.split(',')])
  facts.pickle_globals = [...all].join(',')
}

export type MlProbe = 'found' | 'none' | 'unreadable'

/**
 * Whether a tar, tar.gz or gzip file holds ML content, for identification: `visit` is asked
 * about each regular member (name and first bytes) and says whether it is ML content.
 * A gzip that is not a tar is asked about once, as its decompressed content. An archive
 * that cannot be read to the end, or hits a cap, is `unreadable` (inspection then fails closed).
 */
export async function probeArchive(src: ByteSource, visit: (name: string, head: Buffer, size: number) => boolean, limits: ArchiveLimits = ARCHIVE_LIMITS): Promise<MlProbe> {
  const first = await src.read(0, BLOCK)
  const gz = isGzip(first)
  const stream = gz ? new StreamTarInput(gunzipChunks(src.stream(), limits)) : null
  const input: TarInput = stream ?? new SourceTarInput(src)
  try {
    if (stream) {
      const peek = await stream.peek(MEMBER_HEAD)
      if (!isTarHeader(peek.subarray(0, BLOCK))) return visit('', peek, peek.length < MEMBER_HEAD ? peek.length : Number.MAX_SAFE_INTEGER) ? 'found' : 'none'
    }
    let members = 0
    for await (const e of walkTar(input, limits)) {
      if (++members > limits.maxMembers) return 'unreadable'
      if (!REGULAR(e.type) || e.size === 0 || e.sparse) continue
      const head = await input.read(Math.min(e.size, MEMBER_HEAD))
      if (visit(e.name, head, e.size)) return 'found'
    }
    return 'none'
  } catch {
    return 'unreadable'
  } finally {
    await stream?.close()
  }
}

export const TAR_MEMBER_HEAD = MEMBER_HEAD
