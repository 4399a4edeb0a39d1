import { inspectGguf } from '../../src/inspect/formats/gguf.js'
import { gguf, src } from './fixtures/bytes.js'

type Kv = Parameters<typeof gguf>[0][number]
const base: Kv[] = [
  ['general.architecture', { t: 'str', v: 'llama' }],
  ['general.name', { t: 'str', v: 'tiny' }],
  ['general.license', { t: 'str', v: 'mit' }],
  ['general.file_type', { t: 'u32', v: 15 }],
  ['llama.context_length', { t: 'u32', v: 2048 }],
  ['tokenizer.ggml.tokens', { t: 'arr-str', v: ['<s>', '</s>', 'a'] }],
  ['tokenizer.ggml.token_type', { t: 'arr-i32', v: [1, 1, 1] }]
]
const kvs = (...extra: Kv[]): Kv[] => [...base, ...extra]

describe('inspectGguf', () => {
  it('reads header facts and tensor infos', async () => {
    // F32 [4,8] = 128 bytes at 0, Q8_0 [64] = 2 blocks * 34 = 68 bytes at 128.
    const file = gguf(kvs(), [
      { name: 'w', dims: [4, 8], type: 0, offset: 0 },
      { name: 'q', dims: [64], type: 8, offset: 128 }
    ], { dataBytes: 196 })
    const r = await inspectGguf(src(file))
    expect(r.issues).toEqual([])
    expect(r.facts).toEqual({
      format: 'gguf',
      gguf_version: 3,
      tensors: 2,
      metadata_entries: 7,
      architecture: 'llama',
      name: 'tiny',
      license: 'mit',
      file_type: 15,
      quantization: 'Q4_K_M',
      context_length: 2048,
      vocab_size: 3,
      parameters: 96,
      tensor_types: 'F32,Q8_0'
    })
  })

  it('reads GGUF v1 (32-bit counts)', async () => {
    const r = await inspectGguf(src(gguf([['general.architecture', { t: 'str', v: 'gpt2' }]], [], { version: 1 })))
    expect(r.issues).toEqual([])
    expect(r.facts).toMatchObject({ gguf_version: 1, architecture: 'gpt2', tensors: 0 })
  })

  it('flags a chat template that reaches Python internals', async () => {
    const tpl = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    const r = await inspectGguf(src(gguf(kvs(['tokenizer.chat_template', { t: 'str', v: tpl }]))))
    expect(r.chatTemplate).toBe(tpl)
    expect(r.facts.chat_template).toBe(true)
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unsafe-serialization', severity: 'error' })
    expect(r.issues[0]?.message).toMatch(/GGUF `tokenizer.chat_template` reaches Python internals \(dunder attribute `__init__`; gadget object attribute chain `cycler.__init__`; os call `os.popen`; popen call `popen\(`\)/)
  })

  it('keeps a benign template without findings', async () => {
    const tpl = "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}"
    const r = await inspectGguf(src(gguf(kvs(['tokenizer.chat_template', { t: 'str', v: tpl }]))))
    expect(r.issues).toEqual([])
  })

  it('notes legacy GGML containers', async () => {
    const r = await inspectGguf(src(Buffer.from('tjgg\x01\x00\x00\x00', 'latin1')))
    expect(r.facts).toEqual({ format: 'ggml-legacy', legacy_magic: 'ggjt' })
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'unparseable-artifact', severity: 'note' })])
  })

  it.each([
    ['bad magic', Buffer.from('GGUX\x03\x00\x00\x00', 'latin1'), /missing the "GGUF" magic/],
    ['unknown version', Buffer.from('GGUF\x09\x00\x00\x00' + '\0'.repeat(16), 'latin1'), /Unsupported GGUF version 9/],
    ['truncated header', Buffer.from('GGUF\x03\x00', 'latin1'), /outside the 6-byte file|truncated/],
    ['tensor past end of file', gguf(kvs(), [{ name: 'w', dims: [1024], type: 0, offset: 0 }], { dataBytes: 64 }), /tensor "w" ends at byte \d+, past the end/],
    ['unaligned tensor', gguf(kvs(), [{ name: 'w', dims: [4], type: 0, offset: 3 }], { dataBytes: 64 }), /offset 3 is not aligned to 32/]
  ])('%s is unparseable', async (_n, file, message) => {
    const r = await inspectGguf(src(file))
    expect(r.issues).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ rule: 'unparseable-artifact', severity: 'error' })
    expect(r.issues[0]?.message).toMatch(message)
  })

  it('caps claimed string and array lengths without allocating them', async () => {
    const file = gguf([['general.name', { t: 'str', v: 'x' }]])
    // Patch the value length (after magic, version, 2 counts, key) to 2^40.
    const at = 4 + 4 + 8 + 8 + 8 + 'general.name'.length + 4
    file.writeBigUInt64LE(1n << 40n, at)
    const r = await inspectGguf(src(file))
    expect(r.issues[0]?.message).toMatch(/length 1099511627776 exceeds the 16777216-byte limit/)
  })
})
