import { inspectNpy, parsePyLiteral } from '../../src/inspect/formats/npy.js'
import { inspectNpz, npzPicklePayload } from '../../src/inspect/formats/npz.js'
import { npy, src, zip } from './fixtures/bytes.js'

const f4 = (n: number): Buffer => Buffer.alloc(4 * n)

describe('parsePyLiteral', () => {
  it('parses the header dict numpy writes, never evaluating anything', () => {
    expect(parsePyLiteral("{'descr': [('a', '<i4'), ('b', '<f8', (2,))], 'fortran_order': False, 'shape': (3, 4), }")).toEqual({
      descr: [['a', '<i4'], ['b', '<f8', [2]]],
      fortran_order: false,
      shape: [3, 4]
    })
    expect(() => parsePyLiteral("__import__('os').system('id')")).toThrow(/unexpected token/)
  })
})

describe('inspectNpy', () => {
  it('reads dtype, shape and checks the data length', async () => {
    const r = await inspectNpy(src(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 8), }", f4(32))))
    expect(r.issues).toEqual([])
    expect(r.payloadOffset).toBeUndefined()
    expect(r.facts).toEqual({ format: 'npy', npy_version: '1.0', dtype: '<f4', shape: '(4, 8)', fortran_order: false, parameters: 32 })
  })

  it('handles version 2 headers and structured dtypes', async () => {
    const r = await inspectNpy(src(npy("{'descr': [('a', '<i4'), ('b', '<f8', (2,))], 'fortran_order': False, 'shape': (3,), }", Buffer.alloc(60), 2)))
    expect(r.issues).toEqual([])
    expect(r.facts).toMatchObject({ npy_version: '2.0', shape: '(3,)', parameters: 3 })
  })

  it('marks object arrays as pickles and exposes where the pickle starts', async () => {
    const file = npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", Buffer.from([0x80, 0x04, 0x2e]))
    const r = await inspectNpy(src(file))
    expect(r.payloadOffset).toBe(file.length - 3)
    expect(r.facts.object_dtype).toBe(true)
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unsafe-serialization', severity: 'note', offset: file.length - 3 })])
  })

  it('finds object fields inside structured dtypes', async () => {
    const r = await inspectNpy(src(npy("{'descr': [('a', '<i4'), ('o', '|O')], 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(3))))
    expect(r.facts.object_dtype).toBe(true)
  })

  it.each([
    ['missing magic', Buffer.from('NUMPY\x01\x00'), /missing the \\x93NUMPY magic/],
    ['short data', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 8), }", f4(31)), /needs 128 data bytes but only 124 follow the header/],
    ['bad header', npy("{'descr': '<f4', 'shape': (4, 8), }", f4(32)), /needs 'descr', 'fortran_order' \(bool\) and 'shape'/],
    ['unknown dtype', npy("{'descr': '<z9', 'fortran_order': False, 'shape': (1,), }", f4(1)), /unknown dtype "<z9"/],
    ['huge header length', Buffer.concat([Buffer.from('\x93NUMPY\x02\x00', 'latin1'), Buffer.from([0xff, 0xff, 0xff, 0x7f])]), /header length 2147483647 exceeds/],
    ['overflowing shape', npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", f4(1)), /overflows/],
    ['version 9', Buffer.from('\x93NUMPY\x09\x00\x00\x00', 'latin1'), /Unsupported .npy format version 9.0/]
  ])('%s is unparseable', async (_n, file, message) => {
    const r = await inspectNpy(src(file))
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unparseable-artifact', severity: 'error' })
    expect(r.issues[0]?.message).toMatch(message)
  })
})

describe('inspectNpz', () => {
  const arr = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f4(4))
  const obj = npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", Buffer.from('\x80\x04PICKLE.', 'latin1'))

  it('lists arrays in stored and deflated members', async () => {
    const r = await inspectNpz(src(zip([{ name: 'a.npy', data: arr }, { name: 'b.npy', data: arr, deflate: true }])))
    expect(r.issues).toEqual([])
    expect(r.pickleMembers).toEqual([])
    expect(r.facts).toEqual({ format: 'npz', arrays: 2, array_names: 'a,b', dtypes: '<f4', parameters: 8 })
  })

  it('names object-array members and streams their pickle payload', async () => {
    const file = zip([{ name: 'a.npy', data: arr }, { name: 'o.npy', data: obj, deflate: true }])
    const r = await inspectNpz(src(file))
    expect(r.pickleMembers).toEqual(['o.npy'])
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unsafe-serialization', severity: 'note' })])
    const chunks: Buffer[] = []
    for await (const c of npzPicklePayload(src(file), 'o.npy')) chunks.push(c)
    expect(Buffer.concat(chunks).toString('latin1')).toBe('\x80\x04PICKLE.')
  })

  it('flags traversal names, bombs, encrypted and broken members', async () => {
    const file = zip([
      { name: '../evil.npy', data: arr },
      { name: 'bomb.npy', data: Buffer.concat([arr, Buffer.alloc(1 << 16)]), deflate: true, declaredSize: 2 ** 31 },
      { name: 'enc.npy', data: arr, flags: 1 },
      { name: 'bad.npy', data: 'not an array' }
    ])
    const r = await inspectNpz(src(file))
    expect(r.issues.map((i) => `${i.rule}/${i.severity}: ${i.message}`)).toEqual([
      expect.stringMatching(/^unsafe-serialization\/error: .npz member "..\/evil.npy" climbs out of the model directory/),
      expect.stringMatching(/^unparseable-artifact\/error: .npz member "bomb.npy" declares 2147483648 bytes from \d+ compressed/),
      expect.stringMatching(/^scan-incomplete\/error: .npz member "enc.npy" is encrypted and cannot be scanned/),
      expect.stringMatching(/^unparseable-artifact\/error: .npz member "bad.npy": Not a .npy file/)
    ])
  })

  it('rejects a file that is not a zip', async () => {
    const r = await inspectNpz(src(Buffer.from('hello')))
    expect(r.issues[0]?.message).toMatch(/^Not a readable zip archive/)
  })
})
