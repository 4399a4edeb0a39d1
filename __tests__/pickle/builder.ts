/**
 * Builds pickles opcode by opcode, so the suite owns its fixtures: every protocol,
 * FRAME (well-formed and hostile), memo tricks, EXT, nested payloads. Nothing here
 * is ever unpickled.
 */
const u = (n: number, width: number): Buffer => {
  const b = Buffer.alloc(width)
  if (width === 8) b.writeBigUInt64LE(BigInt(n))
  else b.writeUIntLE(n, 0, width)
  return b
}

export class PickleBuilder {
  private parts: Buffer[] = []

  raw(b: Buffer | string | number[]): this {
    this.parts.push(typeof b === 'string' ? Buffer.from(b, 'latin1') : Buffer.from(b))
    return this
  }
  op(code: number, arg?: Buffer): this {
    this.parts.push(Buffer.from([code]))
    if (arg) this.parts.push(arg)
    return this
  }
  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0)
  }
  build(): Buffer {
    return Buffer.concat(this.parts)
  }

  proto(p: number): this { return this.op(0x80, Buffer.from([p])) }
  /** FRAME announcing `len` bytes (use `framed` for a correct length). */
  frame(len: number): this { return this.op(0x95, u(len, 8)) }
  /** Wraps what `body` adds in one FRAME of exactly its length (as CPython's framer does). */
  framed(body: (b: PickleBuilder) => void): this {
    const inner = new PickleBuilder()
    body(inner)
    const bytes = inner.build()
    return this.frame(bytes.length).raw(bytes)
  }
  stop(): this { return this.op(0x2e) }
  mark(): this { return this.op(0x28) }
  pop(): this { return this.op(0x30) }
  popMark(): this { return this.op(0x31) }
  dup(): this { return this.op(0x32) }
  none(): this { return this.op(0x4e) }
  bool(v: boolean): this { return this.op(v ? 0x88 : 0x89) }
  int(n: number): this {
    if (n >= 0 && n < 256) return this.op(0x4b, u(n, 1))
    if (n >= 0 && n < 65536) return this.op(0x4d, u(n, 2))
    const b = Buffer.alloc(4)
    b.writeInt32LE(n)
    return this.op(0x4a, b)
  }
  intText(n: number): this { return this.op(0x49, Buffer.from(`${n}\n`)) }
  /** A text-argument opcode with its line written as given (INT `I`, LONG `L`, FLOAT `F`, GET `g`, PUT `p`, PERSID `P`...). */
  line(op: 'I' | 'L' | 'F' | 'g' | 'p' | 'P' | 'S' | 'V', arg: string): this {
    return this.op(op.charCodeAt(0), Buffer.from(`${arg}\n`, 'latin1'))
  }
  long1(bytes: number[]): this { return this.op(0x8a, Buffer.from([bytes.length, ...bytes])) }
  binfloat(x: number): this {
    const b = Buffer.alloc(8)
    b.writeDoubleBE(x)
    return this.op(0x47, b)
  }
  /** str via the shortest binary opcode (SHORT_BINUNICODE / BINUNICODE / BINUNICODE8). */
  unicode(s: string, kind: 'short' | 'bin' | 'bin8' = 'short'): this {
    const b = Buffer.from(s, 'utf8')
    if (kind === 'short') return this.op(0x8c, Buffer.concat([u(b.length, 1), b]))
    if (kind === 'bin') return this.op(0x58, Buffer.concat([u(b.length, 4), b]))
    return this.op(0x8d, Buffer.concat([u(b.length, 8), b]))
  }
  /** Protocol-0 UNICODE (raw-unicode-escape, newline terminated). */
  unicodeText(escaped: string): this { return this.op(0x56, Buffer.from(`${escaped}\n`, 'latin1')) }
  /** Protocol-0 STRING with a quoted, escaped literal, e.g. `'os'` or `'\\x6fs'`. */
  string(literal: string): this { return this.op(0x53, Buffer.from(`${literal}\n`, 'latin1')) }
  binstring(s: string, short = true): this {
    const b = Buffer.from(s, 'latin1')
    return short ? this.op(0x55, Buffer.concat([u(b.length, 1), b])) : this.op(0x54, Buffer.concat([u(b.length, 4), b]))
  }
  bytes(b: Buffer, kind: 'short' | 'bin' | 'bin8' | 'bytearray8' = 'bin'): this {
    if (kind === 'short') return this.op(0x43, Buffer.concat([u(b.length, 1), b]))
    if (kind === 'bin') return this.op(0x42, Buffer.concat([u(b.length, 4), b]))
    return this.op(kind === 'bin8' ? 0x8e : 0x96, Buffer.concat([u(b.length, 8), b]))
  }
  global(module: string, name: string): this { return this.op(0x63, Buffer.from(`${module}\n${name}\n`, 'utf8')) }
  inst(module: string, name: string): this { return this.op(0x69, Buffer.from(`${module}\n${name}\n`, 'utf8')) }
  stackGlobal(): this { return this.op(0x93) }
  ext(code: number, width: 1 | 2 | 4 = 1): this { return this.op(width === 1 ? 0x82 : width === 2 ? 0x83 : 0x84, u(code, width)) }
  reduce(): this { return this.op(0x52) }
  build_(): this { return this.op(0x62) }
  newobj(): this { return this.op(0x81) }
  obj(): this { return this.op(0x6f) }
  tuple(n?: 0 | 1 | 2 | 3): this {
    if (n === undefined) return this.op(0x74)
    return this.op([0x29, 0x85, 0x86, 0x87][n]!)
  }
  emptyList(): this { return this.op(0x5d) }
  emptyDict(): this { return this.op(0x7d) }
  emptySet(): this { return this.op(0x8f) }
  append(): this { return this.op(0x61) }
  appends(): this { return this.op(0x65) }
  setitem(): this { return this.op(0x73) }
  setitems(): this { return this.op(0x75) }
  additems(): this { return this.op(0x90) }
  persid(id: string): this { return this.op(0x50, Buffer.from(`${id}\n`)) }
  binpersid(): this { return this.op(0x51) }
  memoize(): this { return this.op(0x94) }
  put(i: number, kind: 'text' | 'bin' | 'long' = 'bin'): this {
    if (kind === 'text') return this.op(0x70, Buffer.from(`${i}\n`))
    return kind === 'bin' ? this.op(0x71, u(i, 1)) : this.op(0x72, u(i, 4))
  }
  get(i: number, kind: 'text' | 'bin' | 'long' = 'bin'): this {
    if (kind === 'text') return this.op(0x67, Buffer.from(`${i}\n`))
    return kind === 'bin' ? this.op(0x68, u(i, 1)) : this.op(0x6a, u(i, 4))
  }

  /** `module.name(*args)` via STACK_GLOBAL and REDUCE, args pushed by `args`. */
  call(module: string, name: string, args: (b: PickleBuilder) => void, n: 0 | 1 | 2 | 3 = 1): this {
    this.unicode(module).memoize().unicode(name).memoize().stackGlobal().memoize()
    args(this)
    return this.tuple(n).reduce()
  }
}

export const pb = (): PickleBuilder => new PickleBuilder()

/** `os.system("echo hi")` as protocol 0 text (what `pickle.dumps(..., 0)` of a reduce payload looks like). */
export const proto0System = (): Buffer => pb().global('os', 'system').mark().string("'echo hi'").tuple().reduce().stop().build()

/** A benign protocol-4 pickle of {'a': [1, 2.5, 'x']} with a correct frame. */
export const benignDict = (): Buffer =>
  pb().proto(4).framed((b) => b.emptyDict().memoize().unicode('a').memoize().emptyList().memoize().mark().int(1).binfloat(2.5).unicode('x').memoize().appends().setitem().stop()).build()

/** Legacy torch.save stream: 5 pickles (magic, protocol, sys_info, object, keys) then raw storage bytes. */
export function legacyTorch(objectPickle: Buffer, trailing: Buffer = Buffer.alloc(64, 0xab)): Buffer {
  const magic = pb().proto(2).long1([0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]).stop().build()
  const version = pb().proto(2).int(1001).stop().build()
  const sysInfo = pb().proto(2).emptyDict().unicode('little_endian').bool(true).setitem().stop().build()
  const keys = pb().proto(2).emptyList().unicode('0').append().stop().build()
  return Buffer.concat([magic, version, sysInfo, objectPickle, keys, trailing])
}

/** What joblib's NumpyPickler writes for one array (see src/inspect/pickle/joblib.ts). */
export interface ArraySpec {
  shape: number[]
  /** numpy dtype reduce code: 'f8', 'U3', 'V16', 'O8'... */
  code: string
  /** dtype BUILD state elsize and flags (numpy writes -1/0 for fixed kinds, 63 flags for object). */
  elsize?: number
  flags?: number
  /** Leave out the dtype BUILD (numpy always writes it; sizes then come from the code alone). */
  noState?: boolean
  /** joblib ≥ 1.2 adds numpy_array_alignment_bytes (16) and a padding byte + padding. */
  aligned?: boolean
}

/** `NumpyArrayWrapper` NEWOBJ + BUILD with its state dict, as joblib 1.2 pickles it (protocol ≥ 2). */
export function arrayWrapper(b: PickleBuilder, s: ArraySpec): PickleBuilder {
  b.unicode('joblib.numpy_pickle').unicode('NumpyArrayWrapper').stackGlobal().tuple(0).newobj()
  b.emptyDict().mark().unicode('subclass').unicode('numpy').unicode('ndarray').stackGlobal()
  b.unicode('shape').mark()
  for (const n of s.shape) b.int(n)
  b.tuple().unicode('order').unicode('C')
  b.unicode('dtype').unicode('numpy').unicode('dtype').stackGlobal().unicode(s.code).bool(false).bool(true).tuple(3).reduce()
  if (!s.noState) b.mark().int(3).unicode('<').none().none().none().int(s.elsize ?? -1).int(-1).int(s.flags ?? (s.code.startsWith('O') ? 63 : 0)).tuple().build_()
  b.unicode('allow_mmap').bool(true)
  if (s.aligned !== false) b.unicode('numpy_array_alignment_bytes').int(16)
  return b.setitems().build_()
}

/** write_array: padding length byte N = 16 - ((pos + 1) % 16) and N bytes (if aligned), then the data. */
export function arrayBytes(b: PickleBuilder, aligned: boolean, data: Buffer): PickleBuilder {
  if (aligned) {
    const n = 16 - ((b.length + 1) % 16)
    b.raw([n]).raw(Buffer.alloc(n, 0xff))
  }
  return b.raw(data)
}
