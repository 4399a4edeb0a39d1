import type { ByteSource } from '../util/byte-source.js'
import { checkFloatArg, readIntArg, readLongArg, readMemoIndex } from '../inspect/pickle/text-args.js'

/**
 * Is this file a pickle, whatever it is called? A bounded trial parse of the opcode
 * structure, as CPython's C unpickler would walk it: every opcode known, every argument
 * well formed, stack, marks and memo consistent (the checks `_pickle.c` makes before it
 * imports or calls anything). Length-prefixed arguments are skipped, not read, so a
 * large first string (`BINUNICODE` of 5 KB, `BINBYTES8` of 1 GB) costs nothing and
 * does not hide what follows. Nothing is executed and no value is built.
 *
 * Text, CSV, JSON, source code and random bytes fail within a few opcodes; a file is
 * called a pickle only on evidence:
 * - it starts with PROTO and stays valid to a STOP, to the end of what can be read, or
 *   to the budget; or, if it is cut short, for two opcodes after PROTO at least; a
 *   PROTO 4/5 followed by a FRAME the file can hold (what every protocol 4+ pickler
 *   writes) is enough;
 * - without PROTO: a pickle as picklers write it (one value left at STOP, no mark open,
 *   at least 3 opcodes) that ends the file or is followed by another;
 * - an import (GLOBAL, STACK_GLOBAL with well-formed names) followed by a call of what
 *   it imported (REDUCE with a tuple, BUILD, NEWOBJ, NEWOBJ_EX, OBJ), or an INST (import
 *   and call in one) followed by one more valid opcode: loading it runs code;
 * - it stays valid for the whole opcode budget with at least 3 different opcodes;
 * - its first pickle is the legacy `torch.save` magic number.
 * An import followed by a parse error (a word list starting `cat\ndog\n`) is no pickle:
 * CPython stops there before calling anything. Measured: no random buffer in two million
 * is taken for a pickle, and about one random printable text in a million (an import
 * and a call spelled by chance, e.g. `ct\na3\n}b`).
 */

/**
 * What the trial parse concluded: a pickle, no pickle (CPython would reject the bytes, or they
 * show no evidence), or `undecided`: every opcode so far is one CPython accepts, but the budget
 * (line length, reads, opcodes, a member's head) ran out before the walk found evidence either
 * way. Callers decide by name what an undecided file is, failing closed where a loader would
 * read it as a pickle.
 */
export type PickleJudgement = PickleSniff | 'undecided' | null

export interface PickleSniff {
  /** PROTO of the first opcode, or null for a stream without one (protocol 0/1). */
  protocol: number | null
  /** Legacy (non-zip) torch.save stream: its first pickle is the magic number. */
  legacyTorch: boolean
}

export const PICKLE_SNIFF_LIMITS = {
  /** Opcodes walked at most (all pickles together). */
  maxOpcodes: 4096,
  /** Longest protocol-0 line argument (GLOBAL, STRING, INT...) read. */
  maxLine: 64 * 1024,
  /** Extra reads beyond the head a file may cost (one window each). */
  maxFetches: 16,
  window: 64 * 1024,
  /** Bytes of an archive member read at most to judge it (members stream, so no random reads). */
  memberBytes: 17 * 64 * 1024
}

/** Strings kept to check STACK_GLOBAL operands (no module path is longer). */
const MAX_TEXT = 512
const DOTTED = /^[\p{L}_][\p{L}\p{N}_]*(\.[\p{L}_][\p{L}\p{N}_]*)*$/u
const TORCH_MAGIC = Buffer.from('6cfc9c46f9206aa85019', 'hex')

/** What the walk saw of a value: a str (maybe with its text), a tuple, anything a call returned, or something else. */
const OTHER = 0
const STR = 1
const ANY = 2
const TUPLE = 3
interface Val {
  k: typeof OTHER | typeof STR | typeof ANY | typeof TUPLE
  /** A str's text when short and free of escapes; null when unknown. */
  text?: string | null
}
const OTHER_VAL: Val = { k: OTHER }
const ANY_VAL: Val = { k: ANY }
const TUPLE_VAL: Val = { k: TUPLE }

/** The bytes loaded so far. `size` is null when only a head of unknown length is at hand. */
interface View {
  size: number | null
  /** Contiguous loaded bytes from `at` (empty when none are loaded there). */
  bytesAt(at: number): Buffer
}

/** `open`: the walk stopped on its budget, not on a rejection. */
type Result = { pickle: PickleSniff | null; open?: boolean } | { need: number; length: number; fallback: PickleSniff | null }

class End {
  constructor(readonly result: Result) {}
}

/** One walk from offset 0 over what `view` holds; restarted from scratch when more is loaded. */
class Walk {
  private pos = 0
  private ops = 0
  private stack: Val[] = []
  private marks: number[] = []
  private memo = new Map<number, Val>()
  private protocol: number | null = null
  private imported = false
  private pickleOps = 0
  private legacy = false
  private pickles = 0
  /** Opcode count at an INST (import and call in one), judged once the next opcode parses too. */
  private instAt = 0
  private readonly kinds = new Set<number>()

  constructor(private readonly view: View) {}

  run(): Result {
    try {
      for (;;) {
        if (this.ops >= PICKLE_SNIFF_LIMITS.maxOpcodes) return { ...this.verdict(this.kinds.size >= 3), open: true }
        this.step()
        if (this.instAt > 0 && this.ops > this.instAt) this.pickle()
      }
    } catch (e) {
      if (e instanceof End) return e.result
      throw e
    }
  }

  private get evidence(): boolean {
    return this.protocol !== null || this.instAt > 0
  }

  private verdict(yes: boolean): { pickle: PickleSniff | null } {
    return { pickle: yes || this.evidence ? { protocol: this.protocol, legacyTorch: this.legacy } : null }
  }

  private pickle(): never {
    throw new End({ pickle: { protocol: this.protocol, legacyTorch: this.legacy } })
  }

  private fail(): never {
    throw new End({ pickle: null })
  }

  /**
   * The data ends inside a pickle: a truncated one if it started with PROTO and two opcodes
   * after it parsed (a PROTO byte pair and one huge length are what random data gives).
   */
  private truncated(): never {
    const ok = (this.protocol !== null && this.ops - 1 >= 3) || this.instAt > 0
    throw new End({ pickle: ok ? { protocol: this.protocol, legacyTorch: this.legacy } : null })
  }

  /** Bytes not loaded yet: the caller loads more and walks again, or settles for what the walk has shown. */
  private need(at: number, length: number): never {
    throw new End({ need: at, length, fallback: this.verdict(false).pickle })
  }

  private bytes(n: number): Buffer {
    const b = this.view.bytesAt(this.pos)
    if (b.length >= n) {
      this.pos += n
      return b.subarray(0, n)
    }
    if (this.view.size !== null && this.pos + n > this.view.size) this.truncated()
    return this.need(this.pos, n)
  }

  private uint(n: number): number {
    const b = this.bytes(n)
    return n === 8 ? Number(b.readBigUInt64LE(0)) : b.readUIntLE(0, n)
  }

  /** Skips a length-prefixed argument without reading it; a short string is kept as text. */
  private argument(n: number, text: boolean): string | null {
    if (this.view.size !== null && this.pos + n > this.view.size) this.truncated()
    if (text && n <= MAX_TEXT) return this.bytes(n).toString('utf8')
    this.pos += n
    return null
  }

  /** A newline-terminated argument, without its newline. */
  private line(): Buffer {
    const b = this.view.bytesAt(this.pos)
    const max = PICKLE_SNIFF_LIMITS.maxLine
    const nl = b.subarray(0, max).indexOf(0x0a)
    if (nl >= 0) {
      this.pos += nl + 1
      return b.subarray(0, nl)
    }
    // Too long to be an argument a pickler writes: stop walking, judging on what was seen.
    if (b.length >= max) throw new End({ ...this.verdict(false), open: true })
    if (this.view.size !== null && this.pos + b.length >= this.view.size) this.truncated()
    return this.need(this.pos, max)
  }

  private get atEnd(): boolean {
    return this.view.size !== null && this.pos >= this.view.size
  }

  private get fence(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0
  }

  /** Pops n values above the fence (CPython: stack underflow otherwise). */
  private pop(n: number): Val[] {
    if (this.stack.length - n < this.fence) this.fail()
    return this.stack.splice(this.stack.length - n, n)
  }

  private top(): Val {
    if (this.stack.length <= this.fence) this.fail()
    return this.stack[this.stack.length - 1]!
  }

  /** Pops the topmost mark and what lies above it. */
  private popMark(): Val[] {
    const m = this.marks.pop()
    if (m === undefined) this.fail()
    return this.stack.splice(m)
  }

  /** After a mark was popped: a container must sit below it, above the new fence. */
  private needBelow(): void {
    if (this.stack.length <= this.fence) this.fail()
  }

  /** A call (or BUILD) whose callee came from an import or another call: CPython runs it. */
  private call(callee: Val): void {
    if (this.imported && callee.k === ANY) this.pickle()
  }

  private importName(module: string, name: string): void {
    if (!DOTTED.test(module) || !DOTTED.test(name)) this.fail()
    this.imported = true
  }

  private lineText(): string {
    return this.line().toString('utf8')
  }

  private memoKey(kind: 'get' | 'put', key: number): void {
    if (kind === 'get') {
      const v = this.memo.get(key)
      if (v === undefined) this.fail()
      this.stack.push(v)
    } else this.memo.set(key, this.top())
  }

  /** A GET/PUT index read as CPython reads it (text-args.ts): `-0`, `0\0x` and ` 7 ` are valid. */
  private memoIndex(op: 'GET' | 'PUT'): number {
    const r = readMemoIndex(this.line(), op)
    return r.ok ? r.value : this.fail()
  }

  private step(): void {
    const at = this.pos
    const here = this.view.bytesAt(at)
    if (here.length === 0) {
      if (this.view.size !== null && at >= this.view.size) {
        if (this.pickleOps > 0) this.truncated()
        this.fail()
      }
      this.need(at, 1)
    }
    const op = here[0]!
    this.pos++
    this.ops++
    this.pickleOps++
    this.kinds.add(op)
    const push = (v: Val = OTHER_VAL): void => {
      this.stack.push(v)
    }
    switch (op) {
      case 0x28: // MARK
        this.marks.push(this.stack.length)
        return
      case 0x2e: // STOP
        this.top()
        if (this.legacy || this.protocol !== null) this.pickle()
        // Without PROTO: a pickle as picklers write it (one value left, no mark open, more than one
        // value opcode), then the end of the file or another such pickle. Shorter runs, or one followed
        // by other bytes, are what random data and text produce by chance.
        if (this.stack.length !== 1 || this.marks.length !== 0 || this.pickleOps < 3) this.fail()
        if (this.atEnd || this.pickles > 0) this.pickle()
        this.stack = []
        this.marks = []
        this.memo.clear()
        this.pickleOps = 0
        this.pickles++
        return
      case 0x30: // POP
        if (this.stack.length > this.fence) this.stack.pop()
        else if (this.marks.pop() === undefined) this.fail()
        return
      case 0x31: // POP_MARK
        this.popMark()
        return
      case 0x32: // DUP
        push(this.top())
        return
      // Text numbers as CPython reads them (text-args.ts, shared with the scan): C parsers stop at a NUL.
      case 0x46: // FLOAT
        if (!checkFloatArg(this.line()).ok) this.fail()
        return push()
      case 0x49: // INT (also "00"/"01", protocol 0 booleans)
        if (!readIntArg(this.line()).ok) this.fail()
        return push()
      case 0x4c: // LONG
        if (!readLongArg(this.line()).ok) this.fail()
        return push()
      case 0x4a: // BININT
        this.bytes(4)
        return push()
      case 0x4b: // BININT1
        this.bytes(1)
        return push()
      case 0x4d: // BININT2
        this.bytes(2)
        return push()
      case 0x47: // BINFLOAT
        this.bytes(8)
        return push()
      case 0x4e: // NONE
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
      case 0x5d: // EMPTY_LIST
      case 0x7d: // EMPTY_DICT
      case 0x8f: // EMPTY_SET
        return push()
      case 0x50: {
        // PERSID: an ASCII id
        const id = this.line()
        if (id.some((c) => c >= 0x80)) this.fail()
        return push(ANY_VAL)
      }
      case 0x51: // BINPERSID
        this.pop(1)
        return push(ANY_VAL)
      case 0x52: {
        // REDUCE: CPython calls only with a tuple of arguments
        const [callee, args] = this.pop(2)
        push(ANY_VAL)
        return args!.k === TUPLE || args!.k === ANY ? this.call(callee!) : undefined
      }
      case 0x53: {
        // STRING: a quoted literal
        const t = this.line().toString('latin1')
        if (t.length < 2 || t[0] !== t[t.length - 1] || (t[0] !== "'" && t[0] !== '"')) this.fail()
        const inner = t.slice(1, -1)
        return push({ k: STR, text: inner.includes('\\') ? null : inner })
      }
      case 0x54: {
        // BINSTRING (signed length)
        const n = this.bytes(4).readInt32LE(0)
        if (n < 0) this.fail()
        return push({ k: STR, text: this.argument(n, true) })
      }
      case 0x55: // SHORT_BINSTRING
        return push({ k: STR, text: this.argument(this.uint(1), true) })
      case 0x56: {
        // UNICODE (raw-unicode-escape)
        const t = this.lineText()
        return push({ k: STR, text: t.includes('\\') ? null : t })
      }
      case 0x58: // BINUNICODE
        return push({ k: STR, text: this.argument(this.uint(4), true) })
      case 0x8c: // SHORT_BINUNICODE
        return push({ k: STR, text: this.argument(this.uint(1), true) })
      case 0x8d: // BINUNICODE8
        return push({ k: STR, text: this.argument(this.uint(8), true) })
      case 0x42: // BINBYTES
        this.argument(this.uint(4), false)
        return push()
      case 0x43: // SHORT_BINBYTES
        this.argument(this.uint(1), false)
        return push()
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        this.argument(this.uint(8), false)
        return push()
      case 0x8a: {
        // LONG1: the legacy torch magic number when it is a pickle's first value
        const n = this.uint(1)
        const first = this.pickles === 0 && this.stack.length === 0 && this.marks.length === 0 && this.pickleOps <= 2
        if (n === TORCH_MAGIC.length && first) {
          if (this.bytes(n).equals(TORCH_MAGIC) && this.view.bytesAt(this.pos)[0] === 0x2e) this.legacy = true
        } else this.argument(n, false)
        return push()
      }
      case 0x8b: {
        // LONG4 (signed length)
        const n = this.bytes(4).readInt32LE(0)
        if (n < 0) this.fail()
        this.argument(n, false)
        return push()
      }
      case 0x61: // APPEND: list and value above the fence
        if (this.stack.length - 2 < this.fence) this.fail()
        this.stack.pop()
        return
      case 0x65: // APPENDS
      case 0x90: // ADDITEMS
        this.popMark()
        return this.needBelow()
      case 0x75: {
        // SETITEMS
        const items = this.popMark()
        this.needBelow()
        if (items.length % 2 !== 0) this.fail()
        return
      }
      case 0x73: // SETITEM: dict, key, value
        if (this.stack.length - 3 < this.fence) this.fail()
        this.stack.length -= 2
        return
      case 0x62: {
        // BUILD: __setstate__ of the object below the state
        const [inst] = this.pop(2)
        push(ANY_VAL)
        return this.call(inst!)
      }
      case 0x63: {
        // GLOBAL
        const module = this.lineText()
        const name = this.lineText()
        this.importName(module, name)
        return push(ANY_VAL)
      }
      case 0x69: {
        // INST: import and call in one
        if (this.marks.length === 0) this.fail()
        const module = this.lineText()
        const name = this.lineText()
        this.importName(module, name)
        this.popMark()
        push(ANY_VAL)
        // Two short identifier lines after "(i" also occur in text: one more valid opcode decides.
        this.instAt = this.ops
        return
      }
      case 0x6f: {
        // OBJ: class and arguments above a mark
        const items = this.popMark()
        if (items.length < 1) this.fail()
        push(ANY_VAL)
        return this.call(items[0]!)
      }
      case 0x64: {
        // DICT
        const items = this.popMark()
        if (items.length % 2 !== 0) this.fail()
        return push()
      }
      case 0x6c: // LIST
      case 0x91: // FROZENSET
        this.popMark()
        return push()
      case 0x74: // TUPLE
        this.popMark()
        return push(TUPLE_VAL)
      case 0x29: // EMPTY_TUPLE
        return push(TUPLE_VAL)
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: // TUPLE3
        this.pop(op - 0x84)
        return push(TUPLE_VAL)
      case 0x67: // GET
        return this.memoKey('get', this.memoIndex('GET'))
      case 0x68: // BINGET
        return this.memoKey('get', this.uint(1))
      case 0x6a: // LONG_BINGET
        return this.memoKey('get', this.uint(4))
      case 0x70: // PUT
        return this.memoKey('put', this.memoIndex('PUT'))
      case 0x71: // BINPUT
        return this.memoKey('put', this.uint(1))
      case 0x72: // LONG_BINPUT
        return this.memoKey('put', this.uint(4))
      case 0x94: // MEMOIZE
        return this.memoKey('put', this.memo.size)
      case 0x80: {
        // PROTO
        const p = this.uint(1)
        if (p > 5) this.fail()
        if (at === 0) this.protocol = p
        return
      }
      case 0x95: {
        // FRAME: read on linearly, as the pure-Python unpickler does (a frame past the end is the scan's finding)
        const n = this.uint(8)
        // `PROTO 4|5, FRAME` of a length the file holds is what every protocol 4+ pickler writes first.
        const fits = this.view.size === null || this.pos + n <= this.view.size
        if (at === 2 && this.protocol !== null && this.protocol >= 4 && fits) this.pickle()
        return
      }
      case 0x81: {
        // NEWOBJ
        const [cls] = this.pop(2)
        push(ANY_VAL)
        return this.call(cls!)
      }
      case 0x92: {
        // NEWOBJ_EX
        const [cls] = this.pop(3)
        push(ANY_VAL)
        return this.call(cls!)
      }
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
        // No import evidence: five arbitrary bytes make one, and an extension code only resolves in a
        // process that registered it with copyreg (the scan still reports every EXT as dangerous).
        if (this.uint(op === 0x82 ? 1 : op === 0x83 ? 2 : 4) === 0) this.fail()
        return push(ANY_VAL)
      case 0x93: {
        // STACK_GLOBAL: two str operands (CPython refuses anything else)
        const [module, name] = this.pop(2) as [Val, Val]
        if ((module.k !== STR && module.k !== ANY) || (name.k !== STR && name.k !== ANY)) this.fail()
        this.importName(module.text ?? 'x', name.text ?? 'x')
        return push(ANY_VAL)
      }
      case 0x97: // NEXT_BUFFER
        return push(ANY_VAL)
      case 0x98: // READONLY_BUFFER
        this.top()
        return
      default:
        this.fail()
    }
  }
}

/** Loaded windows of a file, as a View. */
class Windows implements View {
  private parts: { start: number; buf: Buffer }[] = []
  constructor(readonly size: number | null) {}
  add(start: number, buf: Buffer): void {
    this.parts.push({ start, buf })
  }
  bytesAt(at: number): Buffer {
    let best: Buffer = Buffer.alloc(0)
    for (const p of this.parts) {
      if (at >= p.start && at < p.start + p.buf.length && p.start + p.buf.length - at > best.length) best = p.buf.subarray(at - p.start)
    }
    return best
  }
}

/**
 * Whether a file is a pickle: walks from its head and reads further windows when the walk
 * skips past it (at most `maxFetches` reads of one window each). Undecided files are no pickle
 * here; `judgePickle` tells them apart.
 */
export async function sniffPickle(src: ByteSource, head: Buffer): Promise<PickleSniff | null> {
  const j = await judgePickle(src, head)
  return j === 'undecided' ? null : j
}

/** `sniffPickle`, saying `undecided` when the budget ran out on bytes CPython has not rejected. */
export async function judgePickle(src: ByteSource, head: Buffer): Promise<PickleJudgement> {
  if (src.size === 0) return null
  const view = new Windows(src.size)
  view.add(0, head)
  for (let fetches = 0; ; fetches++) {
    const r = new Walk(view).run()
    if (!('need' in r)) return judged(r)
    if (fetches >= PICKLE_SNIFF_LIMITS.maxFetches) return r.fallback ?? 'undecided'
    const more = await src.read(r.need, Math.max(r.length, PICKLE_SNIFF_LIMITS.window))
    if (more.length === 0) return r.fallback
    view.add(r.need, more)
  }
}

/**
 * The judgement of an archive member from its first bytes (`size`: the member's full length;
 * the head is all of it when as long). Bytes past the head are `undecided`, not a rejection.
 */
export function judgePickleHead(head: Buffer, size: number): PickleJudgement {
  if (size === 0 || head.length === 0) return null
  const view = new Windows(size)
  view.add(0, head)
  const r = new Walk(view).run()
  return 'need' in r ? (r.fallback ?? 'undecided') : judged(r)
}

function judged(r: { pickle: PickleSniff | null; open?: boolean }): PickleJudgement {
  return r.pickle ?? (r.open ? 'undecided' : null)
}

/**
 * The same judgement on bytes alone: a member's head, an archive comment. `complete` says
 * the bytes are the whole content; otherwise the walk judges on what the head shows.
 */
export function sniffPickleBytes(bytes: Buffer, complete = false): PickleSniff | null {
  if (bytes.length === 0) return null
  const view = new Windows(complete ? bytes.length : null)
  view.add(0, bytes)
  const r = new Walk(view).run()
  return 'need' in r ? r.fallback : r.pickle
}
