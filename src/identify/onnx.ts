/**
 * ONNX has no magic number: a model is a protobuf ModelProto. Writers (protobuf's C++ and Python
 * serializers) emit fields in field-number order starting with `ir_version`, so the head of a real
 * model is a short run of known ModelProto fields up to the `graph`. We accept a file only when
 * that run is well formed: each field known with its wire type, in order, lengths inside the file,
 * strings valid UTF-8, and the graph and opset entries starting like a GraphProto and an
 * OperatorSetIdProto. Random or other binary data fails one of these within a few bytes.
 */

const VARINT = 0
const LEN = 2

/** ModelProto (onnx.proto3): field number → wire type. */
const MODEL_FIELDS = new Map<number, number>([
  [1, VARINT], // ir_version
  [2, LEN], // producer_name
  [3, LEN], // producer_version
  [4, LEN], // domain
  [5, VARINT], // model_version
  [6, LEN], // doc_string
  [7, LEN], // graph
  [8, LEN], // opset_import
  [14, LEN], // metadata_props
  [20, LEN], // training_info
  [25, LEN], // functions
  [26, LEN] // configuration
])
const STRINGS = new Set([2, 3, 4, 6])
const REPEATED = new Set([8, 14, 20, 25, 26])
/** GraphProto fields, all length-delimited: node, name, initializer, doc_string, input, output, value_info, quantization_annotation, sparse_initializer, metadata_props. */
const GRAPH_FIELDS = new Set([1, 2, 5, 10, 11, 12, 13, 14, 15, 16])
/** IR versions run from 1 (2017) to 11 (ONNX 1.18); headroom for a few more. */
const MAX_IR_VERSION = 16

/** True when `head` (the first bytes of a `size`-byte file) is the start of an ONNX ModelProto. */
export function looksLikeOnnx(head: Buffer, size: number): boolean {
  const first = key(head, 0)
  if (!first || first.field !== 1 || first.wire !== VARINT) return false
  const ir = varint(head, first.next)
  if (!ir || ir.value < 1 || ir.value > MAX_IR_VERSION) return false
  let pos = ir.next
  let last = 1
  let sawGraph = false
  while (pos < head.length) {
    const k = key(head, pos)
    if (!k || MODEL_FIELDS.get(k.field) !== k.wire) return false
    if (k.field < last || (k.field === last && !REPEATED.has(k.field))) return false
    last = k.field
    if (k.wire === VARINT) {
      const v = varint(head, k.next)
      if (!v) return false
      pos = v.next
      continue
    }
    const len = varint(head, k.next)
    if (!len) return false
    const start = len.next
    const end = start + len.value
    if (end > size) return false
    const body = head.subarray(start, Math.min(end, head.length))
    if (STRINGS.has(k.field) && end <= head.length && !isUtf8(body)) return false
    if (k.field === 7) {
      if (len.value === 0 || !startsWith(body, len.value, GRAPH_FIELDS)) return false
      sawGraph = true
    }
    if (k.field === 8 && !startsWith(body, len.value, new Set([1, 2]), true)) return false
    pos = end
  }
  // A file read to its end must end exactly after its last field; a longer one was cut at the head.
  return sawGraph && (pos === size || (head.length < size && pos >= head.length))
}

/**
 * A nested message's first field: known, and (when it is inside `body`) length-delimited with a
 * length that fits the message. `versionVarint` allows OperatorSetIdProto's `version` (field 2, varint).
 */
function startsWith(body: Buffer, length: number, fields: Set<number>, versionVarint = false): boolean {
  if (length === 0) return true
  const k = key(body, 0)
  if (!k) return body.length < Math.min(length, 10)
  if (!fields.has(k.field)) return false
  if (versionVarint && k.field === 2) return k.wire === VARINT
  if (k.wire !== LEN) return false
  const len = varint(body, k.next)
  if (!len) return body.length < Math.min(length, 10)
  return len.next + len.value <= length
}

function key(buf: Buffer, pos: number): { field: number; wire: number; next: number } | null {
  const v = varint(buf, pos)
  if (!v || v.value < 8) return null
  return { field: Math.floor(v.value / 8), wire: v.value % 8, next: v.next }
}

/** A protobuf varint (at most 10 bytes; values past 2^53 lose precision), or null if cut or overlong. */
function varint(buf: Buffer, pos: number): { value: number; next: number } | null {
  let value = 0
  let mul = 1
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i]!
    value += (b & 0x7f) * mul
    if ((b & 0x80) === 0) return { value, next: i + 1 }
    mul *= 128
  }
  return null
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

function isUtf8(bytes: Buffer): boolean {
  try {
    UTF8.decode(bytes)
    return true
  } catch {
    return false
  }
}
