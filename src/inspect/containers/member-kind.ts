import { hintFor, isOpaqueName } from '../../identify/by-name.js'
import { judgePickleHead, PICKLE_SNIFF_LIMITS, type PickleJudgement } from '../../identify/pickle-sniff.js'
import { isTarHeader } from '../formats/tar.js'

/**
 * What an archive member is, for the archive inspectors and identification alike: a pickle to
 * scan, another archive to open, or neither. One judgement for both, so an archive identified
 * for a member is inspected for the same member.
 */

/** Bytes of a member read first; more (up to the sniffer's member budget) only while the trial parse is undecided. */
export const MEMBER_HEAD = 4096

/** `.pkl`/`.pickle` in any case: PyTorch's reader finds `archive/Data.Pkl` as its data.pkl. */
export function pickleByName(name: string): boolean {
  return /\.(pkl|pickle)$/i.test(name)
}

/**
 * Judges a member from its first bytes: `head(max)` gives up to `max` bytes from its start.
 * A head the trial parse cannot decide on is read further, up to `memberBytes`, before it is
 * called undecided.
 */
export async function judgeMember(size: number, head: (max: number) => Promise<Buffer>): Promise<{ head: Buffer; judgement: PickleJudgement }> {
  const read = async (max: number): Promise<{ head: Buffer; judgement: PickleJudgement }> => {
    const bytes = await head(max)
    // Fewer bytes than asked: that is all there is, whatever size was declared.
    return { head: bytes, judgement: judgePickleHead(bytes, bytes.length < max ? bytes.length : Math.max(size, bytes.length)) }
  }
  const first = await read(Math.min(size, MEMBER_HEAD))
  if (first.judgement !== 'undecided' || first.head.length < MEMBER_HEAD || size <= MEMBER_HEAD) return first
  return read(Math.min(size, PICKLE_SNIFF_LIMITS.memberBytes))
}

/**
 * Whether a member is scanned as a pickle: its name says so, its bytes do, or the trial parse
 * ran out of budget on valid opcodes and a loader would read it as a pickle anyway (a loadable
 * or opaque name such as `model.bin` or `storages`, or any member of a PyTorch archive): fail closed.
 */
export function isPickleMember(name: string, judgement: PickleJudgement, torch: boolean): boolean {
  if (pickleByName(name) || (judgement !== null && judgement !== 'undecided')) return true
  return judgement === 'undecided' && (torch || hintFor(name) !== null || isOpaqueName(name))
}

export type NestedArchive = 'zip' | 'gzip' | 'tar' | 'zlib'

/**
 * Another archive inside a member, by its bytes: zip, gzip, tar, or a zlib stream under a
 * joblib/pickle name (joblib's `compress=`; a zlib header alone is two bytes, too weak by itself).
 */
export function nestedArchive(name: string, head: Buffer): NestedArchive | null {
  const magic = head.subarray(0, 4).toString('latin1')
  if (magic === 'PK\x03\x04' || magic === 'PK\x05\x06') return 'zip'
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8) return 'gzip'
  if (head.length >= 512 && isTarHeader(head.subarray(0, 512))) return 'tar'
  const zlib = head.length > 1 && head[0] === 0x78 && ((head[0] << 8) | head[1]!) % 31 === 0
  const formats = hintFor(name)?.formats ?? []
  if (zlib && (formats.includes('joblib') || formats.includes('pickle'))) return 'zlib'
  return null
}

/** Archives opened inside archives at most this deep; deeper ones fail closed (scan-incomplete). */
export const MAX_NESTING = 3
