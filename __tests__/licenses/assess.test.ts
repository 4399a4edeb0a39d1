import full from 'spdx-license-list/full.js'
import { assessLicenses } from '../../src/licenses/assess.js'
import { applySeverityOverrides, verdictFor } from '../../src/assess/severity.js'
import { fsTreeReader } from '../../src/verify/tree-reader.js'
import type { Artifact } from '../../src/types.js'
import { normalizeLicense } from '../../src/licenses/normalize.js'
import { makeTree, type TreeSpec } from '../support/tree.js'
import { artifact, config, dependency } from './helpers.js'

const card = (front: string, body = '# Model\n'): string => `---\n${front}\n---\n\n${body}`
const NOW = new Date('2026-06-15T12:00:00Z')

async function run(spec: TreeSpec, artifacts: Artifact[], yaml?: string) {
  const root = await makeTree(spec)
  const cfg = config(yaml)
  const result = await assessLicenses({ artifacts, dependencies: [], config: cfg, tree: fsTreeReader(root), now: NOW })
  return { ...result, cfg }
}

const summary = (m: Map<string, { state: string; expression: string | null; source: { source: string; path: string; line: number | null } | null }>) =>
  Object.fromEntries([...m].map(([k, v]) => [k, `${v.state} ${v.expression} <- ${v.source ? `${v.source.source} ${v.source.path}:${v.source.line}` : 'nothing'}`]))

test('a dataset card with cc-by-nc-4.0 under a policy denying CC-BY-NC-4.0 fails the gate', async () => {
  const r = await run(
    { 'data/README.md': card('license: cc-by-nc-4.0\ntask_categories:\n- text-classification'), 'data/train.csv': 'a,b\n1,2\n' },
    [artifact('data/README.md', 'dataset-card'), artifact('data/train.csv', 'dataset')],
    'licenses:\n  deny: [CC-BY-NC-4.0]'
  )
  expect(summary(r.licenses)).toEqual({ 'data/train.csv': 'known CC-BY-NC-4.0 <- card data/README.md:2' })
  expect(r.findings).toEqual([
    {
      rule: 'license-denied',
      severity: 'error',
      path: 'data/README.md',
      line: 2,
      message: 'The card declares `license: cc-by-nc-4.0`, read as CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-4.0 in licenses.deny). Applies to `data/train.csv`.',
      fix: 'Use a dataset under an allowed license, or, if the use has been approved, add a `licenses.exceptions` entry for this path with the reason (and an expiry date).'
    }
  ])
  expect(verdictFor(applySeverityOverrides(r.findings, r.cfg), 'error')).toBe('fail')
})

test('a card with no data file beside it is assessed itself; a glob denies the NC family', async () => {
  const r = await run({ 'README.md': card('license: cc-by-nc-sa-4.0\npretty_name: Reviews\ntask_categories: [text-classification]') }, [artifact('README.md', 'dataset-card')], 'licenses:\n  deny: ["CC-BY-NC-*"]')
  expect(summary(r.licenses)).toEqual({ 'README.md': 'known CC-BY-NC-SA-4.0 <- card README.md:2' })
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    'license-denied error README.md:2 The card declares `license: cc-by-nc-sa-4.0`, read as CC-BY-NC-SA-4.0, which the license policy denies (CC-BY-NC-* in licenses.deny).'
  ])
})

describe('hostile cards: exact verdicts, no crash', () => {
  const hostile = async (front: string) => {
    const r = await run({ 'm/README.md': card(front), 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')])
    return { state: summary(r.licenses)['m/model.bin'], findings: r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`) }
  }
  test('license: [a, b]', async () => {
    expect(await hostile('pipeline_tag: text-generation\nlicense: [a, b]')).toEqual({
      state: 'unknown null <- card m/README.md:3',
      findings: ['license-unknown warning m/README.md:3 The license of this model cannot be read as an SPDX license: `license` is a list of 2 values; write one SPDX expression instead (e.g. `MIT OR Apache-2.0`). Applies to `m/model.bin`.']
    })
  })
  test('free text', async () => {
    expect((await hostile('license: Free for academic use, contact us for anything else\nlibrary_name: transformers')).findings).toEqual([
      'license-unknown warning m/README.md:2 The license of this model cannot be read as an SPDX license: `Free for academic use, contact us for anything else` is not an SPDX license expression or a Hugging Face license id. Applies to `m/model.bin`.'
    ])
  })
  test('a 10 kB string', async () => {
    expect((await hostile(`license: ${'a'.repeat(10_240)}\nlibrary_name: x`)).findings).toEqual([
      'license-unknown warning m/README.md:2 The license of this model cannot be read as an SPDX license: The declaration is 10240 characters of text, not a license identifier. Applies to `m/model.bin`.'
    ])
  })
  test('invalid SPDX', async () => {
    expect((await hostile('license: MIT AND\nlibrary_name: x')).findings).toEqual([
      'license-unknown warning m/README.md:2 The license of this model cannot be read as an SPDX license: `MIT AND` is not an SPDX license expression or a Hugging Face license id. Applies to `m/model.bin`.'
    ])
    expect((await hostile("license: 'Apache-2.0 WITH Nonsense-exception'\nlibrary_name: x")).state).toBe('unknown null <- card m/README.md:2')
  })
  test('a mapping, a number, broken YAML', async () => {
    expect((await hostile('license: { id: mit }\nlibrary_name: x')).state).toBe('unknown null <- card m/README.md:2')
    expect((await hostile('license: 42\nlibrary_name: x')).state).toBe('unknown null <- card m/README.md:2')
    expect(await hostile('license: [mit\nlibrary_name: x')).toEqual({
      state: 'unknown null <- card m/README.md:3',
      findings: [expect.stringMatching(/^license-unknown warning m\/README\.md:3 The license of this model cannot be read as an SPDX license: The card's YAML metadata cannot be parsed \(.+\)\. Applies to `m\/model\.bin`\.$/)]
    })
  })
  test('a card without license and nothing else: license-missing on the artifact', async () => {
    expect(await hostile('library_name: transformers')).toEqual({
      state: 'missing null <- nothing',
      findings: ['license-missing warning m/model.bin:null No license found for this model: No model or dataset card declares a license, and there is no LICENSE file or license metadata beside it.']
    })
  })
})

test('card vs LICENSE file: conflict on the card line, and every declared license meets the policy', async () => {
  const r = await run(
    { 'm/README.md': card('license: mit\nlibrary_name: x'), 'm/LICENSE': full['GPL-3.0-only']!.licenseText, 'm/model.safetensors': 'x' },
    [artifact('m/model.safetensors', 'model')],
    'licenses:\n  deny: [GPL-3.0-only]'
  )
  expect(summary(r.licenses)).toEqual({ 'm/model.safetensors': 'known MIT <- card m/README.md:2' })
  expect(r.licenses.get('m/model.safetensors')!.evidence.map((e) => `${e.source} ${e.license.expression} ${e.declared}`)).toEqual([
    'card MIT mit',
    'license-file GPL-3.0-only license text matching GPL-3.0-only (similarity 1.000)'
  ])
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    'license-denied error m/LICENSE:null m/LICENSE is the license text of GPL-3.0-only, which the license policy denies (GPL-3.0-only in licenses.deny). Applies to `m/model.safetensors`.',
    'license-conflict warning m/README.md:2 The card declares MIT but m/LICENSE is the text of GPL-3.0-only; which one applies is unclear. Applies to `m/model.safetensors`.'
  ])
})

test('no conflict: matching texts, `other` pointing at its LICENSE, a LICENSE above the card', async () => {
  const r = await run(
    {
      'a/README.md': card('license: apache-2.0\nlibrary_name: x'),
      'a/LICENSE.md': full['Apache-2.0']!.licenseText,
      'a/model.onnx': 'x',
      'b/README.md': card('license: other\nlicense_name: acme-research\nlicense_link: LICENSE\nlibrary_name: x'),
      'b/LICENSE': full['MIT']!.licenseText,
      'b/model.gguf': 'x',
      LICENSE: full['GPL-3.0-only']!.licenseText,
      'c/README.md': card('license: cc-by-4.0\nlibrary_name: x'),
      'c/model.bin': 'x'
    },
    [artifact('a/model.onnx', 'model'), artifact('b/model.gguf', 'model'), artifact('c/model.bin', 'model')]
  )
  expect(summary(r.licenses)).toEqual({
    'a/model.onnx': 'known Apache-2.0 <- card a/README.md:2',
    'b/model.gguf': 'known LicenseRef-acme-research <- card b/README.md:2',
    'c/model.bin': 'known CC-BY-4.0 <- card c/README.md:2'
  })
  // The repository's LICENSE (above c/'s card) is not the model's.
  expect(r.licenses.get('c/model.bin')!.evidence).toHaveLength(1)
  expect(r.findings).toEqual([])
})

test('the churn app layout: no card, a GPL-3.0 LICENSE beside the model, identified by text', async () => {
  const r = await run(
    { LICENSE: full['GPL-3.0-only']!.licenseText, 'README.md': '# Churn app\n', 'model.h5': 'x', 'data.csv': 'a\n' },
    [artifact('model.h5', 'model'), artifact('data.csv', 'dataset')],
    'licenses:\n  allow: [MIT, Apache-2.0]\n  datasets:\n    allow: [GPL-3.0-only]'
  )
  expect(summary(r.licenses)).toEqual({ 'data.csv': 'known GPL-3.0-only <- license-file LICENSE:null', 'model.h5': 'known GPL-3.0-only <- license-file LICENSE:null' })
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    "license-not-allowed error LICENSE:null LICENSE is the license text of GPL-3.0-only, which is not on the license policy's allow list. Applies to `model.h5`."
  ])
})

test('a near-miss LICENSE file is unknown, with the reason', async () => {
  const nc = full['MIT']!.licenseText.replace('without restriction', 'for non-commercial purposes only')
  const r = await run({ 'm/LICENSE.txt': nc, 'm/model.pt': 'x' }, [artifact('m/model.pt', 'model')])
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    'license-unknown warning m/LICENSE.txt:null The license of this model cannot be read as an SPDX license: The license text in m/LICENSE.txt is not recognised: its text is MIT with added terms ("software for non commercial purposes only including"). Applies to `m/model.pt`.'
  ])
})

test('use-restricted licenses: a note with the restriction summary', async () => {
  const r = await run({ 'llama/README.md': card('license: llama2\nlibrary_name: transformers'), 'llama/model.safetensors': 'x', 'llama/model-2.safetensors': 'x' }, [
    artifact('llama/model.safetensors', 'model'),
    artifact('llama/model-2.safetensors', 'model')
  ])
  expect(r.findings).toEqual([
    {
      rule: 'license-use-restricted',
      severity: 'note',
      path: 'llama/README.md',
      line: 2,
      message:
        "The card declares `license: llama2`, read as Llama 2 Community License Agreement, which restricts how the model may be used. Summary: Meta's Acceptable Use Policy applies; a product with more than 700 million monthly active users needs a separate license from Meta; the model and its outputs may not be used to improve other large language models. Applies to `llama/model-2.safetensors`, `llama/model.safetensors`.",
      fix: 'Read the license and its acceptable-use policy and check that your use complies; record the review as a `licenses.exceptions` entry.'
    }
  ])
})

describe('exceptions', () => {
  const spec = { 'm/README.md': card('license: cc-by-nc-4.0\nlibrary_name: x'), 'm/model.bin': 'x' }
  const policy = (ex: string) => `licenses:\n  deny: [CC-BY-NC-4.0]\n  exceptions:\n${ex}`

  test('an active exception silences the findings and is recorded', async () => {
    const r = await run(spec, [artifact('m/model.bin', 'model')], policy('    - { path: "m/**", reason: "LEG-12: research only", expires: 2026-06-15 }'))
    expect(r.findings).toEqual([])
    expect(r.licenses.get('m/model.bin')!.exception).toEqual({ path: 'm/**', reason: 'LEG-12: research only', expires: '2026-06-15', expired: false })
  })

  test('an expired exception is a finding, and the policy applies again', async () => {
    const r = await run(spec, [artifact('m/model.bin', 'model')], policy('    - { path: "m/**", reason: "LEG-12: research only", expires: 2026-06-14 }'))
    expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line}`)).toEqual(['license-denied error m/README.md:2', 'license-exception-expired warning m/README.md:2'])
    expect(r.findings[1]!.message).toBe("The license exception 'm/**' (LEG-12: research only) expired on 2026-06-14, so the license policy applies to this model again. Applies to `m/model.bin`.")
  })

  test('an exception for one license does not cover another', async () => {
    const r = await run(spec, [artifact('m/model.bin', 'model')], policy('    - { path: "m/model.bin", reason: "approved for CC-BY-NC-ND only", license: CC-BY-NC-ND-4.0 }'))
    expect(r.findings.map((f) => f.rule)).toEqual(['license-denied'])
    expect(r.licenses.get('m/model.bin')!.exception).toBeNull()
  })
})

test('config.json and embedded metadata are read when there is no card or LICENSE; unknown: off silences', async () => {
  const r = await run(
    { 'a/config.json': JSON.stringify({ license: 'apache-2.0', model_type: 'bert' }), 'a/model.bin': 'x', 'b/model.gguf': 'x', 'c/model.bin': 'x' },
    [artifact('a/model.bin', 'model'), artifact('b/model.gguf', 'model', { facts: { license: 'mit' } }), artifact('c/model.bin', 'model'), artifact('gone.bin', 'model', { change: 'removed' })],
    'licenses:\n  unknown: off'
  )
  expect(summary(r.licenses)).toEqual({
    'a/model.bin': 'known Apache-2.0 <- model-config a/config.json:null',
    'b/model.gguf': 'known MIT <- model-metadata b/model.gguf:null',
    'c/model.bin': 'missing null <- nothing'
  })
  expect(r.findings).toEqual([])
})

test('package metadata beside a model (npm package with a tfjs model)', async () => {
  const r = await run(
    { 'pkg/package.json': JSON.stringify({ name: 'x', license: 'BSD-3-Clause' }), 'pkg/model/model.json': '{}', 'pkg/model/weights.bin': 'x' },
    [artifact('pkg/model/weights.bin', 'model')]
  )
  expect(summary(r.licenses)).toEqual({ 'pkg/model/weights.bin': 'known BSD-3-Clause <- package-metadata pkg/package.json:null' })
})

test('a tree that cannot be listed degrades to "missing", never throws', async () => {
  const broken = { list: () => Promise.reject(new Error('boom')), children: () => Promise.reject(new Error('boom')), open: () => Promise.reject(new Error('boom')) }
  const r = await assessLicenses({ artifacts: [artifact('m.bin', 'model')], dependencies: [], config: config(), tree: broken, now: NOW })
  expect(summary(r.licenses)).toEqual({ 'm.bin': 'missing null <- nothing' })
  expect(r.findings.map((f) => f.rule)).toEqual(['license-missing'])
})

describe('fail closed under a deny policy: an unreadable declaration never passes silently', () => {
  const DENY_NC = 'licenses:\n  deny: ["CC-BY-NC-*"]'
  const bypasses = ['cc-by-nc-4.0, mit', 'MIT/CC-BY-NC-4.0', 'mit; cc-by-nc-4.0', 'MIT & CC-BY-NC-4.0', 'MIT + CC-BY-NC-4.0', 'Apache-2.0 (non-commercial use only)', 'mit, apache-2.0', '(MIT', 'MIT)', 'LicenseRef-']

  test.each(bypasses)('`license: "%s"` is license-unknown on the card line', async (declared) => {
    const r = await run({ 'm/README.md': card(`license: ${JSON.stringify(declared)}\nlibrary_name: x`), 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'unknown null <- card m/README.md:2' })
    expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line}`)).toEqual(['license-unknown warning m/README.md:2'])
    expect(r.findings[0]!.message).toBe(`The license of this model cannot be read as an SPDX license: ${normalizeLicense(declared)!.note} Applies to \`m/model.bin\`.`)
    expect(r.findings[0]!.fix).toBe(
      'Declare the license as one SPDX expression or Hugging Face license id (`license: apache-2.0`, `license: MIT AND CC-BY-NC-4.0`), or `license: other` with `license_name` and `license_link` for a custom license.'
    )
  })

  test('with `unknown: error` the gate fails; the SPDX spelling of the same list is denied', async () => {
    const listed = await run({ 'd/README.md': card('license: "cc-by-nc-4.0, mit"\ntask_categories: [text-classification]'), 'd/train.csv': 'a\n' }, [artifact('d/train.csv', 'dataset')], `${DENY_NC}\n  unknown: error`)
    expect(listed.findings.map((f) => `${f.rule} ${f.severity}`)).toEqual(['license-unknown error'])
    expect(verdictFor(applySeverityOverrides(listed.findings, listed.cfg), 'error')).toBe('fail')
    const spdx = await run({ 'd/README.md': card('license: "CC-BY-NC-4.0 AND MIT"\ntask_categories: [text-classification]'), 'd/train.csv': 'a\n' }, [artifact('d/train.csv', 'dataset')], DENY_NC)
    expect(spdx.findings.map((f) => `${f.rule} ${f.severity} ${f.message}`)).toEqual([
      'license-denied error The card declares `license: CC-BY-NC-4.0 AND MIT`, read as CC-BY-NC-4.0 AND MIT, which the license policy denies (CC-BY-NC-* in licenses.deny matches CC-BY-NC-4.0). Applies to `d/train.csv`.'
    ])
  })

  test('an unreadable card is reported even when a weaker source names a license', async () => {
    const r = await run(
      { 'm/README.md': card('license: "cc-by-nc-4.0, mit"\nlibrary_name: x'), 'm/config.json': JSON.stringify({ license: 'mit' }), 'm/model.bin': 'x' },
      [artifact('m/model.bin', 'model')],
      DENY_NC
    )
    expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'known MIT <- model-config m/config.json:null' })
    expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
      'license-unknown warning m/README.md:2 The license of this model cannot be read as an SPDX license: `cc-by-nc-4.0, mit` joins licenses with `,`, which SPDX does not define (do all of them apply, or may one be chosen?); write `CC-BY-NC-4.0 AND MIT` if all of them apply or `CC-BY-NC-4.0 OR MIT` if one may be chosen. The license found elsewhere (MIT, from m/config.json) does not settle it: this declaration may add or change terms. Applies to `m/model.bin`.'
    ])
  })

  test('a card `mit` does not hide a LICENSE file with added non-commercial terms', async () => {
    const nc = full['MIT']!.licenseText.replace('without restriction', 'for non-commercial purposes only')
    const r = await run({ 'm/README.md': card('license: mit\nlibrary_name: x'), 'm/LICENSE': nc, 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'known MIT <- card m/README.md:2' })
    expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
      'license-unknown warning m/LICENSE:null The license of this model cannot be read as an SPDX license: The license text in m/LICENSE is not recognised: its text is MIT with added terms ("software for non commercial purposes only including"). The license found elsewhere (MIT, from m/README.md) does not settle it: this declaration may add or change terms. Applies to `m/model.bin`.'
    ])
    expect(r.findings[0]!.fix).toBe(
      'Keep the unmodified text of one license in the LICENSE file; for terms of your own, declare them on the card (`license: other` with `license_name` and `license_link`) and have them reviewed.'
    )
  })

  test('`unknown: off` silences it, as the policy says', async () => {
    const r = await run({ 'm/README.md': card('license: "cc-by-nc-4.0, mit"\nlibrary_name: x'), 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], `${DENY_NC}\n  unknown: "off"`)
    expect(r.findings).toEqual([])
  })
})

test('`license_name` (with `license_link`) and no `license:` is a custom license, like `license: other`', async () => {
  const r = await run(
    {
      'a/README.md': card('license_name: acme-research\nlicense_link: https://acme.example/license\nlibrary_name: x'),
      'a/model.bin': 'x',
      'b/README.md': card('library_name: x\nlicense_name: llama3'),
      'b/model.bin': 'x'
    },
    [artifact('a/model.bin', 'model'), artifact('b/model.bin', 'model')],
    'licenses:\n  allow: [MIT]'
  )
  expect(summary(r.licenses)).toEqual({ 'a/model.bin': 'known LicenseRef-acme-research <- card a/README.md:2', 'b/model.bin': 'known LicenseRef-hf-llama3 <- card b/README.md:3' })
  expect(r.licenses.get('a/model.bin')).toMatchObject({ name: 'acme-research', url: 'https://acme.example/license' })
  expect(r.cards.get('a/README.md')).toMatchObject({ state: 'known', expression: 'LicenseRef-acme-research', name: 'acme-research' })
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    "license-not-allowed error a/README.md:2 The card declares `license_name: acme-research`, read as LicenseRef-acme-research, which is not on the license policy's allow list. Applies to `a/model.bin`.",
    "license-not-allowed error b/README.md:3 The card declares `license_name: llama3`, read as LicenseRef-hf-llama3, which is not on the license policy's allow list. Applies to `b/model.bin`."
  ])
})

test('a LICENSE file when the SPDX license texts cannot be loaded: license-unknown for that file, the scan goes on', async () => {
  const root = await makeTree({ 'm/LICENSE': full['MIT']!.licenseText, 'm/model.bin': 'x', 'n/LICENSE': 'Llama 3 Community License Agreement\n\nMeta Llama 3 Version Release Date: April 18, 2024\n', 'n/model.bin': 'x' })
  let calls = 0
  const missing = async () => {
    calls++
    throw new Error("Cannot find package 'spdx-license-list' imported from /opt/modelgate/cli.js")
  }
  const r = await assessLicenses({ artifacts: [artifact('m/model.bin', 'model'), artifact('n/model.bin', 'model')], dependencies: [], config: config(), tree: fsTreeReader(root), now: NOW, licenseTexts: missing })
  expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'unknown null <- license-file m/LICENSE:null', 'n/model.bin': 'known LicenseRef-hf-llama3 <- license-file n/LICENSE:null' })
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    "license-unknown warning m/LICENSE:null The license of this model cannot be read as an SPDX license: m/LICENSE cannot be identified: ModelGate's SPDX license texts could not be loaded (Cannot find package 'spdx-license-list' imported from /opt/modelgate/cli.js), so its text was not compared; keep spdx-license-texts.json beside the ModelGate bundle (dist/spdx-license-texts.json next to dist/cli.js, dist/index.js or dist/server.js) or run ModelGate from a full install. Applies to `m/model.bin`.",
    "license-use-restricted note n/LICENSE:null n/LICENSE is the license text of Meta Llama 3 Community License Agreement, which restricts how the model may be used. Summary: Meta's Acceptable Use Policy applies; a product with more than 700 million monthly active users needs a separate license from Meta; \"Built with Meta Llama 3\" attribution is required; the model and its outputs may not be used to improve other large language models. Applies to `n/model.bin`."
  ])
  expect(r.findings[0]!.fix).toBe('Install ModelGate complete (dist/spdx-license-texts.json beside the bundle, or node_modules for a source checkout) and scan again; until then this LICENSE file is unchecked.')
  // A failed load is not remembered: the next file (or run) tries again.
  expect(calls).toBe(2)
})

describe('every LICENSE file beside the artifact is read', () => {
  const NC = full['CC-BY-NC-4.0']!.licenseText
  const MIT_TEXT = full['MIT']!.licenseText
  const DENY_NC = 'licenses:\n  deny: ["CC-BY-NC-*"]'
  const lines = (r: Awaited<ReturnType<typeof run>>) => r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)

  test.each(['LICENSE.txt', 'COPYING', 'LICENSE-MODEL', 'LICENCE.md'])('a card `mit` and LICENSE (MIT) do not hide %s (CC-BY-NC-4.0)', async (second) => {
    const r = await run({ 'm/README.md': card('license: mit\nlibrary_name: x'), 'm/LICENSE': MIT_TEXT, [`m/${second}`]: NC, 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'known MIT <- card m/README.md:2' })
    expect(lines(r)).toEqual([
      `license-denied error m/${second}:null m/${second} is the license text of CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-* in licenses.deny). Applies to \`m/model.bin\`.`,
      `license-conflict warning m/README.md:2 The card declares MIT but m/${second} is the text of CC-BY-NC-4.0; which one applies is unclear. Applies to \`m/model.bin\`.`
    ])
  })

  test('no card: LICENSE files that disagree are a conflict on the first one, and each meets the policy', async () => {
    const r = await run({ 'm/LICENSE': MIT_TEXT, 'm/LICENSE-MODEL': NC, 'm/LICENSE.py': 'x = 1\n', 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'known MIT <- license-file m/LICENSE:null' })
    expect(r.licenses.get('m/model.bin')!.evidence.map((e) => e.path)).toEqual(['m/LICENSE', 'm/LICENSE-MODEL'])
    expect(lines(r)).toEqual([
      'license-conflict warning m/LICENSE:null m/LICENSE is the text of MIT but m/LICENSE-MODEL is the text of CC-BY-NC-4.0; which one applies is unclear. Applies to `m/model.bin`.',
      'license-denied error m/LICENSE-MODEL:null m/LICENSE-MODEL is the license text of CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-* in licenses.deny). Applies to `m/model.bin`.'
    ])
  })

  test('dual licensing the card states is no conflict', async () => {
    const r = await run(
      { 'm/README.md': card('license: MIT OR Apache-2.0\nlibrary_name: x'), 'm/LICENSE-MIT': MIT_TEXT, 'm/LICENSE-APACHE': full['Apache-2.0']!.licenseText, 'm/model.bin': 'x' },
      [artifact('m/model.bin', 'model')]
    )
    expect(r.findings).toEqual([])
  })

  test('more than 10 license files: the rest is reported unread, not skipped', async () => {
    const spec: TreeSpec = { 'm/model.bin': 'x' }
    for (let i = 0; i < 12; i++) spec[`m/LICENSE-${String(i).padStart(2, '0')}`] = MIT_TEXT
    const r = await run(spec, [artifact('m/model.bin', 'model')])
    expect(r.licenses.get('m/model.bin')!.evidence).toHaveLength(11)
    expect(lines(r)).toEqual([
      'license-unknown warning m/LICENSE-10:null The license of this model cannot be read as an SPDX license: m has 12 license files; ModelGate reads 10, so 2 (LICENSE-10, LICENSE-11) went unread. The license found elsewhere (MIT, from m/LICENSE-00) does not settle it: this declaration may add or change terms. Applies to `m/model.bin`.'
    ])
  })

  test('a LICENSE file over 512 KiB is unknown, not cut where the reading stops', async () => {
    const r = await run({ 'm/README.md': card('license: mit\nlibrary_name: x'), 'm/LICENSE': `${MIT_TEXT}\n${' '.repeat(600 * 1024)}\nNon-commercial use only.\n`, 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    expect(lines(r)).toEqual([
      'license-unknown warning m/LICENSE:null The license of this model cannot be read as an SPDX license: The license text in m/LICENSE is not recognised: the file is 602 KiB, over the 512 KiB a license text is read to (no license text is that long), so what it says past that is unknown. The license found elsewhere (MIT, from m/README.md) does not settle it: this declaration may add or change terms. Applies to `m/model.bin`.'
    ])
  })
})

describe('license_link that points at another known license', () => {
  const DENY_NC = 'licenses:\n  deny: ["CC-BY-NC-*"]'
  const NC_LINK = 'https://creativecommons.org/licenses/by-nc/4.0/legalcode'
  const lines = (r: Awaited<ReturnType<typeof run>>) => r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)

  test.each(['license: mit', 'license: other\nlicense_name: MIT'])('`%s` + a CC BY-NC link: a conflict, and the policy judges the link too', async (front) => {
    const r = await run({ 'm/README.md': card(`${front}\nlicense_link: ${NC_LINK}\nlibrary_name: x`), 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    const linkLine = front.split('\n').length + 2
    expect(summary(r.licenses)).toEqual({ 'm/model.bin': 'known MIT <- card m/README.md:2' })
    expect(lines(r)).toEqual([
      `license-conflict warning m/README.md:2 The card declares MIT but its \`license_link: ${NC_LINK}\` points at CC-BY-NC-4.0; which one applies is unclear. Applies to \`m/model.bin\`.`,
      `license-denied error m/README.md:${linkLine} The card's \`license_link: ${NC_LINK}\` points at the license CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-* in licenses.deny). Applies to \`m/model.bin\`.`
    ])
    expect(r.foreignLinks).toEqual(new Set(['m/README.md']))
  })

  test('a link to the same license, a custom license with a link, an unknown host: no conflict', async () => {
    const r = await run(
      {
        'a/README.md': card('license: cc-by-4.0\nlicense_link: https://creativecommons.org/licenses/by/4.0/\nlibrary_name: x'),
        'a/model.bin': 'x',
        'b/README.md': card(`license: other\nlicense_name: Acme Data Terms\nlicense_link: ${NC_LINK}\nlibrary_name: x`),
        'b/model.bin': 'x',
        'c/README.md': card('license: mit\nlicense_link: https://acme.example/noncommercial\nlibrary_name: x'),
        'c/model.bin': 'x',
        'd/README.md': card('license: apache-2.0\nlicense_link: https://www.apache.org/licenses/LICENSE-2.0\nlibrary_name: x'),
        'd/model.bin': 'x'
      },
      [artifact('a/model.bin', 'model'), artifact('b/model.bin', 'model'), artifact('c/model.bin', 'model'), artifact('d/model.bin', 'model')],
      DENY_NC
    )
    // A custom license linking to CC BY-NC: the link is where its terms are, and the deny list sees them.
    expect(lines(r)).toEqual([
      `license-denied error b/README.md:4 The card's \`license_link: ${NC_LINK}\` points at the license CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-* in licenses.deny). Applies to \`b/model.bin\`.`
    ])
    expect(r.foreignLinks).toEqual(new Set())
  })
})

describe('card front matter as the Hugging Face Hub reads it', () => {
  const DENY_NC = 'licenses:\n  deny: ["CC-BY-NC-*"]'
  const one = async (readme: string) => {
    const r = await run({ 'm/README.md': readme, 'm/LICENSE': full['MIT']!.licenseText, 'm/model.bin': 'x' }, [artifact('m/model.bin', 'model')], DENY_NC)
    return { state: summary(r.licenses)['m/model.bin'], rules: r.findings.map((f) => `${f.rule} ${f.path}:${f.line}`) }
  }

  test('blank lines or spaces before the opening `---` still open it', async () => {
    expect(await one('\n\n---\nlicense: cc-by-nc-4.0\n---\n# x\n')).toEqual({ state: 'known CC-BY-NC-4.0 <- card m/README.md:4', rules: ['license-conflict m/README.md:4', 'license-denied m/README.md:4'] })
    expect(await one('  ---\r\nlicense: cc-by-nc-4.0\r\n---\r\n# x\n')).toEqual({ state: 'known CC-BY-NC-4.0 <- card m/README.md:2', rules: ['license-conflict m/README.md:2', 'license-denied m/README.md:2'] })
  })

  test('`---x` and `--- ` do not close the block: the YAML goes on to the real end', async () => {
    expect(await one('---\nlicense: mit\n---x: 1\nlicense: cc-by-nc-4.0\n---\n# x\n')).toEqual({ state: 'known MIT <- license-file m/LICENSE:null', rules: ['license-unknown m/README.md:4'] })
    expect(await one('---\nlicense: mit\n--- \nlicense: cc-by-nc-4.0\n---\n# x\n')).toEqual({ state: 'known MIT <- license-file m/LICENSE:null', rules: ['license-unknown m/README.md:3'] })
  })

  test('YAML merge keys are merged, as PyYAML does; a key written beside them wins', async () => {
    expect(await one('---\nbase: &b\n  license: cc-by-nc-4.0\n<<: *b\npipeline_tag: text-generation\n---\n')).toEqual({
      state: 'known CC-BY-NC-4.0 <- card m/README.md:4',
      rules: ['license-conflict m/README.md:4', 'license-denied m/README.md:4']
    })
    expect(await one('---\nbase: &b\n  license: cc-by-nc-4.0\n<<: *b\nlicense: mit\n---\n')).toEqual({ state: 'known MIT <- card m/README.md:5', rules: [] })
  })

  test('an alias to no anchor is broken metadata, not a crash', async () => {
    expect(await one('---\nlicense: *nope\nlibrary_name: x\n---\n')).toEqual({ state: 'known MIT <- license-file m/LICENSE:null', rules: ['license-unknown m/README.md:null'] })
  })
})

test('a Hub reference whose `other` license links to another known license: judged and compared on the code line', async () => {
  const root = await makeTree({ 'train.py': 'x\n' })
  const resolved = (name: string, link: string) => ({
    commit: 'a'.repeat(40),
    purl: `pkg:huggingface/acme/${name}@${'a'.repeat(40)}`,
    license: 'other',
    licenseName: 'MIT',
    licenseLink: link,
    gated: false,
    files: []
  })
  const deps = [
    dependency('acme/nc', null, { ecosystem: 'huggingface', hubKind: 'model', path: 'train.py', line: 3, resolved: resolved('nc', 'https://creativecommons.org/licenses/by-nc/4.0/') }),
    dependency('acme/ok', null, { ecosystem: 'huggingface', hubKind: 'model', path: 'train.py', line: 4, resolved: resolved('ok', 'https://opensource.org/licenses/MIT') })
  ]
  const r = await assessLicenses({ artifacts: [], dependencies: deps, config: config('licenses:\n  deny: ["CC-BY-NC-*"]'), tree: fsTreeReader(root), now: NOW })
  expect(r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`)).toEqual([
    "license-conflict warning train.py:3 The card declares MIT but its `license_link: https://creativecommons.org/licenses/by-nc/4.0/` points at CC-BY-NC-4.0; which one applies is unclear. Applies to `pkg:huggingface/acme/nc@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`.",
    "license-denied error train.py:3 The card's `license_link: https://creativecommons.org/licenses/by-nc/4.0/` on the Hub (https://huggingface.co/acme/nc) points at the license CC-BY-NC-4.0, which the license policy denies (CC-BY-NC-* in licenses.deny). Applies to `pkg:huggingface/acme/nc@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`."
  ])
})
