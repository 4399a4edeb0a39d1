import { parseDocument } from 'yaml'

const MAX_FRONT_MATTER = 64 * 1024

export interface FrontMatter {
  data: Record<string, unknown> | null
  /** Set when a front-matter block exists but is not valid YAML or not a mapping. */
  error?: string
  errorLine?: number
  /** The YAML between the `---` lines (line breaks as `\n`), when there is a block. */
  yaml?: string
  /** 1-based line of the card on which `yaml` starts. */
  firstLine?: number
}

/**
 * The YAML block between `---` lines at the top of a Markdown card, found as the
 * Hugging Face Hub finds it (huggingface_hub's `REGEX_YAML_BLOCK`,
 * `^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))`): blank lines and spaces may
 * come before the opening `---`, and the block ends at the first `---` that is a
 * whole line (`---x` or `--- ` does not end it). A BOM is tolerated. YAML merge
 * keys (`<<: *base`) are applied, as PyYAML does. When a block is there but
 * unreadable, says why.
 */
export function readFrontMatter(text: string): FrontMatter {
  const body = text.replace(/^\uFEFF/, '')
  const block = findBlock(body)
  if (!block) return { data: null }
  if (block === 'unclosed') return { data: null, error: 'the metadata block has no closing `---` line' }
  const firstLine = lineOfOffset(body, block.start)
  if (block.end - block.start > MAX_FRONT_MATTER) return { data: null, error: `the metadata block is over ${MAX_FRONT_MATTER} bytes` }
  const yamlText = body.slice(block.start, block.end).replace(/\r\n?/g, '\n')
  const doc = parseDocument(yamlText, { prettyErrors: false, logLevel: 'error', merge: true })
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    return { data: null, error: e.message.split('\n')[0]!, errorLine: lineAt(yamlText, e.pos[0]) + firstLine - 1, yaml: yamlText, firstLine }
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (err) {
    // An alias to an anchor that is not set, or too many aliases (a "billion laughs" block).
    return { data: null, error: (err as Error).message.split('\n')[0]!, yaml: yamlText, firstLine }
  }
  if (data === null || data === undefined) return { data: {}, yaml: yamlText, firstLine }
  if (typeof data !== 'object' || Array.isArray(data)) return { data: null, error: 'the metadata is not a key: value mapping', yaml: yamlText, firstLine }
  return { data: data as Record<string, unknown>, yaml: yamlText, firstLine }
}

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r'

/**
 * Offsets of the YAML (`start`..`end`) by the Hub's pattern, scanned in linear time (the
 * pattern itself backtracks quadratically over long runs of blank lines). `unclosed`: the
 * text opens a block on its first line and never closes it (a broken card rather than prose).
 */
function findBlock(text: string): { start: number; end: number } | 'unclosed' | null {
  let i = 0
  while (i < text.length && /\s/.test(text[i]!)) i++
  if (!text.startsWith('---', i) || !isBreak(text[i + 3])) return null
  const openBreak = i + 3
  let start = openBreak
  while (isBreak(text[start])) start++
  // `---` on the very next line: the pattern needs a line break of its own before the closing `---`, so this is no block.
  if (start === openBreak + 1 || (start === openBreak + 2 && text[openBreak] === '\r' && text[openBreak + 1] === '\n')) {
    if (text.startsWith('---', start) && (start + 3 === text.length || isBreak(text[start + 3]))) return null
  }
  // The closing line breaks may not reuse the opening's first one: `---\n---` is no block.
  for (let p = text.indexOf('---', openBreak + 2); p >= 0; p = text.indexOf('---', p + 1)) {
    if (!isBreak(text[p - 1])) continue
    const after = text[p + 3]
    if (!(after === undefined || after === '\n' || (after === '\r' && text[p + 4] === '\n'))) continue
    let end = p - 1
    while (end - 1 > openBreak && isBreak(text[end - 1])) end--
    return { start, end: Math.max(start, end) }
  }
  return i === 0 ? 'unclosed' : null
}

/** 1-based line of an offset, counting `\r\n`, `\r` and `\n` as line breaks (as YAML does). */
function lineOfOffset(text: string, offset: number): number {
  return (text.slice(0, offset).match(/\r\n?|\n/g) ?? []).length + 1
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
