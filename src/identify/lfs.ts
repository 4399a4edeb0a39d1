import type { LfsPointer } from '../types.js'

/** Git LFS pointers are tiny text files; the spec caps them well under 1 KiB. */
export const LFS_POINTER_MAX_SIZE = 1024
const LFS_VERSION_LINES = ['version https://git-lfs.github.com/spec/v1', 'version https://hawser.github.com/spec/v1']

export type LfsParse = { ok: true; pointer: LfsPointer } | { ok: false; reason: string } | null

/**
 * Recognises a Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md)
 * and returns its sha256 oid and size. Null when the file is not a pointer at all;
 * a failure when it starts like one but is malformed.
 */
export function parseLfsPointer(head: Buffer, fileSize: number): LfsParse {
  if (fileSize > LFS_POINTER_MAX_SIZE) return null
  const text = head.subarray(0, fileSize).toString('utf8')
  const firstLine = text.split('\n', 1)[0]!.replace(/\r$/, '')
  if (!LFS_VERSION_LINES.includes(firstLine)) return null
  const fields = new Map<string, string>()
  for (const line of text.split('\n').slice(1)) {
    const clean = line.replace(/\r$/, '')
    if (clean === '') continue
    const space = clean.indexOf(' ')
    if (space <= 0) return { ok: false, reason: `malformed line '${clean.slice(0, 80)}'` }
    fields.set(clean.slice(0, space), clean.slice(space + 1))
  }
  const oid = fields.get('oid')
  const size = fields.get('size')
  if (!oid) return { ok: false, reason: "missing 'oid' line" }
  const m = /^sha256:([0-9a-f]{64})$/.exec(oid)
  if (!m) return { ok: false, reason: `oid '${oid.slice(0, 80)}' is not 'sha256:' followed by 64 lowercase hex digits` }
  if (!size || !/^\d{1,16}$/.test(size)) return { ok: false, reason: `size '${(size ?? '').slice(0, 40)}' is not a byte count` }
  return { ok: true, pointer: { oid: m[1]!, size: Number(size) } }
}
