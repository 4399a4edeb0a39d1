import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { guarded, issue, joinCapped, newResult, truncate, type InspectContext, FormatError } from './common.js'
import { checkNpy, MAX_NPY_HEADER, parseNpyHeader, type NpyResult } from './npy.js'
import { checkMembers, isBomb, listZip, openMember, readMemberHead } from './zip.js'

export interface NpzResult extends InspectResult {
  /** Members holding object arrays: their payload is a pickle (see npzPicklePayload). */
  pickleMembers: string[]
}

/** Arrays inspected per archive; the rest are listed but their headers are not read. */
const MAX_ARRAYS_INSPECTED = 1000

export async function inspectNpz(src: ByteSource, _ctx: InspectContext = {}): Promise<NpzResult> {
  const result: NpzResult = { ...newResult('npz'), pickleMembers: [] }
  return guarded('NumPy .npz', result, async (r) => {
    const listing = await listZip(src)
    try {
      r.issues.push(...checkMembers(listing, '.npz'))
      const names: string[] = []
      const dtypes = new Set<string>()
      let params = 0
      let inspected = 0
      for (const m of listing.members) {
        if (m.name.endsWith('/')) continue
        names.push(m.name.replace(/\.npy$/, ''))
        if (m.encrypted || isBomb(m) || inspected >= MAX_ARRAYS_INSPECTED) continue
        inspected++
        const head = await readMemberHead(listing.zip, m, MAX_NPY_HEADER + 12)
        const one: NpyResult = newResult('npy')
        try {
          const h = parseNpyHeader(head)
          checkNpy(one, h, m.uncompressedSize - h.headerEnd, `Array "${truncate(m.name, 80)}"`)
          if (typeof one.facts.dtype === 'string') dtypes.add(one.facts.dtype)
          if (typeof one.facts.parameters === 'number') params += one.facts.parameters
          if (one.payloadOffset !== undefined) r.pickleMembers.push(m.name)
          r.issues.push(...one.issues)
        } catch (err) {
          if (!(err instanceof FormatError)) throw err
          r.issues.push(
            issue('unparseable-artifact', 'error', `.npz member "${truncate(m.name, 80)}": ${err.message}`, err.fix)
          )
        }
      }
      r.facts.arrays = names.length
      r.facts.array_names = joinCapped(names)
      r.facts.dtypes = joinCapped([...dtypes].sort())
      r.facts.parameters = params
      if (r.pickleMembers.length > 0) r.facts.object_arrays = r.pickleMembers.length
    } finally {
      listing.zip.close()
    }
  })
}

/**
 * The pickle inside an object-array member: the member's decompressed bytes after its .npy
 * header, for the pickle scanner (`scanPickle(npzPicklePayload(src, name))`).
 */
export async function* npzPicklePayload(src: ByteSource, member: string): AsyncIterable<Buffer> {
  const listing = await listZip(src)
  try {
    const m = listing.members.find((x) => x.name === member)
    if (!m) return
    const stream = await openMember(listing.zip, m)
    let head = Buffer.alloc(0)
    let skip: number | null = null
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (skip === null) {
          head = Buffer.concat([head, chunk])
          const wide = head.length >= 7 && (head[6] as number) >= 2
          const pre = wide ? 12 : 10
          if (head.length < pre) continue
          skip = pre + (wide ? head.readUInt32LE(8) : head.readUInt16LE(8))
          if (skip > MAX_NPY_HEADER + 12) return
          if (head.length > skip) yield head.subarray(skip)
          skip = head.length >= skip ? 0 : skip - head.length
        } else if (skip > 0) {
          if (chunk.length > skip) yield chunk.subarray(skip)
          skip = Math.max(0, skip - chunk.length)
        } else yield chunk
      }
    } finally {
      stream.destroy()
    }
  } finally {
    listing.zip.close()
  }
}
