import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, issue, newResult, product, truncate, type InspectContext } from './common.js'

/** numpy itself refuses headers over 10 000 bytes unless max_header_size is raised. */
export const MAX_NPY_HEADER = 1 << 16

const FIX = 'Re-save the array with numpy.save; the .npy header is invalid.'

export interface NpyResult extends InspectResult {
  /**
   * Set for object arrays: the pickle that numpy would unpickle starts here and runs to the
   * end of the file. The engine hands [payloadOffset, size) to the pickle scanner.
   */
  payloadOffset?: number
}

export interface NpyHeader {
  descr: Literal
  fortranOrder: boolean
  shape: number[]
  headerEnd: number
  version: string
}

// ---- a tiny Python-literal parser (numpy writes the header with repr(); never eval it) ----

export type Literal = string | number | boolean | null | Literal[] | { [k: string]: Literal }

const MAX_LITERAL_DEPTH = 16

export function parsePyLiteral(text: string): Literal {
  let i = 0
  const fail = (what: string): never => {
    throw new FormatError(`Bad .npy header: ${what} at character ${i}.`, FIX)
  }
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++
  }
  const value = (depth: number): Literal => {
    if (depth > MAX_LITERAL_DEPTH) fail('nesting too deep')
    ws()
    const c = text[i]
    if (c === "'" || c === '"') {
      const q = c
      let out = ''
      i++
      while (i < text.length && text[i] !== q) {
        if (text[i] === '\\') {
          i++
          const e = text[i]
          out += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '')
        } else out += text[i]
        i++
      }
      if (text[i] !== q) fail('unterminated string')
      i++
      return out
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']'
      i++
      const items: Literal[] = []
      for (;;) {
        ws()
        if (text[i] === close) {
          i++
          return items
        }
        items.push(value(depth + 1))
        ws()
        if (text[i] === ',') i++
        else if (text[i] !== close) fail(`expected , or ${close}`)
      }
    }
    if (c === '{') {
      i++
      const obj: { [k: string]: Literal } = Object.create(null) as { [k: string]: Literal }
      for (;;) {
        ws()
        if (text[i] === '}') {
          i++
          return obj
        }
        const k = value(depth + 1)
        if (typeof k !== 'string') fail('dict key is not a string')
        ws()
        if (text[i] !== ':') fail('expected :')
        i++
        obj[k as string] = value(depth + 1)
        ws()
        if (text[i] === ',') i++
        else if (text[i] !== '}') fail('expected , or }')
      }
    }
    const m = /^(?:-?\d+L?|True|False|None)/.exec(text.slice(i, i + 32))
    if (!m) return fail('unexpected token')
    i += m[0].length
    if (m[0] === 'True') return true
    if (m[0] === 'False') return false
    if (m[0] === 'None') return null
    return Number(m[0].replace('L', ''))
  }
  const v = value(0)
  ws()
  if (i !== text.length) fail('trailing characters')
  return v
}

// ---- dtype descriptors ----

/** Item size in bytes of a numpy dtype descriptor, and whether it holds Python objects. */
export function dtypeInfo(descr: Literal, depth = 0): { itemsize: number; object: boolean } {
  if (depth > MAX_LITERAL_DEPTH) throw new FormatError('Bad .npy header: dtype nests too deep.', FIX)
  if (typeof descr === 'string') {
    const m = /^([<>|=]?)([?bBhHiIlLqQpPefdgFDGSaUVOMmcu])(\d*)(?:\[(\w+)\])?$/.exec(descr)
    if (!m) throw new FormatError(`Bad .npy header: unknown dtype "${truncate(descr, 40)}".`, FIX)
    const kind = m[2] as string
    const n = m[3] ? Number(m[3]) : NaN
    if (kind === 'O') return { itemsize: 8, object: true }
    const fixed: Record<string, number> = { '?': 1, b: 1, B: 1, h: 2, H: 2, e: 2, f: 4, d: 8, g: 16, F: 8, D: 16, G: 32 }
    if (kind in fixed && Number.isNaN(n)) return { itemsize: fixed[kind] as number, object: false }
    if (Number.isNaN(n)) throw new FormatError(`Bad .npy header: dtype "${truncate(descr, 40)}" has no size.`, FIX)
    // 'U' counts UCS-4 characters; everything else counts bytes.
    return { itemsize: kind === 'U' ? n * 4 : kind === 'c' ? n * 2 : n, object: false }
  }
  if (Array.isArray(descr)) {
    // Structured: [(name, dtype), (name, dtype, shape), ...]
    let itemsize = 0
    let object = false
    for (const field of descr) {
      if (!Array.isArray(field) || field.length < 2 || field.length > 3) {
        throw new FormatError('Bad .npy header: a structured dtype field is not (name, dtype[, shape]).', FIX)
      }
      const sub = dtypeInfo(field[1] as Literal, depth + 1)
      let count = 1
      if (field.length === 3) {
        const shape = field[2]
        const dims = Array.isArray(shape) ? shape : [shape]
        const p = product(dims as number[])
        if (p === null) throw new FormatError('Bad .npy header: a structured field has an invalid shape.', FIX)
        count = p
      }
      itemsize += sub.itemsize * count
      object ||= sub.object
    }
    return { itemsize, object }
  }
  throw new FormatError('Bad .npy header: descr is neither a string nor a field list.', FIX)
}

/** Parses the .npy preamble and header dict from the first bytes of a file. */
export function parseNpyHeader(head: Buffer): NpyHeader {
  if (head.length < 10 || head.subarray(0, 6).toString('latin1') !== '\x93NUMPY') {
    throw new FormatError('Not a .npy file: missing the \\x93NUMPY magic.', FIX, 0)
  }
  const major = head[6] as number
  const minor = head[7] as number
  if (major < 1 || major > 3) throw new FormatError(`Unsupported .npy format version ${major}.${minor}.`, FIX, 6)
  const wide = major >= 2
  if (wide && head.length < 12) throw new FormatError('File is truncated inside the .npy preamble.', FIX, 8)
  const hlen = wide ? head.readUInt32LE(8) : head.readUInt16LE(8)
  const start = wide ? 12 : 10
  if (hlen > MAX_NPY_HEADER) throw new FormatError(`.npy header length ${hlen} exceeds the ${MAX_NPY_HEADER}-byte limit.`, FIX, 8)
  if (start + hlen > head.length) {
    throw new FormatError(`File is truncated: the .npy header needs ${hlen} bytes but only ${head.length - start} follow the preamble.`, FIX, start)
  }
  const text = head.subarray(start, start + hlen).toString(major === 3 ? 'utf8' : 'latin1')
  const d = parsePyLiteral(text.trimEnd())
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new FormatError('Bad .npy header: not a dict.', FIX, start)
  const { descr, fortran_order: fo, shape } = d
  if (descr === undefined || typeof fo !== 'boolean' || !Array.isArray(shape)) {
    throw new FormatError("Bad .npy header: needs 'descr', 'fortran_order' (bool) and 'shape' (tuple).", FIX, start)
  }
  if (!shape.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0)) {
    throw new FormatError('Bad .npy header: shape has a non-integer or negative dimension.', FIX, start)
  }
  return { descr, fortranOrder: fo, shape: shape as number[], headerEnd: start + hlen, version: `${major}.${minor}` }
}

function describe(descr: Literal): string {
  return typeof descr === 'string' ? descr : truncate(JSON.stringify(descr), 200)
}

/**
 * Fills facts/issues for one parsed header. `dataBytes` is the number of bytes after the
 * header (null when unknown, e.g. inside a compressed npz member).
 */
export function checkNpy(r: NpyResult, h: NpyHeader, dataBytes: number | null, label = 'The array'): void {
  const info = dtypeInfo(h.descr)
  r.facts.npy_version = h.version
  r.facts.dtype = describe(h.descr)
  r.facts.shape = `(${h.shape.join(', ')}${h.shape.length === 1 ? ',' : ''})` // Python's repr
  r.facts.fortran_order = h.fortranOrder
  const count = product(h.shape)
  if (count === null) throw new FormatError(`${label} shape ${r.facts.shape} overflows.`, FIX)
  r.facts.parameters = count
  if (info.object) {
    r.payloadOffset = h.headerEnd
    r.facts.object_dtype = true
    r.issues.push(
      issue(
        'unsafe-serialization',
        'note',
        `${label} has object dtype (${describe(h.descr)}): its data is a pickle, and numpy.load needs allow_pickle=True, which runs whatever the pickle says. The pickle is scanned separately.`,
        'Store numeric data with a plain dtype (or safetensors) so it loads with allow_pickle=False.',
        h.headerEnd
      )
    )
    return
  }
  const need = count * info.itemsize
  if (!Number.isSafeInteger(need)) throw new FormatError(`${label} data size overflows.`, FIX)
  if (dataBytes !== null && need > dataBytes) {
    throw new FormatError(
      `File is truncated: ${label.toLowerCase()} ${describe(h.descr)}${r.facts.shape} needs ${need} data bytes but only ${dataBytes} follow the header.`,
      'Fetch the complete file or re-save it with numpy.save.',
      h.headerEnd
    )
  }
  if (dataBytes !== null && need < dataBytes) {
    r.issues.push(
      issue('unparseable-artifact', 'note', `${label} is followed by ${dataBytes - need} trailing bytes that numpy ignores.`, 'Re-save with numpy.save.', h.headerEnd + need)
    )
  }
}

export async function inspectNpy(src: ByteSource, _ctx: InspectContext = {}): Promise<NpyResult> {
  return guarded('NumPy .npy', newResult('npy') as NpyResult, async (r) => {
    const head = await src.read(0, Math.min(src.size, MAX_NPY_HEADER + 12))
    const h = parseNpyHeader(head)
    checkNpy(r, h, src.size - h.headerEnd)
  })
}
