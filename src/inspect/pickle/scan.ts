/**
 * Entry point of the pickle scanner: streams a file through the emulator and turns
 * what it saw into Issues. Never executes anything and never throws: malformed
 * input, limits and internal faults all become issues, and `complete` says whether
 * every opcode CPython would execute was examined.
 */
import type { Issue } from '../types.js'
import { classifyGlobal, isMainGlobal, type GlobalVerdict } from './globals-policy.js'
import {
  DEFAULT_LIMITS,
  Machine,
  type AnomalyKind,
  type GlobalOpcode,
  type Jump,
  type MachineHost,
  type PickleLimits,
  type StopKind,
  type Val
} from './machine.js'
import { findEmbedded, MAX_INFLATED, type Embedded } from './nested.js'
import { ChunkStore, Cursor } from './reader.js'
import { TorchStorages, type TorchStorageSummary } from './torch-storages.js'

export { DEFAULT_LIMITS, type PickleLimits } from './machine.js'
export type { TorchStorageSummary } from './torch-storages.js'

export interface PickleGlobal {
  module: string
  name: string
  /** Byte offset of the importing opcode (for an embedded pickle: of the embedding argument). */
  offset: number
  opcode: GlobalOpcode
}

export interface PickleScanResult {
  /** Every import the pickle(s) would perform, first occurrence of each module+name, in order. */
  globals: PickleGlobal[]
  issues: Issue[]
  /** Pickles read back to back (STOP reached). */
  pickles: number
  /** False when a limit was hit or the stream could not be parsed to the end. */
  complete: boolean
  /** Protocol of the first pickle (null for protocol 0/1 streams without PROTO). */
  protocol: number | null
  /** Torch storages and tensors named by persistent ids (see torch-storages.ts); main reading only. */
  storages: TorchStorageSummary
  /** Legacy torch.save: the protocol version its second pickle holds (1001), else null. */
  legacyTorchVersion: number | null
  stats: {
    bytesRead: number
    /** Opcodes executed, forks and embedded pickles included (the `maxOpcodes` budget). */
    opcodes: number
    /** Most bytes buffered at once: stays at a few chunks whatever the file size. */
    peakBufferedBytes: number
    /** Legacy (non-zip) torch.save stream detected from its magic-number pickle. */
    legacyTorch: boolean
  }
}

export interface PickleScanOptions extends Partial<PickleLimits> {
  /** Framework the caller identified (e.g. `torch`); tunes messages for `__main__` classes. */
  framework?: string
  /**
   * Stop after this many pickles and ignore what follows (raw storage bytes). Legacy
   * torch files (magic-number pickle first) get 5 automatically.
   */
  stopAfter?: number
  /** Keep reading the iterable to its end after the scan is done (when it feeds a hash too). */
  drain?: boolean
}

/** A module or attribute path as Python writes one (trial parses of non-PROTO candidates must import these). */
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

const LEGACY_TORCH_MAGIC = '6cfc9c46f9206aa85019' // 0x1950a86a20f9469cfc6c little-endian, LONG1 payload

interface Hit {
  module: string
  name: string
  opcode: GlobalOpcode
  offset: number
  verdict: GlobalVerdict
  reason: string | undefined
  /** `raw`: found by reading joblib array bytes as opcodes, as pickle.load() would. */
  via: 'main' | 'fork' | 'nested' | 'raw'
  /** Fork-tree path of the machine that found it, and arrival order: the canonical order. */
  path: readonly number[]
  seq: number
  /** For nested hits: how the embedded pickle was stored. */
  how?: string
  innerOffset?: number
}

/**
 * Framework model classes whose constructors may fetch weights (transformers' pretrained/timm backbones,
 * timm's `pretrained=True`, torchvision's `weights=`): allowed when rebuilt from state, a warning when called.
 */
const MODEL_CONSTRUCTOR = /^(?:transformers\.\S+\.[A-Z]\w*(?:Model|Backbone|Encoder|Decoder|For[A-Z]\w*)|timm\.\S+\.[A-Z]\w*|torchvision\.models\.\S+\.[A-Z]\w*)$/

const FIX_CONVERT =
  'Do not load this file. Get the weights from a trusted source in a format that cannot run code (e.g. safetensors: `safetensors.torch.save_file(model.state_dict(), ...)`).'
const FIX_UNKNOWN =
  'Convert the model to safetensors (or another format without code). If you have reviewed this import and trust it, lower the rule for this repository (`severity: {unknown-global: note}` in .modelgate.yml).'
const FIX_MALFORMED =
  'Re-save the file with the framework\'s own save function from a trusted source; a stream CPython would read differently from a scanner is a common way to hide a payload.'
const FIX_UNSURE =
  'Re-save the file with joblib.dump from a trusted source, or better, convert it to a format without code (skops, ONNX, safetensors); ModelGate will not guess where the pickle continues.'
const FIX_LIMIT =
  'If the file is legitimate, raise the pickle limit named above in .modelgate.yml; better, convert it to safetensors so no scan of code is needed.'

const ANOMALY_TEXT: Record<AnomalyKind, string> = {
  'frame-straddle':
    'an opcode argument crosses a FRAME boundary, so CPython reads this pickle differently depending on how it is opened (bytes vs. file), and the pure-Python unpickler rejects it',
  'frame-nested': 'a FRAME begins inside another frame, which no pickler writes and the pure-Python unpickler rejects',
  'frame-past-end': 'a FRAME announces more bytes than the file holds; CPython\'s C unpickler refuses it while the pure-Python one executes it',
  'stack-leftover': 'values are left on the stack at STOP, which no pickler writes (a hand-built stream; it can hide calls whose results are discarded)',
  expansion: 'a container is inserted into itself over and over, an expansion (resource-exhaustion) construction',
  'array-bytes-opcodes':
    'the array data joblib stores raw after a NumpyArrayWrapper is also a run of valid pickle opcodes, so pickle.load() (which does not skip it as joblib.load() does) would execute it and read the rest of the file differently'
}

interface Ranked {
  issue: Issue
  path: readonly number[]
  seq: number
}

/** Main machine's hits in stream order, then each fork's (depth first, in spawn order). */
function byTreeOrder(a: { path: readonly number[]; seq: number }, b: { path: readonly number[]; seq: number }): number {
  const n = Math.min(a.path.length, b.path.length)
  for (let i = 0; i < n; i++) if (a.path[i] !== b.path[i]) return a.path[i]! - b.path[i]!
  return a.path.length - b.path.length || a.seq - b.seq
}

/** One scan of one stream. Synchronous core: feed chunks with `push`, finish with `end`. */
export class PickleScan implements MachineHost {
  readonly limits: PickleLimits
  retained = 0
  private ownOpcodes = 0
  private readonly store = new ChunkStore()
  private readonly main: Machine
  private active: { m: Machine; gen: Generator<void, void, void> }[] = []
  private hits: Hit[] = []
  /** Issues found while scanning, ranked like hits (see byTreeOrder). */
  private issues: Ranked[] = []
  private anomalies = new Map<AnomalyKind, Ranked>()
  private forkLost = false
  /** A limit a fork hit (its remaining reading of the stream went unchecked). */
  private forkCapped: string | null = null
  private hitSeq = 0
  private mainStop: { kind: StopKind; offset: number; message: string } | null = null
  private incomplete = false
  private firstProtocol: number | null = null
  private legacy = false
  private legacyVersion: number | null = null
  private readonly torch = new TorchStorages()
  private finished: PickleScanResult | null = null
  /** `__main__` globals (module\0name) the stream calls with arguments of its own. */
  private readonly mainCalls = new Set<string>()
  /** Allowed model classes constructed with arguments from the file (see MODEL_CONSTRUCTOR). */
  private readonly modelCalls = new Set<string>()
  /** Globals wrapped by functools.partial (module\0name → offset of the first partial). */
  private readonly partialVia = new Map<string, number>()
  /** The first partial (in tree order) around a callable that is not a plain import. */
  private unresolvedPartial: Ranked | null = null
  /** End of the first pickle of the main reading (-1: no STOP reached). */
  private firstPickleEnd = -1
  /** Beyond maxNestedDepth: embedded candidates are not followed (a sure one is reported as not scanned). */
  private noNest = false
  /** An embedded pickle was found in this stream (scanned or reported as too deep). */
  private foundNested = false

  constructor(
    private readonly opts: PickleScanOptions = {},
    private readonly depth = 0,
    /** Scan of the stream this (embedded) pickle was found in: shares its opcode budget. */
    private readonly parent: PickleScan | null = null
  ) {
    const lim: PickleLimits = { ...DEFAULT_LIMITS }
    for (const k of Object.keys(DEFAULT_LIMITS) as (keyof PickleLimits)[]) {
      const v = opts[k]
      if (typeof v === 'number' && v >= 0) lim[k] = v
    }
    this.limits = lim
    this.main = new Machine(this, new Cursor(this.store, 0), false, depth)
    this.main.forkBudget = lim.maxForks
    if (opts.stopAfter !== undefined && opts.stopAfter > 0) this.main.stopAfter = opts.stopAfter
    this.active.push({ m: this.main, gen: this.main.run() })
  }

  /**
   * Opcodes executed by this scan, its forks and every embedded pickle it recursed
   * into: one budget (`maxOpcodes`) for all the work a stream causes, so nesting and
   * forks cannot multiply it unbounded.
   */
  get opcodes(): number {
    return this.parent ? this.parent.opcodes : this.ownOpcodes
  }

  set opcodes(n: number) {
    if (this.parent) this.parent.opcodes = n
    else this.ownOpcodes = n
  }

  /**
   * True once no machine needs more input. A scan that stops early (`stopAfter`,
   * legacy torch) still reads on to the furthest FRAME end announced (or EOF): whether
   * that frame fits in the file is part of the verdict (`frame-past-end`), and it must
   * not depend on where the chunk boundaries of the stream happen to fall.
   */
  get done(): boolean {
    return this.active.length === 0 && !this.awaitingFrameEnd
  }

  private get awaitingFrameEnd(): boolean {
    return this.mainStop === null && !this.store.eof && this.main.maxFrameEnd > this.store.end
  }

  push(chunk: Uint8Array): void {
    if (this.done || chunk.length === 0) return
    this.store.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    this.step()
  }

  end(): PickleScanResult {
    if (this.finished) return this.finished
    this.store.eof = true
    for (let guard = 0; !this.done && guard < 1000; guard++) this.step()
    this.finished = this.result()
    return this.finished
  }

  /** Marks the scan incomplete for a reason outside the stream (read error, internal fault). */
  abort(message: string): PickleScanResult {
    this.incomplete = true
    this.note(this.main, {
      rule: 'scan-incomplete',
      severity: 'error',
      message: `The pickle scan stopped at byte ${this.store.end}: ${message}. Nothing after that point was checked.`,
      fix: 'Re-run the scan; if it keeps failing, treat the file as unscanned and convert it to safetensors.',
      offset: this.store.end
    })
    for (const a of this.active) a.m.cur.release()
    this.active = []
    this.finished = this.result()
    return this.finished
  }

  private step(): void {
    for (let i = 0; i < this.active.length; ) {
      const a = this.active[i]!
      if (a.gen.next().done) {
        a.m.cur.release()
        this.active.splice(i, 1)
      } else i++
    }
    this.store.trim(this.limits.maxPinned)
  }

  // ---- MachineHost ----

  global(m: Machine, module: string, name: string, opcode: GlobalOpcode, offset: number): void {
    const c =
      opcode === 'EXT'
        ? { verdict: 'dangerous' as const, reason: 'EXT opcodes import whatever the loading process registered with copyreg under that code; a scanner cannot know what it is' }
        : module.startsWith('<') && opcode === 'STACK_GLOBAL'
          ? { verdict: 'dangerous' as const, reason: 'STACK_GLOBAL operands are computed at load time (not plain strings), so the import cannot be known before running it' }
          : classifyGlobal(module, name)
    this.hits.push({ module, name, opcode, offset, verdict: c.verdict, reason: c.reason, via: m.probe ? 'raw' : m.isFork ? 'fork' : 'main', path: m.path, seq: this.hitSeq++ })
  }

  /**
   * One issue per kind of anomaly: the first in tree order (the main parse's first,
   * else the first fork's), whichever machine happened to reach one first.
   */
  anomaly(m: Machine, kind: AnomalyKind, offset: number, detail: string): void {
    const issue: Issue = {
      rule: 'unparseable-artifact',
      severity: 'error',
      message: `Malformed pickle at byte ${offset}: ${ANOMALY_TEXT[kind]} (${detail}).`,
      fix: FIX_MALFORMED,
      offset
    }
    const had = this.anomalies.get(kind)
    const r: Ranked = { issue, path: m.path, seq: this.hitSeq++ }
    if (!had) {
      this.anomalies.set(kind, r)
      this.issues.push(r)
    } else if (byTreeOrder(r, had) < 0) Object.assign(had, r)
  }

  private note(m: Machine, issue: Issue): void {
    this.issues.push({ issue, path: m.path, seq: this.hitSeq++ })
  }

  stop(m: Machine, kind: StopKind, offset: number, message: string): void {
    // A probe (pickle.load's reading of joblib array bytes) failing is the usual outcome;
    // one stopped by a limit leaves that reading unchecked.
    if (m.probe) {
      if (kind === 'error') return
      this.incomplete = true
      this.note(m, {
        rule: 'scan-incomplete',
        severity: 'error',
        message: `Reading the joblib array bytes at byte ${offset} as pickle opcodes, as pickle.load() would, stopped early: ${message}.`,
        fix: FIX_LIMIT,
        offset
      })
      return
    }
    const cap = kind !== 'error'
    // A fork reads bytes the way only some loaders do; its failures are expected noise
    // (the straddle that spawned it is already an error). A limit it hits is not: what
    // it had left to read was never checked.
    if (m.isFork) {
      if (cap && this.forkCapped === null) this.forkCapped = message
      return
    }
    if (this.mainStop) return
    this.mainStop = { kind, offset, message }
  }

  /**
   * Spawns the alternative reading at a straddle. The maxForks budget is split down the
   * fork tree (each fork takes half of what its parent has left) rather than handed out
   * first come, first served, so which forks exist never depends on how the machines
   * interleaved, i.e. on the chunking of the stream.
   */
  fork(m: Machine, jump: Jump): void {
    if (m.forkBudget <= 0) {
      this.forkLost = true
      return
    }
    const cursor = new Cursor(this.store, m.opStart)
    if (cursor.pos !== m.opStart || this.store.heldFrom > m.opStart) {
      cursor.release()
      this.forkLost = true
      return
    }
    m.forkBudget--
    const share = Math.floor(m.forkBudget / 2)
    m.forkBudget -= share
    const f = m.cloneAtOpcode(cursor, jump)
    f.path = [...m.path, m.children++]
    f.forkBudget = share
    this.active.push({ m: f, gen: f.run() })
  }

  persistent(m: Machine, pid: Val): void {
    if (!m.isFork && !m.probe) this.torch.persistent(pid)
  }

  invoked(m: Machine, fn: Val, _offset: number): void {
    if (!m.isFork && !m.probe) this.torch.called(fn)
    if (fn.k === 'global' && isMainGlobal(fn.module)) this.mainCalls.add(`${fn.module}\0${fn.name}`)
    if (fn.k === 'global' && MODEL_CONSTRUCTOR.test(`${fn.module}.${fn.name}`)) this.modelCalls.add(`${fn.module}\0${fn.name}`)
  }

  /**
   * A functools.partial around `fn`: calling it later calls `fn`. An import is judged by
   * its own verdict (noted in its message); anything else is a callable ModelGate
   * cannot name, so it warns.
   */
  partial(m: Machine, fn: Val | undefined, offset: number): void {
    for (let i = 0; i < 16 && fn !== undefined && fn.k === 'partial'; i++) fn = fn.fn
    if (fn !== undefined && fn.k === 'global') {
      const key = `${fn.module}\0${fn.name}`
      if (!this.partialVia.has(key)) this.partialVia.set(key, offset)
      if (isMainGlobal(fn.module)) this.mainCalls.add(key)
      return
    }
    const r: Ranked = {
      issue: {
        rule: 'unknown-global',
        severity: 'warning',
        message: `functools.partial at byte ${offset} wraps a callable that is not a plain import (${fn === undefined ? 'a value ModelGate cannot see' : fn.k === 'obj' || fn.k === 'partial' ? 'the result of a call' : 'a non-callable value'}), so what calling it runs cannot be vetted.`,
        fix: FIX_UNKNOWN,
        offset
      },
      path: m.path,
      seq: this.hitSeq++
    }
    if (this.unresolvedPartial === null) {
      this.unresolvedPartial = r
      this.issues.push(r)
    } else if (byTreeOrder(r, this.unresolvedPartial) < 0) Object.assign(this.unresolvedPartial, r)
  }

  pickleDone(m: Machine, top: Val): void {
    if (m.isFork) return
    if (m.pickles === 0 && this.firstPickleEnd < 0) this.firstPickleEnd = m.cur.pos
    if (m.pickles === 0) {
      this.firstProtocol = m.protocol
      if (top.k === 'int' && top.hex === LEGACY_TORCH_MAGIC && this.opts.stopAfter === undefined) {
        // Legacy torch.save: magic, protocol, sys_info, object, storage keys, then raw storage bytes.
        this.legacy = true
        m.stopAfter = 5
      }
    } else if (m.pickles === 1 && this.legacy && top.k === 'int' && top.n !== null) this.legacyVersion = Number(top.n)
  }

  blob(m: Machine, data: Buffer, truncated: boolean, offset: number): void {
    for (const emb of findEmbedded(data, truncated)) this.embedded(m, emb, offset)
  }

  /**
   * Scans one embedded candidate. One with a PROTO header is a pickle; any other is
   * accepted only when a trial parse reads its first pickle to STOP (or, cut short,
   * to the end of the kept bytes) and it imports well-formed dotted names, which
   * text and binary data practically never do.
   */
  private embedded(m: Machine, emb: Embedded, offset: number): void {
    const deep = this.depth + 1 > this.limits.maxNestedDepth
    if (deep && (emb.sure || this.noNest)) {
      if (emb.sure) this.tooDeep(m, offset)
      return
    }
    const inner = new PickleScan({ ...this.limits, framework: this.opts.framework }, this.depth + 1, this)
    inner.noNest = deep
    inner.push(emb.bytes)
    const r = inner.end()
    const firstOk = inner.firstPickleEnd >= 0
    // the parse stopped only because the kept bytes ended
    const ranOut = emb.truncated && inner.mainStop !== null && inner.mainStop.kind === 'error' && /^the stream ends/.test(inner.mainStop.message)
    const first = (h: Hit): boolean => inner.legacy || (firstOk && h.offset < inner.firstPickleEnd) || (!firstOk && ranOut)
    // an import by name, as opposed to EXT codes and computed operands, which junk bytes produce easily
    const named = (h: Hit): boolean => h.opcode !== 'EXT' && DOTTED_NAME.test(h.module) && DOTTED_NAME.test(h.name)
    if (!emb.sure) {
      // a carrier of a deeper pickle counts as a pickle even without imports of its own
      const names = inner.hits.filter((h) => first(h) && h.opcode !== 'EXT' && !h.module.startsWith('<'))
      if ((!firstOk && !ranOut) || (names.length === 0 && !inner.foundNested) || !names.every(named)) return
      if (deep) return this.tooDeep(m, offset)
    }
    this.foundNested = true
    // What the first pickle imports counts when it parsed (or ran to the end of what was
    // kept); a dangerous import by name counts wherever it is (it runs before any later error).
    const accept = (h: Hit): boolean => first(h) || (emb.sure && h.verdict === 'dangerous' && named(h))
    for (const h of inner.hits) {
      if (!accept(h)) continue
      this.hits.push({ ...h, offset, via: 'nested', how: h.how === undefined ? emb.how : `${emb.how}/${h.how}`, innerOffset: h.offset, path: m.path, seq: this.hitSeq++ })
    }
    const carried = r.issues.filter((i) => i.rule === 'scan-incomplete' && firstOk)
    if (inner.unresolvedPartial) carried.push(inner.unresolvedPartial.issue)
    for (const i of carried) {
      if (i.rule === 'scan-incomplete') this.incomplete = true
      this.note(m, { ...i, offset, message: `Embedded pickle at byte ${offset}: ${i.message}` })
    }
    if (emb.truncated && ranOut) {
      this.incomplete = true
      this.note(m, {
        rule: 'scan-incomplete',
        severity: 'error',
        message: `An embedded ${emb.how} pickle at byte ${offset} is larger than the bytes kept for inspection (${emb.how.includes('zlib') || emb.how.includes('gzip') ? `${MAX_INFLATED} inflated bytes` : `limit maxKeep, ${this.limits.maxKeep} bytes`}); only its start was scanned.`,
        fix: FIX_LIMIT,
        offset
      })
    }
  }

  private tooDeep(m: Machine, offset: number): void {
    this.foundNested = true
    this.incomplete = true
    this.note(m, {
      rule: 'scan-incomplete',
      severity: 'error',
      message: `An embedded pickle at byte ${offset} is nested more than ${this.limits.maxNestedDepth} levels deep (limit maxNestedDepth); it was not scanned.`,
      fix: FIX_LIMIT,
      offset
    })
  }

  // ---- result ----

  private result(): PickleScanResult {
    const issues: Issue[] = []
    const main = this.main
    this.hits.sort(byTreeOrder)
    const torch =
      /torch/i.test(this.opts.framework ?? '') || this.legacy || this.hits.some((h) => h.module === 'torch' || h.module.startsWith('torch.'))
    const seen = new Map<string, Hit>()
    for (const h of this.hits) {
      const key = `${h.module}\0${h.name}\0${h.via === 'nested' ? 'n' : ''}`
      if (!seen.has(key)) seen.set(key, h)
    }
    for (const h of seen.values()) {
      const issue = this.hitIssue(h, torch)
      if (issue) issues.push(issue)
    }
    issues.push(...this.issues.sort(byTreeOrder).map((r) => r.issue))
    let complete = !this.incomplete
    const stop = this.mainStop
    if (stop) {
      complete = false
      const dangerous = this.hits.some((h) => h.verdict === 'dangerous')
      issues.push(
        stop.kind !== 'error'
          ? {
              rule: 'scan-incomplete',
              severity: 'error',
              message: `The pickle scan stopped at byte ${stop.offset}: ${stop.message}. Nothing after this point was checked, so ModelGate cannot say whether loading the file runs code.`,
              fix: stop.kind === 'cap' ? FIX_LIMIT : FIX_UNSURE,
              offset: stop.offset
            }
          : {
              rule: 'unparseable-artifact',
              severity: 'error',
              message: `The pickle stream cannot be parsed at byte ${stop.offset}: ${stop.message}.${dangerous ? ' It imported dangerous globals before that point (reported separately).' : ''} ModelGate cannot vouch for what loading it would do.`,
              fix: FIX_MALFORMED,
              offset: stop.offset
            }
      )
    } else if (main.maxFrameEnd > this.store.end && !this.anomalies.has('frame-past-end')) {
      this.anomaly(main, 'frame-past-end', main.maxFrameEnd, `frame ends at byte ${main.maxFrameEnd}, file has ${this.store.end} bytes`)
      issues.push(this.anomalies.get('frame-past-end')!.issue)
    }
    if (this.forkLost) {
      complete = false
      issues.push({
        rule: 'scan-incomplete',
        severity: 'error',
        message: `The stream has more frame-boundary tricks than ModelGate re-reads (limit maxForks ${this.limits.maxForks}, or a frame larger than maxPinned); some ways CPython could read it were not scanned.`,
        fix: FIX_MALFORMED
      })
    }
    if (this.forkCapped !== null && stop?.kind !== 'cap') {
      complete = false
      issues.push({
        rule: 'scan-incomplete',
        severity: 'error',
        message: `Re-reading the stream the way CPython reads a non-seekable file across a malformed frame boundary stopped early: ${this.forkCapped}; the rest of that reading was not checked.`,
        fix: FIX_LIMIT
      })
    }
    const globals: PickleGlobal[] = []
    const gseen = new Set<string>()
    for (const h of this.hits) {
      const key = `${h.module}\0${h.name}`
      if (gseen.has(key)) continue
      gseen.add(key)
      globals.push({ module: h.module, name: h.name, offset: h.offset, opcode: h.opcode })
    }
    return {
      globals,
      issues,
      pickles: main.pickles,
      complete,
      protocol: main.pickles > 0 ? this.firstProtocol : main.protocol,
      storages: this.torch.summary(),
      legacyTorchVersion: this.legacyVersion,
      stats: { bytesRead: this.store.end, opcodes: this.opcodes, peakBufferedBytes: this.store.peak, legacyTorch: this.legacy }
    }
  }

  private hitIssue(h: Hit, torch: boolean): Issue | null {
    const what = h.opcode === 'EXT' ? `EXT code ${h.name}` : `${h.module}.${h.name}`
    const where =
      h.via === 'nested'
        ? `an embedded ${h.how} pickle stored in the argument at byte ${h.offset} imports ${what} (at byte ${h.innerOffset} of the embedded pickle)`
        : `${h.opcode} at byte ${h.offset} imports ${what}`
    const forkNote =
      h.via === 'fork'
        ? ' This import is only reached when the file is read the way CPython reads a non-seekable file across the malformed frame boundary.'
        : h.via === 'raw'
          ? ' This import is in bytes joblib.load() reads as raw array data; pickle.load() reads them as opcodes and runs it.'
          : ''
    if (h.verdict === 'allowed') {
      if (h.via === 'nested' || !this.modelCalls.has(`${h.module}\0${h.name}`)) return null
      // A saved model is rebuilt without its constructor (__new__ + state); calling it builds one from a config the file supplies.
      return {
        rule: 'unknown-global',
        severity: 'warning',
        message: `Loading this pickle constructs ${what} with arguments from the file (${h.opcode} at byte ${h.offset}): a model built from a config can download and load other weights (a pretrained or hf-hub: backbone), which ModelGate cannot vet. A saved model is normally rebuilt without calling its constructor.`,
        fix: FIX_UNKNOWN,
        offset: h.offset
      }
    }
    const p = h.via === 'nested' ? undefined : this.partialVia.get(`${h.module}\0${h.name}`)
    const via = p === undefined ? '' : ` It is called through functools.partial at byte ${p}.`
    if (h.verdict === 'dangerous') {
      return {
        rule: 'unsafe-serialization',
        severity: 'error',
        message: `Loading this pickle runs code: ${where}, which is dangerous (${h.reason}).${forkNote}${via}`,
        fix: FIX_CONVERT,
        offset: h.offset
      }
    }
    if (h.via === 'nested') {
      return {
        rule: 'unsafe-serialization',
        severity: 'error',
        message: `Loading this pickle's data can run code: ${where}, which is not on the vetted list. A pickle hidden inside model data is a second-stage payload for any code that later unpickles it.`,
        fix: FIX_CONVERT,
        offset: h.offset
      }
    }
    if (isMainGlobal(h.module)) {
      if (torch) {
        return {
          rule: 'unknown-global',
          severity: 'warning',
          message: `torch.save(model) full pickle: loading imports user code (${what}, ${h.opcode} at byte ${h.offset}) from the script that saved it; the file only loads where that code exists and runs it.${via}`,
          fix: 'Save model.state_dict() instead of the whole model and convert it to safetensors; load it into the model class from your own code.',
          offset: h.offset
        }
      }
      // A class the loading script defines, only instantiated (`cls.__new__(cls)` + state),
      // is that script's own code; any other __main__ name, or one called with the
      // stream's arguments, can be whatever the loading script happens to define.
      const called = this.mainCalls.has(`${h.module}\0${h.name}`)
      if (!called && /^[A-Z][A-Za-z0-9_]*$/.test(h.name) && h.module === '__main__') {
        return {
          rule: 'unknown-global',
          severity: 'note',
          message: `${where}, a class from the script that saved the file (__main__); loading needs that script's code.`,
          fix: 'Prefer a format without classes (e.g. safetensors for arrays); if you trust the saving script, lower the rule for this repository (severity: {unknown-global: off} silences these notes).',
          offset: h.offset
        }
      }
      return {
        rule: 'unknown-global',
        severity: 'warning',
        message: `Loading this pickle runs whatever the loading program defines as ${what}: ${where}, ${called ? 'and calls it with arguments from the file' : 'which is not a class name'}. ModelGate cannot resolve __main__ names, so it cannot say what that runs.${via}`,
        fix: FIX_UNKNOWN,
        offset: h.offset
      }
    }
    return {
      rule: 'unknown-global',
      severity: 'warning',
      message: `Loading this pickle imports an unvetted global: ${where} (${h.reason}).${forkNote}${via}`,
      fix: FIX_UNKNOWN,
      offset: h.offset
    }
  }
}

/**
 * Scans a pickle stream (one or several pickles back to back) for what loading it
 * would import and run. Reads `chunks` once, in order, keeping only a few chunks
 * in memory; stops reading early when the scan is done unless `drain` is set.
 */
export async function scanPickle(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts: PickleScanOptions = {}): Promise<PickleScanResult> {
  let scan: PickleScan
  try {
    scan = new PickleScan(opts)
  } catch (err) {
    return new PickleScan({}).abort(`internal error: ${String(err)}`)
  }
  try {
    for await (const chunk of chunks) {
      if (!scan.done) {
        try {
          scan.push(chunk)
        } catch (err) {
          return scan.abort(`internal error: ${String(err)}`)
        }
      }
      if (scan.done && !opts.drain) break
    }
  } catch (err) {
    return scan.abort(`reading the file failed (${err instanceof Error ? err.message : String(err)})`)
  }
  try {
    return scan.end()
  } catch (err) {
    return scan.abort(`internal error: ${String(err)}`)
  }
}

/** Synchronous scan of an in-memory pickle (nested blobs, tests). */
export function scanPickleBuffer(data: Uint8Array, opts: PickleScanOptions = {}): PickleScanResult {
  const scan = new PickleScan(opts)
  try {
    scan.push(data)
    return scan.end()
  } catch (err) {
    return scan.abort(`internal error: ${String(err)}`)
  }
}
