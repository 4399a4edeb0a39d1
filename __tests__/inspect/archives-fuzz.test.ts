/**
 * Property tests for the tar reader and the zip local-header walk: random and mutated
 * archives never make them throw or hang, every issue uses a known rule, and reads stay
 * bounded (no single read beyond the file or a fixed cap; total bytes a small multiple
 * of the file; a bounded number of header reads).
 */
import fc from 'fast-check'
import { gzipSync } from 'node:zlib'
import { RULE_IDS } from '../../src/types.js'
import { walkTar, SourceTarInput, TAR_LIMITS, StreamTarInput } from '../../src/inspect/formats/tar.js'
import { inspectTarOrGzip } from '../../src/inspect/containers/tar-members.js'
import { walkLocalHeaders } from '../../src/inspect/containers/zip-layout.js'
import { scanZipPickles } from '../../src/inspect/containers/zip-members.js'
import { listZip } from '../../src/inspect/formats/zip.js'
import type { InspectResult } from '../../src/inspect/types.js'
import { BufferByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { benignDict, proto0System } from '../pickle/builder.js'
import { craftZip, makeTar } from './archive-fixtures.js'

/** Counts reads (calls, largest request, total bytes) and streamed bytes. */
class Counting implements ByteSource {
  reads = 0
  maxRequest = 0
  totalRead = 0
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size
  }
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads++
    this.maxRequest = Math.max(this.maxRequest, length)
    const b = await this.inner.read(offset, length)
    this.totalRead += b.length
    return b
  }
  async *stream(start?: number, end?: number): AsyncIterable<Buffer> {
    for await (const c of this.inner.stream(start, end)) {
      this.totalRead += c.length
      yield c
    }
  }
}

const mutate = (seed: Buffer) =>
  fc.oneof(
    fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const b = Buffer.from(seed)
      for (const [i, v] of edits) b[i] = v
      return b
    }),
    fc.nat(seed.length).map((n) => seed.subarray(0, n)),
    // Octal text or little-endian numbers where sizes and offsets live.
    fc.tuple(fc.nat(Math.max(0, seed.length - 12)), fc.constantFrom('77777777777', '00000001000', '7777777', '\x80\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00')).map(([i, v]) => {
      const b = Buffer.from(seed)
      b.write(v, i, 'latin1')
      return b
    }),
    fc.tuple(fc.nat(Math.max(0, seed.length - 4)), fc.constantFrom(0xffffffff, 0x7fffffff, 0x04034b50, 0x02014b50, 0x08074b50, 1e9)).map(([i, v]) => {
      const b = Buffer.from(seed)
      if (i + 4 <= b.length) b.writeUInt32LE(v >>> 0, i)
      return b
    })
  )

function checkResult(r: InspectResult): void {
  for (const i of r.issues) {
    expect(RULE_IDS).toContain(i.rule)
    expect(['error', 'warning', 'note']).toContain(i.severity)
    expect(i.message.length).toBeLessThan(4000)
  }
  for (const v of Object.values(r.facts)) expect(['string', 'number', 'boolean']).toContain(typeof v)
}

const tarSeed = makeTar([
  { name: 'm/config.json', data: Buffer.from('{"a":1}') },
  { name: `${'long/'.repeat(30)}w.pkl`, data: benignDict(), gnuLongName: true },
  { name: 'p', data: proto0System(), pax: { path: 'pax/evil.pkl', mtime: '1.5' } },
  { name: 'l', type: '2', linkname: '../x' },
  { name: 'd/', type: '5' }
])
const zipSeed = craftZip([
  { name: 'archive/data.pkl', data: benignDict(), flags: 0x808 },
  { name: 'archive/hidden.pkl', data: proto0System(), hidden: true },
  { name: 'archive/data/0', data: Buffer.alloc(40, 1), flags: 0x808, deflate: true },
  { name: 'archive/version', data: Buffer.from('3\n') }
])

describe('fuzz tar', () => {
  it('walkTar terminates with at most one entry per 512 bytes and no read past a fixed cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 4096 }).map((u) => Buffer.from(u)), mutate(tarSeed)), async (bytes) => {
        const s = new Counting(new BufferByteSource(bytes))
        let entries = 0
        try {
          for await (const e of walkTar(new SourceTarInput(s))) {
            entries++
            expect(e.size).toBeGreaterThanOrEqual(0)
            expect(e.dataOffset).toBeGreaterThan(e.headerOffset)
          }
        } catch (err) {
          expect((err as Error).constructor.name).toBe('FormatError')
        }
        expect(entries).toBeLessThanOrEqual(Math.ceil(bytes.length / 512))
        expect(s.maxRequest).toBeLessThanOrEqual(Math.max(bytes.length, TAR_LIMITS.maxMetaBytes))
        expect(s.reads).toBeLessThanOrEqual(2 * Math.ceil(bytes.length / 512) + 2)
      }),
      { numRuns: 400 }
    )
  })

  it('the stream reader gives the same entries as random access', async () => {
    await fc.assert(
      fc.asyncProperty(mutate(tarSeed), async (bytes) => {
        const collect = async (input: SourceTarInput | StreamTarInput) => {
          const out: string[] = []
          try {
            for await (const e of walkTar(input)) out.push(`${e.name}|${e.type}|${e.size}|${e.dataOffset}`)
          } catch (err) {
            out.push(`error ${(err as Error).message}`)
          }
          return out
        }
        const chunks = async function* () {
          for (let i = 0; i < bytes.length; i += 700) yield bytes.subarray(i, i + 700)
        }
        expect(await collect(new StreamTarInput(chunks()))).toEqual(await collect(new SourceTarInput(new BufferByteSource(bytes))))
      }),
      { numRuns: 200 }
    )
  })

  it('inspectTarOrGzip never throws on random, mutated tar and mutated tar.gz input, and reads a bounded amount', async () => {
    const gzSeed = gzipSync(tarSeed)
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 4096 }).map((u) => Buffer.from(u)), mutate(tarSeed), mutate(gzSeed)), async (bytes) => {
        const s = new Counting(new BufferByteSource(bytes))
        const r = await inspectTarOrGzip(s)
        checkResult(r)
        expect(s.maxRequest).toBeLessThanOrEqual(Math.max(bytes.length, TAR_LIMITS.maxMetaBytes))
        expect(s.totalRead).toBeLessThanOrEqual(4 * bytes.length + 4096)
      }),
      { numRuns: 400 }
    )
  })

  it('the seed parses: its escaping symlink and its os.system pickle are the only findings', async () => {
    const r = await inspectTarOrGzip(new BufferByteSource(tarSeed))
    expect(r.issues.map((i) => i.rule)).toEqual(['unsafe-serialization', 'unsafe-serialization'])
    expect(r.facts.tar_members).toBe(5)
  })
})

describe('fuzz zip local-header walk', () => {
  it('never throws, finds at most one member per 30 bytes, and reads headers only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutate(zipSeed), fc.uint8Array({ maxLength: 2048 }).map((u) => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from(u)]))), async (bytes) => {
        const s = new Counting(new BufferByteSource(bytes))
        let listing = null
        try {
          listing = await listZip(s)
        } catch {
          listing = null
        }
        const before = s.reads
        const layout = await walkLocalHeaders(s, listing, 'zip archive')
        listing?.zip.close()
        expect(layout.locals.length).toBeLessThanOrEqual(Math.ceil(bytes.length / 30))
        // Per member: fixed header, name + extra, one descriptor probe; plus the end record and a few signature probes.
        expect(s.reads - before).toBeLessThanOrEqual(3 * layout.locals.length + 6)
        expect(s.maxRequest).toBeLessThanOrEqual(Math.max(bytes.length, 22 + 20 + 0xffff, 2 * 0xffff))
        for (const i of layout.issues) expect(RULE_IDS).toContain(i.rule)
      }),
      { numRuns: 400 }
    )
  })

  it('scanZipPickles never throws on mutated archives', async () => {
    await fc.assert(
      fc.asyncProperty(mutate(zipSeed), async (bytes) => {
        checkResult(await scanZipPickles(new BufferByteSource(bytes), { kind: 'PyTorch archive', framework: 'torch' }))
      }),
      { numRuns: 300 }
    )
  })
})
