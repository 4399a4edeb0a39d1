import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, issue, newResult, truncate, type InspectContext } from './common.js'
import { balancedJson, checkKerasConfig } from './keras-config.js'

const SIGNATURE = Buffer.from('\x89HDF\r\n\x1a\n', 'latin1')
/** Keras writes its attributes right after creating the file: the first MBs hold them. */
export const H5_SCAN_BYTES = 8 << 20
const MAX_ATTR_VALUE = 64 << 20
/** Caps on work a hostile file can ask for: vlen items per attribute, name hits tried per attribute. */
const MAX_VLEN_ITEMS = 4096
const MAX_NAME_HITS = 64
const KERAS_ATTRS = ['keras_version', 'backend', 'model_config', 'training_config', 'layer_names'] as const

interface Superblock {
  base: number
  version: number
  offsetSize: number
  lengthSize: number
}

/** The superblock lives at 0 or at 512·2^n (files with a user block). */
async function findSuperblock(src: ByteSource): Promise<Superblock | null> {
  for (let at = 0; at + 16 <= src.size; at = at === 0 ? 512 : at * 2) {
    const b = await src.read(at, 16)
    if (b.subarray(0, 8).equals(SIGNATURE)) {
      const version = b[8] as number
      const offsetSize = (version <= 1 ? b[13] : b[9]) as number
      const lengthSize = (version <= 1 ? b[14] : b[10]) as number
      return { base: at, version, offsetSize, lengthSize }
    }
  }
  return null
}

function readUInt(b: Buffer, at: number, size: number): number {
  if (at + size > b.length) return NaN
  if (size === 8) {
    const v = b.readBigUInt64LE(at)
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? NaN : Number(v)
  }
  if (size === 4) return b.readUInt32LE(at)
  if (size === 2) return b.readUInt16LE(at)
  return NaN
}

type AttrValue = string[] | null

/**
 * Decodes the attribute message whose name starts at `p` in `win` (which begins at file
 * offset `winStart`): fixed-length strings inline, variable-length strings via the global
 * heap. Returns null for anything else; the caller falls back to a text search.
 */
async function attributeAt(src: ByteSource, sb: Superblock, heap: HeapCache, win: Buffer, p: number, nameLen: number): Promise<AttrValue> {
  for (const hdr of [9, 8]) {
    const h = p - hdr
    if (h < 0) continue
    const version = win[h] as number
    if ((hdr === 9) !== (version === 3) || version < 1 || version > 3) continue
    if (win.readUInt16LE(h + 2) !== nameLen + 1) continue
    const dtSize = win.readUInt16LE(h + 4)
    const dsSize = win.readUInt16LE(h + 6)
    const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n)
    const dt = p + pad(nameLen + 1)
    const ds = dt + pad(dtSize)
    const data = ds + pad(dsSize)
    if (data > win.length) return null
    const cls = (win[dt] as number) & 0x0f
    const elemSize = win.readUInt32LE(dt + 4)
    // Dataspace: element count.
    const dsVersion = win[ds] as number
    const rank = win[ds + 1] as number
    const dimsAt = dsVersion === 1 ? ds + 8 : ds + 4
    let count = 1
    if (dsVersion === 2 && win[ds + 3] === 2) count = 0
    for (let i = 0; i < rank; i++) count *= readUInt(win, dimsAt + i * sb.lengthSize, sb.lengthSize)
    if (!Number.isSafeInteger(count) || count > 100_000) return null
    if (cls === 3) {
      if (elemSize * count > MAX_ATTR_VALUE) return null
      if (data + elemSize * count > win.length) return null
      const bytes = win.subarray(data, data + elemSize * count)
      const out: string[] = []
      for (let i = 0; i < count; i++) out.push(bytes.subarray(i * elemSize, (i + 1) * elemSize).toString('utf8').replace(/\0+$/, ''))
      return out
    }
    if (cls === 9 && ((win[dt + 1] as number) & 0x0f) === 1) {
      const refSize = 4 + sb.offsetSize + 4
      const out: string[] = []
      if (count > MAX_VLEN_ITEMS) return null
      for (let i = 0; i < count; i++) {
        const at = data + i * refSize
        if (at + refSize > win.length) return null
        const len = win.readUInt32LE(at)
        const coll = readUInt(win, at + 4, sb.offsetSize)
        const index = win.readUInt32LE(at + 4 + sb.offsetSize)
        const s = await globalHeapObject(src, sb, heap, coll, index, len)
        if (s === null) return null
        out.push(s)
      }
      return out
    }
    return null
  }
  return null
}

/** The last global heap collection read: the strings of one vlen list share a collection. */
interface HeapCache {
  at: number
  buf: Buffer | null
}

async function readCollection(src: ByteSource, sb: Superblock, at: number): Promise<Buffer | null> {
  const head = await src.read(at, 8 + sb.lengthSize)
  if (head.length < 8 + sb.lengthSize || head.subarray(0, 4).toString('latin1') !== 'GCOL') return null
  const collSize = readUInt(head, 8, sb.lengthSize)
  if (!Number.isSafeInteger(collSize) || collSize > 64 << 20) return null
  return src.read(at, collSize)
}

/** Reads one object from a global heap collection ("GCOL"), bounded by the collection size. */
async function globalHeapObject(src: ByteSource, sb: Superblock, heap: HeapCache, addr: number, index: number, len: number): Promise<string | null> {
  if (!Number.isSafeInteger(addr) || len > MAX_ATTR_VALUE) return null
  const at = sb.base + addr
  if (heap.at !== at) {
    heap.at = at
    heap.buf = await readCollection(src, sb, at)
  }
  const coll = heap.buf
  if (!coll) return null
  let pos = 8 + sb.lengthSize
  for (let guard = 0; guard < 100_000 && pos + 8 + sb.lengthSize <= coll.length; guard++) {
    const idx = coll.readUInt16LE(pos)
    const size = readUInt(coll, pos + 8, sb.lengthSize)
    if (idx === 0 || !Number.isSafeInteger(size)) return null
    const dataAt = pos + 8 + sb.lengthSize
    if (idx === index) return coll.subarray(dataAt, dataAt + Math.min(size, len)).toString('utf8')
    pos = dataAt + Math.ceil(size / 8) * 8
  }
  return null
}

export async function inspectHdf5(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('HDF5', newResult('hdf5'), async (r) => {
    const sb = await findSuperblock(src)
    if (!sb) throw new FormatError('Not an HDF5 file: no superblock signature at 0 or 512·2^n.', 'Re-save the file with h5py / model.save.')
    r.facts.hdf5_superblock_version = sb.version
    if (sb.base !== 0) r.facts.hdf5_user_block = sb.base
    if (![2, 4, 8].includes(sb.offsetSize) || ![2, 4, 8].includes(sb.lengthSize)) {
      throw new FormatError(`HDF5 superblock declares offset/length sizes ${sb.offsetSize}/${sb.lengthSize} (expected 2, 4 or 8).`, 'Re-save the file; the superblock is corrupted.', sb.base)
    }

    const win = await src.read(0, Math.min(src.size, H5_SCAN_BYTES))
    const found = new Map<string, AttrValue>()
    const heap: HeapCache = { at: -1, buf: null }
    for (const name of KERAS_ATTRS) {
      const needle = Buffer.from(`${name}\0`, 'latin1')
      let hits = 0
      for (let at = win.indexOf(needle); at >= 0 && !found.get(name) && hits++ < MAX_NAME_HITS; at = win.indexOf(needle, at + 1)) {
        const v = await attributeAt(src, sb, heap, win, at, name.length)
        if (!found.has(name) || v) found.set(name, v)
      }
    }
    const keras = found.has('keras_version') || found.has('model_config')
    r.facts.keras = keras
    if (!keras) return
    r.facts.framework = 'keras'
    const str = (k: string): string | undefined => found.get(k)?.[0]
    if (str('keras_version')) r.facts.keras_version = truncate(str('keras_version') as string, 40)
    if (str('backend')) r.facts.backend = truncate(str('backend') as string, 40)
    const layerNames = found.get('layer_names')
    if (layerNames) r.facts.layers = layerNames.length

    if (!found.has('model_config')) {
      r.facts.content = 'weights'
      return
    }
    r.facts.content = 'model'
    let text = str('model_config')
    if (text === undefined) {
      // Not decodable in place (e.g. dense attribute storage): look for the JSON text itself.
      const s = win.toString('latin1')
      const at = s.indexOf('{"class_name"')
      text = at >= 0 ? (balancedJson(s, at, win.length) ?? undefined) : undefined
      if (text !== undefined) text = Buffer.from(text, 'latin1').toString('utf8')
    }
    let config: unknown
    try {
      config = text === undefined ? undefined : JSON.parse(text)
    } catch {
      config = undefined
    }
    if (config === undefined) {
      // Fail closed on the one thing that matters even without a parse.
      if (/"class_name":\s*"Lambda"/.test(win.toString('latin1'))) {
        r.issues.push(
          issue('unsafe-serialization', 'error', 'The Keras model config has a Lambda layer: it holds marshalled Python bytecode that runs on load.', 'Replace Lambda layers with built-in or registered custom layers and re-save.')
        )
      }
      r.issues.push(
        issue('scan-incomplete', 'warning', `The Keras \`model_config\` attribute could not be read within the first ${H5_SCAN_BYTES >> 20} MB, so its layers were not checked.`, 'Re-save the model in the Keras v3 `.keras` format, which ModelGate reads completely.')
      )
      return
    }
    const rep = checkKerasConfig(config, 'The Keras `model_config`')
    Object.assign(r.facts, rep.facts)
    r.issues.push(...rep.issues)
    if (typeof r.facts.layers !== 'number' && layerNames) r.facts.layers = layerNames.length
  })
}
