import { identify } from '../../src/identify/identify.js'
import { BufferByteSource } from '../../src/util/byte-source.js'
import * as f from '../support/formats.js'
import { makeZip } from '../support/zip.js'

async function id(name: string, bytes: Buffer | string) {
  return identify(name, new BufferByteSource(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)))
}

describe('identify by content', () => {
  const cases: [string, string, string, Buffer | string][] = ([
    ['m/model.safetensors', f.smallSafetensors(), 'model', 'safetensors'],
    ['m/model.gguf', f.gguf(), 'model', 'gguf'],
    ['m/weights.npy', f.npy(), 'model', 'numpy'],
    ['m/weights.npz', f.npz(), 'model', 'numpy-npz'],
    ['m/model.pkl', f.pickleV2(), 'model', 'pickle'],
    ['m/model.pkl.proto0', f.pickleV0(), 'model', 'pickle'],
    ['m/pytorch_model.bin', f.torchZip(), 'model', 'pytorch-zip'],
    ['m/checkpoint.pth.tar', f.torchZip('checkpoint.pth'), 'model', 'pytorch-zip'],
    ['m/script.pt', f.torchScriptZip(), 'model', 'torchscript'],
    ['m/model.keras', f.kerasV3(), 'model', 'keras-v3'],
    ['m/model.h5', f.hdf5(true), 'model', 'keras-h5'],
    ['data/table.h5', f.hdf5(false), 'dataset', 'hdf5'],
    ['m/model.tflite', f.tflite(), 'model', 'tflite'],
    ['m/model.onnx', f.onnx(), 'model', 'onnx'],
    ['d/train.parquet', f.parquet(), 'dataset', 'parquet'],
    ['d/train.arrow', f.arrow(), 'dataset', 'arrow'],
    ['d/train.csv', 'a,b\n1,2\n', 'dataset', 'csv'],
    ['d/train.jsonl', '{"a":1}\n', 'dataset', 'jsonl'],
    ['requirements.txt', 'torch==2.1.0\n', 'dependency-manifest', 'requirements'],
    ['requirements/dev.txt', 'torch\n', 'dependency-manifest', 'requirements'],
    ['pyproject.toml', '[project]\nname="x"\n', 'dependency-manifest', 'pyproject'],
    ['web/package.json', '{}', 'dependency-manifest', 'package-json'],
    ['m/model.sig', '{}', 'signature', 'signature'],
    ['m/model.sigstore.json', '{}', 'signature', 'sigstore-bundle'],
    ['SHA256SUMS', 'x  y\n', 'signature', 'checksum-manifest'],
    ['m/README.md', '---\nlicense: mit\npipeline_tag: text-classification\n---\n# m\n', 'model-card', 'huggingface-model-card'],
    ['d/README.md', '---\r\nlicense: mit\r\ntask_categories:\r\n- translation\r\n---\r\n', 'dataset-card', 'huggingface-dataset-card']
  ] as [string, Buffer | string, string, string][]).map(([name, bytes, kind, format]) => [name, kind, format, bytes])
  test.each(cases)('%s is %s/%s', async (name, kind, format, bytes) => {
    const got = await id(name.replace('.proto0', ''), bytes)
    expect(got && { kind: got.kind, format: got.format, issues: got.issues }).toEqual({ kind, format, issues: [] })
  })

  test('a pickle without an extension is still found by its bytes', async () => {
    expect((await id('weights/checkpoint', f.pickleV2()))?.format).toBe('pickle')
  })

  test('a safetensors file under any name is identified by its header', async () => {
    expect((await id('weights/blob.dat', f.smallSafetensors()))?.format).toBe('safetensors')
  })

  test("binary data whose ninth byte is '{' is not a broken safetensors file; a truncated real header still is", async () => {
    // an image-like blob: length bytes, then '{' and a byte no JSON object starts a key with
    const blob = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x7b, 0xc3]), Buffer.alloc(64, 7)])
    expect(await id('data/pic.bin', blob)).toBeNull()
    const cut = f.smallSafetensors().subarray(0, 40)
    expect(await id('weights/blob.dat', cut)).toMatchObject({ format: 'safetensors', issues: [{ rule: 'unparseable-artifact' }] })
  })

  test('files that are not ML artifacts are skipped', async () => {
    expect(await id('src/main.py', 'print("hi")\n')).toBeNull()
    expect(await id('README.md', '# project\n')).toBeNull()
    expect(await id('docs/archive.zip', f.makeZipFor())).toBeNull()
  })
})

describe('content that contradicts the name is unparseable-artifact', () => {
  test('truncated safetensors header', async () => {
    const got = await id('m/model.safetensors', f.smallSafetensors().subarray(0, 40))
    expect(got?.issues).toEqual([
      {
        rule: 'unparseable-artifact',
        severity: 'error',
        message: `Cannot parse this safetensors file: header length ${f.smallSafetensors().readUInt32LE(0)} runs past the end of the 40-byte file (truncated header). A file that cannot be parsed is never reported as safe.`,
        fix: 'Replace it with a valid safetensors file (re-export or re-download it), or rename it if it is not one. If it is meant to be a Git LFS pointer, check that `git lfs` tracked it.'
      }
    ])
  })

  test('a .pt that is neither zip nor pickle', async () => {
    const got = await id('m/model.pt', 'hello, this is text\n')
    expect(got?.kind).toBe('model')
    expect(got?.issues.map((i) => [i.rule, i.severity, i.message])).toEqual([
      ['unparseable-artifact', 'error', 'Cannot parse this pytorch file: the name promises a pytorch file, but its content is not a pytorch file. A file that cannot be parsed is never reported as safe.']
    ])
  })

  test('a .pt (or pytorch_model.bin) that is a zip with no pickle in it', async () => {
    const message = 'Cannot parse this pytorch file: the name promises a pytorch file, but its content is a zip archive with no pickle in it (PyTorch saves its zip checkpoints around a data.pkl). A file that cannot be parsed is never reported as safe.'
    for (const name of ['m/model.pt', 'm/model.pth', 'm/pytorch_model.bin']) {
      const got = await id(name, f.makeZipFor())
      expect([name, got && { kind: got.kind, format: got.format, issues: got.issues.map((i) => [i.rule, i.severity, i.message]) }]).toEqual([
        name,
        { kind: 'model', format: 'zip', issues: [['unparseable-artifact', 'error', message]] }
      ])
    }
    // A zip of pickles without data.pkl is no PyTorch layout, but its pickles are there to scan: no contradiction to report.
    const byName = makeZip([{ name: 'ckpt/state.pkl', data: Buffer.from('not read') }])
    const byContent = makeZip([{ name: 'ckpt/state', data: f.pickleV2() }])
    // TorchScript before PyTorch 1.3: model.json, code and tensors, no pickle at all.
    const oldScript = makeZip([
      { name: 'm/version', data: Buffer.from('1\n') },
      { name: 'm/model.json', data: Buffer.from('{"protoVersion":"6"}') },
      { name: 'm/tensors/0', data: Buffer.alloc(16) }
    ])
    for (const zip of [byName, byContent, oldScript]) expect(await id('m/model.pt', zip)).toMatchObject({ format: 'zip', issues: [] })
    // `.ckpt` promises less (TensorFlow checkpoints share the extension): a plain zip there is no contradiction.
    expect(await id('m/model.ckpt', f.makeZipFor())).toMatchObject({ format: 'zip', issues: [] })
  })

  test('a .safetensors that is really a pickle', async () => {
    const got = await id('m/model.safetensors', f.pickleV2())
    expect(got?.format).toBe('pickle')
    expect(got?.issues[0]?.message).toBe('Cannot parse this safetensors file: the name promises a safetensors file, but its content is a pickle file. A file that cannot be parsed is never reported as safe.')
  })

  test('a .gguf without the magic, a .onnx of text, a .npy of zeros', async () => {
    for (const [name, bytes] of [['a.gguf', Buffer.alloc(32)], ['a.onnx', 'not protobuf'], ['a.npy', Buffer.alloc(16)]] as const) {
      expect((await id(name, bytes))?.issues.map((i) => i.rule)).toEqual(['unparseable-artifact'])
    }
  })

  test('GGUF with an unknown version', async () => {
    expect((await id('a.gguf', f.gguf(9)))?.issues[0]?.message).toBe('Cannot parse this gguf file: unsupported GGUF version 9. A file that cannot be parsed is never reported as safe.')
  })

  test('parquet without its footer', async () => {
    expect((await id('d/a.parquet', f.parquet().subarray(0, 20)))?.issues[0]?.message).toContain("missing the trailing 'PAR1' footer magic")
  })

  test('a zip with a broken central directory', async () => {
    const zip = f.torchZip()
    expect((await id('m/model.pt', zip.subarray(0, zip.length - 10)))?.issues[0]?.message).toBe(
      'Cannot parse this zip file: the zip central directory is unreadable: Not a readable zip archive (End of central directory record signature not found. Either not a zip file, or file is truncated.). A file that cannot be parsed is never reported as safe.'
    )
  })
})

describe('Git LFS pointers', () => {
  test('the oid and size are the digest; the format comes from the name', async () => {
    const p = f.lfsPointer(Buffer.from('weights'))
    const got = await id('m/model.safetensors', p.text)
    expect(got).toEqual({ kind: 'model', format: 'safetensors', lfs: { oid: p.oid, size: p.size }, facts: {}, issues: [] })
  })

  test('pointers with Windows line breaks', async () => {
    const p = f.lfsPointer(Buffer.from('x'))
    expect((await id('m/model.onnx', p.text.replace(/\n/g, '\r\n')))?.lfs).toEqual({ oid: p.oid, size: 1 })
  })

  test('a malformed pointer is unparseable', async () => {
    const got = await id('m/model.bin.pt', 'version https://git-lfs.github.com/spec/v1\noid md5:abc\nsize 3\n')
    expect(got?.issues.map((i) => i.message)).toEqual([
      "Cannot parse this Git LFS pointer file: the pointer is malformed: oid 'md5:abc' is not 'sha256:' followed by 64 lowercase hex digits. A file that cannot be parsed is never reported as safe."
    ])
  })

  test('an LFS pointer to an image outside data folders is not an ML artifact', async () => {
    expect(await id('docs/logo.png', f.lfsPointer(Buffer.from('png')).text)).toBeNull()
  })
})
