/**
 * Pickles hidden in pickle arguments without a PROTO header, encoded (base64, hex) or
 * compressed (zlib, gzip), are found by a trial parse and scanned; data that only
 * looks like the start of a pickle is not.
 */
import { createHash, randomBytes } from 'node:crypto'
import { deflateSync, gzipSync } from 'node:zlib'
import { scanPickleBuffer, type PickleScanResult } from '../../src/inspect/pickle/index.js'
import { pb, type PickleBuilder } from './builder.js'

const rules = (r: PickleScanResult) => r.issues.map((i) => `${i.severity}:${i.rule}`)
/** `os.system('id')` with no PROTO: protocol-4 opcodes only (pickle.loads does not need the header). */
const bare = pb().unicode('os').unicode('system').stackGlobal().unicode('id').tuple(1).reduce().stop().build()
const withProto = Buffer.concat([Buffer.from([0x80, 0x04]), bare])
/** PROTO 4, then the argument pushed by `arg`, then STOP. */
const carrier = (arg: (b: PickleBuilder) => PickleBuilder) => arg(pb().proto(4)).stop().build()

describe('nested pickles without a PROTO header, encoded or compressed', () => {
  it.each([
    ['raw bytes (BINBYTES)', carrier((b) => b.bytes(bare)), 'raw', 7],
    ['base64 text', carrier((b) => b.unicode(bare.toString('base64'))), 'base64', 4],
    ['hex text', carrier((b) => b.unicode(bare.toString('hex'), 'bin')), 'hex', 7],
    ['zlib bytes', carrier((b) => b.bytes(deflateSync(withProto))), 'zlib', 7],
    ['gzip bytes', carrier((b) => b.bytes(gzipSync(bare))), 'gzip', 7],
    ['base64 of zlib', carrier((b) => b.unicode(deflateSync(bare).toString('base64'))), 'base64+zlib', 4],
    ['raw bytes with trailing junk (pickle.loads stops at STOP)', carrier((b) => b.bytes(Buffer.concat([bare, Buffer.from('\xff\xfe junk', 'latin1')]))), 'raw', 7]
  ])('finds os.system in %s', (_, data, how, at) => {
    const r = scanPickleBuffer(data)
    expect(r.issues).toEqual([
      {
        rule: 'unsafe-serialization',
        severity: 'error',
        message: `Loading this pickle runs code: an embedded ${how} pickle stored in the argument at byte ${at} imports os.system (at byte ${how === 'zlib' ? 14 : 12} of the embedded pickle), which is dangerous (os: runs shell commands and touches files).`,
        fix: expect.stringMatching(/safetensors/),
        offset: at
      }
    ])
    expect(r.complete).toBe(true)
  })

  it('reports an unvetted import in a bare nested pickle as an error (a second-stage payload)', () => {
    const inner = pb().global('mylib.jobs', 'Job').none().tuple(1).reduce().stop().build()
    expect(rules(scanPickleBuffer(carrier((b) => b.bytes(inner))))).toEqual(['error:unsafe-serialization'])
  })

  it('scans a nested pickle found inside a nested pickle, naming both encodings', () => {
    const mid = pb().proto(4).unicode(bare.toString('base64')).stop().build()
    const r = scanPickleBuffer(carrier((b) => b.bytes(deflateSync(mid))))
    expect(r.issues[0]!.message).toMatch(/^Loading this pickle runs code: an embedded zlib\/base64 pickle stored in the argument at byte 7 imports os\.system/)
  })

  it('does not take data for a pickle: digests, random bytes, prose, source code, header look-alikes', () => {
    const digests = Array.from({ length: 2000 }, (_, i) => createHash('sha256').update(String(i)).digest())
    const b = pb().proto(4).emptyList().mark()
    for (const d of digests) b.unicode(d.toString('hex')).unicode(d.toString('base64'))
    for (let i = 0; i < 200; i++) b.bytes(randomBytes(512))
    b.unicode('class Foo:\n    pass\n.').unicode('cos\nsin\n are trigonometric.').unicode('Some text.\nMore text.')
    // PROTO 2 then EXT1: a junk parse that "imports" an extension code and then fails
    b.unicode('8002820a' + 'ff'.repeat(30)).bytes(Buffer.from([0x80, 0x02, 0x82, 0x01, 0xff, 0xff, 0xff, 0xff]))
    expect(scanPickleBuffer(b.op(0x65).stop().build()).issues).toEqual([])
  })

  it('bounds inflation: a deflate bomb is read only to the cap, and a pickle cut there fails closed', () => {
    const bomb = deflateSync(Buffer.alloc(64 << 20))
    expect(scanPickleBuffer(carrier((b) => b.bytes(bomb))).issues).toEqual([])
    const long = pb().proto(4).bytes(Buffer.alloc(5 << 20), 'bin8').pop().global('os', 'system').stop().build()
    const r = scanPickleBuffer(carrier((b) => b.bytes(deflateSync(long))))
    expect(rules(r)).toEqual(['error:scan-incomplete'])
    expect(r.issues[0]!.message).toBe('An embedded zlib pickle at byte 7 is larger than the bytes kept for inspection (4194304 inflated bytes); only its start was scanned.')
  })

  it('fails closed on a bare nested pickle longer than maxKeep whose kept start parses as opcodes', () => {
    const inner = pb().global('collections', 'OrderedDict').mark()
    for (let i = 0; i < 100; i++) inner.none()
    const r = scanPickleBuffer(carrier((b) => b.bytes(inner.tuple().reduce().stop().build())), { maxKeep: 64 })
    expect(rules(r)).toEqual(['error:scan-incomplete'])
    expect(r.issues[0]!.message).toMatch(/embedded text pickle at byte 7 is larger than the bytes kept for inspection \(limit maxKeep, 64 bytes\)/)
  })

  it('reports a bare pickle beyond maxNestedDepth as not scanned', () => {
    let p = bare
    for (let i = 0; i < 3; i++) p = pb().bytes(p).stop().build()
    expect(rules(scanPickleBuffer(p, { maxNestedDepth: 2 }))).toEqual(['error:scan-incomplete'])
    expect(rules(scanPickleBuffer(p, { maxNestedDepth: 4 }))).toEqual(['error:unsafe-serialization'])
  })
})
