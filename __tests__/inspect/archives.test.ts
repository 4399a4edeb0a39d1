/**
 * Zip tampering (central directory vs local file headers, data outside members) and
 * tar / tar.gz / gzip archives: identification and member inspection, on archives
 * written byte by byte in __tests__/inspect/archive-fixtures.ts.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { identify } from '../../src/identify/identify.js'
import { scanZipPickles } from '../../src/inspect/containers/zip-members.js'
import { findEndRecord, walkLocalHeaders } from '../../src/inspect/containers/zip-layout.js'
import { ARCHIVE_LIMITS, inspectTarOrGzip } from '../../src/inspect/containers/tar-members.js'
import { listZip } from '../../src/inspect/formats/zip.js'
import { INSPECTORS } from '../../src/inspect/registry.js'
import type { InspectResult } from '../../src/inspect/types.js'
import { BufferByteSource, FileByteSource, type ByteSource } from '../../src/util/byte-source.js'
import { benignDict, proto0System } from '../pickle/builder.js'
import { CountingSource } from '../formats/fixtures/bytes.js'
import { SHARED } from '../support/shared.js'
import { craftZip, makeTar, type CraftEntry } from './archive-fixtures.js'

const evil = proto0System()
const evil2 = Buffer.concat([Buffer.from([0x80, 0x02]), proto0System()])
const SYSTEM = 'Loading this pickle runs code: GLOBAL at byte 0 imports os.system, which is dangerous (os: runs shell commands and touches files).'
const SYSTEM2 = 'Loading this pickle runs code: GLOBAL at byte 2 imports os.system, which is dangerous (os: runs shell commands and touches files).'
const TAIL = "Readers of the central directory (PyTorch, Python's zipfile, most scanners) and of the local file headers (streaming extractors) would see different content, which is how payloads are hidden from scanners."
const src = (b: Buffer) => new BufferByteSource(b)
const lines = (r: InspectResult) => r.issues.map((i) => `${i.severity}:${i.rule}: ${i.message}`)
const TORCH = { kind: 'PyTorch archive', framework: 'torch', skip: (n: string) => /(^|\/)data\/\d+$/.test(n) }

/** A torch-shaped zip as torch writes it: bit 3 (sizes in data descriptors) and bit 11 on every member. */
function torchZip(extra: CraftEntry[] = [], o: Parameters<typeof craftZip>[1] = {}): Buffer {
  return craftZip(
    [
      { name: 'archive/data.pkl', data: benignDict(), flags: 0x808 },
      ...extra,
      { name: 'archive/data/0', data: Buffer.alloc(64, 7), flags: 0x808 },
      { name: 'archive/version', data: Buffer.from('3\n'), flags: 0x808 }
    ],
    o
  )
}

describe('zip: central directory vs local file headers', () => {
  it('a torch-style zip with data descriptors, and a deflated generic zip, are clean', async () => {
    expect(lines(await scanZipPickles(src(torchZip()), TORCH))).toEqual([])
    const generic = craftZip([{ name: 'a.txt', data: Buffer.from('hello'.repeat(50)), deflate: true }, { name: 'b/c.pkl', data: benignDict(), deflate: true }])
    const r = await scanZipPickles(src(generic), { kind: 'zip archive' })
    expect(lines(r)).toEqual([])
    expect(r.facts).toEqual({ zip_members: 2, pickle_members: 1 })
  })

  it('a member hidden from the central directory is reported and its pickle scanned', async () => {
    const r = await scanZipPickles(src(torchZip([{ name: 'archive/extra.pkl', data: evil, hidden: true }])), TORCH)
    expect(lines(r)).toEqual([
      `error:unsafe-serialization: PyTorch archive: archive tampering: tools disagree on what is inside: local member "archive/extra.pkl" at offset 100 is in no central directory entry (hidden from central-directory readers). ${TAIL}`,
      `error:unsafe-serialization: hidden member "archive/extra.pkl": ${SYSTEM}`
    ])
    expect(r.pickleMembers).toEqual(['archive/data.pkl', 'archive/extra.pkl'])
  })

  it('a hidden deflated member is inflated and scanned', async () => {
    const r = await scanZipPickles(src(craftZip([{ name: 'a.txt', data: Buffer.from('x') }, { name: 'payload', data: evil2, deflate: true, hidden: true }])), { kind: 'zip archive' })
    expect(lines(r)).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: local member "payload" at offset 36 is in no central directory entry (hidden from central-directory readers). ${TAIL}`,
      `error:unsafe-serialization: hidden member "payload": ${SYSTEM2}`
    ])
  })

  it('a name that differs between the tables is reported, and a pickle behind a storage name is scanned', async () => {
    const z = craftZip([{ name: 'archive/data.pkl', data: benignDict() }, { name: 'archive/data/0', localName: 'archive/data.pkl', data: evil }])
    expect(lines(await scanZipPickles(src(z), TORCH))).toEqual([
      `error:unsafe-serialization: PyTorch archive: archive tampering: tools disagree on what is inside: the member at offset 84 is "archive/data/0" in the central directory but "archive/data.pkl" in its local header. ${TAIL}`,
      `error:unsafe-serialization: member "archive/data.pkl" as its local header describes it: ${SYSTEM}`
    ])
  })

  it('sizes that differ between the tables are reported (the local view scanned)', async () => {
    const z = craftZip([{ name: 'w.pkl', data: Buffer.concat([benignDict(), evil]), localSizes: [benignDict().length, benignDict().length] }])
    const r = await scanZipPickles(src(z), { kind: 'zip archive' })
    expect(lines(r)[0]).toBe(
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: member "w.pkl" at offset 0 is ${benignDict().length + evil.length}/${benignDict().length + evil.length} bytes (compressed/uncompressed) in the central directory but ${benignDict().length}/${benignDict().length} in its local header; ${evil.length} bytes at offset ${35 + benignDict().length}, where the next local file header or the central directory should be, belong to no member. ${TAIL}`
    )
    // The central directory's view holds the evil second pickle; it is found either way.
    expect(lines(r).filter((l) => l.includes('os.system'))).toHaveLength(1)
  })

  it('a central directory entry pointing into another member (overlap) is reported', async () => {
    const z = craftZip([{ name: 'a.bin', data: Buffer.alloc(100) }, { name: 'b.bin', data: Buffer.alloc(10), pointAt: 40 }])
    expect(lines(await scanZipPickles(src(z), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: central directory member "b.bin" points to offset 40, where the sequential walk found no local header (inside another member's data, or nowhere). ${TAIL}`,
      'error:unparseable-artifact: zip archive: member "b.bin" cannot be opened (invalid local file header signature: 0x0).'
    ])
  })

  it('two central directory entries sharing one local header are reported', async () => {
    const z = craftZip([{ name: 'a.bin', data: Buffer.alloc(10) }, { name: 'b.bin', data: Buffer.alloc(10), pointAt: 0 }])
    expect(lines(await scanZipPickles(src(z), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: 2 central directory entries ("a.bin", "b.bin") share the local header at offset 0 (overlapping members). ${TAIL}`
    ])
  })

  it('prepended data, data before and after the central directory, and a pickle in the comment are reported', async () => {
    const entries: CraftEntry[] = [{ name: 'a.txt', data: Buffer.from('x') }]
    expect(lines(await scanZipPickles(src(craftZip(entries, { prepend: Buffer.from('#!/bin/sh\nexit 0\n') })), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: 17 bytes before the first member are not a local file header (prepended data or a polyglot file). ${TAIL}`
    ])
    expect(lines(await scanZipPickles(src(craftZip(entries, { beforeCd: Buffer.from('SMUGGLED') })), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: 8 bytes at offset 36, where the next local file header or the central directory should be, belong to no member. ${TAIL}`
    ])
    expect(lines(await scanZipPickles(src(craftZip(entries, { afterCd: Buffer.from('SMUGGLED') })), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: 8 bytes between the central directory and its end record belong to no member. ${TAIL}`
    ])
    expect(lines(await scanZipPickles(src(craftZip(entries, { comment: evil2 })), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: the archive comment (${evil2.length} bytes) holds a pickle (a polyglot payload). ${TAIL}`
    ])
    expect(lines(await scanZipPickles(src(craftZip(entries, { comment: Buffer.from('made by zip 3.0') })), { kind: 'zip archive' }))).toEqual([])
  })

  it('appended data: unparseable, reported as tampering, and pickles the local headers reach are still scanned', async () => {
    const r = await scanZipPickles(src(craftZip([{ name: 'a.pkl', data: evil }], { append: Buffer.from('junk!') })), TORCH)
    expect(lines(r)).toEqual([
      'error:unparseable-artifact: PyTorch archive: Not a readable zip archive (Invalid comment length. Expected: 5. Found: 0. Are there extra bytes at the end of the file? Or is the end of central di…).',
      `error:unsafe-serialization: PyTorch archive: archive tampering: tools disagree on what is inside: 5 bytes follow the end-of-central-directory record (an appended payload or a polyglot file: Python's zipfile ignores them, stricter readers refuse the archive). ${TAIL}`,
      `error:unsafe-serialization: member "a.pkl" (found from its local header): ${SYSTEM}`
    ])
    // Bit-3 members without a readable directory have no known size: not guessed at.
    const torch = await scanZipPickles(src(torchZip([], { append: Buffer.from('junk!') })), TORCH)
    expect(torch.issues.map((i) => i.rule)).toEqual(['unparseable-artifact', 'unsafe-serialization'])
  })

  it('a hidden bit-3 member stops the walk with a finding', async () => {
    const z = craftZip([{ name: 'a.txt', data: Buffer.from('x') }, { name: 'h.pkl', data: evil, flags: 8, hidden: true }])
    expect(lines(await scanZipPickles(src(z), { kind: 'zip archive' }))).toEqual([
      `error:unsafe-serialization: zip archive: archive tampering: tools disagree on what is inside: local member "h.pkl" at offset 36 is in no central directory entry and keeps its size behind its data, so nothing after it could be checked. ${TAIL}`
    ])
  })

  it('the walk reads headers only: a 16 MiB stored member costs a few KiB', async () => {
    const z = torchZip([{ name: 'archive/data/1', data: Buffer.alloc(16 << 20), flags: 0x808 }])
    const s = new CountingSource(src(z))
    const listing = await listZip(s)
    const before = s.totalRead
    const layout = await walkLocalHeaders(s, listing, 'PyTorch archive')
    listing.zip.close()
    expect(layout.issues).toEqual([])
    expect(layout.complete).toBe(true)
    expect(layout.locals.map((l) => l.name)).toEqual(['archive/data.pkl', 'archive/data/1', 'archive/data/0', 'archive/version'])
    expect(s.totalRead - before).toBeLessThan(66_000 + 2 * 4 * 4096) // end record search + 4 KiB windows for 4 headers and descriptor probes
  })

  it('finds the end record and trailing bytes', async () => {
    const z = craftZip([{ name: 'a', data: Buffer.from('x') }], { comment: Buffer.from('hi'), append: Buffer.from('zz') })
    expect(await findEndRecord(src(z))).toMatchObject({ cdOffset: 32, cdSize: 47, comment: Buffer.from('hi'), trailing: 2 })
    expect(await findEndRecord(src(Buffer.from('not a zip')))).toBeNull()
  })
})

describe('zip tampering: real files stay clean', () => {
  const out = path.join(SHARED, 'real-models', 'out')
  it.each(['full_model.pt', 'linear_state_dict.pt', 'pytorch_model.bin', 'checkpoint.pth.tar', 'torchscript_model.pt'])('%s', async (name) => {
    const f = await FileByteSource.open(path.join(out, name))
    try {
      const id = await identify(name, f)
      expect(id?.issues).toEqual([])
      const r = await INSPECTORS[id!.format]!(f, { path: name, facts: id!.facts })
      expect(r.issues.filter((i) => i.severity === 'error' || /tamper|traversal/.test(i.message))).toEqual([])
      const listing = await listZip(f)
      const layout = await walkLocalHeaders(f, listing, 'zip')
      listing.zip.close()
      expect(layout).toMatchObject({ issues: [], complete: true })
      expect(layout.locals.length).toBe(listing.members.length)
    } finally {
      await f.close()
    }
  })
})

describe('tar', () => {
  it('a clean tar: members counted, pickles scanned, nothing reported', async () => {
    const t = makeTar([{ name: 'm/config.json', data: Buffer.from('{}') }, { name: 'm/', type: '5' }, { name: 'm/state.pkl', data: benignDict() }, { name: 'm/link', type: '2', linkname: 'state.pkl' }])
    const r = await inspectTarOrGzip(src(t))
    expect(lines(r)).toEqual([])
    expect(r.facts).toEqual({ tar_members: 4, pickle_members: 1 })
  })

  it('pickle members are scanned whatever their name; traversal and links that leave are reported', async () => {
    const t = makeTar([
      { name: 'x/a.pkl', data: evil },
      { name: 'shard/000.cls', data: evil2 },
      { name: '../../etc/cron.d/evil', data: Buffer.from('hi') },
      { name: 'l', type: '2', linkname: '/etc/passwd' },
      { name: 'd/up', type: '2', linkname: '../../x' },
      { name: 'd/ok', type: '2', linkname: '../x' },
      { name: 'h', type: '1', linkname: '../h' }
    ])
    const r = await inspectTarOrGzip(src(t))
    expect(lines(r)).toEqual([
      `error:unsafe-serialization: tar archive member "x/a.pkl": ${SYSTEM}`,
      `error:unsafe-serialization: tar archive member "shard/000.cls": ${SYSTEM2}`,
      'error:unsafe-serialization: tar archive: archive path traversal: member "../../etc/cron.d/evil" climbs out of the model directory with `..`; extracting the archive writes outside the target directory.',
      'error:unsafe-serialization: tar archive: archive path traversal: symlink "l" points to "/etc/passwd", which is an absolute path; extracting it (or writing through it) reaches files outside the target directory.',
      'error:unsafe-serialization: tar archive: archive path traversal: symlink "d/up" points to "../../x", which climbs out of the model directory with `..`; extracting it (or writing through it) reaches files outside the target directory.',
      'error:unsafe-serialization: tar archive: archive path traversal: hard link "h" points to "../h", which climbs out of the model directory with `..`; extracting it (or writing through it) reaches files outside the target directory.'
    ])
    expect(r.facts).toEqual({ tar_members: 7, pickle_members: 2, pickle_globals: 'os.system' })
  })

  it('GNU long names and pax paths are the names checked; pax size decides where data ends', async () => {
    const long = `${'d/'.repeat(50)}${'../'.repeat(51)}evil.pkl`
    const t = makeTar([
      { name: long, data: evil, gnuLongName: true },
      { name: 'short', data: Buffer.from('x'), pax: { path: '/abs/evil' } },
      { name: 'sized', data: evil, pax: { size: String(evil.length) } }
    ])
    const r = await inspectTarOrGzip(src(t))
    expect(lines(r)).toEqual([
      `error:unsafe-serialization: tar archive: archive path traversal: member "${long.slice(0, 120)}…" climbs out of the model directory with \`..\`; extracting the archive writes outside the target directory.`,
      `error:unsafe-serialization: tar archive member "${long}": ${SYSTEM}`,
      'error:unsafe-serialization: tar archive: archive path traversal: member "/abs/evil" is an absolute path; extracting the archive writes outside the target directory.',
      `error:unsafe-serialization: tar archive member "sized": ${SYSTEM}`
    ])
  })

  it('tar.gz: members streamed through gunzip; a torch zip inside is opened, hidden members and all', async () => {
    const inner = torchZip([{ name: 'archive/extra.pkl', data: evil, hidden: true }])
    const t = gzipSync(makeTar([{ name: 'model/model.pth', data: inner }, { name: 'model/w.bin', data: evil }, { name: 'model/x.pkl.gz', data: gzipSync(evil2) }]))
    const r = await inspectTarOrGzip(src(t))
    const kind = 'gzip-compressed tar archive member "model/model.pth" (zip)'
    expect(lines(r)).toEqual([
      `error:unsafe-serialization: ${kind}: archive tampering: tools disagree on what is inside: local member "archive/extra.pkl" at offset 100 is in no central directory entry (hidden from central-directory readers). ${TAIL}`,
      `error:unsafe-serialization: ${kind}: hidden member "archive/extra.pkl": ${SYSTEM}`,
      `error:unsafe-serialization: gzip-compressed tar archive member "model/w.bin": ${SYSTEM}`,
      `error:unsafe-serialization: gzip-compressed tar archive member "model/x.pkl.gz" (gzip) decompressed content: ${SYSTEM2}`
    ])
    expect(r.facts).toEqual({ compression: 'gzip', tar_members: 3, pickle_members: 4, pickle_globals: 'os.system' })
    // The same archive uncompressed: the zip is opened in place.
    const plain = await inspectTarOrGzip(src(makeTar([{ name: 'model/model.pth', data: inner }])))
    expect(lines(plain)[1]).toBe(`error:unsafe-serialization: tar archive member "model/model.pth" (zip): hidden member "archive/extra.pkl": ${SYSTEM}`)
  })

  it('a gzip file (not a tar) holding a pickle is scanned', async () => {
    const r = await inspectTarOrGzip(src(gzipSync(evil2)))
    expect(lines(r)).toEqual([`error:unsafe-serialization: gzip file decompressed content: ${SYSTEM2}`])
    expect(r.facts).toEqual({ compression: 'gzip', pickle_members: 1, pickle_globals: 'os.system' })
  })

  it('caps: members, total size, decompression bomb, decompressed size', async () => {
    const t = makeTar([1, 2, 3, 4].map((i) => ({ name: `f${i}`, data: Buffer.alloc(600) })))
    expect(lines(await inspectTarOrGzip(src(t), { ...ARCHIVE_LIMITS, maxMembers: 3 }))).toEqual([
      'error:scan-incomplete: tar archive has more than 3 members; only the first 3 were inspected.'
    ])
    expect(lines(await inspectTarOrGzip(src(t), { ...ARCHIVE_LIMITS, maxTotalBytes: 1000 }))).toEqual([
      'error:scan-incomplete: tar archive holds more than 1000 bytes of members; the ones from "f2" on were not inspected.'
    ])
    const bomb = gzipSync(makeTar([{ name: 'zeros', data: Buffer.alloc(4 << 20) }]))
    const b = await inspectTarOrGzip(src(bomb), { ...ARCHIVE_LIMITS, bombBytes: 1 << 20, bombRatio: 100 })
    expect(b.issues).toEqual([expect.objectContaining({ rule: 'unparseable-artifact', severity: 'error', message: expect.stringMatching(/^gzip-compressed tar archive: The gzip stream inflates to over \d+ bytes from \d+ \(ratio over 100\): a decompression bomb\.$/) })])
    const big = await inspectTarOrGzip(src(bomb), { ...ARCHIVE_LIMITS, maxDecompressedBytes: 1 << 20 })
    expect(lines(big)).toEqual(['error:scan-incomplete: gzip-compressed tar archive: The gzip stream inflates to more than 1048576 bytes; the rest was not scanned.'])
  })

  it('fails closed on a bad checksum, truncation and a corrupt gzip stream', async () => {
    expect(lines(await inspectTarOrGzip(src(makeTar([{ name: 'a', data: Buffer.from('x') }, { name: 'b', data: evil, badChecksum: true }]))))).toEqual([
      'error:unparseable-artifact: tar archive: tar header at offset 1024 has a bad checksum (corrupt, or not a tar archive).'
    ])
    const t = makeTar([{ name: 'a.bin', data: Buffer.alloc(2000) }])
    expect(lines(await inspectTarOrGzip(src(t.subarray(0, 1500))))).toEqual([
      'error:unparseable-artifact: tar archive: tar member "a.bin" is truncated: 2000 bytes of data declared at offset 512.'
    ])
    const gz = gzipSync(t)
    const r = await inspectTarOrGzip(src(gz.subarray(0, gz.length - 12)))
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unparseable-artifact', message: 'gzip file cannot be read to the end (unexpected end of file); its members are not all scanned.' })])
  })

  it('content after the end-of-archive marker, link headers that declare data, and sparse members are reported', async () => {
    const after = Buffer.concat([Buffer.alloc(512), makeTar([{ name: 'late.pkl', data: evil }])])
    const r = await inspectTarOrGzip(src(makeTar([{ name: 'a', data: Buffer.from('x') }], after)))
    expect(lines(r)).toEqual([
      'error:unsafe-serialization: tar archive: archive tampering: tools disagree on what is inside: 2048 bytes after the end-of-archive marker at offset 1024 are not padding (tarfile and tar stop at the marker; tar --ignore-zeros and other readers go on). Content some extractors see and others skip is how payloads are hidden from scanners.'
    ])
    const gz = await inspectTarOrGzip(src(gzipSync(makeTar([{ name: 'a', data: Buffer.from('x') }], after))))
    expect(lines(gz)[0]).toMatch(/^error:unsafe-serialization: gzip-compressed tar archive: archive tampering: tools disagree on what is inside: data at decompressed offset 1536, after the end-of-archive marker at 1024, is not padding/)
    const link = await inspectTarOrGzip(src(makeTar([{ name: 'l', type: '2', linkname: 'a', size: 512 }])))
    expect(lines(link)[0]).toMatch(/^error:unsafe-serialization: tar archive: archive tampering: tools disagree on what is inside: symlink "l" at offset 0 declares 512 bytes of data/)
    const sparse = await inspectTarOrGzip(src(makeTar([{ name: 's.pkl', type: 'S', data: evil }])))
    expect(lines(sparse)).toEqual(['error:scan-incomplete: tar archive member "s.pkl" is a sparse file, whose stored bytes are not its content, so it was not scanned.'])
  })

  it('plain tar: member data is skipped, not read (16 MiB of weights, a few KiB read)', async () => {
    const t = makeTar([{ name: 'w.safetensors', data: Buffer.alloc(16 << 20) }, { name: 'meta.pkl', data: benignDict() }])
    const s = new CountingSource(src(t))
    const r = await inspectTarOrGzip(s)
    expect(lines(r)).toEqual([])
    expect(s.totalRead).toBeLessThan(16_384)
  })
})

describe('identify tar and gzip', () => {
  const id = async (name: string, bytes: Buffer) => {
    const r = await identify(name, src(bytes))
    return r && { kind: r.kind, format: r.format, facts: r.facts, issues: r.issues.map((i) => i.rule) }
  }
  const pickleTar = makeTar([{ name: '000.pyd', data: benignDict() }])
  const textTar = makeTar([{ name: 'README', data: Buffer.from('hello') }, { name: 'src/a.py', data: Buffer.from('import os\n') }])

  it('archives with ML content are artifacts; others are not', async () => {
    expect(await id('shard-000.tar', pickleTar)).toEqual({ kind: 'model', format: 'tar', facts: {}, issues: [] })
    expect(await id('data/shard-000.tar', pickleTar)).toEqual({ kind: 'dataset', format: 'tar', facts: {}, issues: [] })
    expect(await id('model.tar.gz', gzipSync(makeTar([{ name: 'model.onnx', data: Buffer.from([8, 7]) }])))).toEqual({ kind: 'model', format: 'tar', facts: { compression: 'gzip' }, issues: [] })
    expect(await id('release.tgz', gzipSync(textTar))).toBeNull()
    expect(await id('release.tar', textTar)).toBeNull()
    expect(await id('model.gz', gzipSync(evil2))).toEqual({ kind: 'model', format: 'gzip', facts: {}, issues: [] })
    expect(await id('notes.txt.gz', gzipSync(Buffer.from('hello')))).toBeNull()
    expect(await id('data/train.csv.gz', gzipSync(Buffer.from('a,b\n1,2\n')))).toBeNull()
  })

  it('a generic zip whose only ML content is hidden from the central directory is still an artifact', async () => {
    const z = craftZip([{ name: 'readme.txt', data: Buffer.from('hello') }, { name: 'evil.pkl', data: evil, hidden: true }])
    expect(await id('bundle.zip', z)).toEqual({ kind: 'model', format: 'zip', facts: { zip_members: 1 }, issues: [] })
    expect(await id('bundle.zip', craftZip([{ name: 'readme.txt', data: Buffer.from('hello') }]))).toBeNull()
    const r = await INSPECTORS.zip!(src(z), { path: 'bundle.zip', facts: {} })
    expect(lines(r)[1]).toBe(`error:unsafe-serialization: hidden member "evil.pkl": ${SYSTEM}`)
  })

  it('a wrapper name is honest about a tar or gzip; joblib .gz stays joblib', async () => {
    expect(await id('checkpoint.pth.tar', pickleTar)).toEqual({ kind: 'model', format: 'tar', facts: {}, issues: [] })
    expect(await id('weights.pt.gz', gzipSync(torchZip()))).toEqual({ kind: 'model', format: 'gzip', facts: {}, issues: [] })
    expect(await id('model.joblib.gz', gzipSync(benignDict()))).toEqual({ kind: 'model', format: 'joblib', facts: { compression: 'gzip' }, issues: [] })
  })

  it('real .gz and .tar-named files keep their formats', async () => {
    const out = path.join(SHARED, 'real-models', 'out')
    const names = (await readdir(out)).filter((n) => /\.(gz|tar)$/.test(n))
    const formats: Record<string, string | undefined> = {}
    for (const n of names) {
      const f: ByteSource & { close(): Promise<void> } = await FileByteSource.open(path.join(out, n))
      try {
        formats[n] = (await identify(n, f))?.format
      } finally {
        await f.close()
      }
    }
    expect(formats).toEqual({ 'checkpoint.pth.tar': 'pytorch-zip', 'random_forest.joblib.gz': 'joblib' })
  })
})
