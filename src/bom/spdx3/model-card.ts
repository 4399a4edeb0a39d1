import type { Property } from '../properties.js'
import type { Json } from './graph.js'

const HYPERPARAMETER = 'cdx:ai-ml:model:hyperparameter:'

/**
 * The AI profile's fields from the CycloneDX `modelCard` of the same model (built
 * by src/bom/model-card.ts, so both BOMs state the same facts): the task as
 * `ai_domain`, architecture family and class as `ai_typeOfModel`, metrics as
 * `ai_metric`, hyperparameters as `ai_hyperparameter`, the learning approach and
 * named training inputs as `ai_informationAboutTraining`, the task's input and
 * output formats as `ai_informationAboutApplication`. Every modelCard property is
 * also kept as a CycloneDX property. Never written, because no scan can know
 * them: autonomy type, safety risk assessment, energy use, limitations.
 */
export function aiFieldsOf(modelCard: Json | undefined, training: readonly string[]): { fields: Json; properties: Property[] } {
  const params = (modelCard?.modelParameters ?? {}) as Json
  const metrics = ((modelCard?.quantitativeAnalysis as Json | undefined)?.performanceMetrics ?? []) as Json[]
  const props = ((modelCard?.properties ?? []) as { name: string; value: string }[]).map((p) => [p.name, p.value] as const)
  const formats = (list: unknown) => ((list ?? []) as Json[]).map((x) => String(x.format)).join(', ')
  const approach = (params.approach as Json | undefined)?.type
  const aboutTraining = [...(typeof approach === 'string' ? [`Learning approach: ${approach}.`] : []), ...training]
  const typeOfModel = [...new Set([params.architectureFamily, params.modelArchitecture].filter((x): x is string => typeof x === 'string'))]
  const hyper = props.filter(([name]) => name.startsWith(HYPERPARAMETER))
  const fields: Json = {
    ...(typeof params.task === 'string' ? { ai_domain: [params.task] } : {}),
    ...(hyper.length > 0 ? { ai_hyperparameter: hyper.map(([name, value]) => ({ type: 'DictionaryEntry', key: name.slice(HYPERPARAMETER.length), value })) } : {}),
    ...(params.inputs || params.outputs ? { ai_informationAboutApplication: `Formats the task defines. Inputs: ${formats(params.inputs) || 'not stated'}. Outputs: ${formats(params.outputs) || 'not stated'}.` } : {}),
    ...(aboutTraining.length > 0 ? { ai_informationAboutTraining: aboutTraining.join(' ') } : {}),
    ...(metrics.length > 0 ? { ai_metric: metrics.map((m) => ({ type: 'DictionaryEntry', key: m.slice ? `${String(m.type)} on ${String(m.slice)}` : String(m.type), value: String(m.value) })) } : {}),
    ...(typeOfModel.length > 0 ? { ai_typeOfModel: typeOfModel } : {})
  }
  return { fields, properties: props }
}
