// Generators for the benchmark's large inputs. Written in streaming fashion: nothing here
// holds more than a few MiB in memory, whatever the size asked for.
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'

const BLOCK = randomBytes(1 << 20)

function writeRepeated(fd: number, bytes: number): number {
  let crc = 0
  for (let left = bytes; left > 0; left -= BLOCK.length) {
    const chunk = left >= BLOCK.length ? BLOCK : BLOCK.subarray(0, left)
    writeSync(fd, chunk)
    crc = crc32(chunk, crc)
  }
  return crc
}

function fresh(file: string, size: number | null): boolean {
  mkdirSync(path.dirname(file), { recursive: true })
  return !(existsSync(file) && (size === null || statSync(file).size === size))
}

/** A safetensors file: 8-byte header length, a one-tensor JSON header, then the data. */
export function safetensorsFile(file: string, size: number): void {
  if (!fresh(file, size)) return
  const json = (n: number) => Buffer.from(JSON.stringify({ weight: { dtype: 'U8', shape: [n], data_offsets: [0, n] } }))
  const headerLen = json(size).length + 16
  const dataLen = size - 8 - headerLen
  const header = Buffer.concat([json(dataLen)])
  const padded = Buffer.concat([header, Buffer.alloc(headerLen - header.length, 0x20)])
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(padded.length))
  const fd = openSync(file, 'w')
  writeSync(fd, Buffer.concat([len, padded]))
  writeRepeated(fd, dataLen)
  closeSync(fd)
}

/** One pickle holding a single huge bytes object (BINBYTES8): the scanner must skip it at disk speed. */
export function bulkPickle(file: string, size: number): void {
  if (!fresh(file, size)) return
  const dataLen = size - 2 - 9 - 1
  const head = Buffer.alloc(11)
  head.writeUInt8(0x80, 0)
  head.writeUInt8(4, 1)
  head.writeUInt8(0x8e, 2) // BINBYTES8
  head.writeBigUInt64LE(BigInt(dataLen), 3)
  const fd = openSync(file, 'w')
  writeSync(fd, head)
  writeRepeated(fd, dataLen)
  writeSync(fd, Buffer.from('.'))
  closeSync(fd)
}

/** `pickle.dumps([0.5] * n, protocol=4)`-shaped: n BINFLOAT opcodes in APPENDS batches of 1000. */
export function denseFloatPickle(file: string, floats: number): void {
  if (!fresh(file, null)) return
  const fd = openSync(file, 'w')
  writeSync(fd, Buffer.from([0x80, 0x04, 0x5d])) // PROTO 4, EMPTY_LIST
  const one = Buffer.from([0x47, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0]) // BINFLOAT 0.5
  for (let done = 0; done < floats; ) {
    const n = Math.min(1000, floats - done)
    const batch = Buffer.alloc(1 + n * 9 + 1)
    batch[0] = 0x28 // MARK
    for (let i = 0; i < n; i++) one.copy(batch, 1 + i * 9)
    batch[batch.length - 1] = 0x65 // APPENDS
    writeSync(fd, batch)
    done += n
  }
  writeSync(fd, Buffer.from('.'))
  closeSync(fd)
}

/** A torch.save zip (stored): archive/data.pkl, archive/version, and one large raw storage. */
export function torchZip(file: string, storageBytes: number): void {
  if (!fresh(file, null)) return
  const pkl = Buffer.from([0x80, 0x02, 0x7d, 0x2e])
  const members: { name: string; size: number; crc: number; offset: number }[] = []
  const fd = openSync(file, 'w')
  let offset = 0
  const local = (name: string, size: number, write: () => number) => {
    const n = Buffer.from(name)
    const h = Buffer.alloc(30)
    h.writeUInt32LE(0x04034b50, 0)
    h.writeUInt16LE(20, 4)
    h.writeUInt32LE(size, 18)
    h.writeUInt32LE(size, 22)
    h.writeUInt16LE(n.length, 26)
    const at = offset
    writeSync(fd, h)
    writeSync(fd, n)
    const crc = write()
    members.push({ name, size, crc, offset: at })
    offset += 30 + n.length + size
    return crc
  }
  local('archive/data.pkl', pkl.length, () => (writeSync(fd, pkl), crc32(pkl)))
  local('archive/version', 2, () => (writeSync(fd, Buffer.from('3\n')), crc32(Buffer.from('3\n'))))
  local('archive/data/0', storageBytes, () => writeRepeated(fd, storageBytes))
  // CRCs are only known after the data: torch ignores them, but write them into the central directory.
  const cdStart = offset
  let cdLen = 0
  for (const m of members) {
    const n = Buffer.from(m.name)
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(20, 4)
    c.writeUInt16LE(20, 6)
    c.writeUInt32LE(m.crc >>> 0, 16)
    c.writeUInt32LE(m.size, 20)
    c.writeUInt32LE(m.size, 24)
    c.writeUInt16LE(n.length, 28)
    c.writeUInt32LE(m.offset, 42)
    writeSync(fd, c)
    writeSync(fd, n)
    cdLen += 46 + n.length
  }
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(members.length, 8)
  end.writeUInt16LE(members.length, 10)
  end.writeUInt32LE(cdLen, 12)
  end.writeUInt32LE(cdStart, 16)
  writeSync(fd, end)
  closeSync(fd)
}
