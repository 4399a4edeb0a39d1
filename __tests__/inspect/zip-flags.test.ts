/**
 * Zip general-purpose flags: a member marked encrypted (bit 0, or bit 6 "strong encryption")
 * whose data is plain is read as a reader that ignores the flag would, the payload named and
 * the lie reported; flags that differ between the central directory and the local header are
 * tampering; only data that really is encrypted fails closed. Archives written byte by byte
 * (archive-fixtures.ts).
 */
import { identify } from '../../src/identify/identify.js'
import { scanZipPickles } from '../../src/inspect/containers/zip-members.js'
import { listZip } from '../../src/inspect/formats/zip.js'
import type { InspectResult } from '../../src/inspect/types.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import { benignDict, proto0System } from '../pickle/builder.js'
import { craftZip, type CraftEntry } from './archive-fixtures.js'

const src = (b: Buffer) => new BufferByteSource(b)
const lines = (r: InspectResult) => r.issues.map((i) => `${i.severity}:${i.rule}: ${i.message}`)
const TORCH = { kind: 'PyTorch archive', framework: 'torch', skip: (n: string) => /(^|\/)data\/\d+$/.test(n) }
const evil = proto0System()
const SYSTEM = 'error:unsafe-serialization: member "archive/data.pkl": Loading this pickle runs code: GLOBAL at byte 0 imports os.system, which is dangerous (os: runs shell commands and touches files).'
const TAIL = "Readers of the central directory (PyTorch, Python's zipfile, most scanners) and of the local file headers (streaming extractors) would see different content, which is how payloads are hidden from scanners."
const lie = (what: string) =>
  `error:unsafe-serialization: PyTorch archive: members marked encrypted hold unencrypted data: ${what}. Readers that honour the flag (PyTorch, Python's zipfile, most scanners) refuse or skip them while readers that ignore it read them, which is how a payload is hidden from scanners; ModelGate scanned the data as those readers see it.`
const ENCRYPTED = 'error:scan-incomplete: PyTorch archive member "archive/data.pkl" is encrypted and cannot be scanned.'

function torchZip(pkl: Omit<CraftEntry, 'name'>): Buffer {
  return craftZip([
    { name: 'archive/data.pkl', ...pkl },
    { name: 'archive/data/0', data: Buffer.alloc(16, 7) },
    { name: 'archive/version', data: Buffer.from('3\n') }
  ])
}

describe('members marked encrypted', () => {
  it('bit 0 in both headers, data stored in plain: the payload is named and the lie reported', async () => {
    expect(lines(await scanZipPickles(src(torchZip({ data: evil, flags: 0x1 })), TORCH))).toEqual([
      SYSTEM,
      lie('"archive/data.pkl" (flags 0x0001, stored with equal compressed and uncompressed sizes: no encryption header)')
    ])
  })

  it('bit 0 in the central directory only: the flags differ too', async () => {
    expect(lines(await scanZipPickles(src(torchZip({ data: evil, flags: 0x1, localFlags: 0 })), TORCH))).toEqual([
      `error:unsafe-serialization: PyTorch archive: archive tampering: tools disagree on what is inside: member "archive/data.pkl" at offset 0 has general-purpose flags 0x0001 in the central directory but 0x0000 in its local header (encrypted differ). ${TAIL}`,
      SYSTEM,
      lie('"archive/data.pkl" (flags 0x0001, stored with equal compressed and uncompressed sizes: no encryption header)')
    ])
  })

  it('bit 0 in the local header only: PyTorch reads the member (the scan names it) and the flags differ', async () => {
    expect(lines(await scanZipPickles(src(torchZip({ data: evil, flags: 0, localFlags: 0x1 })), TORCH))).toEqual([
      `error:unsafe-serialization: PyTorch archive: archive tampering: tools disagree on what is inside: member "archive/data.pkl" at offset 0 has general-purpose flags 0x0000 in the central directory but 0x0001 in its local header (encrypted differ). ${TAIL}`,
      SYSTEM
    ])
  })

  it('bit 6 (strong encryption) no longer makes the whole archive unreadable: the member is read like bit 0', async () => {
    const zip = torchZip({ data: evil, flags: 0x40 })
    const listing = await listZip(src(zip))
    listing.zip.close()
    expect(listing.members.map((m) => [m.name, m.flags, m.encrypted])).toEqual([
      ['archive/data.pkl', 0x40, true],
      ['archive/data/0', 0, false],
      ['archive/version', 0, false]
    ])
    expect(lines(await scanZipPickles(src(zip), TORCH))).toEqual([
      SYSTEM,
      lie('"archive/data.pkl" (flags 0x0040, stored with equal compressed and uncompressed sizes: no encryption header)')
    ])
    expect(await identify('model.pt', src(zip))).toEqual({ kind: 'model', format: 'pytorch-zip', lfs: null, facts: { zip_members: 3 }, issues: [] })
  })

  it('bit 6 differing between the headers is reported as such', async () => {
    expect(lines(await scanZipPickles(src(torchZip({ data: benignDict(), flags: 0x40, localFlags: 0x41 })), TORCH))).toEqual([
      `error:unsafe-serialization: PyTorch archive: archive tampering: tools disagree on what is inside: member "archive/data.pkl" at offset 0 has general-purpose flags 0x0040 in the central directory but 0x0041 in its local header (encrypted differ). ${TAIL}`,
      lie('"archive/data.pkl" (flags 0x0040, stored with equal compressed and uncompressed sizes: no encryption header)')
    ])
  })

  it('deflated data that inflates is plain: read and named', async () => {
    expect(lines(await scanZipPickles(src(torchZip({ data: evil, flags: 0x1, deflate: true })), TORCH))).toEqual([
      SYSTEM,
      lie('"archive/data.pkl" (flags 0x0001, deflated data that inflates as it is)')
    ])
  })

  it('really encrypted data fails closed: a stored member 12 bytes longer than declared (the traditional encryption header)', async () => {
    const cipher = Buffer.concat([Buffer.alloc(12, 0x5a), Buffer.from(evil.map((b) => b ^ 0xa5))])
    expect(lines(await scanZipPickles(src(torchZip({ data: cipher, flags: 0x1, declaredSize: evil.length })), TORCH))).toEqual([ENCRYPTED])
  })

  it('really encrypted data fails closed: deflated data that does not inflate', async () => {
    // 0xff starts a deflate block of the reserved type 3: no inflater accepts it.
    const zip = craftZip([{ name: 'archive/data.pkl', data: Buffer.alloc(40, 0xff), flags: 0x1 }])
    // Rewrite the method to deflate (8) in both headers, keeping the bytes as they are.
    zip.writeUInt16LE(8, 8)
    zip.writeUInt16LE(8, zip.indexOf(Buffer.from('PK\x01\x02', 'latin1')) + 10)
    expect(lines(await scanZipPickles(src(zip), TORCH))).toEqual([ENCRYPTED])
  })

  it('a plain member that is no pickle is only the lie', async () => {
    const zip = craftZip([
      { name: 'archive/data.pkl', data: benignDict() },
      { name: 'archive/extra/notes.txt', data: Buffer.from('just notes\n'), flags: 0x1 }
    ])
    expect(lines(await scanZipPickles(src(zip), TORCH))).toEqual([
      lie('"archive/extra/notes.txt" (flags 0x0001, stored with equal compressed and uncompressed sizes: no encryption header)')
    ])
  })

  it('a storage member skipped by name is still checked for a flag that lies or data that is encrypted', async () => {
    const zip = (storage: Omit<CraftEntry, 'name'>) =>
      craftZip([{ name: 'archive/data.pkl', data: benignDict() }, { name: 'archive/data/0', ...storage }, { name: 'archive/version', data: Buffer.from('3\n') }])
    expect(lines(await scanZipPickles(src(zip({ data: Buffer.alloc(16, 7), flags: 0x1 })), TORCH))).toEqual([
      lie('"archive/data/0" (flags 0x0001, stored with equal compressed and uncompressed sizes: no encryption header)')
    ])
    expect(lines(await scanZipPickles(src(zip({ data: Buffer.alloc(28, 7), flags: 0x1, declaredSize: 16 })), TORCH))).toEqual([
      'error:scan-incomplete: PyTorch archive member "archive/data/0" is encrypted and cannot be scanned.'
    ])
  })

  it("flags that do not decide whether a member is read (UTF-8 names, bit 11) may differ; torch's own 0x808 is clean", async () => {
    expect(lines(await scanZipPickles(src(torchZip({ data: benignDict(), flags: 0x800, localFlags: 0 })), TORCH))).toEqual([])
    expect(lines(await scanZipPickles(src(torchZip({ data: benignDict(), flags: 0x808 })), TORCH))).toEqual([])
  })
})
