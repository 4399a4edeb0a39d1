import { FormatError } from '../formats/common.js'

/**
 * Bounds-checked reads of one flatbuffer held in memory (an Arrow footer or message
 * header, a Feather v1 metadata block). Every offset a hostile file supplies is checked
 * against the buffer before use, and a bad one stops the parse with a FormatError that
 * says where; nothing here recurses, so a cyclic or deep buffer cannot run away.
 */
export class FlatBuffer {
  constructor(
    readonly buf: Buffer,
    /** What the buffer is, for messages: "Arrow footer", "Arrow message 3". */
    readonly what: string,
    readonly fix: string,
    /** File offset of the buffer, so messages point into the file. */
    readonly fileOffset = 0
  ) {}

  /** The root table. */
  root(): number {
    return this.indirect(0, 'root table offset')
  }

  /** Absolute position of field `idx` of the table at `table`, or null when absent. */
  field(table: number, idx: number): number | null {
    const vtable = table - this.i32(table, 'table vtable offset')
    const size = this.u16(vtable, 'vtable size')
    if (size < 4 || size % 2 !== 0) throw this.error(`its vtable at offset ${vtable} has an invalid size of ${size} bytes`, vtable)
    if (4 + 2 * idx >= size) return null
    const off = this.u16(vtable + 4 + 2 * idx, 'vtable entry')
    return off === 0 ? null : table + off
  }

  u8Field(table: number, idx: number, fallback: number): number {
    const f = this.field(table, idx)
    return f === null ? fallback : this.u8(f, 'field')
  }

  i16Field(table: number, idx: number, fallback: number): number {
    const f = this.field(table, idx)
    return f === null ? fallback : this.i16(f, 'field')
  }

  i32Field(table: number, idx: number, fallback: number): number {
    const f = this.field(table, idx)
    return f === null ? fallback : this.i32(f, 'field')
  }

  i64Field(table: number, idx: number, fallback: bigint): bigint {
    const f = this.field(table, idx)
    return f === null ? fallback : this.i64(f, 'field')
  }

  boolField(table: number, idx: number, fallback: boolean): boolean {
    const f = this.field(table, idx)
    return f === null ? fallback : this.u8(f, 'field') !== 0
  }

  /** The table (or union member) a field points to, or null when absent. */
  tableField(table: number, idx: number): number | null {
    const f = this.field(table, idx)
    return f === null ? null : this.indirect(f, 'table offset')
  }

  /** A string field, cut at `max` characters; null when absent. */
  stringField(table: number, idx: number, max = 256): string | null {
    const f = this.field(table, idx)
    if (f === null) return null
    const s = this.indirect(f, 'string offset')
    const n = this.u32(s, 'string length')
    this.check(s + 4, n, 'string')
    return this.buf.toString('utf8', s + 4, s + 4 + Math.min(n, max * 4)).slice(0, max)
  }

  /** A vector field of `elemSize`-byte elements: its first element's position and its length. */
  vectorField(table: number, idx: number, elemSize: number): { start: number; length: number } | null {
    const f = this.field(table, idx)
    if (f === null) return null
    const v = this.indirect(f, 'vector offset')
    const length = this.u32(v, 'vector length')
    if (length * elemSize > this.buf.length - v - 4) throw this.error(`a vector at offset ${v} claims ${length} elements, more than the buffer holds`, v)
    return { start: v + 4, length }
  }

  /** Element `i` of a vector of tables. */
  tableAt(vector: { start: number }, i: number): number {
    return this.indirect(vector.start + 4 * i, 'vector element offset')
  }

  u8(pos: number, what: string): number {
    this.check(pos, 1, what)
    return this.buf.readUInt8(pos)
  }
  u16(pos: number, what: string): number {
    this.check(pos, 2, what)
    return this.buf.readUInt16LE(pos)
  }
  i16(pos: number, what: string): number {
    this.check(pos, 2, what)
    return this.buf.readInt16LE(pos)
  }
  i32(pos: number, what: string): number {
    this.check(pos, 4, what)
    return this.buf.readInt32LE(pos)
  }
  u32(pos: number, what: string): number {
    this.check(pos, 4, what)
    return this.buf.readUInt32LE(pos)
  }
  i64(pos: number, what: string): bigint {
    this.check(pos, 8, what)
    return this.buf.readBigInt64LE(pos)
  }

  error(detail: string, pos: number): FormatError {
    return new FormatError(`Malformed ${this.what}: ${detail}.`, this.fix, this.fileOffset + Math.max(0, Math.min(pos, this.buf.length)))
  }

  /** Follows the uoffset stored at `pos`. */
  private indirect(pos: number, what: string): number {
    const target = pos + this.u32(pos, what)
    if (target >= this.buf.length) throw this.error(`the ${what} at offset ${pos} points to ${target}, outside the ${this.buf.length}-byte buffer`, pos)
    return target
  }

  private check(pos: number, n: number, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || pos + n > this.buf.length) {
      throw this.error(`the ${what} at offset ${pos} lies outside the ${this.buf.length}-byte buffer`, pos)
    }
  }
}
