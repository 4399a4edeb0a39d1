import type { ByteSource } from '../util/byte-source.js'
import { listZip } from '../inspect/formats/zip.js'
import { isTarHeader } from '../inspect/formats/tar.js'
import { gunzipHead, isGzip } from '../inspect/containers/tar-members.js'
import { looksLikeArrowStream, looksLikeTfrecord } from '../inspect/datasets/index.js'
import { looksLikePickle } from '../inspect/pickle-result.js'
import { judgePickle } from './pickle-sniff.js'
import { looksLikeOnnx } from './onnx.js'

/** What the bytes say a file is. `broken` = it starts like `format` but is not a valid one. */
export type Sniff =
  | { format: string; facts?: Record<string, string | number | boolean> }
  | { format: string; broken: string }
  | null

export const HEAD_BYTES = 64 * 1024
const SAFETENSORS_MAX_HEADER = 100 * 1024 * 1024
const HDF5_SIGNATURE = Buffer.from('894844460d0a1a0a', 'hex')
const SEVEN_Z = Buffer.from('377abcaf271c', 'hex')
const RAR = Buffer.from('526172211a07', 'hex')
const GGML_LEGACY: Record<string, string> = { lmgg: 'ggml', fmgg: 'ggmf', tjgg: 'ggjt' }

/**
 * Identifies a file by its bytes alone: magic numbers and header structure. `opaqueName`: the
 * name says nothing or promises a pickle (`model.bin`, `.ckpt`, no extension), so bytes the
 * pickle trial parse could not decide on within its budget are a pickle to scan (fail closed).
 */
export async function sniff(src: ByteSource, head: Buffer, opaqueName = false): Promise<Sniff> {
  const size = src.size
  if (size === 0) return null
  const ascii4 = head.subarray(0, 4).toString('latin1')

  if (ascii4 === 'PK\x03\x04' || ascii4 === 'PK\x05\x06') return sniffZip(src)
  if (head.subarray(0, 6).equals(SEVEN_Z)) return { format: '7z' }
  if (head.subarray(0, 6).equals(RAR)) return { format: 'rar' }
  if (isTarHeader(head.subarray(0, 512))) return { format: 'tar' }
  if (isGzip(head) && isTarHeader(await gunzipHead(head, 512))) return { format: 'tar', facts: { compression: 'gzip' } }
  if (ascii4 === 'GGUF') {
    const version = head.length >= 8 ? head.readUInt32LE(4) : -1
    return version >= 1 && version <= 3 ? { format: 'gguf', facts: { gguf_version: version } } : { format: 'gguf', broken: `unsupported GGUF version ${version}` }
  }
  if (GGML_LEGACY[ascii4]) return { format: 'ggml', facts: { ggml_variant: GGML_LEGACY[ascii4]! } }
  if (ascii4 === 'PAR1') {
    const tail = await src.read(size - 4, 4)
    return tail.toString('latin1') === 'PAR1' && size >= 12 ? { format: 'parquet' } : { format: 'parquet', broken: "missing the trailing 'PAR1' footer magic (truncated file?)" }
  }
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return { format: 'arrow' }
  if (looksLikeArrowStream(head)) return { format: 'arrow-stream' }
  if (ascii4 === 'FEA1') return { format: 'feather-v1' }
  if (head.subarray(0, 6).equals(Buffer.from('\x93NUMPY', 'latin1'))) return { format: 'numpy' }
  if (head.length >= 8 && head.subarray(4, 8).toString('latin1') === 'TFL3') return { format: 'tflite' }
  if (hdf5At(head)) return { format: 'hdf5' }
  // Pickles have no magic number: a bounded trial parse of the opcodes decides (pickle-sniff.ts).
  const judged = await judgePickle(src, head)
  const pickle = judged === 'undecided' ? null : judged
  if (pickle) {
    if (pickle.legacyTorch) return { format: 'pytorch-legacy' }
    return head.includes('joblib') ? { format: 'joblib' } : { format: 'pickle', facts: pickle.protocol === null ? {} : { pickle_protocol: pickle.protocol } }
  }
  // A pickle crafted to pass the length checksum must still be scanned as one.
  if (looksLikeTfrecord(head) && !looksLikePickle(head)) return { format: 'tfrecord' }
  // No magic number: a ModelProto whose leading fields are well formed (see onnx.ts).
  if (looksLikeOnnx(head, size)) return { format: 'onnx' }
  const safetensors = await sniffSafetensors(src, head)
  // Valid opcodes up to where the budget ran out (a 70 KB first line, many skipped arguments): the
  // streaming scan reads on, as a loader would.
  if (safetensors === null && judged === 'undecided' && opaqueName) return { format: 'pickle', facts: {} }
  return safetensors
}

function hdf5At(head: Buffer): boolean {
  // The superblock sits at 0 or after a user block of 512, 1024, 2048, ... bytes.
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    if (head.subarray(at, at + 8).equals(HDF5_SIGNATURE)) return true
  }
  return false
}

async function sniffZip(src: ByteSource): Promise<Sniff> {
  let names: string[]
  try {
    const listing = await listZip(src)
    listing.zip.close()
    names = listing.members.map((m) => m.name)
  } catch (err) {
    return { format: 'zip', broken: `the zip central directory is unreadable: ${(err as Error).message}` }
  }
  // PyTorch's reader (miniz) finds members case-insensitively: `archive/Data.Pkl` is its data.pkl.
  const base = (n: string) => n.slice(n.lastIndexOf('/') + 1).toLowerCase()
  if (names.some((n) => base(n) === 'data.pkl')) {
    const script = names.some((n) => /(^|\/)code\/__torch__\//i.test(n)) || names.some((n) => base(n) === 'constants.pkl')
    return { format: script ? 'torchscript' : 'pytorch-zip', facts: { zip_members: names.length } }
  }
  if (names.includes('config.json') && (names.includes('model.weights.h5') || names.includes('metadata.json'))) return { format: 'keras-v3', facts: { zip_members: names.length } }
  if (names.length > 0 && names.every((n) => n.endsWith('.npy'))) return { format: 'numpy-npz', facts: { arrays: names.length } }
  return { format: 'zip', facts: { zip_members: names.length } }
}

const SAFETENSORS_SECOND = new Set([0x22 /* " */, 0x7d /* } */, 0x20, 0x09, 0x0a, 0x0d])

/** safetensors: u64 little-endian header length, then that many bytes of JSON starting with '{'. */
async function sniffSafetensors(src: ByteSource, head: Buffer): Promise<Sniff> {
  if (head.length < 9) return null
  const n = head.readBigUInt64LE(0)
  if (head[8] !== 0x7b /* { */ || n < 2n) return null
  // A header object starts with a key (or is empty): '{' then '"', '}' or JSON whitespace. One byte more
  // of evidence keeps any file whose ninth byte happens to be '{' (1 in 256 of random data) from
  // being called a broken safetensors file; a file *named* .safetensors is still checked strictly.
  if (head.length > 9 && !SAFETENSORS_SECOND.has(head[9]!)) return null
  if (n > BigInt(SAFETENSORS_MAX_HEADER)) return { format: 'safetensors', broken: `header length ${n} is over the ${SAFETENSORS_MAX_HEADER}-byte limit` }
  if (8n + n > BigInt(src.size)) return { format: 'safetensors', broken: `header length ${n} runs past the end of the ${src.size}-byte file (truncated header)` }
  const json = await src.read(8, Number(n))
  try {
    const parsed: unknown = JSON.parse(json.toString('utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { format: 'safetensors', broken: 'header is not a JSON object' }
    return { format: 'safetensors', facts: { tensors: Object.keys(parsed).filter((k) => k !== '__metadata__').length } }
  } catch (err) {
    return { format: 'safetensors', broken: `header is not valid JSON (${(err as Error).message})` }
  }
}

/** A safetensors file whose header is broken does not pass the generic sniff; this explains why. */
export function explainNotSafetensors(head: Buffer, size: number): string {
  if (size < 8) return `file is ${size} bytes, shorter than the 8-byte header length`
  const n = head.readBigUInt64LE(0)
  if (head.length > 8 && head[8] !== 0x7b) return `bytes after the header length are not a JSON object ('{' expected at offset 8)`
  return `header length ${n} is not valid for a ${size}-byte file`
}
