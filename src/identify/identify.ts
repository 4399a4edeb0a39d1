import path from 'node:path'
import type { ArtifactKind, LfsPointer } from '../types.js'
import type { Issue } from '../inspect/types.js'
import type { ByteSource } from '../util/byte-source.js'
import { hintFor, inDataFolder, isOpaqueName, manifestFormat, signatureFormat, type NameHint } from './by-name.js'
import { cardKind, readFrontMatter } from './front-matter.js'
import { parseLfsPointer } from './lfs.js'
import { listZip, readMemberHead } from '../inspect/formats/zip.js'
import { looksLikePickle } from '../inspect/pickle-result.js'
import { gunzipHead, isGzip, probeArchive } from '../inspect/containers/tar-members.js'
import { walkLocalHeaders } from '../inspect/containers/zip-layout.js'
import { isPickleMember, judgeMember, nestedArchive } from '../inspect/containers/member-kind.js'
import { isOpcode } from '../inspect/pickle/opcodes.js'
import { explainNotSafetensors, HEAD_BYTES, sniff } from './sniff.js'
import { judgePickleHead } from './pickle-sniff.js'

export interface Identified {
  kind: ArtifactKind
  format: string
  lfs: LfsPointer | null
  facts: Record<string, string | number | boolean>
  issues: Issue[]
  /** The content is a well-formed `format` file that the name promises to be something else: the issue says so, and it is inspected as what it is. */
  misnamed?: boolean
}

const FORMAT_KIND: Record<string, ArtifactKind> = {
  safetensors: 'model', gguf: 'model', ggml: 'model', onnx: 'model', tflite: 'model',
  'keras-h5': 'model', 'keras-v3': 'model', 'pytorch-zip': 'model', torchscript: 'model',
  'pytorch-legacy': 'model', pickle: 'model', zip: 'model', '7z': 'model', rar: 'model', tar: 'model', gzip: 'model',
  'chat-template': 'model-config', 'tokenizer-config': 'model-config', 'hf-config': 'model-config', joblib: 'model', numpy: 'model', 'numpy-npz': 'model',
  'xgboost-json': 'model', 'xgboost-ubj': 'model', tfjs: 'model', 'tf-savedmodel': 'model', sentencepiece: 'model',
  parquet: 'dataset', arrow: 'dataset', 'arrow-stream': 'dataset', 'feather-v1': 'dataset', csv: 'dataset', tsv: 'dataset', zarr: 'dataset',
  jsonl: 'dataset', tfrecord: 'dataset', hdf5: 'dataset', 'dvc-pointer': 'dataset'
}
/** Containers that hold weights or data alike: where they live decides which. */
const AMBIGUOUS = new Set(['hdf5', 'numpy', 'numpy-npz', 'pickle', 'joblib', 'tar', 'gzip'])
const KERAS_MARKERS = ['keras_version', 'model_config', 'layer_names'].map((s) => Buffer.from(s))
const KERAS_SCAN_BYTES = 1024 * 1024
/**
 * Opcodes CPython's unpickler refuses as a pickle's first: they need a value on the stack or in
 * the memo (STOP, POP, DUP, REDUCE, BUILD, APPEND, SETITEM, PUT/GET and kin, NEWOBJ, TUPLE1-3,
 * STACK_GLOBAL, MEMOIZE, BINPERSID, READONLY_BUFFER) or out-of-band buffers (NEXT_BUFFER).
 */
const NOT_FIRST = new Set([...'.02QRabsghjpqr'].map((c) => c.charCodeAt(0)).concat([0x81, 0x85, 0x86, 0x87, 0x92, 0x93, 0x94, 0x97, 0x98]))
/** Every other opcode of the table can start a pickle (MARK-consuming ones fail only later, on a missing mark). */
const isFirstOpcode = (b: number | undefined): boolean => b !== undefined && isOpcode(b) && !NOT_FIRST.has(b)

/**
 * Decides what a file is from its bytes, checked against what its name promises.
 * Null means "not an ML artifact". A name the content contradicts is a finding.
 */
export async function identify(relPath: string, src: ByteSource): Promise<Identified | null> {
  const head = await src.read(0, HEAD_BYTES)
  const hint = hintFor(relPath)

  const lfs = parseLfsPointer(head, src.size)
  if (lfs) return identifyPointer(relPath, hint, lfs)

  const manifest = manifestFormat(relPath)
  if (manifest) return plain('dependency-manifest', manifest)
  const signature = signatureFormat(relPath)
  if (signature) return plain('signature', signature)
  if (relPath.toLowerCase().endsWith('.md')) return identifyCard(relPath, head)

  const found = await sniff(src, head, isOpaqueName(relPath) || (hint?.formats.includes('pickle') ?? false))
  if (found && 'broken' in found) {
    return result(kindOf(found.format, hint, relPath), found.format, {}, [unparseable(found.format, found.broken)])
  }
  let format = found?.format ?? null
  let facts = found?.facts ?? {}
  if (format === null) {
    const byName = await identifyByName(relPath, head, hint)
    if (byName) ({ format, facts } = byName)
  }
  if (format === null && isGzip(head)) format = 'gzip'
  // `weights.pt.gz` holding a torch zip is no joblib stream: the gzip inspector opens the zip.
  if (format === 'joblib' && facts.compression === 'gzip' && (await gunzipHead(head, 4)).toString('latin1') === 'PK\x03\x04') ({ format, facts } = { format: 'gzip', facts: {} })
  if (format === 'hdf5' && (await hasKerasMarkers(src))) format = 'keras-h5'
  if (format === 'zip' && !hint && !(await zipHoldsMlContent(src))) return null
  if (format === 'tar' || format === 'gzip') {
    // Like generic zips: an archive is an artifact when it holds ML content (or cannot be read to tell), or its name promises a model.
    const probe = hint?.kind === 'model' ? 'found' : await probeArchive(src, isMlMember)
    if (probe === 'none' || (probe === 'unreadable' && hint)) return null
  }
  // `model.pth.tar`, `weights.pt.gz`: the name promises what is inside the wrapper, which inspection opens.
  const wrapped = (format === 'tar' || format === 'gzip') && /\.(tar|tgz|gz)$/i.test(relPath)

  if (hint && hint.formats.length > 0 && !wrapped) {
    if (format === null && hint.strict) {
      const why = hint.nominal === 'safetensors' ? explainNotSafetensors(head, src.size) : `its content is not ${article(hint.nominal)} file`
      return result(hint.kind, hint.nominal, {}, [unparseable(hint.nominal, `the name promises ${article(hint.nominal)} file, but ${why}`)])
    }
    if (format !== null && !hint.formats.includes(format)) {
      return {
        ...result(kindOf(format, hint, relPath), format, facts, [
          unparseable(hint.nominal, `the name promises ${article(hint.nominal)} file, but its content is ${article(format)} file`)
        ]),
        misnamed: true
      }
    }
    // A PyTorch checkpoint is a zip around pickles (`data.pkl`); a `.pt` zip with none is something else under its name.
    if (format === 'zip' && hint.strict && hint.nominal === 'pytorch' && (await zipPickles(src)) === 'none') {
      // Still a zip: its members are inspected as a zip's (traversal, nested models).
      return {
        ...result(kindOf(format, hint, relPath), format, facts, [
          unparseable(hint.nominal, 'the name promises a pytorch file, but its content is a zip archive with no pickle in it (PyTorch saves its zip checkpoints around a data.pkl)')
        ]),
        misnamed: true
      }
    }
  }
  if (format === null) return hint && hint.formats.length === 0 ? result(hint.kind, hint.nominal, {}, []) : null
  return result(kindOf(format, hint, relPath), format, facts, [])
}

/** Weight-like names that Hugging Face's default .gitattributes sends to LFS, with no format of their own. */
const LFS_WEIGHT_NAME = /(^pytorch_model|\.(bin|ckpt|ftz|mlmodel|model|msgpack|ot|pb)$)/

function identifyPointer(relPath: string, hint: NameHint | null, lfs: NonNullable<ReturnType<typeof parseLfsPointer>>): Identified | null {
  const base = path.posix.basename(relPath)
  const nominal = hint?.nominal ?? (LFS_WEIGHT_NAME.test(base) ? 'binary' : inDataFolder(relPath) ? 'lfs-object' : null)
  if (nominal === null) return null
  const kind = hint ? kindOf(nominal, hint, relPath) : nominal === 'binary' && !inDataFolder(relPath) ? 'model' : 'dataset'
  if (!lfs.ok) return result(kind, nominal, {}, [unparseable('Git LFS pointer', `the pointer is malformed: ${lfs.reason}`)])
  return { kind, format: nominal, lfs: lfs.pointer, facts: {}, issues: [] }
}

async function identifyByName(relPath: string, head: Buffer, hint: NameHint | null): Promise<{ format: string; facts: Record<string, string | number | boolean> } | null> {
  const base = path.posix.basename(relPath)
  const text = head.subarray(0, 4096).toString('utf8')
  // A pickle-named file starting with an opcode CPython takes first is scanned as a pickle even when
  // malformed, so the scan says what is wrong.
  if (hint?.formats.includes('pickle') && isFirstOpcode(head[0])) return { format: 'pickle', facts: {} }
  // Weights are often saved under names that say nothing (`model`, `checkpoint.model`, `weights.dat`).
  if (!hint && isOpaqueName(base) && looksLikePickle(head)) return { format: 'pickle', facts: {} }
  const compression = compressionOf(head)
  if (compression && hint?.formats.includes('joblib')) return { format: 'joblib', facts: { compression } }
  if (hint?.nominal === 'onnx' && head[0] === 0x08) return { format: 'onnx', facts: {} }
  if (base === 'saved_model.pb') return { format: 'tf-savedmodel', facts: {} }
  const config = modelConfigFormat(base, text)
  if (config) return { format: config, facts: {} }
  if (base === 'tokenizer.model' && head[0] === 0x0a) return { format: 'sentencepiece', facts: {} }
  if (base.endsWith('.dvc') && /^outs:/m.test(text)) return { format: 'dvc-pointer', facts: {} }
  if (base.endsWith('.json') && text.trimStart().startsWith('{')) {
    if (/"(modelTopology|weightsManifest)"/.test(text)) return { format: 'tfjs', facts: {} }
    if (/"learner"\s*:/.test(text) && /"version"\s*:/.test(head.toString('utf8'))) return { format: 'xgboost-json', facts: {} }
  }
  if (base.endsWith('.ubj') && head[0] === 0x7b && head.includes('learner')) return { format: 'xgboost-ubj', facts: {} }
  if (hint && hint.kind === 'dataset' && !hint.strict && !head.includes(0)) return { format: hint.formats[0] ?? hint.nominal, facts: {} }
  return null
}

/**
 * Configuration that changes what a model does when loaded: Hugging Face config and
 * tokenizer files, and chat templates (Jinja, which runs in the serving process).
 */
function modelConfigFormat(base: string, text: string): string | null {
  if (/\.(jinja2?|j2)$/i.test(base)) return 'chat-template'
  if (base.endsWith('.template') && /\{[%{]/.test(text)) return 'chat-template'
  if (base === 'tokenizer_config.json') return 'tokenizer-config'
  if (/\.(json|ya?ml)$/i.test(base) && /["']?chat_template["']?\s*:/.test(text)) return 'chat-template'
  if (/^(config|adapter_config|generation_config)\.json$/.test(base) && /"(model_type|architectures|base_model_name_or_path|peft_type)"\s*:/.test(text)) return 'hf-config'
  return null
}

/** joblib's compressors (joblib/compressor.py): the pickle is inside the stream. */
function compressionOf(head: Buffer): string | null {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head[0] === 0x78 && head.length > 1 && ((head[0] << 8) | head[1]!) % 31 === 0) return 'zlib'
  if (head.subarray(0, 6).equals(Buffer.from('fd377a585a00', 'hex'))) return 'xz'
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bz2'
  if (head.subarray(0, 4).equals(Buffer.from('04224d18', 'hex'))) return 'lz4'
  return null
}

function identifyCard(relPath: string, head: Buffer): Identified | null {
  const fm = readFrontMatter(head.toString('utf8'))
  const base = path.posix.basename(relPath)
  // A card-named file whose metadata block is broken is still a card: its metadata is unknown, and says so.
  const kind = fm.data ? cardKind(fm.data, base, inDataFolder(relPath)) : fm.error && /^(readme|model_?card|dataset_?card)\.md$/i.test(base) ? (inDataFolder(relPath) || /^dataset/i.test(base) ? 'dataset-card' : 'model-card') : null
  return kind ? plain(kind, kind === 'model-card' ? 'huggingface-model-card' : 'huggingface-dataset-card') : null
}

const ZIP_MEMBER_HEADS = 200

/** A zip with no ML name is an artifact only if it holds one: a model-named, pickle or archive member, or one that cannot be read. */
async function zipHoldsMlContent(src: ByteSource): Promise<boolean> {
  let listing
  try {
    listing = await listZip(src)
  } catch {
    return false
  }
  try {
    // Members only the local headers show (hidden from the central directory) make it worth inspecting.
    if ((await walkLocalHeaders(src, listing, 'zip archive')).issues.length > 0) return true
    let heads = 0
    for (const m of listing.members) {
      if (m.name.endsWith('/')) continue
      if (m.encrypted || hintFor(m.name)) return true
      if (heads++ < ZIP_MEMBER_HEADS && (await mlMember(listing.zip, m))) return true
    }
    return false
  } finally {
    listing.zip.close()
  }
}

/**
 * Whether a zip holds a pickle member (by name or by its first bytes); `unknown` when it cannot
 * tell (encrypted members, members hidden from the central directory): the zip inspector reports those.
 * TorchScript archives from before PyTorch 1.3 (`model.json`, `version`, no pickles) count as PyTorch's own.
 */
async function zipPickles(src: ByteSource): Promise<'some' | 'none' | 'unknown'> {
  let listing
  try {
    listing = await listZip(src)
  } catch {
    return 'unknown'
  }
  try {
    if ((await walkLocalHeaders(src, listing, 'zip archive')).issues.length > 0) return 'unknown'
    // PyTorch's reader finds members case-insensitively.
    const names = new Set(listing.members.map((m) => m.name.slice(m.name.lastIndexOf('/') + 1).toLowerCase()))
    if (names.has('model.json') && names.has('version')) return 'some'
    let heads = 0
    for (const m of listing.members) {
      if (m.name.endsWith('/')) continue
      if (m.encrypted) return 'unknown'
      if (/\.(pkl|pickle)$/i.test(m.name)) return 'some'
      if (heads++ >= ZIP_MEMBER_HEADS) return 'unknown'
      const head = (max: number) => readMemberHead(listing.zip, m, max)
      if (isPickleMember(m.name, (await judgeMember(m.uncompressedSize, head)).judgement, false)) return 'some'
    }
    return 'none'
  } finally {
    listing.zip.close()
  }
}

/** A zip member that makes the zip an ML artifact: a pickle (judged as inspection will) or another archive (opened in turn). */
async function mlMember(zip: Parameters<typeof readMemberHead>[0], m: Parameters<typeof readMemberHead>[1]): Promise<boolean> {
  const { head, judgement } = await judgeMember(m.uncompressedSize, (max) => readMemberHead(zip, m, max))
  return isPickleMember(m.name, judgement, false) || nestedArchive(m.name, head) !== null
}

/** A tar member (or a gzip file's content) that makes the archive an ML artifact: a model name, a pickle or another archive. */
function isMlMember(name: string, head: Buffer, size: number): boolean {
  if (name !== '' && hintFor(name) !== null) return true
  if (nestedArchive(name, head) !== null) return true
  // Undecided past the head: a loadable name is scanned (inspection reads on), and so the archive is an artifact.
  return isPickleMember(name, judgePickleHead(head, size), false)
}

async function hasKerasMarkers(src: ByteSource): Promise<boolean> {
  const bytes = await src.read(0, KERAS_SCAN_BYTES)
  return KERAS_MARKERS.some((m) => bytes.includes(m))
}

function kindOf(format: string, hint: NameHint | null, relPath: string): ArtifactKind {
  if (AMBIGUOUS.has(format) && inDataFolder(relPath)) return 'dataset'
  return FORMAT_KIND[format] ?? hint?.kind ?? 'model'
}

function plain(kind: ArtifactKind, format: string): Identified {
  return result(kind, format, {}, [])
}

function result(kind: ArtifactKind, format: string, facts: Record<string, string | number | boolean>, issues: Issue[]): Identified {
  return { kind, format, lfs: null, facts, issues }
}

function unparseable(expected: string, detail: string): Issue {
  return {
    rule: 'unparseable-artifact',
    severity: 'error',
    message: `Cannot parse this ${expected} file: ${detail.replace(/\.+$/, '')}. A file that cannot be parsed is never reported as safe.`,
    fix: `Replace it with a valid ${expected} file (re-export or re-download it), or rename it if it is not one. If it is meant to be a Git LFS pointer, check that \`git lfs\` tracked it.`
  }
}

function article(format: string): string {
  return /^[aeiou]/i.test(format) ? `an ${format}` : `a ${format}`
}
