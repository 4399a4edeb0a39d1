import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import {
  FormatError,
  guarded,
  issue,
  isRecord,
  joinCapped,
  newResult,
  product,
  readExact,
  truncate,
  type InspectContext
} from './common.js'

/** Same ceiling as the reference implementation (safetensors MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000

/** Element size in bits (sub-byte float formats exist). */
const DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  I64: 64,
  U64: 64,
  F64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6
}

/**
 * Python snippets in `__metadata__`: safetensors never runs metadata, but a weights file
 * has no reason to carry code, so a payload there is an attempt to smuggle it to a
 * downstream tool that evals metadata.
 */
const CODE_IN_METADATA =
  /\b(?:os\.(?:system|popen|exec\w*|spawn\w*)|subprocess\.\w+|__import__|exec\s*\(|eval\s*\(|import\s+(?:os|subprocess|sys|socket|pty|base64|builtins)\b|pickle\.loads|marshal\.loads)/

const FIX_HEADER = 'Re-save the file with the `safetensors` library (save_file); the header is not valid.'

export async function inspectSafetensors(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('safetensors', newResult('safetensors'), async (r) => {
    const head = await readExact(src, 0, 8, 'the 8-byte header length')
    const n64 = head.readBigUInt64LE(0)
    if (n64 > BigInt(MAX_HEADER_BYTES)) {
      throw new FormatError(
        `safetensors header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit.`,
        FIX_HEADER,
        0
      )
    }
    const n = Number(n64)
    if (n + 8 > src.size) {
      throw new FormatError(
        `safetensors header length ${n} runs past the end of the ${src.size}-byte file (truncated file?).`,
        'Fetch the complete file (a Git LFS pointer or interrupted download is not a model).',
        0
      )
    }
    if (n < 2) throw new FormatError(`safetensors header length ${n} is too small for a JSON object.`, FIX_HEADER, 0)
    const text = (await readExact(src, 8, n, 'the JSON header')).toString('utf8')
    if (!text.startsWith('{')) throw new FormatError('safetensors header does not start with `{`.', FIX_HEADER, 8)
    let header: unknown
    try {
      header = JSON.parse(text)
    } catch (err) {
      throw new FormatError(
        `safetensors header is not valid JSON (${truncate((err as Error).message, 120)}).`,
        FIX_HEADER,
        8
      )
    }
    if (!isRecord(header)) throw new FormatError('safetensors header is not a JSON object.', FIX_HEADER, 8)

    const dataStart = 8 + n
    const dataSize = src.size - dataStart
    const spans: Array<{ name: string; start: number; end: number }> = []
    const dtypes = new Set<string>()
    let params = 0
    let tensors = 0
    for (const [name, raw] of Object.entries(header)) {
      if (name === '__metadata__') continue
      tensors++
      const t = raw
      if (!isRecord(t)) throw new FormatError(`Tensor "${truncate(name, 80)}" is not an object.`, FIX_HEADER)
      const { dtype, shape, data_offsets: off } = t
      if (typeof dtype !== 'string' || !(dtype in DTYPE_BITS)) {
        throw new FormatError(`Tensor "${truncate(name, 80)}" has unknown dtype ${truncate(JSON.stringify(dtype) ?? '', 40)}.`, FIX_HEADER)
      }
      if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
        throw new FormatError(`Tensor "${truncate(name, 80)}" has an invalid shape (need non-negative integers).`, FIX_HEADER)
      }
      if (
        !Array.isArray(off) ||
        off.length !== 2 ||
        !off.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) ||
        (off[0] as number) > (off[1] as number)
      ) {
        throw new FormatError(`Tensor "${truncate(name, 80)}" has invalid data_offsets (need [begin, end], begin ≤ end).`, FIX_HEADER)
      }
      const [begin, end] = off as [number, number]
      if (end > dataSize) {
        throw new FormatError(
          `Tensor "${truncate(name, 80)}" data_offsets [${begin}, ${end}] run past the ${dataSize}-byte data region (truncated file?).`,
          'Fetch the complete file or re-save it with the safetensors library.'
        )
      }
      const count = product(shape as number[])
      const bits = DTYPE_BITS[dtype] as number
      if (count === null || (count * bits) % 8 !== 0 || (count * bits) / 8 !== end - begin) {
        throw new FormatError(
          `Tensor "${truncate(name, 80)}" is ${dtype}${JSON.stringify(shape)} (${count === null ? 'overflowing' : (count * bits) / 8} bytes) but data_offsets span ${end - begin} bytes.`,
          FIX_HEADER
        )
      }
      params += count
      dtypes.add(dtype)
      spans.push({ name, start: begin, end })
    }

    spans.sort((a, b) => a.start - b.start || a.end - b.end)
    let cursor = 0
    let gaps = 0
    for (const s of spans) {
      if (s.start < cursor && s.end > s.start) {
        throw new FormatError(
          `Tensor "${truncate(s.name, 80)}" overlaps the previous tensor (starts at ${s.start}, previous ends at ${cursor}).`,
          FIX_HEADER
        )
      }
      if (s.start > cursor) gaps += s.start - cursor
      cursor = Math.max(cursor, s.end)
    }
    if (gaps > 0 || cursor < dataSize) {
      r.issues.push(
        issue(
          'unparseable-artifact',
          'note',
          `${gaps + (dataSize - cursor)} bytes of the data region are not referenced by any tensor (gaps or trailing bytes); the safetensors library refuses such files.`,
          'Re-save with the safetensors library so tensors are packed contiguously.'
        )
      )
    }

    r.facts.tensors = tensors
    r.facts.parameters = params
    r.facts.dtypes = joinCapped([...dtypes].sort())
    r.facts.header_bytes = n

    const meta = header.__metadata__
    if (meta !== undefined) {
      if (!isRecord(meta)) throw new FormatError('`__metadata__` is not a JSON object.', FIX_HEADER)
      const keys = Object.keys(meta)
      r.facts.metadata_keys = joinCapped(keys.sort())
      for (const [k, v] of Object.entries(meta)) {
        if (typeof v !== 'string') {
          throw new FormatError(`\`__metadata__\` value for "${truncate(k, 80)}" is not a string.`, FIX_HEADER)
        }
        const m = CODE_IN_METADATA.exec(v)
        if (m) {
          r.issues.push(
            issue(
              'unsafe-serialization',
              'error',
              `\`__metadata__["${truncate(k, 60)}"]\` carries Python code (\`${truncate(m[0], 40)}\`). safetensors never runs it, but it is a payload waiting for a tool that evals metadata.`,
              'Remove code from the metadata; metadata should hold plain descriptive strings.'
            )
          )
        }
      }
      // A few well-known keys are useful BOM facts (format: pt/tf/flax/mlx).
      for (const k of ['format', 'framework', 'model_name', 'license']) {
        const v = meta[k]
        if (typeof v === 'string') r.facts[`metadata.${k}`] = truncate(v, 200)
      }
    }
  })
}
