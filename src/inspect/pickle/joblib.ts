/**
 * joblib ≥ 0.10 (`joblib/numpy_pickle.py`) breaks the pickle format: NumpyPickler
 * pickles a `NumpyArrayWrapper` (NEWOBJ, then BUILD with its __dict__) and writes the
 * array right after that BUILD, outside any opcode. NumpyUnpickler.load_build, when
 * the object just built is a wrapper, calls `wrapper.read()`, which consumes:
 *   - object dtypes (`dtype.hasobject`): one whole `pickle.load(file_handle)` stream;
 *   - otherwise: if the wrapper has a non-None `numpy_array_alignment_bytes`
 *     (joblib ≥ 1.2), one byte N and N padding bytes; then prod(shape) × itemsize bytes.
 * This module works out, from the emulated values, which of the two follows, and how
 * many bytes; the machine skips or scans them. Anything not known exactly is
 * `unknown`, and the scan fails closed rather than guess a length.
 * (joblib < 0.10 wrote arrays to side files: `NDArrayWrapper` reads nothing inline.)
 */
import { classifyGlobal } from './globals-policy.js'
import { ANY, OBJ, type Dtype, type Val, type Wrapper } from './values.js'

/** The wrapper class; old scikit-learn vendored joblib as `sklearn.externals.joblib`. */
export function isWrapperClass(module: string, name: string): boolean {
  return name === 'NumpyArrayWrapper' && (module === 'joblib.numpy_pickle' || module.endsWith('.joblib.numpy_pickle'))
}

/** Any import from joblib: from then on a wrapper instance may exist in the pickle. */
export function isJoblibModule(module: string): boolean {
  return /(^|\.)joblib(\.|$)/.test(module)
}

/**
 * Allowed callables that may hand back one of their arguments unchanged (so possibly a
 * wrapper built earlier): `min([w])`, TorchScript's identity `build_intlist(w)`.
 */
const MAY_RETURN_ARG = new Set([
  'builtins.min', 'builtins.max', 'builtins.sum', 'builtins.next', '__builtin__.min', '__builtin__.max', '__builtin__.sum',
  ...['build_intlist', 'build_tensorlist', 'build_doublelist', 'build_boollist', 'build_tensor_from_id', 'restore_type_tag']
    .map((n) => `torch.jit._pickle.${n}`)
])

const callCache = new Map<string, Val>()

function instanceOf(cls: Val, viaInit: boolean): Val {
  if (cls.k !== 'global') return ANY
  if (isWrapperClass(cls.module, cls.name)) return { k: 'wrapper', attrs: new Map(), opaque: viaInit }
  return OBJ
}

function items(v: Val | undefined): readonly Val[] | null {
  return v !== undefined && v.k === 'coll' && v.t === 'tuple' && v.items ? v.items : null
}

/** NEWOBJ / NEWOBJ_EX / OBJ / INST: `cls.__new__(cls)` (and `__init__(*args)` for OBJ/INST with args). */
export function newInstance(cls: Val, args: Val | undefined, viaInit: boolean): Val {
  if (cls.k === 'global' && cls.module === 'numpy' && cls.name === 'dtype') return dtypeOf(args)
  return instanceOf(cls, viaInit)
}

/** REDUCE: what `callable(*args)` returns, as far as joblib's hook cares. */
export function callResult(fn: Val, args: Val | undefined): Val {
  if (fn.k !== 'global') return ANY
  const full = `${fn.module}.${fn.name}`
  if (full === 'numpy.dtype') return dtypeOf(args)
  const a = items(args)
  if (full === 'copyreg._reconstructor' || full === 'copy_reg._reconstructor') {
    // object.__new__(cls) when base is object; any other base runs base.__init__(obj, state)
    const base = a?.[1]
    const plain = base !== undefined && base.k === 'global' && base.name === 'object' && /^(builtins|__builtin__)$/.test(base.module)
    return a && a[0] ? instanceOf(a[0], !plain) : ANY
  }
  if (full === 'copyreg.__newobj__' || full === 'copyreg.__newobj_ex__') return a && a[0] ? instanceOf(a[0], false) : ANY
  if (isWrapperClass(fn.module, fn.name)) return { k: 'wrapper', attrs: new Map(), opaque: true }
  let r = callCache.get(full)
  if (r === undefined) {
    // Vetted constructors return their own kind of object; unvetted functions (or
    // lower-case unvetted names) can return anything, including a wrapper passed in.
    const allowed = classifyGlobal(fn.module, fn.name).verdict === 'allowed'
    r = MAY_RETURN_ARG.has(full) || isJoblibModule(fn.module) || (!allowed && !/^[A-Z]/.test(fn.name)) ? ANY : OBJ
    if (callCache.size < 10_000) callCache.set(full, r)
  }
  return r
}

function dtypeOf(args: Val | undefined): Dtype {
  const first = items(args)?.[0]
  return { k: 'dtype', code: first !== undefined && first.k === 'str' ? first.text : null, state: null }
}

const num = (v: Val | undefined): bigint | null => (v !== undefined && v.k === 'int' ? v.n : null)

/** Sizes numpy gives the type codes its dtype reduce writes ("%c%d" % (kind, elsize)). */
const FIXED: Record<string, readonly number[]> = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8, 16], c: [8, 16, 32], M: [8], m: [8], O: [8] }

interface DtypeInfo {
  itemsize: number
  hasobject: boolean
}

/**
 * itemsize and hasobject as numpy computes them. The BUILD state (arraydescr_setstate)
 * overrides both: elsize (state[5]) for flexible kinds S/U/V, and flags (state[7],
 * bit NPY_ITEM_HASOBJECT) for every kind, which is what `dtype.hasobject` reads.
 */
export function dtypeInfo(d: Val | undefined): DtypeInfo | string {
  if (d === undefined || d.k !== 'dtype') return 'the dtype is not a numpy.dtype(...) call'
  const m = d.code === null ? null : /^[<>=|]?([a-zA-Z])(\d+)(\[\w+\])?$/.exec(d.code)
  if (!m) return `dtype code ${d.code === null ? '(not a plain string)' : JSON.stringify(d.code)} is not one ModelGate sizes`
  const kind = m[1]!
  const n = Number(m[2])
  const flexible = kind === 'S' || kind === 'a' || kind === 'U' || kind === 'V'
  if (m[3] !== undefined && kind !== 'M' && kind !== 'm') return `dtype code ${JSON.stringify(d.code)} has a unit but is not a datetime`
  let itemsize: number
  if (flexible) itemsize = kind === 'U' ? n * 4 : n
  else if (FIXED[kind]?.includes(n)) itemsize = n
  else return `dtype code ${JSON.stringify(d.code)} is not one ModelGate sizes`
  let hasobject = kind === 'O'
  if (d.state !== null) {
    const st = items(d.state)
    const version = num(st?.[0])
    if (!st || !((version === 3n && st.length === 8) || (version === 4n && st.length === 9))) return 'the dtype state is not numpy\'s (version 3 or 4 tuple)'
    const elsize = num(st[5])
    const flags = num(st[7])
    if (flags === null || (flexible && elsize === null)) return 'the dtype state has a non-integer elsize or flags'
    if (flexible) itemsize = Number(elsize)
    hasobject = (flags & 1n) === 1n
  }
  if (!(itemsize > 0)) return `the dtype itemsize is ${itemsize} (joblib's read loop divides by it)`
  return { itemsize, hasobject }
}

export type Layout =
  | { readonly kind: 'bytes'; readonly aligned: boolean; readonly bytes: number }
  | { readonly kind: 'pickle' }
  | { readonly kind: 'unknown'; readonly why: string }

/** What `NumpyArrayWrapper.read` consumes after the BUILD, from the wrapper's attributes. */
export function arrayLayout(w: Wrapper): Layout {
  if (w.opaque) return { kind: 'unknown', why: 'its attributes are set by __init__ arguments or state ModelGate does not follow' }
  const info = dtypeInfo(w.attrs.get('dtype'))
  if (typeof info === 'string') return { kind: 'unknown', why: info }
  if (info.hasobject) return { kind: 'pickle' }
  const shape = items(w.attrs.get('shape'))
  if (!shape) return { kind: 'unknown', why: 'its shape is not a tuple of integers' }
  let count = 1n
  for (const s of shape) {
    const n = num(s)
    if (n === null || n < 0n) return { kind: 'unknown', why: 'its shape is not a tuple of non-negative integers' }
    count *= n
  }
  const bytes = count * BigInt(info.itemsize)
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { kind: 'unknown', why: `its size (${bytes} bytes) is absurd` }
  // safe_get_numpy_array_alignment_bytes(): getattr(self, 'numpy_array_alignment_bytes', None)
  const align = w.attrs.get('numpy_array_alignment_bytes')
  return { kind: 'bytes', aligned: align !== undefined && align.k !== 'none', bytes: Number(bytes) }
}

/** BUILD on a wrapper: `inst.__dict__.update(state)`, or `(state, slotstate)` setattr pairs. */
export function buildWrapper(w: Wrapper, state: Val): void {
  const merge = (d: Val | undefined): void => {
    if (d === undefined || d.k === 'none') return
    if (d.k !== 'coll' || d.t !== 'dict' || d.opaque) w.opaque = true
    else for (const [key, v] of d.entries ?? []) w.attrs.set(key, v)
  }
  const pair = state.k === 'coll' && state.t === 'tuple' ? state.items : undefined
  if (pair && pair.length === 2) {
    merge(pair[0])
    merge(pair[1])
  } else if (state.k === 'coll' && state.t === 'tuple') w.opaque = true
  else merge(state)
}
