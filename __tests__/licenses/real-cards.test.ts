import path from 'node:path'
import { scan } from '../../src/engine/scan.js'
import { assessLicenses } from '../../src/licenses/assess.js'
import { fsTreeReader } from '../../src/verify/tree-reader.js'
import { SHARED } from '../support/shared.js'
import { config } from './helpers.js'

/** The real repositories in ../shared/real-world, scanned by the engine, then license-assessed. */
async function assessReal(dir: string, yaml?: string) {
  const root = path.join(SHARED, 'real-world', dir)
  const { report } = await scan({ root, failOn: 'error', config: config(yaml) })
  const r = await assessLicenses({ artifacts: report.artifacts, dependencies: report.dependencies, config: config(yaml), tree: fsTreeReader(root) })
  const licenses = Object.fromEntries([...r.licenses].map(([k, v]) => [k, `${v.state} ${v.expression} <- ${v.source ? `${v.source.source} ${v.source.path}:${v.source.line}` : v.reason}`]))
  return { licenses, findings: r.findings.map((f) => `${f.rule} ${f.severity} ${f.path}:${f.line} ${f.message}`) }
}

test('bge-large-zh-v1.5: card `license: mit` covers both LFS weights', async () => {
  expect(await assessReal('877325778+bge-large-zh-v1.5')).toEqual({
    licenses: { 'model.safetensors': 'known MIT <- card README.md:2', 'pytorch_model.bin': 'known MIT <- card README.md:2' },
    findings: []
  })
  expect((await assessReal('877325778+bge-large-zh-v1.5', 'licenses:\n  deny: [MIT]')).findings).toEqual([
    'license-denied error README.md:2 The card declares `license: mit`, read as MIT, which the license policy denies (MIT in licenses.deny). Applies to `model.safetensors`, `pytorch_model.bin`.'
  ])
})

test('roberta-base-squad2: CC-BY-4.0 on line 3, allowed only where the allow list says so', async () => {
  expect(await assessReal('AbidHasan95+roberta-base-squad2')).toEqual({ licenses: { pytorch_model_bin: 'known CC-BY-4.0 <- card README.md:3' }, findings: [] })
  expect((await assessReal('AbidHasan95+roberta-base-squad2', 'licenses:\n  allow: [MIT, Apache-2.0]')).findings).toEqual([
    "license-not-allowed error README.md:3 The card declares `license: cc-by-4.0`, read as CC-BY-4.0, which is not on the license policy's allow list. Applies to `pytorch_model_bin`."
  ])
  expect((await assessReal('AbidHasan95+roberta-base-squad2', 'licenses:\n  allow: [MIT]\n  models:\n    allow: ["CC-BY-*"]')).findings).toEqual([])
})

test('whisper-tiny: Trainer card `license: apache-2.0` covers the weights and training_args.bin', async () => {
  expect(await assessReal('CoralReefFish+whisper-tiny-nbaiLab')).toEqual({
    licenses: { 'pytorch_model.bin': 'known Apache-2.0 <- card README.md:2', 'training_args.bin': 'known Apache-2.0 <- card README.md:2' },
    findings: []
  })
})

test('churn app: the GPL-3.0 LICENSE file, identified by text, covers the Keras model, the pickles and the CSV', async () => {
  const gpl = 'known GPL-3.0-only <- license-file LICENSE:null'
  const r = await assessReal('0Xuser100+Customer-Churn-Prediction-App', 'licenses:\n  deny: [GPL-3.0-only]')
  expect(r.licenses).toEqual({
    'Churn_Modelling.csv': gpl,
    'label_encoder_gender.pkl': gpl,
    'model.h5': gpl,
    'onehot_encoder_geo.pkl': gpl,
    'scaler.pkl': gpl,
    // ML dependencies of requirements.txt: offline by default, unknown and not a finding.
    'pkg:pypi/tensorflow': 'unknown null <- offline: the package index was not consulted.',
    'pkg:pypi/scikit-learn': 'unknown null <- offline: the package index was not consulted.'
  })
  expect(r.findings).toEqual([
    'license-denied error LICENSE:null LICENSE is the license text of GPL-3.0-only, which the license policy denies (GPL-3.0-only in licenses.deny). Applies to `Churn_Modelling.csv`, `label_encoder_gender.pkl`, `model.h5`, `onehot_encoder_geo.pkl`, `scaler.pkl`.'
  ])
})
