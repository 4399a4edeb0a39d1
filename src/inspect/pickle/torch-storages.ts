/**
 * What a torch pickle says about its tensors, read from its persistent ids (never by
 * loading it): torch.save names each storage `('storage', torch.<T>Storage, key,
 * location, numel)` (legacy files add a sixth item, view metadata), and rebuilds each
 * tensor with `torch._utils._rebuild_tensor_v2`. Anything of another shape makes the
 * affected figures unknown rather than guessed.
 */
import type { Val } from './values.js'

/** Storage classes torch.save writes, by the dtype they hold. */
const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4'
}

/** Rebuild functions that make one tensor from one storage. */
const TENSOR_REBUILDS = new Set(['_rebuild_tensor', '_rebuild_tensor_v2'])
/** Rebuild functions that wrap a tensor rebuilt separately (not another tensor). */
const TENSOR_WRAPPERS = new Set(['_rebuild_parameter', '_rebuild_parameter_with_state', '_rebuild_from_type', '_rebuild_from_type_v2'])

/** Most distinct storages tracked; past it the figures are left out, not undercounted. */
export const MAX_STORAGES = 1_000_000

export interface TorchStorageSummary {
  /** Persistent ids read. */
  persistentIds: number
  /** Distinct storage keys (null: an id of another shape, or more than MAX_STORAGES). */
  storages: number | null
  /** Elements stored, summed over distinct storages (parameters and buffers alike). */
  elements: number | null
  /** Storage dtypes, sorted. */
  dtypes: string[] | null
  /** Tensors rebuilt from storages (null: another torch rebuild function is called). */
  tensors: number | null
}

export class TorchStorages {
  private ids = 0
  private readonly byKey = new Map<string, { dtype: string; numel: bigint }>()
  private irregular = false
  private rebuilt = 0
  private otherRebuild = false

  /** One persistent id of the main reading. */
  persistent(pid: Val): void {
    this.ids++
    if (this.irregular) return
    const s = storageOf(pid)
    if (s === 'module') return
    const had = s && this.byKey.get(s.key)
    if (!s || (had && (had.dtype !== s.dtype || had.numel !== s.numel)) || (!had && this.byKey.size >= MAX_STORAGES)) {
      this.irregular = true
      this.byKey.clear()
      return
    }
    if (!had) this.byKey.set(s.key, { dtype: s.dtype, numel: s.numel })
  }

  /** A call of the main reading (REDUCE and friends). */
  called(fn: Val): void {
    if (fn.k !== 'global' || fn.module !== 'torch._utils' || !fn.name.startsWith('_rebuild_')) return
    if (TENSOR_REBUILDS.has(fn.name)) this.rebuilt++
    else if (!TENSOR_WRAPPERS.has(fn.name)) this.otherRebuild = true
  }

  summary(): TorchStorageSummary {
    let elements: bigint | null = 0n
    const dtypes = new Set<string>()
    for (const s of this.byKey.values()) {
      elements += s.numel
      dtypes.add(s.dtype)
    }
    if (this.irregular || elements > BigInt(Number.MAX_SAFE_INTEGER)) elements = null
    return {
      persistentIds: this.ids,
      storages: this.irregular ? null : this.byKey.size,
      elements: elements === null ? null : Number(elements),
      dtypes: this.irregular ? null : [...dtypes].sort(),
      tensors: this.otherRebuild ? null : this.rebuilt
    }
  }
}

/** `('storage', torch.XStorage, key, location, numel[, view_metadata])`; `module`: a legacy class-source id. */
function storageOf(pid: Val): { key: string; dtype: string; numel: bigint } | 'module' | null {
  if (pid.k !== 'coll' || pid.t !== 'tuple' || !pid.items) return null
  const [tag, type, key, location, numel, view] = pid.items
  if (tag?.k !== 'str') return null
  // legacy torch.save of a whole model: ('module', cls, source_file, source), checked against the loader's class
  if (tag.text === 'module' && pid.items.length === 4) return 'module'
  if (tag.text !== 'storage' || (pid.items.length !== 5 && pid.items.length !== 6)) return null
  if (pid.items.length === 6 && view?.k !== 'none' && !(view?.k === 'coll' && view.t === 'tuple' && view.items?.length === 3)) return null
  if (type?.k !== 'global' || type.module !== 'torch' || key?.k !== 'str' || key.text === null || location?.k !== 'str' || location.text === null) return null
  const dtype = STORAGE_DTYPES[type.name]
  if (dtype === undefined || numel?.k !== 'int' || numel.n === null || numel.n < 0n) return null
  return { key: key.text, dtype, numel: numel.n }
}
