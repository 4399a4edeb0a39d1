import { parseDocument } from 'yaml'

const MAX_FRONT_MATTER = 64 * 1024

export interface FrontMatter {
  data: Record<string, unknown> | null
  /** Set when a front-matter block exists but is not valid YAML or not a mapping. */
  error?: string
  errorLine?: number
}

/**
 * The YAML block between `---` lines at the top of a Markdown card, tolerant of a
 * BOM and Windows line breaks; when a block is there but unreadable, says why.
 */
export function readFrontMatter(text: string): FrontMatter {
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (!body.startsWith('---\n')) return { data: null }
  const end = body.indexOf('\n---', 3)
  if (end < 0) return { data: null, error: 'the metadata block has no closing `---` line' }
  if (end > MAX_FRONT_MATTER) return { data: null, error: `the metadata block is over ${MAX_FRONT_MATTER} bytes` }
  const yamlText = body.slice(4, end)
  const doc = parseDocument(yamlText, { prettyErrors: false, logLevel: 'error' })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    // +1: the opening `---` line precedes the YAML.
    return { data: null, error: e.message.split('\n')[0]!, errorLine: lineAt(yamlText, e.pos[0]) + 1 }
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 })
  if (data === null || data === undefined) return { data: {} }
  if (typeof data !== 'object' || Array.isArray(data)) return { data: null, error: 'the metadata is not a key: value mapping' }
  return { data: data as Record<string, unknown> }
}

const DATASET_KEYS = ['task_categories', 'task_ids', 'size_categories', 'source_datasets', 'dataset_info', 'configs', 'annotations_creators', 'language_creators', 'multilinguality']
const MODEL_KEYS = ['pipeline_tag', 'library_name', 'base_model', 'model-index', 'model_name', 'inference']
/** Keys both card types share: they make a card only in a file named like one. */
const COMMON_KEYS = ['license', 'license_name', 'license_link', 'language', 'tags', 'datasets', 'metrics', 'thumbnail', 'widget']
const CARD_FILE = /^(readme|model_?card|dataset_?card)\.md$/i

/**
 * Hugging Face card type from its metadata keys and file name. A README whose
 * metadata is only shared keys (license, language) is a dataset card in a data
 * folder and a model card elsewhere, as on the Hub.
 */
export function cardKind(meta: Record<string, unknown>, fileName: string, inDataFolder: boolean): 'model-card' | 'dataset-card' | null {
  if (DATASET_KEYS.some((k) => k in meta)) return 'dataset-card'
  if (MODEL_KEYS.some((k) => k in meta)) return 'model-card'
  if (CARD_FILE.test(fileName) && COMMON_KEYS.some((k) => k in meta)) {
    if (/^dataset/i.test(fileName) || inDataFolder) return 'dataset-card'
    return 'model-card'
  }
  return null
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++
  return line
}
