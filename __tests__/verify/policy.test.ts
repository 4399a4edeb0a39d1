import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { configSchema } from '../../src/config/schema.js'
import { gitTreeReader, verifySignatures } from '../../src/verify/index.js'
import { gitIn } from '../support/git.js'
import { artifact, brief, config, run } from './helpers.js'
import { filesOf, newKey, signBundle, statement } from './sign.js'

describe('signatures.required-for', () => {
  test('an unsigned model under required-for: unsigned-model with the exact command that signs it', async () => {
    const r = await run({ 'models/bert/model.safetensors': 'w', 'models/bert/config.json': '{}', 'other/x.onnx': 'o' }, config({ 'required-for': ['models/**'] }))
    expect(r.findings).toEqual([
      {
        rule: 'unsigned-model',
        severity: 'error',
        path: 'models/bert/model.safetensors',
        line: null,
        message: "'models/bert/model.safetensors' matches signatures.required-for but no signature covers it.",
        fix: 'Sign the model and commit the signature: model_signing sign sigstore models/bert --signature models/bert/model.sig'
      }
    ])
    expect(r.signatures.get('models/bert/model.safetensors')).toEqual({ state: 'unsigned', required: true })
    expect(r.signatures.get('other/x.onnx')).toEqual({ state: 'unsigned', required: false })
    expect(r.signatures.has('models/bert/config.json')).toBe(false) // not a model, not covered
  })

  test('the command follows the trusted method, quotes odd paths, and signs a root-level file on its own', async () => {
    const key = await run({ 'my models/a.gguf': 'g', 'b.pt': 'p' }, config({ 'required-for': ['**'], 'trusted-keys': [newKey().pem] }), { kinds: { 'b.pt': 'model' } })
    expect(key.findings.map((f) => f.fix)).toEqual([
      "Sign the model and commit the signature: model_signing sign key 'my models' --private-key <private-key.pem> --signature 'my models/model.sig'",
      'Sign the model and commit the signature: model_signing sign key b.pt --private-key <private-key.pem> --signature b.pt.sig'
    ])
    const cert = await run({ 'm/a.gguf': 'g' }, config({ 'required-for': ['**'], 'trusted-certificates': [readFileSync(path.join(MT_KEYS, 'ca-cert.pem'), 'utf8')] }))
    expect(cert.findings[0]!.fix).toBe(
      'Sign the model and commit the signature: model_signing sign certificate m --private-key <private-key.pem> --signing-certificate <signing-cert.pem> --certificate-chain <ca-chain.pem> --signature m/model.sig'
    )
  })

  test('the same model with a valid model.sig passes; a root-level <file>.sig signs that one file', async () => {
    const key = newKey()
    const files = { 'model.safetensors': 'w', 'config.json': '{}' }
    const sig = signBundle(statement(filesOf(files), { ignorePaths: ['model.sig'] }), key)
    const cfg = config({ 'required-for': ['models/**', '*.safetensors'], 'trusted-keys': [key.pem] })
    const ok = await run({ 'models/bert/model.safetensors': 'w', 'models/bert/config.json': '{}', 'models/bert/model.sig': sig }, cfg)
    expect(ok.findings).toEqual([])
    expect(ok.states).toEqual({ 'models/bert/config.json': 'verified', 'models/bert/model.safetensors': 'verified', 'models/bert/model.sig': 'verified' })
    const one = signBundle(statement([{ name: '.', digest: filesOf({ x: 'w' })[0]!.digest }], { modelName: 'root.safetensors' }), key)
    const root = await run({ 'root.safetensors': 'w', 'root.safetensors.sig': one, 'README.md': 'r' }, cfg, { scanned: ['root.safetensors', 'root.safetensors.sig'] })
    expect(root.findings).toEqual([])
    expect(root.states).toEqual({ 'root.safetensors': 'verified', 'root.safetensors.sig': 'verified' })
  })

  test('a model covered by a broken signature gets the signature finding, not unsigned-model', async () => {
    const r = await run({ 'models/a/w.safetensors': 'w', 'models/a/model.sig': '' }, config({ 'required-for': ['models/**'] }))
    expect(brief(r)).toEqual(['error signature-invalid models/a/model.sig'])
    expect(r.states).toEqual({ 'models/a/model.sig': 'invalid', 'models/a/w.safetensors': 'invalid' })
  })

  test('removed models are not required to be signed', async () => {
    const result = await verifySignatures({
      artifacts: [artifact('models/gone.safetensors', Buffer.from('x'), 'model', 'removed')],
      tree: { list: async () => [], children: async () => [], open: async () => Promise.reject(new Error('no')) },
      config: config({ 'required-for': ['**'] })
    })
    expect(result.findings).toEqual([])
    expect(result.signatures.size).toBe(0)
  })
})

const MT_KEYS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'shared', 'oms-fixtures', 'model-transparency', 'keys')

describe('change mode (git tree reader)', () => {
  test('a PR that changes a signed model: the unchanged model.sig is found and the changed file fails', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'mg-verify-git-'))
    const key = newKey()
    const files = { 'weights.safetensors': 'w1', 'config.json': '{}' }
    await mkdir(path.join(repo, 'models/a'), { recursive: true })
    for (const [n, v] of Object.entries(files)) await writeFile(path.join(repo, 'models/a', n), v)
    await writeFile(path.join(repo, 'models/a/model.sig'), signBundle(statement(filesOf(files)), key))
    gitIn(repo, 'init', '-q')
    gitIn(repo, 'add', '.')
    gitIn(repo, 'commit', '-qm', 'signed model')
    const base = gitIn(repo, 'rev-parse', 'HEAD')
    const cfg = configSchema.parse({ signatures: { 'required-for': ['models/**'], 'trusted-keys': [key.pem] } })
    const clean = await verifySignatures({ artifacts: [], tree: gitTreeReader(repo, base), config: cfg })
    expect(clean.findings).toEqual([])

    await writeFile(path.join(repo, 'models/a/weights.safetensors'), 'w2')
    await writeFile(path.join(repo, 'models/a/tokenizer.json'), '{}')
    gitIn(repo, 'commit', '-qam', 'retrain')
    gitIn(repo, 'add', '.')
    gitIn(repo, 'commit', '-qm', 'tokenizer')
    const head = gitIn(repo, 'rev-parse', 'HEAD')
    const changed = [artifact('models/a/weights.safetensors', Buffer.from('w2'), 'model', 'modified')]
    const r = await verifySignatures({ artifacts: changed, tree: gitTreeReader(repo, head), config: cfg })
    expect(brief(r)).toEqual(['error signature-digest-mismatch models/a/weights.safetensors', 'error signature-digest-mismatch models/a/tokenizer.json'])
    expect(r.signatures.get('models/a/weights.safetensors')).toMatchObject({ state: 'digest-mismatch', signatureFile: 'models/a/model.sig' })
    // Only the unscanned, signed config.json was hashed (extra files need no hash; the changed model reused the scan's digest).
    expect(r.hashed).toEqual(['models/a/config.json'])
    await rm(repo, { recursive: true, force: true })
  })
})
