import type { ByteSource } from '../../util/byte-source.js'
import { FormatError, Window } from './common.js'

/**
 * A minimal protobuf wire reader over a ByteSource. Length-delimited fields come back as
 * (offset, length) so a caller can descend, read a bounded string, or skip a multi-GB
 * `raw_data` without touching it. Groups (wire types 3/4) are rejected: no format we read
 * uses them, and they are a classic parser-confusion vector.
 */
export interface PbField {
  field: number
  wire: 0 | 1 | 2 | 5
  /** Varint / fixed value (fixed64 as a lossy number). */
  value: number
  /** For wire type 2: payload start and length. */
  offset: number
  length: number
}

export interface PbLimits {
  maxDepth: number
  /** Total fields visited over one file: stops hostile files built of millions of tiny fields. */
  maxFields: number
  maxStringBytes: number
}

export const DEFAULT_PB_LIMITS: PbLimits = { maxDepth: 32, maxFields: 20_000_000, maxStringBytes: 1 << 20 }

export class PbReader {
  readonly w: Window
  fieldsSeen = 0
  constructor(
    src: ByteSource,
    readonly limits: PbLimits = DEFAULT_PB_LIMITS,
    readonly what = 'protobuf'
  ) {
    this.w = new Window(src, 1 << 16)
  }

  private fail(msg: string, offset: number): never {
    throw new FormatError(`Malformed ${this.what}: ${msg} at offset ${offset}.`, `Re-export the ${this.what} file; it is truncated or corrupted.`, offset)
  }

  /** Reads a varint at `pos`; returns [value, next position]. Values above 2^53 lose precision. */
  async varint(pos: number, end: number): Promise<[number, number]> {
    if (pos >= end) this.fail('varint runs past the end of its message', pos)
    const b = await this.w.bytes(pos, Math.min(10, end - pos))
    let result = 0
    let mul = 1
    for (let i = 0; i < b.length; i++) {
      const byte = b[i] as number
      result += (byte & 0x7f) * mul
      if ((byte & 0x80) === 0) return [result, pos + i + 1]
      mul *= 128
    }
    this.fail(b.length === 10 ? 'varint longer than 10 bytes' : 'varint runs past the end of its message', pos)
  }

  /** Iterates the fields of the message occupying [start, end). */
  async *fields(start: number, end: number, depth: number): AsyncGenerator<PbField> {
    if (depth > this.limits.maxDepth) this.fail(`nesting deeper than ${this.limits.maxDepth}`, start)
    if (end > this.w.size) this.fail('message runs past the end of the file', start)
    let pos = start
    while (pos < end) {
      if (++this.fieldsSeen > this.limits.maxFields) {
        throw new FormatError(
          `${this.what} has more than ${this.limits.maxFields} fields; stopped to stay bounded.`,
          'The file exceeds ModelGate limits; split the model or raise the limit.',
          pos
        )
      }
      const at = pos
      const [key, p1] = await this.varint(pos, end)
      pos = p1
      const field = Math.floor(key / 8)
      const wire = key % 8
      if (field === 0) this.fail('field number 0', at)
      switch (wire) {
        case 0: {
          const [v, p] = await this.varint(pos, end)
          pos = p
          yield { field, wire, value: v, offset: at, length: 0 }
          break
        }
        case 1: {
          if (pos + 8 > end) this.fail('fixed64 runs past the end of its message', pos)
          const v = Number((await this.w.bytes(pos, 8)).readBigUInt64LE(0))
          pos += 8
          yield { field, wire, value: v, offset: at, length: 0 }
          break
        }
        case 5: {
          if (pos + 4 > end) this.fail('fixed32 runs past the end of its message', pos)
          const v = await this.w.u32(pos)
          pos += 4
          yield { field, wire, value: v, offset: at, length: 0 }
          break
        }
        case 2: {
          const [len, p] = await this.varint(pos, end)
          pos = p
          if (len > end - pos) this.fail(`length ${len} of field ${field} runs past the end of its message`, at)
          yield { field, wire, value: len, offset: pos, length: len }
          pos += len
          break
        }
        default:
          this.fail(`unsupported wire type ${wire} (field ${field})`, at)
      }
    }
  }

  /** Reads a length-delimited field as UTF-8, keeping at most maxStringBytes. */
  async string(f: PbField, max = this.limits.maxStringBytes): Promise<string> {
    if (f.wire !== 2) this.fail(`field ${f.field} should be length-delimited`, f.offset)
    const n = Math.min(f.length, max)
    return n === 0 ? '' : (await this.w.src.read(f.offset, n)).toString('utf8')
  }

  /** Iterates a packed or unpacked repeated varint field's values. */
  async *varints(f: PbField): AsyncGenerator<number> {
    if (f.wire === 0) {
      yield f.value
      return
    }
    if (f.wire !== 2) return
    let pos = f.offset
    const end = f.offset + f.length
    while (pos < end) {
      const [v, p] = await this.varint(pos, end)
      pos = p
      yield v
    }
  }
}
