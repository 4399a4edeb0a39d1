/**
 * What the emulator knows about a stack value. Mostly just its kind; a few shapes are
 * tracked in more detail because joblib's loader acts on them (see joblib.ts): small
 * ints, tuples, str-keyed dicts, numpy dtypes and joblib array wrappers.
 */
export type CollType = 'list' | 'dict' | 'set' | 'frozenset' | 'tuple' | 'bytearray'

export interface Coll {
  readonly k: 'coll'
  readonly t: CollType
  selfRefs: number
  /** Tuple elements (short tuples only). */
  readonly items?: readonly Val[]
  /** Dict entries with str keys (small dicts only). */
  entries?: Map<string, Val>
  /** A dict got a key we cannot name, or too many: its entries are not known. */
  opaque?: boolean
}

/** `numpy.dtype(code, align, copy)` and the state its BUILD applied (numpy's __setstate__). */
export interface Dtype {
  readonly k: 'dtype'
  readonly code: string | null
  state: Val | null
}

/** A `joblib.numpy_pickle.NumpyArrayWrapper` instance and the attributes BUILD gave it. */
export interface Wrapper {
  readonly k: 'wrapper'
  readonly attrs: Map<string, Val>
  /** Attributes were set in a way we do not follow (__init__ args, slot state, opaque dict). */
  opaque: boolean
}

/**
 * A `functools.partial` object: calling it calls `fn`, which BUILD (partial.__setstate__)
 * may replace, so the callable is tracked with the object.
 */
export interface Partial {
  readonly k: 'partial'
  fn: Val | undefined
}

export type Val =
  | { readonly k: 'v' }
  | { readonly k: 'none' }
  /** `n`: the value when it fits a bigint we computed; `hex`: LONG1 payload (legacy torch magic). */
  | { readonly k: 'int'; readonly hex: string; readonly n: bigint | null }
  | { readonly k: 'str'; readonly text: string | null; readonly lost?: boolean }
  | { readonly k: 'global'; readonly module: string; readonly name: string }
  | Coll
  /** A constructed object; `any`: its class is unknown (a call could return any object, even a wrapper). */
  | { readonly k: 'obj'; readonly any?: boolean }
  | Partial
  | Dtype
  | Wrapper

export const V: Val = { k: 'v' }
export const NONE: Val = { k: 'none' }
export const OBJ: Val = { k: 'obj' }
export const ANY: Val = { k: 'obj', any: true }

/** Longest tuple whose items are kept; numpy shapes have at most 64 dimensions. */
export const MAX_ITEMS = 64
/** Most str-keyed entries kept per dict; a wrapper state has 5 or 6. */
export const MAX_ENTRIES = 16

export const int = (n: bigint): Val => ({ k: 'int', hex: '', n })
