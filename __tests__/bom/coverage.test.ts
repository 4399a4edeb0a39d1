import { readFileSync } from 'node:fs'
import path from 'node:path'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import { REPO, SHARED } from '../support/shared.js'
import { BOM_NOW, scanLikeCli } from './scan-like-cli.js'

type Json = Record<string, unknown>

/** Leaf paths of a JSON document, arrays as `[]`: `components[].modelCard.modelParameters.task`. */
function leafPaths(v: unknown, at = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) leafPaths(x, `${at}[]`, out)
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leafPaths(x, at ? `${at}.${k}` : k, out)
  else out.add(at)
  return out
}

/**
 * Field coverage against CycloneDX's official ML-BOM example: which of its fields
 * our BOM of the closest real repository (a Trainer-made fine-tune with a card,
 * metrics, training data and a base model) fills, and which it does not. Each
 * field we leave out has its reason in docs/bom.md; filling one moves it here.
 */
test('field coverage: the official 1.6 ML-BOM example against the whisper-tiny fine-tune', async () => {
  const example = JSON.parse(readFileSync(path.join(SHARED, 'real-world', 'CycloneDX+specification', 'tools', 'src', 'test', 'resources', '1.6', 'valid-machine-learning-1.6.json'), 'utf8')) as Json
  const report = await scanLikeCli(path.join(SHARED, 'real-world', 'CoralReefFish+whisper-tiny-nbaiLab'))
  const ours = JSON.parse(serializeBom(report, { subject: 'whisper-tiny-nbaiLab', format: 'json', now: BOM_NOW })) as Json
  // The example's one component is a model: compare with our model components only.
  const models = { ...ours, components: (ours.components as Json[]).filter((c) => c.type === 'machine-learning-model') }
  const theirs = leafPaths(example)
  const mine = leafPaths(models)
  expect([...theirs].filter((p) => mine.has(p)).sort()).toEqual([
    '$schema',
    'bomFormat',
    'components[].bom-ref',
    'components[].modelCard.modelParameters.architectureFamily',
    'components[].modelCard.modelParameters.inputs[].format',
    'components[].modelCard.modelParameters.modelArchitecture',
    'components[].modelCard.modelParameters.outputs[].format',
    'components[].modelCard.modelParameters.task',
    'components[].modelCard.properties[].name',
    'components[].modelCard.properties[].value',
    'components[].modelCard.quantitativeAnalysis.performanceMetrics[].slice',
    'components[].modelCard.quantitativeAnalysis.performanceMetrics[].type',
    'components[].modelCard.quantitativeAnalysis.performanceMetrics[].value',
    'components[].name',
    'components[].type',
    'serialNumber',
    'specVersion',
    'version'
  ])
  expect([...theirs].filter((p) => !mine.has(p)).sort()).toEqual([
    'components[].description',
    'components[].group',
    'components[].modelCard.considerations.ethicalConsiderations[].mitigationStrategy',
    'components[].modelCard.considerations.ethicalConsiderations[].name',
    'components[].modelCard.considerations.fairnessAssessments[].benefits',
    'components[].modelCard.considerations.fairnessAssessments[].groupAtRisk',
    'components[].modelCard.considerations.fairnessAssessments[].harms',
    'components[].modelCard.considerations.fairnessAssessments[].mitigationStrategy',
    'components[].modelCard.considerations.performanceTradeoffs[]',
    'components[].modelCard.considerations.technicalLimitations[]',
    'components[].modelCard.considerations.useCases[]',
    'components[].modelCard.considerations.users[]',
    'components[].modelCard.modelParameters.approach.type',
    'components[].modelCard.modelParameters.datasets[].classification',
    'components[].modelCard.modelParameters.datasets[].contents.url',
    'components[].modelCard.modelParameters.datasets[].name',
    'components[].modelCard.modelParameters.datasets[].type',
    'components[].modelCard.quantitativeAnalysis.graphics.collection[].image.content',
    'components[].modelCard.quantitativeAnalysis.graphics.collection[].image.contentType',
    'components[].modelCard.quantitativeAnalysis.graphics.collection[].image.encoding',
    'components[].modelCard.quantitativeAnalysis.graphics.collection[].name',
    'components[].modelCard.quantitativeAnalysis.graphics.description',
    'components[].modelCard.quantitativeAnalysis.performanceMetrics[].confidenceInterval.lowerBound',
    'components[].modelCard.quantitativeAnalysis.performanceMetrics[].confidenceInterval.upperBound',
    'components[].publisher',
    'components[].version'
  ])
  // The fields docs/bom.md gives a reason for are exactly those.
  const documented = [...readFileSync(path.join(REPO, 'docs', 'bom.md'), 'utf8').matchAll(/^\| `(components\[\][^`]*)` \| not filled \|/gm)].map((m) => m[1])
  expect(documented.sort()).toEqual([...theirs].filter((p) => !mine.has(p)).sort())
})
