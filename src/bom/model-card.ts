import type { Artifact, CardData } from '../types.js'
import type { ModelGroup } from './groups.js'
import { NS, type Property } from './properties.js'

type Json = Record<string, unknown>
const HUB_ID = /^[\w.-]+\/[\w.-]+$/

/** What a model folder's configs say: the architecture, the base the weights came from, the adapter method. */
export interface ConfigFacts {
  family: string | null
  architecture: string | null
  /** Hub ids of the base model(s): `base_model_name_or_path` of an adapter; `_name_or_path` when it names a hub repository, not a local folder and not this model. */
  bases: string[]
  /** PEFT adapters: `peft_type` (`LORA`, ...). */
  peftType: string | null
  transformersVersion: string | null
}

export function configFacts(g: ModelGroup): ConfigFacts {
  const out: ConfigFacts = { family: null, architecture: null, bases: [], peftType: null, transformersVersion: null }
  for (const c of g.configs) {
    const f = c.facts
    if (typeof f.model_type === 'string') out.family ??= f.model_type
    if (typeof f.architectures === 'string' && f.architectures) out.architecture ??= f.architectures.split(',')[0]!
    if (typeof f.peft_type === 'string') out.peftType ??= f.peft_type
    if (typeof f.transformers_version === 'string') out.transformersVersion ??= f.transformers_version
    for (const v of [f.base_model_name_or_path, f.name_or_path]) {
      if (typeof v === 'string' && HUB_ID.test(v) && v.split('/')[1] !== g.name && !out.bases.includes(v)) out.bases.push(v)
    }
  }
  return out
}

/** Base models a model was made from: the card's `base_model` first, then what its configs name. */
export function baseModelsOf(g: ModelGroup, config: ConfigFacts): string[] {
  return [...new Set([...(g.card?.card?.baseModels ?? []), ...config.bases])]
}

/**
 * The task: the card's `pipeline_tag`; without one, the task its `model-index`
 * results were measured on when they all name the same one (Trainer-written cards
 * state the task only there).
 */
export function taskOf(card: CardData | undefined): string | null {
  if (!card) return null
  if (card.pipelineTag) return card.pipelineTag
  const tasks = [...new Set(card.metrics.map((m) => m.task).filter((t): t is string => t !== null))]
  return tasks.length === 1 ? tasks[0]! : null
}

/** Input and output formats of Hugging Face tasks (https://huggingface.co/tasks): what the task defines, not a claim about the model. */
const TASK_IO: Record<string, [string[], string[]]> = {
  'text-classification': [['string'], ['string']],
  'token-classification': [['string'], ['string']],
  'zero-shot-classification': [['string'], ['string']],
  'question-answering': [['string'], ['string']],
  'table-question-answering': [['table', 'string'], ['string']],
  'summarization': [['string'], ['string']],
  'translation': [['string'], ['string']],
  'text-generation': [['string'], ['string']],
  'text2text-generation': [['string'], ['string']],
  'fill-mask': [['string'], ['string']],
  'feature-extraction': [['string'], ['float[]']],
  'sentence-similarity': [['string'], ['float[]']],
  'automatic-speech-recognition': [['audio'], ['string']],
  'audio-classification': [['audio'], ['string']],
  'text-to-speech': [['string'], ['audio']],
  'text-to-audio': [['string'], ['audio']],
  'image-classification': [['image'], ['string']],
  'zero-shot-image-classification': [['image', 'string'], ['string']],
  'object-detection': [['image'], ['string']],
  'image-segmentation': [['image'], ['image']],
  'image-to-text': [['image'], ['string']],
  'image-text-to-text': [['image', 'string'], ['string']],
  'visual-question-answering': [['image', 'string'], ['string']],
  'text-to-image': [['string'], ['image']],
  'image-to-image': [['image'], ['image']],
  'depth-estimation': [['image'], ['image']],
  'video-classification': [['video'], ['string']],
  'tabular-classification': [['table'], ['string']],
  'tabular-regression': [['table'], ['number']],
  'time-series-forecasting': [['time-series'], ['time-series']]
}

/** Learning approach, only where the card says it in so many words (tags or pipeline tag). */
const APPROACH: Record<string, string> = {
  supervised: 'supervised', sft: 'supervised', unsupervised: 'unsupervised', 'semi-supervised': 'semi-supervised',
  'self-supervised': 'self-supervised', 'reinforcement-learning': 'reinforcement-learning', rlhf: 'reinforcement-learning', ppo: 'reinforcement-learning'
}

/** `cdx:ai-ml:model:parameter:tune_methods` values (CycloneDX property taxonomy) for PEFT types and card tags. */
const TUNE_METHODS: Record<string, string> = { lora: 'lora', qlora: 'qlora', sft: 'sft', rlhf: 'rlhf', prefix_tuning: 'prompt', prompt_tuning: 'prompt', p_tuning: 'prompt' }

/** GGUF facts with an official hyperparameter name in the `cdx:ai-ml` taxonomy. */
const HYPERPARAMETERS = ['context_length', 'vocab_size', 'quantization'] as const

/**
 * The `modelCard` of one model: what its card, configs and weight files state,
 * nothing inferred beyond the task's defined inputs and outputs. `datasets` are
 * the refs of the components for the card's `datasets`.
 */
export function modelCardFor(g: ModelGroup, config: ConfigFacts, datasets: string[]): Json | undefined {
  const card = g.card?.card
  const weights = weightFacts(g.weights)
  const tags = [...(card?.tags ?? []), ...(card?.pipelineTag ? [card.pipelineTag] : [])].map((t) => t.toLowerCase())
  const params: Json = {}
  const approach = tags.map((t) => APPROACH[t]).find((a) => a !== undefined)
  if (approach) params.approach = { type: approach }
  const task = taskOf(card)
  if (task) params.task = task
  const family = config.family ?? str(weights.architecture)
  if (family) params.architectureFamily = family
  const architecture = config.architecture ?? str(weights.model_class)
  if (architecture) params.modelArchitecture = architecture
  if (datasets.length > 0) params.datasets = datasets.map((ref) => ({ ref }))
  const io = task ? TASK_IO[task] : undefined
  if (io) {
    params.inputs = io[0].map((format) => ({ format }))
    params.outputs = io[1].map((format) => ({ format }))
  }

  const modelCard: Json = {}
  if (Object.keys(params).length > 0) modelCard.modelParameters = params
  if (card && card.metrics.length > 0) {
    modelCard.quantitativeAnalysis = {
      performanceMetrics: card.metrics.map((m) => ({ type: m.name && m.name.toLowerCase() !== m.type.toLowerCase() ? `${m.type} (${m.name})` : m.type, value: m.value, ...(m.dataset ? { slice: m.dataset } : {}) }))
    }
  }
  const props: { name: string; value: string }[] = []
  if (card && card.languages.length > 0) props.push({ name: 'cdx:ai-ml:model:languages', value: card.languages.join(',') })
  const count = parameterCount(g.weights)
  if (count !== null && count >= 1e6) props.push({ name: 'cdx:ai-ml:model:parameter:count', value: humanCount(count) })
  const peft = config.peftType?.toLowerCase()
  // A PEFT type the taxonomy has no value for keeps its own name (it allows "similar values").
  const tune = [...new Set([...(peft ? [TUNE_METHODS[peft] ?? peft] : []), ...tags.flatMap((t) => TUNE_METHODS[t] ?? [])])]
  if (tune.length > 0) props.push({ name: 'cdx:ai-ml:model:parameter:tune_methods', value: tune.join(',') })
  for (const h of HYPERPARAMETERS) {
    const v = weights[h]
    // A vocabulary-only file holds no weights, so no quantisation of them (its header still names a file type).
    if (v !== undefined && !(h === 'quantization' && g.weights.every(vocabularyOnly))) props.push({ name: `cdx:ai-ml:model:hyperparameter:${h}`, value: String(v) })
  }
  if (count !== null) props.push({ name: `${NS}:parameters`, value: String(count) })
  if (card) {
    props.push({ name: `${NS}:card:fields-present`, value: card.fieldsPresent.join(',') || '(none)' })
    props.push({ name: `${NS}:card:completeness`, value: `${card.fieldsPresent.length}/${card.fieldsExpected.length}` })
    if (card.libraryName) props.push({ name: `${NS}:card:library`, value: card.libraryName })
  }
  if (props.length > 0) modelCard.properties = props
  return Object.keys(modelCard).length > 0 ? modelCard : undefined
}

/** What a model's files and card say about it as a component: whether it is a tokenizer (the taxonomy's name), the card's model name, the card. */
export function modelProperties(g: ModelGroup): Property[] {
  const out: Property[] = []
  if (g.weights.every(vocabularyOnly)) out.push(['cdx:ai-ml:model:tokenizer', 'true'])
  if (g.card?.card?.modelName) out.push([`${NS}:card:model-name`, g.card.card.modelName])
  if (g.card) out.push([`${NS}:card`, g.card.path])
  return out
}

/** A GGUF file with a tokenizer and no tensors (llama.cpp's `ggml-vocab-*.gguf`): a tokenizer, not a model's weights. */
export function vocabularyOnly(w: Artifact): boolean {
  return w.format === 'gguf' && w.facts.tensors === 0
}

/** Facts every weight file that states them agrees on (two quantisations of one model disagree, so neither is the model's). */
function weightFacts(weights: readonly Artifact[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  for (const key of ['architecture', 'model_class', ...HYPERPARAMETERS]) {
    const values = new Set(weights.map((w) => w.facts[key]).filter((v) => v !== undefined))
    if (values.size === 1) out[key] = [...values][0]!
  }
  return out
}

/** Learned parameters: summed over shards of one format; two formats of the same model must agree. */
function parameterCount(weights: readonly Artifact[]): number | null {
  const byFormat = new Map<string, Artifact[]>()
  for (const w of weights) byFormat.set(w.format, [...(byFormat.get(w.format) ?? []), w])
  const totals = new Set<number>()
  for (const list of byFormat.values()) {
    if (list.every((w) => typeof w.facts.parameters === 'number')) totals.add(list.reduce((n, w) => n + (w.facts.parameters as number), 0))
  }
  return totals.size === 1 ? [...totals][0]! : null
}

/** The taxonomy's count style: `335M`, `1.3B`, `70B`, `1T` (three significant digits). */
export function humanCount(n: number): string {
  // Rounded before the unit is chosen, so 999,999,999 is `1B`, not `1000M`.
  for (const [div, unit] of [[1e12, 'T'], [1e9, 'B']] as const) {
    const v = Number((n / div).toPrecision(3))
    if (v >= 1) return `${v}${unit}`
  }
  return `${Number((n / 1e6).toPrecision(3))}M`
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v ? v : null
}

/** Python packages needed to load a model, by format, pickle imports, framework facts and config; linked only to libraries the BOM lists. */
export function loaderPackages(g: ModelGroup, config: ConfigFacts): string[] {
  const out = new Set<string>()
  for (const w of g.weights) {
    for (const p of FORMAT_PACKAGES[w.format] ?? []) out.add(p)
    if (w.facts.framework === 'keras') for (const p of ['keras', 'tensorflow', 'tf-keras']) out.add(p)
    if (typeof w.facts.backend === 'string') out.add(w.facts.backend)
    // safetensors' own metadata names the framework that wrote the tensors.
    const st = SAFETENSORS_FRAMEWORK[String(w.facts['metadata.format'])]
    if (w.format === 'safetensors' && st) out.add(st)
    if (typeof w.facts.pickle_globals === 'string') {
      for (const global of w.facts.pickle_globals.split(',')) {
        const root = global.split('.')[0]!
        if (root && !root.startsWith('_')) out.add(MODULE_PACKAGE[root] ?? root)
      }
    }
  }
  if (config.transformersVersion) out.add('transformers')
  if (config.peftType) out.add('peft')
  if (g.card?.card?.libraryName) out.add(g.card.card.libraryName)
  return [...out].map((p) => p.toLowerCase())
}

const FORMAT_PACKAGES: Record<string, string[]> = {
  safetensors: ['safetensors'],
  gguf: ['llama-cpp-python', 'gguf', 'node-llama-cpp'],
  onnx: ['onnxruntime', 'onnxruntime-gpu', 'onnx', 'onnxruntime-node', 'onnxruntime-web'],
  tflite: ['tensorflow', 'tflite-runtime', 'ai-edge-litert'],
  'keras-h5': ['keras', 'tensorflow', 'tf-keras'],
  'keras-v3': ['keras'],
  'pytorch-zip': ['torch'],
  'pytorch-legacy': ['torch'],
  torchscript: ['torch'],
  joblib: ['joblib'],
  numpy: ['numpy'],
  'numpy-npz': ['numpy'],
  'xgboost-json': ['xgboost'],
  'xgboost-ubj': ['xgboost'],
  'tf-savedmodel': ['tensorflow'],
  tfjs: ['@tensorflow/tfjs', '@tensorflow/tfjs-node'],
  sentencepiece: ['sentencepiece']
}

const SAFETENSORS_FRAMEWORK: Record<string, string> = { pt: 'torch', tf: 'tensorflow', flax: 'flax', np: 'numpy', mlx: 'mlx' }

/** Import names whose PyPI package is named differently. */
const MODULE_PACKAGE: Record<string, string> = { sklearn: 'scikit-learn', cv2: 'opencv-python', PIL: 'pillow', yaml: 'pyyaml', skimage: 'scikit-image' }
