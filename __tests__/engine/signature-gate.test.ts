import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { cli } from '../support/cli.js'
import { gitIn } from '../support/git.js'
import { makeTree, writeTree } from '../support/tree.js'
import * as f from '../support/formats.js'
import { filesOf, newKey, signBundle, statement } from '../verify/sign.js'

/**
 * The merge gate for signatures, as a pull request sees it (change mode): a model
 * under `signatures.required-for` without a signature fails; the same change with a
 * valid model.sig passes; a PR cannot swap the trusted key it is checked against.
 */
describe('the unsigned-model gate', () => {
  const trusted = newKey()
  const weights = f.smallSafetensors()
  const card = '---\nlicense: apache-2.0\npipeline_tag: text-classification\n---\n# sentiment\n'
  const model = { 'model.safetensors': weights, 'README.md': card }

  async function repo(): Promise<string> {
    const root = await makeTree({
      '.modelgate.yml': 'signatures:\n  required-for: ["models/**"]\n  trusted-keys: ["keys/release.pub"]\n',
      'keys/release.pub': trusted.pem,
      'README.md': '# service\n'
    })
    gitIn(root, 'init', '-q')
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'base')
    gitIn(root, 'checkout', '-qb', 'pr')
    await writeTree(root, { 'models/sentiment/model.safetensors': weights, 'models/sentiment/README.md': card })
    return root
  }
  const commit = (root: string) => {
    gitIn(root, 'add', '-A')
    gitIn(root, 'commit', '-qm', 'change')
  }

  test('an unsigned model fails and the finding gives the signing command', async () => {
    const root = await repo()
    commit(root)
    const r = await cli(root, 'scan', '--base', 'main', '--format', 'json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.findings.filter((x: { severity: string }) => x.severity === 'error').map((x: { rule: string; path: string }) => `${x.rule} ${x.path}`)).toEqual(['unsigned-model models/sentiment/model.safetensors'])
    expect(report.findings.find((x: { rule: string }) => x.rule === 'unsigned-model').fix).toContain('model_signing sign key models/sentiment')
  })

  test('the same change with a valid model.sig passes, and the BOM-facing status says who signed', async () => {
    const root = await repo()
    await writeFile(path.join(root, 'models/sentiment/model.sig'), signBundle(statement(filesOf(model), { modelName: 'sentiment' }), trusted))
    commit(root)
    const r = await cli(root, 'scan', '--base', 'main', '--format', 'json')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.findings.filter((x: { severity: string }) => x.severity !== 'note')).toEqual([])
    const a = report.artifacts.find((x: { path: string }) => x.path === 'models/sentiment/model.safetensors')
    expect(a.signature).toMatchObject({ state: 'verified', method: 'public-key', keyHint: trusted.hint, signatureFile: 'models/sentiment/model.sig' })
    // The BOM records the verdict on the model component.
    expect((await cli(root, 'scan', '--base', 'main', '--bom', 'bom.json')).code).toBe(0)
    const bom = JSON.parse(await readFile(path.join(root, 'bom.json'), 'utf8'))
    const component = bom.components.find((c: { 'bom-ref': string }) => c['bom-ref'] === 'model:models/sentiment')
    expect(component.properties.filter((p: { name: string }) => p.name.startsWith('modelgate:signature'))).toEqual([
      { name: 'modelgate:signature', value: 'verified' },
      { name: 'modelgate:signature:file', value: 'models/sentiment/model.sig' },
      { name: 'modelgate:signature:key-hint', value: trusted.hint },
      { name: 'modelgate:signature:method', value: 'public-key' },
      { name: 'modelgate:signature:root-digest', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { name: 'modelgate:signature:signer', value: expect.any(String) }
    ])
  })

  test('a PR that replaces the trusted key and signs with its own is not trusted', async () => {
    const root = await repo()
    const attacker = newKey()
    await writeFile(path.join(root, 'keys/release.pub'), attacker.pem)
    await writeFile(path.join(root, 'models/sentiment/model.sig'), signBundle(statement(filesOf(model), { modelName: 'sentiment' }), attacker))
    commit(root)
    const r = await cli(root, 'scan', '--base', 'main', '--format', 'json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.findings.filter((x: { severity: string }) => x.severity === 'error').map((x: { rule: string }) => x.rule)).toContain('signature-untrusted-identity')
  })

  test('a byte changed after signing fails with the file named', async () => {
    const root = await repo()
    await writeFile(path.join(root, 'models/sentiment/model.sig'), signBundle(statement(filesOf(model), { modelName: 'sentiment' }), trusted))
    const tampered = Buffer.from(weights)
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1
    await writeFile(path.join(root, 'models/sentiment/model.safetensors'), tampered)
    commit(root)
    const r = await cli(root, 'scan', '--base', 'main', '--format', 'json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.findings.filter((x: { severity: string }) => x.severity === 'error').map((x: { rule: string; path: string }) => `${x.rule} ${x.path}`)).toEqual(['signature-digest-mismatch models/sentiment/model.safetensors'])
  })
})
