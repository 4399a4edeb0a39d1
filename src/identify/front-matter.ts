import { parse } from 'yaml'

const MAX_FRONT_MATTER = 64 * 1024

/**
 * The YAML block between `---` lines at the top of a Markdown card, tolerant of
 * a BOM and Windows line breaks. Null when there is none or it is not a mapping.
 */
export function readFrontMatter(text: string): Record<string, unknown> | null {
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  if (!body.startsWith('---\n')) return null
  const end = body.indexOf('\n---', 3)
  if (end < 0 || end > MAX_FRONT_MATTER) return null
  try {
    const data: unknown = parse(body.slice(4, end), { maxAliasCount: 100, logLevel: 'error' })
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null
  } catch {
    return null
  }
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
