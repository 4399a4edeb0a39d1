import type { ByteSource } from '../../util/byte-source.js'
import type { Facts, InspectResult } from '../types.js'

const MAX_CONFIG_BYTES = 4 * 1024 * 1024

/**
 * Hugging Face `config.json` / `adapter_config.json`: architecture facts and the
 * base a fine-tune or adapter was made from. `_name_or_path` is only a claim about
 * where the weights were loaded from before saving: it names the base, never this model.
 */
export async function inspectHfConfig(src: ByteSource): Promise<InspectResult> {
  if (src.size > MAX_CONFIG_BYTES) {
    return { facts: {}, issues: [{ rule: 'unparseable-artifact', severity: 'warning', message: `This model config is ${src.size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit for configs, so it was not read.`, fix: 'Model configs are small JSON files; check that this is really one.' }] }
  }
  let data: unknown
  try {
    data = JSON.parse((await src.read(0, src.size)).toString('utf8'))
  } catch (err) {
    return { facts: {}, issues: [{ rule: 'unparseable-artifact', severity: 'warning', message: `This model config is not valid JSON (${(err as Error).message}); loaders will fail on it.`, fix: 'Re-save the config with save_pretrained().' }] }
  }
  const facts: Facts = {}
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { facts, issues: [] }
  const d = data as Record<string, unknown>
  const text = (k: string) => (typeof d[k] === 'string' && (d[k] as string).length <= 512 ? (d[k] as string) : null)
  for (const [key, fact] of [['model_type', 'model_type'], ['_name_or_path', 'name_or_path'], ['base_model_name_or_path', 'base_model_name_or_path'], ['peft_type', 'peft_type'], ['task_type', 'task_type'], ['transformers_version', 'transformers_version']] as const) {
    const v = text(key)
    if (v) facts[fact] = v
  }
  if (Array.isArray(d.architectures)) facts.architectures = d.architectures.filter((a): a is string => typeof a === 'string').slice(0, 8).join(',')
  return { facts, issues: [] }
}
