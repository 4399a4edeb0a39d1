import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { checkChatTemplate, MAX_TEMPLATE_CHARS } from './chat-template.js'
import {
  FormatError,
  guarded,
  issue,
  joinCapped,
  newResult,
  readExact,
  truncate,
  Window,
  type InspectContext
} from './common.js'

/** Caps: real files have < 100 KVs, strings < 1 MB (templates), vocab arrays < 1M entries. */
export const GGUF_LIMITS = {
  maxKv: 100_000,
  maxTensors: 1_000_000,
  maxKeyLength: 65_536,
  maxStringLength: 16 << 20,
  maxArrayLength: 50_000_000,
  maxDims: 8
}

const FIX = 'Re-convert the model with llama.cpp (convert_hf_to_gguf.py / llama-quantize); the file is corrupted or truncated.'

/** Legacy pre-GGUF containers, by their first four bytes (a little-endian u32 magic). */
const LEGACY: Record<string, string> = {
  lmgg: 'ggml (unversioned)',
  fmgg: 'ggmf',
  tjgg: 'ggjt',
  algg: 'ggla (LoRA adapter)'
}

/** llama_ftype names, for the `quantization` fact. */
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 4: 'Q4_1_SOME_F16', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1',
  10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S',
  17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS',
  24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS',
  31: 'IQ1_M', 32: 'BF16', 36: 'TQ1_0', 37: 'TQ2_0', 38: 'MXFP4_MOE'
}

/** ggml tensor types: [name, block size, bytes per block] (only used for bounds checks). */
const GGML_TYPES: Record<number, [string, number, number]> = {
  0: ['F32', 1, 4], 1: ['F16', 1, 2], 2: ['Q4_0', 32, 18], 3: ['Q4_1', 32, 20], 6: ['Q5_0', 32, 22],
  7: ['Q5_1', 32, 24], 8: ['Q8_0', 32, 34], 9: ['Q8_1', 32, 36], 10: ['Q2_K', 256, 84],
  11: ['Q3_K', 256, 110], 12: ['Q4_K', 256, 144], 13: ['Q5_K', 256, 176], 14: ['Q6_K', 256, 210],
  15: ['Q8_K', 256, 292], 24: ['I8', 1, 1], 25: ['I16', 1, 2], 26: ['I32', 1, 4], 27: ['I64', 1, 8],
  28: ['F64', 1, 8], 30: ['BF16', 1, 2]
}

// GGUF value types.
const T = { U8: 0, I8: 1, U16: 2, I16: 3, U32: 4, I32: 5, F32: 6, BOOL: 7, STRING: 8, ARRAY: 9, U64: 10, I64: 11, F64: 12 }
const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 }

type Scalar = number | bigint | boolean | string

/** Sequential reader over the header; strings longer than `keep` are skipped, not buffered. */
class Cursor {
  constructor(
    private readonly w: Window,
    public pos: number,
    private readonly wide: boolean
  ) {}
  async u32(): Promise<number> {
    const v = await this.w.u32(this.pos)
    this.pos += 4
    return v
  }
  async u64(what: string): Promise<number> {
    const v = (await this.w.bytes(this.pos, 8, what)).readBigUInt64LE(0)
    this.pos += 8
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`GGUF ${what} ${v} is implausibly large.`, FIX, this.pos - 8)
    return Number(v)
  }
  /** Count fields are u32 in GGUF v1 and u64 from v2 on. */
  async count(what: string): Promise<number> {
    return this.wide ? this.u64(what) : this.u32()
  }
  async string(what: string, max: number, keep: number): Promise<string> {
    const len = await this.count(`${what} length`)
    if (len > max) throw new FormatError(`GGUF ${what} length ${len} exceeds the ${max}-byte limit.`, FIX, this.pos)
    const start = this.pos
    this.pos += len
    if (this.pos > this.w.size) throw new FormatError(`GGUF ${what} runs past the end of the file (truncated?).`, FIX, start)
    const take = Math.min(len, keep)
    return take === 0 ? '' : (await this.w.src.read(start, take)).toString('utf8')
  }
  async scalar(type: number, what: string): Promise<Scalar> {
    const size = SCALAR_SIZE[type]
    if (size === undefined) throw new FormatError(`GGUF ${what} has unknown value type ${type}.`, FIX, this.pos)
    const b = await this.w.bytes(this.pos, size, what)
    this.pos += size
    switch (type) {
      case T.U8: return b.readUInt8(0)
      case T.I8: return b.readInt8(0)
      case T.U16: return b.readUInt16LE(0)
      case T.I16: return b.readInt16LE(0)
      case T.U32: return b.readUInt32LE(0)
      case T.I32: return b.readInt32LE(0)
      case T.F32: return b.readFloatLE(0)
      case T.BOOL: return b.readUInt8(0) !== 0
      case T.U64: return b.readBigUInt64LE(0)
      case T.I64: return b.readBigInt64LE(0)
      default: return b.readDoubleLE(0)
    }
  }
}

export interface GgufResult extends InspectResult {
  /** The chat template as stored (capped at MAX_TEMPLATE_CHARS), when present. */
  chatTemplate?: string
}

export async function inspectGguf(src: ByteSource, _ctx: InspectContext = {}): Promise<GgufResult> {
  const result: GgufResult = newResult('gguf')
  return guarded('GGUF', result, async (r) => {
    const magic = (await readExact(src, 0, 4, 'the magic')).toString('latin1')
    const legacy = LEGACY[magic]
    if (legacy !== undefined) {
      r.facts.format = 'ggml-legacy'
      r.facts.legacy_magic = legacy
      r.issues.push(
        issue(
          'unparseable-artifact',
          'note',
          `Legacy GGML container (${legacy}); ModelGate does not parse pre-GGUF files, so only the magic was checked. These files carry no code.`,
          'Convert to GGUF with llama.cpp to get metadata into the BOM.'
        )
      )
      return
    }
    if (magic !== 'GGUF') throw new FormatError('Not a GGUF file: missing the "GGUF" magic.', FIX, 0)
    const w = new Window(src)
    const version = await w.u32(4)
    if (version < 1 || version > 3) {
      throw new FormatError(`Unsupported GGUF version ${version} (known: 1-3).`, 'Update ModelGate or re-convert with a current llama.cpp.', 4)
    }
    r.facts.gguf_version = version
    const c = new Cursor(w, 8, version >= 2)
    const nTensors = await c.count('tensor count')
    const nKv = await c.count('metadata count')
    if (nTensors > GGUF_LIMITS.maxTensors) throw new FormatError(`GGUF tensor count ${nTensors} exceeds the limit of ${GGUF_LIMITS.maxTensors}.`, FIX, 8)
    if (nKv > GGUF_LIMITS.maxKv) throw new FormatError(`GGUF metadata count ${nKv} exceeds the limit of ${GGUF_LIMITS.maxKv}.`, FIX, 8)
    r.facts.tensors = nTensors
    r.facts.metadata_entries = nKv

    const kv = new Map<string, Scalar>()
    const templates: Array<{ key: string; text: string }> = []
    for (let i = 0; i < nKv; i++) {
      const key = await c.string('metadata key', GGUF_LIMITS.maxKeyLength, GGUF_LIMITS.maxKeyLength)
      const type = await c.u32()
      const isTemplate = key === 'tokenizer.chat_template' || key.startsWith('tokenizer.chat_template.')
      if (type === T.STRING) {
        const keep = isTemplate ? MAX_TEMPLATE_CHARS : 1024
        const v = await c.string(`value of ${truncate(key, 60)}`, GGUF_LIMITS.maxStringLength, keep)
        if (isTemplate) templates.push({ key, text: v })
        else kv.set(key, v)
      } else if (type === T.ARRAY) {
        const itemType = await c.u32()
        const n = await c.count(`array length of ${truncate(key, 60)}`)
        if (n > GGUF_LIMITS.maxArrayLength) {
          throw new FormatError(`GGUF array ${truncate(key, 60)} has ${n} items, over the limit of ${GGUF_LIMITS.maxArrayLength}.`, FIX, c.pos)
        }
        kv.set(`${key}#length`, n)
        if (itemType === T.STRING) {
          // Vocabularies: walk the length prefixes without decoding the strings.
          for (let j = 0; j < n; j++) await c.string(`item of ${truncate(key, 60)}`, GGUF_LIMITS.maxStringLength, 0)
        } else {
          const size = SCALAR_SIZE[itemType]
          if (size === undefined) throw new FormatError(`GGUF array ${truncate(key, 60)} has unsupported item type ${itemType}.`, FIX, c.pos)
          c.pos += n * size
          if (c.pos > src.size) throw new FormatError(`GGUF array ${truncate(key, 60)} runs past the end of the file.`, FIX, c.pos)
        }
      } else {
        kv.set(key, await c.scalar(type, `value of ${truncate(key, 60)}`))
      }
    }

    const str = (k: string): string | undefined => {
      const v = kv.get(k)
      return typeof v === 'string' ? truncate(v, 200) : undefined
    }
    const num = (k: string): number | undefined => {
      const v = kv.get(k)
      return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined
    }
    const arch = str('general.architecture')
    if (arch !== undefined) r.facts.architecture = arch
    for (const [k, fact] of [
      ['general.name', 'name'],
      ['general.license', 'license'],
      ['general.basename', 'basename'],
      ['general.size_label', 'size_label'],
      ['tokenizer.ggml.model', 'tokenizer']
    ] as const) {
      const v = str(k)
      if (v !== undefined) r.facts[fact] = v
    }
    const ft = num('general.file_type')
    if (ft !== undefined) {
      r.facts.file_type = ft
      r.facts.quantization = FILE_TYPES[ft] ?? `unknown(${ft})`
    }
    if (arch !== undefined) {
      const ctxLen = num(`${arch}.context_length`)
      if (ctxLen !== undefined) r.facts.context_length = ctxLen
    }
    const vocab = kv.get('tokenizer.ggml.tokens#length')
    if (typeof vocab === 'number') r.facts.vocab_size = vocab

    if (templates.length > 0) {
      const first = templates.find((t) => t.key === 'tokenizer.chat_template') ?? templates[0]
      result.chatTemplate = first?.text
      r.facts.chat_template = true
      for (const t of templates) r.issues.push(...checkChatTemplate(t.text, `GGUF \`${t.key}\``))
    }

    // Tensor infos: name, dims, type, offset (relative to the aligned data section).
    const alignment = num('general.alignment') ?? 32
    if (!Number.isInteger(alignment) || alignment <= 0 || alignment % 8 !== 0) {
      throw new FormatError(`GGUF general.alignment ${alignment} is not a positive multiple of 8.`, FIX)
    }
    const infos: Array<{ name: string; bytes: number | null; offset: number }> = []
    const types = new Map<string, number>()
    let params = 0
    for (let i = 0; i < nTensors; i++) {
      const name = await c.string('tensor name', GGUF_LIMITS.maxKeyLength, 256)
      const nDims = await c.u32()
      if (nDims > GGUF_LIMITS.maxDims) throw new FormatError(`GGUF tensor "${truncate(name, 60)}" has ${nDims} dimensions (max ${GGUF_LIMITS.maxDims}).`, FIX, c.pos)
      let count = 1
      for (let d = 0; d < nDims; d++) count *= await c.count('tensor dimension')
      const type = await c.u32()
      const offset = await c.u64('tensor offset')
      if (offset % alignment !== 0) {
        throw new FormatError(`GGUF tensor "${truncate(name, 60)}" offset ${offset} is not aligned to ${alignment}.`, FIX, c.pos)
      }
      const t = GGML_TYPES[type]
      const bytes = t && Number.isSafeInteger(count) && count % t[1] === 0 ? (count / t[1]) * t[2] : null
      types.set(t?.[0] ?? `type${type}`, (types.get(t?.[0] ?? `type${type}`) ?? 0) + 1)
      if (Number.isSafeInteger(count)) params += count
      infos.push({ name, bytes, offset })
    }
    const dataStart = Math.ceil(c.pos / alignment) * alignment
    for (const t of infos) {
      const end = dataStart + t.offset + (t.bytes ?? 0)
      if (end > src.size) {
        throw new FormatError(
          `GGUF tensor "${truncate(t.name, 60)}" ends at byte ${end}, past the end of the ${src.size}-byte file (truncated?).`,
          'Fetch the complete file; it is truncated.'
        )
      }
    }
    if (nTensors > 0) {
      r.facts.parameters = params
      r.facts.tensor_types = joinCapped([...types.keys()].sort())
      if (r.facts.quantization === undefined) {
        const top = [...types.entries()].sort((a, b) => b[1] - a[1])[0]
        if (top) r.facts.quantization = top[0]
      }
    }
  })
}
