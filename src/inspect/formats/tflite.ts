import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, issue, joinCapped, newResult, truncate, Window, type InspectContext } from './common.js'

const FIX = 'Re-convert the model with tf.lite.TFLiteConverter; the flatbuffer is corrupted or truncated.'
const MAX_OPCODES = 10_000
const MAX_SUBGRAPHS = 10_000

/** BuiltinOperator names 0..127 from the TFLite schema (higher codes are shown by number). */
const BUILTINS = (
  'ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP ' +
  'FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC ' +
  'LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX ' +
  'SPACE_TO_DEPTH SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD ' +
  'UNIDIRECTIONAL_SEQUENCE_RNN GATHER BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE ' +
  'UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX ' +
  'DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM ARG_MAX MINIMUM LESS NEG PADV2 GREATER ' +
  'GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE TILE EXPAND_DIMS EQUAL ' +
  'NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK LOGICAL_OR ' +
  'ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL ' +
  'FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE ' +
  'CEIL REVERSE_V2 ADD_N GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE ' +
  'MATRIX_SET_DIAG ROUND HARD_SWISH IF WHILE NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND ' +
  'SELECT_V2 DENSIFY SEGMENT_SUM BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES'
).split(' ')
const CUSTOM = 32

/** Minimal bounds-checked flatbuffer table access (every offset is checked by Window). */
class Fb {
  constructor(readonly w: Window) {}
  /** Absolute position of field `idx` of the table at `table`, or null when absent. */
  async field(table: number, idx: number): Promise<number | null> {
    const vtable = table - (await this.w.i32(table))
    const vtSize = await this.w.u16(vtable)
    if (vtSize < 4 || vtSize % 2 !== 0) throw new FormatError(`Bad flatbuffer vtable at offset ${vtable}.`, FIX, vtable)
    if (4 + 2 * idx >= vtSize) return null
    const off = await this.w.u16(vtable + 4 + 2 * idx)
    return off === 0 ? null : table + off
  }
  async deref(pos: number): Promise<number> {
    return pos + (await this.w.u32(pos))
  }
  /** A vector field: [start of elements, length]. */
  async vector(table: number, idx: number, max: number, what: string): Promise<[number, number] | null> {
    const f = await this.field(table, idx)
    if (f === null) return null
    const v = await this.deref(f)
    const n = await this.w.u32(v)
    if (n > max) throw new FormatError(`TFLite ${what} has ${n} entries, over the limit of ${max}.`, FIX, v)
    if (v + 4 + n > this.w.size) throw new FormatError(`TFLite ${what} runs past the end of the file.`, FIX, v)
    return [v + 4, n]
  }
  async table(vecStart: number, i: number): Promise<number> {
    return this.deref(vecStart + 4 * i)
  }
  async string(table: number, idx: number, max = 256): Promise<string | null> {
    const f = await this.field(table, idx)
    if (f === null) return null
    const s = await this.deref(f)
    const n = await this.w.u32(s)
    return (await this.w.bytes(s + 4, Math.min(n, max), 'string')).toString('utf8')
  }
}

/** TFLite flatbuffer: schema version, subgraphs, operator codes (builtin and custom). */
export async function inspectTflite(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('TFLite', newResult('tflite'), async (r) => {
    const w = new Window(src, 1 << 14)
    if (src.size < 8 || (await w.bytes(4, 4)).toString('latin1') !== 'TFL3') {
      throw new FormatError('Not a TFLite model: no "TFL3" file identifier at bytes 4..8.', FIX, 4)
    }
    const fb = new Fb(w)
    const root = await fb.deref(0)
    if (root >= src.size) throw new FormatError(`TFLite root table offset ${root} is outside the file.`, FIX, 0)
    r.facts.framework = 'tensorflow-lite'
    const vf = await fb.field(root, 0)
    r.facts.schema_version = vf === null ? 0 : await w.u32(vf)
    const desc = await fb.string(root, 3)
    if (desc) r.facts.description = truncate(desc, 200)

    const names: string[] = []
    const custom: string[] = []
    const codes = await fb.vector(root, 1, MAX_OPCODES, 'operator_codes')
    for (let i = 0; codes && i < codes[1]; i++) {
      const t = await fb.table(codes[0], i)
      const dep = await fb.field(t, 0)
      const full = await fb.field(t, 3)
      const code = Math.max(dep === null ? 0 : (await w.bytes(dep, 1)).readInt8(0), full === null ? 0 : await w.i32(full))
      if (code === CUSTOM) {
        const name = (await fb.string(t, 1)) ?? '?'
        custom.push(name)
        names.push(`CUSTOM:${truncate(name, 60)}`)
      } else names.push(BUILTINS[code] ?? `BUILTIN_${code}`)
    }
    const subgraphs = await fb.vector(root, 2, MAX_SUBGRAPHS, 'subgraphs')
    let operators = 0
    let tensors = 0
    for (let i = 0; subgraphs && i < subgraphs[1]; i++) {
      const sg = await fb.table(subgraphs[0], i)
      operators += (await fb.vector(sg, 3, src.size, 'operators'))?.[1] ?? 0
      tensors += (await fb.vector(sg, 0, src.size, 'tensors'))?.[1] ?? 0
    }
    r.facts.subgraphs = subgraphs?.[1] ?? 0
    r.facts.operators = operators
    r.facts.tensors = tensors
    r.facts.operator_codes = joinCapped(names)
    const buffers = await fb.vector(root, 4, src.size, 'buffers')
    r.facts.buffers = buffers?.[1] ?? 0
    if (custom.length > 0) {
      r.facts.custom_ops = joinCapped(custom.map((c) => truncate(c, 60)))
      r.issues.push(
        issue(
          'unsafe-serialization',
          'note',
          `The model uses custom operators (${joinCapped(custom.map((c) => truncate(c, 60)), 8, 300)}): they run native kernels the application must register (Flex ops need the TensorFlow select-ops delegate).`,
          'Make sure the custom-op kernels come from a trusted, pinned source.'
        )
      )
    }
  })
}
