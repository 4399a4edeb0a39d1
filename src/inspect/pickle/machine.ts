/**
 * Forward emulation of CPython's C unpickler (Modules/_pickle.c), without executing
 * anything: a stack of value *kinds*, a memo, marks, and the imports each opcode
 * would perform. Reads mirror `_Unpickler_Read`/`_Unpickler_Readline` one for one,
 * so FRAME handling matches CPython exactly (see `straddle`).
 *
 * The emulator is a generator: it yields whenever it needs bytes that have not
 * arrived, so one stream can feed several machines (forks) without buffering.
 * Every opcode reads all its arguments before touching the stack, so a fork can
 * replay the current opcode from its first byte.
 */
import { arrayLayout, buildWrapper, callResult, isJoblibModule, newInstance } from './joblib.js'
import { OP, opName, HIGHEST_PROTOCOL } from './opcodes.js'
import { Cursor } from './reader.js'
import { checkFloatArg, decodeUtf8SurrogatePass, escapeDecode, rawUnicodeEscape, readIntArg, readLongArg, readMemoIndex } from './text-args.js'
import { ANY, int, MAX_ENTRIES, MAX_ITEMS, NONE, OBJ, V, type CollType, type Partial, type Val, type Wrapper } from './values.js'

export type { Val } from './values.js'

export interface PickleLimits {
  /** Opcodes executed per scan (all pickles, forks and embedded pickles together). */
  maxOpcodes: number
  /** Distinct memo entries in one pickle. */
  maxMemo: number
  /** Values on the stack at once. */
  maxStack: number
  /** Open MARKs at once. */
  maxMarks: number
  /** Bytes of a string/bytes argument kept for nested-pickle inspection; the rest is skipped. */
  maxKeep: number
  /** Total bytes of short strings retained (memo/stack) to resolve STACK_GLOBAL operands. */
  maxRetained: number
  /** Nested (embedded) pickle recursion depth. */
  maxNestedDepth: number
  /** Alternative parses spawned by frame-boundary straddles. */
  maxForks: number
  /** Bytes a cursor may pin inside a FRAME so a straddle fork can replay its opcode. */
  maxPinned: number
  /** Times one container may be inserted into itself before it counts as an expansion attack. */
  maxSelfRefs: number
}

export const DEFAULT_LIMITS: PickleLimits = {
  maxOpcodes: 500_000_000,
  maxMemo: 4_000_000,
  maxStack: 1_000_000,
  maxMarks: 100_000,
  maxKeep: 64 * 1024,
  maxRetained: 64 * 1024 * 1024,
  maxNestedDepth: 3,
  maxForks: 8,
  maxPinned: 16 * 1024 * 1024,
  maxSelfRefs: 16
}

/** Longest string kept as text for STACK_GLOBAL/INST resolution; no module path is longer. */
const MAX_NAME_TEXT = 4096

/** `functools.partial` (`_functools` is where CPython defines it). */
const PARTIAL = new Set(['functools.partial', '_functools.partial'])
/** copyreg helpers that are `cls.__new__(cls, *args)` (protocol < 2 reductions of NEWOBJ). */
const NEWOBJ_HELPERS = new Set(['copyreg.__newobj__', 'copyreg.__newobj_ex__', 'copy_reg.__newobj__', 'copy_reg.__newobj_ex__'])
const RECONSTRUCTORS = new Set(['copyreg._reconstructor', 'copy_reg._reconstructor'])

const UTF8 = new TextDecoder('utf-8', { fatal: true })

const STR_LONG: Val = { k: 'str', text: null }
const STR_LOST: Val = { k: 'str', text: null, lost: true }
const UNHASHABLE = new Set<CollType>(['list', 'dict', 'set', 'bytearray'])

export type GlobalOpcode = 'GLOBAL' | 'INST' | 'STACK_GLOBAL' | 'EXT'
export type AnomalyKind = 'frame-straddle' | 'frame-nested' | 'frame-past-end' | 'stack-leftover' | 'expansion' | 'array-bytes-opcodes'
/** `error`: the stream is malformed; `cap`: a limit was hit; `unsure`: what follows cannot be located exactly. */
export type StopKind = 'error' | 'cap' | 'unsure'

export interface Jump {
  /** Position of the read that straddled the frame end. */
  at: number
  /** Where a non-peekable-file C unpickler continues: the frame end. */
  to: number
  /** Frame end after the jump (-1: the read consumed the whole new buffer). */
  frameEnd: number
}

/** What a machine tells the scan it belongs to. */
export interface MachineHost {
  readonly limits: PickleLimits
  opcodes: number
  retained: number
  global(m: Machine, module: string, name: string, opcode: GlobalOpcode, offset: number): void
  anomaly(m: Machine, kind: AnomalyKind, offset: number, detail: string): void
  /** Parse error, limit hit, or a length that cannot be determined; the machine stops. */
  stop(m: Machine, kind: StopKind, offset: number, message: string): void
  blob(m: Machine, data: Buffer, truncated: boolean, offset: number): void
  fork(m: Machine, jump: Jump): void
  pickleDone(m: Machine, top: Val): void
  /** A callable is called with arguments from the stream (REDUCE; INST/OBJ with arguments, i.e. __init__). */
  invoked(m: Machine, fn: Val, offset: number): void
  /** A functools.partial is built or rebuilt around `fn` (undefined: a value the machine cannot see). */
  partial(m: Machine, fn: Val | undefined, offset: number): void
  /** A persistent id (PERSID text, or the BINPERSID value): torch storages are named this way. */
  persistent(m: Machine, pid: Val): void
}

/** The memo as the machine uses it (a Map, or a probe's overlay on its parent's). */
interface Memo extends Iterable<[number, Val]> {
  readonly size: number
  get(k: number): Val | undefined
  has(k: number): boolean
  set(k: number, v: Val): unknown
}

/** Copy-on-write view of a suspended machine's memo, so a probe costs no memo copy. */
class OverlayMemo implements Memo {
  private own = new Map<number, Val>()
  private added = 0
  constructor(private readonly base: Memo) {}
  get size(): number {
    return this.base.size + this.added
  }
  get(k: number): Val | undefined {
    return this.own.get(k) ?? this.base.get(k)
  }
  has(k: number): boolean {
    return this.own.has(k) || this.base.has(k)
  }
  set(k: number, v: Val): void {
    if (!this.has(k)) this.added++
    this.own.set(k, v)
  }
  *[Symbol.iterator](): Iterator<[number, Val]> {
    yield* this.base
    yield* this.own
  }
}

interface Line {
  text: Buffer
  truncated: boolean
}

export class Machine {
  stack: Val[] = []
  marks: number[] = []
  memo: Memo = new Map<number, Val>()
  /** Protocol of the first PROTO seen in the current pickle. */
  protocol: number | null = null
  pickles = 0
  stopAfter: number | null = null
  /** Furthest FRAME end announced; CPython fails if it lies past the end of the data. */
  maxFrameEnd = -1
  jump: Jump | null = null
  opStart = 0
  /**
   * Position in the fork tree (main: [], its second fork: [1], that fork's first: [1, 0]).
   * Each machine runs the same way however the stream is chunked, but machines
   * interleave differently, so results are ordered by this path, not by arrival.
   */
  path: readonly number[] = []
  /** Forks this machine spawned. */
  children = 0
  /** Forks this machine and its descendants may still spawn (its share of maxForks). */
  forkBudget = 0
  private opFrameEnd = -1
  private opStartFramed = -1
  private expansionReported = false
  // ---- joblib (see joblib.ts) ----
  /** Something was imported from joblib: a BUILD target of unknown class may be an array wrapper. */
  wrapperSeen = false
  /**
   * `pickle.load()` of this pickle has read exactly what `joblib.load()` read so far. It
   * parts ways at the first array data (pickle.load reads it as opcodes), where a probe
   * checks that reading; after that pickle.load has failed or returned.
   */
  loadAlive = true
  /** Inside an object array's own pickle (read by plain pickle.load: no wrapper hook). */
  private plain = 0
  private memoizeUsed = false
  /** A probe: pickle.load's reading of array bytes; never mutates shared values. */
  probe = false
  /** A probe may not read past this offset (-1: no limit); `overran` says it tried. */
  private limitEnd = -1
  overran = false

  constructor(
    readonly host: MachineHost,
    readonly cur: Cursor,
    /** True for an alternative parse spawned at a frame straddle. */
    readonly isFork: boolean,
    readonly depth: number
  ) {}

  /** A copy positioned at the current opcode's first byte, for a straddle fork. */
  cloneAtOpcode(cursor: Cursor, jump: Jump): Machine {
    const m = new Machine(this.host, cursor, true, this.depth)
    m.stack = this.stack.slice()
    m.marks = this.marks.slice()
    m.memo = new Map(this.memo)
    m.protocol = this.protocol
    m.pickles = this.pickles
    m.stopAfter = this.stopAfter
    m.maxFrameEnd = this.maxFrameEnd
    m.jump = jump
    m.wrapperSeen = this.wrapperSeen
    m.loadAlive = this.loadAlive
    m.plain = this.plain
    cursor.frameEnd = this.opFrameEnd
    return m
  }

  /** Runs pickles back to back until EOF, `stopAfter`, or an error. */
  *run(): Generator<void, void, void> {
    const c = this.cur
    for (;;) {
      // Between pickles: a clean EOF ends the scan.
      if (!c.has(1) && !(yield* this.waitData(1))) {
        if (this.pickles === 0) this.host.stop(this, 'error', c.pos, 'the file is empty')
        return
      }
      const ok = yield* this.onePickle()
      if (!ok) return
      this.pickles++
      if (this.stopAfter !== null && this.pickles >= this.stopAfter) return
      // Each pickle.load() call starts a fresh unpickler: new memo, stack, buffer.
      this.stack = []
      this.marks = []
      this.memo = new Map()
      this.loadAlive = true
      c.frameEnd = -1
    }
  }

  private *waitData(n: number): Generator<void, boolean, void> {
    while (!this.cur.has(n)) {
      if (this.cur.store.eof) return false
      yield
    }
    return true
  }

  // ---- reads (each mirrors one _Unpickler_Read / _Unpickler_Readline call) ----

  /** Synchronous fast path: frame bookkeeping, then whether `n` bytes are here. */
  private fast(n: number): boolean {
    const c = this.cur
    if (this.jump !== null && c.pos === this.jump.at) return false
    if (this.limitEnd >= 0 && c.pos + n > this.limitEnd) return false
    if (c.frameEnd >= 0) this.checkFrame(n)
    return c.has(n)
  }

  private checkFrame(n: number): void {
    const c = this.cur
    if (c.frameEnd < 0) return
    if (c.pos >= c.frameEnd) c.frameEnd = -1
    else if (c.pos + n > c.frameEnd) {
      this.straddle(c.pos, c.frameEnd, -1, `a ${n}-byte read at byte ${c.pos} runs past the frame end at byte ${c.frameEnd}`)
      c.frameEnd = -1
    }
  }

  /**
   * An argument crosses the FRAME end. CPython disagrees with itself here: reading
   * from bytes or a peekable file continues linearly (what this machine does);
   * reading from a non-peekable file discards the rest of the frame buffer and
   * continues at the frame end (what the fork does); the pure-Python unpickler
   * raises. No pickler writes this, so it is reported, and both readings are scanned.
   */
  private straddle(at: number, frameEnd: number, nextFrameEnd: number, detail: string): void {
    this.host.anomaly(this, 'frame-straddle', at, detail)
    this.host.fork(this, { at, to: frameEnd, frameEnd: nextFrameEnd })
  }

  /** Slow path: performs a pending fork jump, then waits for `n` bytes. */
  private *need(n: number): Generator<void, boolean, void> {
    const c = this.cur
    if (this.beyond(n)) return false
    const j = this.jump
    if (j !== null && c.pos === j.at) {
      this.jump = null
      while (c.pos < j.to) {
        c.skip(j.to - c.pos)
        if (c.pos < j.to) {
          if (c.store.eof) return false
          yield
        }
      }
      c.frameEnd = j.frameEnd
    }
    return yield* this.waitData(n)
  }

  /** A probe reading `n` more bytes would leave the array data it checks. */
  private beyond(n: number): boolean {
    if (this.limitEnd < 0 || this.cur.pos + n <= this.limitEnd) return false
    this.overran = true
    return true
  }

  /** A counted string/bytes argument: keeps the first `maxKeep` bytes, streams past the rest. */
  private *data(n: number): Generator<void, Line | null, void> {
    const c = this.cur
    if (!this.fast(0) && !(yield* this.need(0))) return null
    if (this.beyond(n)) return null
    if (c.frameEnd >= 0) this.checkFrame(n)
    const keep = Math.min(n, this.host.limits.maxKeep)
    if (!c.has(keep) && !(yield* this.waitData(keep))) return null
    const text = c.take(keep)
    let left = n - keep
    while (left > 0) {
      left -= c.skip(left)
      if (left > 0) {
        if (c.store.eof) return null
        yield
      }
    }
    return { text, truncated: n > keep }
  }

  /** A newline-terminated argument (without the newline); keeps at most `maxKeep` bytes. */
  private *line(): Generator<void, Line | null, void> {
    const c = this.cur
    if (!this.fast(0) && !(yield* this.need(0))) return null
    const keep = this.host.limits.maxKeep
    const start = c.pos
    const frameEnd = c.frameEnd
    let straddled = false
    const parts: Buffer[] = []
    let kept = 0
    let truncated = false
    for (;;) {
      const avail = this.limitEnd >= 0 ? Math.min(c.available, this.limitEnd - c.pos) : c.available
      const n = c.lineLength(avail)
      const len = n >= 0 ? n : avail
      if (!straddled && frameEnd > start && (n >= 0 ? c.pos + n > frameEnd : c.pos + avail >= frameEnd)) {
        straddled = true
        this.straddle(start, frameEnd, -1, `a text line starting at byte ${start} has no newline before the frame end at byte ${frameEnd}`)
        c.frameEnd = -1
      }
      const want = Math.min(len, keep - kept)
      if (want > 0) {
        parts.push(c.take(want))
        kept += want
      }
      if (len > want) {
        truncated = true
        c.skip(len - want)
      }
      if (n >= 0) break
      if (this.beyond(1) || c.store.eof) return null
      yield
    }
    let text = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
    if (!truncated) text = text.subarray(0, text.length - 1)
    return { text, truncated }
  }

  // ---- stack helpers ----

  private get fence(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0
  }

  private push(v: Val): boolean {
    this.stack.push(v)
    if (this.stack.length > this.host.limits.maxStack) {
      return this.cap(`more than ${this.host.limits.maxStack} values on the stack (limit maxStack)`)
    }
    return true
  }

  private pop(): Val | undefined {
    return this.stack.length > this.fence ? this.stack.pop() : undefined
  }

  private popMark(): Val[] | null {
    const m = this.marks.pop()
    if (m === undefined) return null
    return this.stack.splice(m)
  }

  private memoPut(key: number, v: Val): boolean {
    if (!this.memo.has(key) && this.memo.size >= this.host.limits.maxMemo) {
      return this.cap(`more than ${this.host.limits.maxMemo} memo entries (limit maxMemo)`)
    }
    this.memo.set(key, v)
    return true
  }

  private fail(message: string): false {
    this.host.stop(this, 'error', this.opStart, message)
    return false
  }

  private cap(message: string): false {
    this.host.stop(this, 'cap', this.opStart, message)
    return false
  }

  private unsure(message: string): false {
    this.host.stop(this, 'unsure', this.opStart, message)
    return false
  }

  private truncated(): false {
    return this.fail(`the stream ends inside ${opName(this.currentOp)} (truncated pickle)`)
  }

  private underflow(): false {
    return this.fail(`${opName(this.currentOp)} pops from an empty stack (CPython: unpickling stack underflow)`)
  }

  private noMark(): false {
    return this.fail(`${opName(this.currentOp)} needs a MARK but none is open (CPython: could not find MARK)`)
  }

  private currentOp = 0

  private str(buf: Buffer, decoded: string | null): Val {
    if (buf.length > MAX_NAME_TEXT) return STR_LONG
    const h = this.host
    if (h.retained + buf.length > h.limits.maxRetained) return STR_LOST
    h.retained += buf.length
    return { k: 'str', text: decoded ?? buf.toString('utf8') }
  }

  /** Inspects a kept string/bytes argument (nested pickles) and makes its stack value. */
  private strArg(d: Line, offset: number, isText: boolean, decoded: string | null = null): Val {
    if (d.text.length >= 8) this.host.blob(this, d.text, d.truncated, offset)
    if (!isText) return V
    return d.truncated ? STR_LONG : this.str(d.text, decoded)
  }

  /**
   * What `fn(*args)` (`call`: REDUCE), `fn.__new__(fn, *args)` (`new`: NEWOBJ and
   * copyreg.__newobj__) or `fn(*args)` as an instance (`init`: INST/OBJ, which skip
   * __init__ without args) tells the scan: user code from `__main__` called with
   * arguments from the stream, and functools.partial objects (whose callable is what a
   * later call really calls). Returns the partial object when `fn` builds one.
   */
  private invoke(fn: Val, args: Val | undefined, how: 'call' | 'new' | 'init'): Partial | null {
    const items = args !== undefined && args.k === 'coll' && args.t === 'tuple' ? args.items : undefined
    if (fn.k === 'global') {
      const full = `${fn.module}.${fn.name}`
      // copyreg.__newobj__(cls, *args) and __newobj_ex__(cls, args, kwargs) are cls.__new__(cls, ...)
      if (NEWOBJ_HELPERS.has(full)) {
        if (!items || items.length === 0) return null
        const rest: Val = full.endsWith('_ex__') ? (items[1] ?? V) : { k: 'coll', t: 'tuple', selfRefs: 0, items: items.slice(1) }
        return this.invoke(items[0]!, rest, 'new')
      }
      // copyreg._reconstructor(cls, base, state): base.__new__(cls, state), then base.__init__(obj, state) unless base is object
      if (RECONSTRUCTORS.has(full)) {
        const base = items?.[1]
        if (!items || base === undefined || !(base.k === 'global' && base.name === 'object' && /^(builtins|__builtin__)$/.test(base.module))) {
          this.host.invoked(this, base ?? V, this.opStart)
        }
        return null
      }
      if (PARTIAL.has(full)) {
        const p: Partial = { k: 'partial', fn: items?.[0] }
        this.host.partial(this, p.fn, this.opStart)
        return p
      }
    }
    if (how === 'call' || (how === 'init' && (!items || items.length > 0))) this.host.invoked(this, fn, this.opStart)
    return null
  }

  /** BUILD on a partial object: partial.__setstate__((func, args, kwds, dict)) replaces its callable. */
  private rebuildPartial(p: Partial, state: Val): void {
    const fn = state.k === 'coll' && state.t === 'tuple' ? state.items?.[0] : undefined
    this.host.partial(this, fn, this.opStart)
    if (!this.probe) p.fn = fn
  }

  private insert(target: Val | undefined, values: Val[], keys: boolean): boolean {
    if (target === undefined) return this.underflow()
    if (target.k !== 'coll') return true
    // Probes share values with the machine they probe for, and must not change them.
    if (target.t === 'dict' && keys && !this.probe && !target.opaque) {
      for (let i = 0; i + 1 < values.length; i += 2) {
        const key = values[i]!
        if (key.k === 'str' && key.text !== null) (target.entries ??= new Map()).set(key.text, values[i + 1]!)
        // ints, None, floats, bytes never equal an attribute name; anything else might
        else if (key.k !== 'int' && key.k !== 'none' && key.k !== 'v') target.opaque = true
      }
      if (target.opaque || (target.entries?.size ?? 0) > MAX_ENTRIES) {
        target.opaque = true
        target.entries = undefined
      }
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!
      if (v === target && !this.probe) {
        target.selfRefs++
        if (target.selfRefs > this.host.limits.maxSelfRefs && !this.expansionReported) {
          this.expansionReported = true
          this.host.anomaly(this, 'expansion', this.opStart, `a ${target.t} is inserted into itself more than ${this.host.limits.maxSelfRefs} times`)
        }
      }
      const isKey = target.t === 'dict' ? keys && i % 2 === 0 : target.t === 'set' || target.t === 'frozenset'
      if (isKey && v.k === 'coll' && UNHASHABLE.has(v.t)) {
        return this.fail(`${opName(this.currentOp)} uses an unhashable ${v.t} as a ${target.t} key (CPython raises TypeError)`)
      }
    }
    return true
  }

  private *names(opcode: 'GLOBAL' | 'INST'): Generator<void, [string, string] | null, void> {
    const a = yield* this.line()
    const b = a && (yield* this.line())
    if (!a || !b) {
      this.truncated()
      return null
    }
    // load_global/load_inst: an empty line is "pickle data was truncated"; GLOBAL decodes
    // strict UTF-8, INST strict ASCII, both before importing anything
    if ((!a.truncated && a.text.length === 0) || (!b.truncated && b.text.length === 0)) {
      this.fail(`${opcode} has an empty module or name line (CPython: pickle data was truncated)`)
      return null
    }
    if (opcode === 'INST' && (a.text.some((c) => c > 0x7f) || b.text.some((c) => c > 0x7f))) {
      this.fail('INST module/name is not ASCII (CPython raises UnicodeDecodeError before importing)')
      return null
    }
    try {
      return [UTF8.decode(a.text) + (a.truncated ? '…' : ''), UTF8.decode(b.text) + (b.truncated ? '…' : '')]
    } catch {
      this.fail(`${opcode} module/name is not valid UTF-8 (CPython raises UnicodeDecodeError before importing)`)
      return null
    }
  }

  // ---- joblib array data (see joblib.ts) ----

  /** What joblib's NumpyUnpickler.load_build reads after BUILD made `w` a wrapper. */
  private *arrayData(w: Wrapper): Generator<void, boolean, void> {
    const c = this.cur
    const at = this.opStart
    const layout = arrayLayout(w)
    if (layout.kind === 'unknown') {
      return this.unsure(`joblib's NumpyArrayWrapper built at byte ${at} is followed by array data whose length cannot be determined exactly (${layout.why}); joblib.load reads those bytes raw, so where the pickle continues is unknown`)
    }
    // NumpyPickler ends the frame before writing the array; the pure-Python unpickler
    // joblib uses would read the array from the frame end, the C one from here.
    if (c.frameEnd > c.pos) {
      return this.fail(`joblib's NumpyArrayWrapper BUILD at byte ${at} is inside a FRAME ending at byte ${c.frameEnd}, which joblib never writes (pickle.load and joblib.load would read different bytes as the array)`)
    }
    // The array is not part of the opcode: no straddle check or replay pin spans it.
    c.frameEnd = -1
    c.pin = -1
    this.opFrameEnd = -1
    const alive = this.loadAlive
    // an empty unaligned array reads nothing: pickle.load goes on exactly like joblib.load
    if (layout.kind === 'pickle' || layout.aligned || layout.bytes > 0) this.loadAlive = false
    if (layout.kind === 'pickle') return yield* this.arrayPickle(alive, at)
    const start = c.pos
    // pickle.load (not joblib.load) reads these bytes as opcodes: probe that reading too.
    const probe = alive && (layout.aligned || layout.bytes > 0) ? new Cursor(c.store, start) : null
    let end = start + layout.bytes
    if (layout.aligned) {
      // write_array: one byte N = padding length, then N padding bytes, then the data
      if (!c.has(1) && !(yield* this.waitData(1))) return this.pastEnd(at, start, end + 1, probe)
      end += 1 + c.u8()
    }
    if (probe) yield* this.probeArrayBytes(probe, start, end)
    while (c.pos < end) {
      c.skip(end - c.pos)
      if (c.pos < end) {
        if (c.store.eof) return this.pastEnd(at, start, end, null)
        yield
      }
    }
    return true
  }

  private pastEnd(at: number, start: number, end: number, probe: Cursor | null): false {
    probe?.release()
    return this.unsure(`joblib's NumpyArrayWrapper built at byte ${at} announces ${end - start} bytes of array data from byte ${start}, past the end of the stream at byte ${this.cur.store.end} (a lying shape or a truncated file)`)
  }

  /**
   * pickle.load's reading of array bytes: the C unpickler goes on with the same stack
   * and memo, reading them as opcodes. Harmless when it fails or stops inside them
   * (its imports are reported); if it reads to their end it continues out of step with
   * joblib.load, which is reported. Runs while this machine waits, on its own cursor.
   */
  private *probeArrayBytes(cur: Cursor, start: number, end: number): Generator<void, void, void> {
    const p = new Machine(this.host, cur, true, this.depth)
    p.stack = this.stack.slice()
    p.marks = this.marks.slice()
    p.memo = new OverlayMemo(this.memo)
    p.protocol = this.protocol
    p.probe = true
    p.path = this.path
    // the bytes a probe reads stay buffered until it ends: bounded like a fork's pin
    p.limitEnd = Math.min(end, start + this.host.limits.maxPinned)
    this.host.opcodes += p.stack.length + p.marks.length
    yield* p.onePickle()
    cur.release()
    if (!p.overran) return
    if (p.limitEnd === end) {
      this.host.anomaly(this, 'array-bytes-opcodes', start, `the ${end - start} bytes from byte ${start} parse as pickle opcodes to their end`)
    } else {
      this.host.stop(this, 'unsure', start, `the array bytes from byte ${start} parse as pickle opcodes for more than ${this.host.limits.maxPinned} bytes (limit maxPinned); how pickle.load would go on was not checked`)
    }
  }

  /**
   * Object arrays: write_array pickles the array with pickle.dump(protocol=2), and
   * read_array reads it back with a plain pickle.load: a whole pickle with its own
   * memo and stack, scanned here in place before the outer pickle goes on.
   */
  private *arrayPickle(alive: boolean, at: number): Generator<void, boolean, void> {
    const c = this.cur
    const outer = { stack: this.stack, marks: this.marks, memo: this.memo }
    this.stack = []
    this.marks = []
    this.memo = new Map()
    this.memoizeUsed = false
    this.plain++
    const ok = yield* this.onePickle()
    this.plain--
    Object.assign(this, outer)
    if (!ok) return false
    if (c.frameEnd > c.pos) {
      return this.fail(`the object array pickle after the NumpyArrayWrapper at byte ${at} ends inside a FRAME (ending at byte ${c.frameEnd})`)
    }
    c.frameEnd = -1
    // pickle.load of the whole file reads this pickle's opcodes with the outer memo:
    // the same imports unless MEMOIZE numbers entries differently (joblib writes protocol 2).
    if (alive && this.memoizeUsed) {
      this.host.anomaly(this, 'array-bytes-opcodes', at, 'the object array pickle after it uses MEMOIZE, whose memo keys differ when pickle.load reads it as part of the outer pickle')
    }
    return true
  }

  /** One pickle, PROTO to STOP. Returns false after reporting an error or cap. */
  private *onePickle(): Generator<void, boolean, void> {
    const c = this.cur
    const h = this.host
    const lim = h.limits
    for (;;) {
      if (!this.fast(1) && !(yield* this.need(1))) {
        this.currentOp = OP.STOP
        return this.fail('the stream ends before STOP (truncated pickle)')
      }
      // CPython's framer never splits an opcode across frames; even where every
      // reader agrees (payload starting exactly at the frame end) it is hand-built.
      if (this.opFrameEnd > this.opStart && c.pos > this.opFrameEnd && this.opStartFramed !== this.opStart) {
        this.opStartFramed = this.opStart
        this.host.anomaly(this, 'frame-straddle', this.opStart, `${opName(this.currentOp)} at byte ${this.opStart} starts inside a frame ending at byte ${this.opFrameEnd} and ends at byte ${c.pos}`)
      }
      this.opStart = c.pos
      this.opFrameEnd = c.frameEnd
      c.pin = c.frameEnd >= 0 ? c.pos : -1
      if (++h.opcodes > lim.maxOpcodes) return this.cap(`more than ${lim.maxOpcodes} opcodes (limit maxOpcodes)`)
      const op = c.u8()
      this.currentOp = op
      switch (op) {
        case OP.PROTO: {
          if (!this.fast(1) && !(yield* this.need(1))) return this.truncated()
          const p = c.u8()
          if (p > HIGHEST_PROTOCOL) return this.fail(`unsupported pickle protocol ${p}`)
          if (this.protocol === null) this.protocol = p
          break
        }
        case OP.FRAME: {
          if (!this.fast(8) && !(yield* this.need(8))) return this.truncated()
          const len = c.uint(8)
          // load_frame then reads `len` bytes: a straddle here re-buffers at the old frame end.
          const j = this.jump
          if (j !== null && c.pos === j.at) {
            if (!(yield* this.need(0))) return this.truncated()
          } else if (c.frameEnd >= 0 && c.pos < c.frameEnd) {
            if (c.pos + len <= c.frameEnd) {
              h.anomaly(this, 'frame-nested', this.opStart, `a FRAME at byte ${this.opStart} starts inside the previous frame (ending at byte ${c.frameEnd})`)
            } else {
              this.straddle(c.pos, c.frameEnd, c.frameEnd + len, `a FRAME at byte ${this.opStart} announces ${len} bytes that run past the previous frame end at byte ${c.frameEnd}`)
              c.frameEnd = c.pos + len
            }
          } else c.frameEnd = c.pos + len
          if (c.frameEnd > this.maxFrameEnd) this.maxFrameEnd = c.frameEnd
          break
        }
        case OP.STOP: {
          const top = this.pop()
          if (!top) return this.underflow()
          const left = this.stack.length + this.marks.length
          if (left > 0) {
            h.anomaly(this, 'stack-leftover', this.opStart, `${this.stack.length} value(s) and ${this.marks.length} MARK(s) are left on the stack at STOP`)
          }
          if (this.plain === 0) h.pickleDone(this, top)
          return true
        }
        case OP.MARK:
          this.marks.push(this.stack.length)
          if (this.marks.length > lim.maxMarks) return this.cap(`more than ${lim.maxMarks} open MARKs (limit maxMarks)`)
          break
        case OP.POP: {
          const n = this.stack.length
          if (this.marks.length > 0 && this.marks[this.marks.length - 1] === n) this.marks.pop()
          else if (!this.pop()) return this.underflow()
          break
        }
        case OP.POP_MARK:
          if (!this.popMark()) return this.noMark()
          break
        case OP.DUP: {
          const top = this.stack.length > this.fence ? this.stack[this.stack.length - 1] : undefined
          if (!top) return this.underflow()
          if (!this.push(top)) return false
          break
        }
        // ---- scalars ----
        case OP.NONE:
          if (!this.push(NONE)) return false
          break
        case OP.NEWTRUE:
        case OP.NEWFALSE:
          if (!this.push(V)) return false
          break
        case OP.BININT1:
        case OP.BININT2:
        case OP.BININT: {
          const n = op === OP.BININT1 ? 1 : op === OP.BININT2 ? 2 : 4
          if (!this.fast(n) && !(yield* this.need(n))) return this.truncated()
          const u = c.uint(n)
          if (!this.push(int(BigInt(n === 4 && u >= 0x80000000 ? u - 0x100000000 : u)))) return false
          break
        }
        case OP.BINFLOAT: {
          if (!this.fast(8) && !(yield* this.need(8))) return this.truncated()
          c.skip(8)
          if (!this.push(V)) return false
          break
        }
        case OP.LONG1:
        case OP.LONG4: {
          const w = op === OP.LONG1 ? 1 : 4
          if (!this.fast(w) && !(yield* this.need(w))) return this.truncated()
          const n = c.uint(w)
          if (op === OP.LONG4 && n >= 0x80000000) return this.fail('LONG4 byte count is negative')
          const d = yield* this.data(n)
          if (!d) return this.truncated()
          if (!this.push(n <= 16 ? { k: 'int', hex: d.text.toString('hex'), n: signedLE(d.text) } : V)) return false
          break
        }
        case OP.INT:
        case OP.LONG:
        case OP.FLOAT: {
          const l = yield* this.line()
          if (!l) return this.truncated()
          // Read as CPython does (text-args.ts); a line longer than maxKeep is an int or float we do not know.
          let v: Val = V
          if (!l.truncated) {
            if (op === OP.FLOAT) {
              const r = checkFloatArg(l.text)
              if (!r.ok) return this.fail(r.why)
            } else if (op === OP.INT) {
              const r = readIntArg(l.text)
              if (!r.ok) return this.fail(r.why)
              if (!r.value.bool && r.value.n !== null) v = int(r.value.n)
            } else {
              const r = readLongArg(l.text)
              if (!r.ok) return this.fail(r.why)
              if (r.value !== null) v = int(r.value)
            }
          }
          if (!this.push(v)) return false
          break
        }
        // ---- strings and bytes ----
        case OP.STRING: {
          const at = c.pos
          const l = yield* this.line()
          if (!l) return this.truncated()
          const q = l.text[0]
          if (!l.truncated && (l.text.length < 2 || q !== l.text[l.text.length - 1] || (q !== 0x27 && q !== 0x22))) {
            return this.fail('the STRING opcode argument must be quoted')
          }
          let raw = l.text
          if (!l.truncated) {
            const r = escapeDecode(l.text.subarray(1, l.text.length - 1))
            if (!r.ok) return this.fail(r.why)
            raw = r.value
          }
          if (!this.push(this.strArg({ text: raw, truncated: l.truncated }, at, true, raw.toString('latin1')))) return false
          break
        }
        case OP.UNICODE: {
          const at = c.pos
          const l = yield* this.line()
          if (!l) return this.truncated()
          // a truncated line may end inside an escape: only what was kept is decoded, leniently
          const r = rawUnicodeEscape(l.text)
          if (!r.ok && !l.truncated) return this.fail(r.why)
          const s = r.ok ? r.value : l.text.toString('latin1')
          if (!this.push(this.strArg({ text: Buffer.from(s, 'utf8'), truncated: l.truncated }, at, true, s))) return false
          break
        }
        case OP.SHORT_BINSTRING:
        case OP.BINSTRING:
        case OP.SHORT_BINUNICODE:
        case OP.BINUNICODE:
        case OP.BINUNICODE8:
        case OP.SHORT_BINBYTES:
        case OP.BINBYTES:
        case OP.BINBYTES8:
        case OP.BYTEARRAY8: {
          const w = op === OP.SHORT_BINSTRING || op === OP.SHORT_BINUNICODE || op === OP.SHORT_BINBYTES ? 1
            : op === OP.BINUNICODE8 || op === OP.BINBYTES8 || op === OP.BYTEARRAY8 ? 8 : 4
          if (!this.fast(w) && !(yield* this.need(w))) return this.truncated()
          const n = c.uint(w)
          if (op === OP.BINSTRING && n >= 0x80000000) return this.fail('BINSTRING length is negative')
          const at = c.pos
          const d = yield* this.data(n)
          if (!d) return this.truncated()
          const text = op === OP.SHORT_BINSTRING || op === OP.BINSTRING
          const uni = op === OP.SHORT_BINUNICODE || op === OP.BINUNICODE || op === OP.BINUNICODE8
          let decoded: string | null = text ? d.text.toString('latin1') : null
          // names are matched on text: decode as CPython does (UTF-8, surrogatepass) or stop where it raises
          if (uni && !d.truncated && d.text.length <= MAX_NAME_TEXT) {
            decoded = decodeUtf8SurrogatePass(d.text)
            if (decoded === null) return this.fail(`the ${opName(op)} argument is not valid UTF-8 (CPython raises UnicodeDecodeError)`)
          }
          let v = this.strArg(d, at, text || uni, decoded)
          if (op === OP.BYTEARRAY8) v = { k: 'coll', t: 'bytearray', selfRefs: 0 }
          if (!this.push(v)) return false
          break
        }
        case OP.NEXT_BUFFER:
        case OP.READONLY_BUFFER:
          // Out-of-band buffers: pickle.load() without `buffers=` raises; keep scanning (superset).
          if (op === OP.NEXT_BUFFER && !this.push(V)) return false
          if (op === OP.READONLY_BUFFER && this.stack.length <= this.fence) return this.underflow()
          break
        // ---- containers ----
        case OP.EMPTY_LIST:
        case OP.EMPTY_DICT:
        case OP.EMPTY_SET:
        case OP.EMPTY_TUPLE: {
          const t: CollType = op === OP.EMPTY_LIST ? 'list' : op === OP.EMPTY_DICT ? 'dict' : op === OP.EMPTY_SET ? 'set' : 'tuple'
          if (!this.push(t === 'tuple' ? { k: 'coll', t, selfRefs: 0, items: [] } : { k: 'coll', t, selfRefs: 0 })) return false
          break
        }
        case OP.LIST:
        case OP.TUPLE:
        case OP.DICT:
        case OP.FROZENSET: {
          const items = this.popMark()
          if (!items) return this.noMark()
          const t: CollType = op === OP.LIST ? 'list' : op === OP.TUPLE ? 'tuple' : op === OP.DICT ? 'dict' : 'frozenset'
          if (op === OP.DICT && items.length % 2 !== 0) return this.fail('odd number of items for DICT')
          const v: Val = t === 'tuple' && items.length <= MAX_ITEMS ? { k: 'coll', t, selfRefs: 0, items } : { k: 'coll', t, selfRefs: 0 }
          if ((t === 'dict' || t === 'frozenset') && !this.insert(v, items, true)) return false
          if (!this.push(v)) return false
          break
        }
        case OP.TUPLE1:
        case OP.TUPLE2:
        case OP.TUPLE3: {
          const n = op - OP.TUPLE1 + 1
          if (this.stack.length - this.fence < n) return this.underflow()
          const items = this.stack.splice(this.stack.length - n)
          if (!this.push({ k: 'coll', t: 'tuple', selfRefs: 0, items })) return false
          break
        }
        case OP.APPEND:
        case OP.SETITEM: {
          const n = op === OP.APPEND ? 1 : 2
          if (this.stack.length - this.fence < n + 1) return this.underflow()
          const vals = this.stack.splice(this.stack.length - n)
          if (!this.insert(this.stack[this.stack.length - 1], vals, true)) return false
          break
        }
        case OP.APPENDS:
        case OP.SETITEMS:
        case OP.ADDITEMS: {
          const items = this.popMark()
          if (!items) return this.noMark()
          if (op === OP.SETITEMS && items.length % 2 !== 0) return this.fail('odd number of items for SETITEMS')
          if (this.stack.length <= this.fence) return this.underflow()
          if (!this.insert(this.stack[this.stack.length - 1], items, true)) return false
          break
        }
        // ---- memo ----
        case OP.PUT:
        case OP.BINPUT:
        case OP.LONG_BINPUT:
        case OP.MEMOIZE: {
          let key: number
          if (op === OP.PUT) {
            const l = yield* this.line()
            if (!l) return this.truncated()
            if (l.truncated) return this.fail(`the ${opName(op)} memo index is longer than ${lim.maxKeep} bytes (limit maxKeep), so ModelGate cannot read it`)
            const r = readMemoIndex(l.text, 'PUT')
            if (!r.ok) return this.fail(r.why)
            key = r.value
          } else if (op === OP.MEMOIZE) {
            key = this.memo.size
            this.memoizeUsed = true
          }
          else {
            const w = op === OP.BINPUT ? 1 : 4
            if (!this.fast(w) && !(yield* this.need(w))) return this.truncated()
            key = c.uint(w)
          }
          const top = this.stack.length > this.fence ? this.stack[this.stack.length - 1] : undefined
          if (!top) return this.underflow()
          if (!this.memoPut(key, top)) return false
          break
        }
        case OP.GET:
        case OP.BINGET:
        case OP.LONG_BINGET: {
          let key: number
          if (op === OP.GET) {
            const l = yield* this.line()
            if (!l) return this.truncated()
            if (l.truncated) return this.fail(`the ${opName(op)} memo index is longer than ${lim.maxKeep} bytes (limit maxKeep), so ModelGate cannot read it`)
            const r = readMemoIndex(l.text, 'GET')
            if (!r.ok) return this.fail(r.why)
            key = r.value
          } else {
            const w = op === OP.BINGET ? 1 : 4
            if (!this.fast(w) && !(yield* this.need(w))) return this.truncated()
            key = c.uint(w)
          }
          const v = this.memo.get(key)
          if (!v) return this.fail(`memo key ${key} is not defined (CPython raises KeyError)`)
          if (!this.push(v)) return false
          break
        }
        // ---- imports and calls ----
        case OP.GLOBAL: {
          const nm = yield* this.names('GLOBAL')
          if (!nm) return false
          h.global(this, nm[0], nm[1], 'GLOBAL', this.opStart)
          if (isJoblibModule(nm[0])) this.wrapperSeen = true
          if (!this.push({ k: 'global', module: nm[0], name: nm[1] })) return false
          break
        }
        case OP.INST: {
          // load_inst finds the MARK before reading its two lines.
          if (this.marks.length === 0) return this.noMark()
          const nm = yield* this.names('INST')
          if (!nm) return false
          h.global(this, nm[0], nm[1], 'INST', this.opStart)
          if (isJoblibModule(nm[0])) this.wrapperSeen = true
          const args = this.popMark()!
          const cls: Val = { k: 'global', module: nm[0], name: nm[1] }
          const p = this.invoke(cls, { k: 'coll', t: 'tuple', selfRefs: 0, items: args }, 'init')
          if (!this.push(p ?? newInstance(cls, undefined, args.length > 0))) return false
          break
        }
        case OP.STACK_GLOBAL: {
          if (this.stack.length - this.fence < 2) return this.underflow()
          const name = this.stack.pop()!
          const mod = this.stack.pop()!
          if (mod.k === 'str' && name.k === 'str' && mod.text !== null && name.text !== null) {
            h.global(this, mod.text, name.text, 'STACK_GLOBAL', this.opStart)
            if (isJoblibModule(mod.text)) this.wrapperSeen = true
            if (!this.push({ k: 'global', module: mod.text, name: name.text })) return false
          } else if ((mod.k === 'str' && mod.lost) || (name.k === 'str' && name.lost)) {
            return this.cap(`STACK_GLOBAL operands were not retained (limit maxRetained of ${lim.maxRetained} bytes)`)
          } else {
            // Operands computed at load time (call results, long strings): we cannot know the import.
            h.global(this, `<${describe(mod)}>`, `<${describe(name)}>`, 'STACK_GLOBAL', this.opStart)
            this.wrapperSeen = true
            if (!this.push(ANY)) return false
          }
          break
        }
        case OP.EXT1:
        case OP.EXT2:
        case OP.EXT4: {
          const w = op === OP.EXT1 ? 1 : op === OP.EXT2 ? 2 : 4
          if (!this.fast(w) && !(yield* this.need(w))) return this.truncated()
          const code = c.uint(w)
          h.global(this, '<copyreg extension>', String(code), 'EXT', this.opStart)
          this.wrapperSeen = true
          if (!this.push(ANY)) return false
          break
        }
        case OP.REDUCE:
        case OP.NEWOBJ: {
          if (this.stack.length - this.fence < 2) return this.underflow()
          const [fn, args] = this.stack.splice(this.stack.length - 2) as [Val, Val]
          const p = this.invoke(fn, args, op === OP.REDUCE ? 'call' : 'new')
          if (!this.push(p ?? (op === OP.REDUCE ? callResult(fn, args) : newInstance(fn, args, false)))) return false
          break
        }
        case OP.NEWOBJ_EX: {
          if (this.stack.length - this.fence < 3) return this.underflow()
          const [cls, args] = this.stack.splice(this.stack.length - 3) as [Val, Val]
          const p = this.invoke(cls, args, 'new')
          if (!this.push(p ?? newInstance(cls, args, false))) return false
          break
        }
        case OP.OBJ: {
          const items = this.popMark()
          if (!items) return this.noMark()
          if (items.length === 0) return this.underflow()
          const p = this.invoke(items[0]!, { k: 'coll', t: 'tuple', selfRefs: 0, items: items.slice(1) }, 'init')
          if (!this.push(p ?? newInstance(items[0]!, undefined, items.length > 1))) return false
          break
        }
        case OP.BUILD: {
          if (this.stack.length - this.fence < 2) return this.underflow()
          const state = this.stack.pop()!
          const target = this.stack[this.stack.length - 1]!
          if (target.k === 'partial') this.rebuildPartial(target, state)
          if (this.probe || this.plain > 0) break // plain pickle.load: no joblib hook, and probes change nothing
          if (target.k === 'dtype') target.state = state
          else if (target.k === 'wrapper') {
            buildWrapper(target, state)
            if (!(yield* this.arrayData(target))) return false
            this.stack[this.stack.length - 1] = OBJ // load_build replaces the wrapper by the array
          } else if (target.k === 'obj' && target.any && this.wrapperSeen) {
            return this.unsure(`BUILD at byte ${this.opStart} applies to an object whose class ModelGate cannot tell, in a pickle that imports from joblib: if it is a NumpyArrayWrapper, joblib.load reads array bytes after it, and where the pickle continues cannot be known`)
          }
          break
        }
        case OP.PERSID: {
          const l = yield* this.line()
          if (!l) return this.truncated()
          // load_persid decodes the id as strict ASCII
          if (l.text.some((b) => b > 0x7f)) return this.fail('the PERSID argument is not ASCII (CPython: persistent IDs in protocol 0 must be ASCII strings)')
          h.persistent(this, l.truncated ? STR_LONG : { k: 'str', text: l.text.toString('latin1') })
          if (!this.push(ANY)) return false
          break
        }
        case OP.BINPERSID: {
          const pid = this.pop()
          if (!pid) return this.underflow()
          h.persistent(this, pid)
          if (!this.push(ANY)) return false
          break
        }
        default:
          return this.fail(`unknown opcode ${opName(op)} at byte ${this.opStart} (CPython: invalid load key)`)
      }
    }
  }
}

/** Two's-complement little-endian integer (LONG1/LONG4 payload). */
function signedLE(b: Buffer): bigint {
  if (b.length === 0) return 0n
  let v = 0n
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!)
  return b[b.length - 1]! & 0x80 ? v - (1n << BigInt(8 * b.length)) : v
}

function describe(v: Val): string {
  if (v.k === 'str') return 'long string'
  if (v.k === 'coll') return v.t
  if (v.k === 'global') return `${v.module}.${v.name}`
  if (v.k === 'partial') return 'functools.partial object'
  return v.k === 'obj' ? 'call result' : 'non-string'
}
