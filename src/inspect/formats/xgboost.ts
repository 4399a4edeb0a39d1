import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import { FormatError, guarded, isRecord, truncate, type InspectContext } from './common.js'
import { decodeUbjson } from './ubjson.js'

/** Whole-document parse: XGBoost models past this size keep only `framework`. */
const MAX_MODEL_BYTES = 64 << 20
const FIX = 'Re-save the model with `Booster.save_model` from a trusted XGBoost.'

/**
 * XGBoost's own model format (`save_model` to .json or .ubj): data only, no code. Facts
 * come from the documented schema: `version`, `learner.objective.name`,
 * `learner.gradient_booster` (gbtree, dart around a gbtree, gblinear),
 * `learner.learner_model_param.num_feature`.
 */
export async function inspectXgboost(src: ByteSource, encoding: 'json' | 'ubj', _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded(`XGBoost ${encoding.toUpperCase()} model`, { facts: { framework: 'xgboost' }, issues: [] }, async (r) => {
    if (src.size > MAX_MODEL_BYTES) return
    const bytes = await src.read(0, src.size)
    let doc: unknown
    try {
      doc = encoding === 'json' ? JSON.parse(bytes.toString('utf8')) : decodeUbjson(bytes)
    } catch (err) {
      throw new FormatError(`The XGBoost model is not valid ${encoding === 'json' ? 'JSON' : 'UBJSON'} (${truncate((err as Error).message, 120)}).`, FIX)
    }
    if (!isRecord(doc) || !isRecord(doc.learner)) throw new FormatError('The XGBoost model has no "learner" object.', FIX)
    Object.assign(r.facts, xgboostFacts(doc, doc.learner))
  })
}

function xgboostFacts(doc: Record<string, unknown>, learner: Record<string, unknown>): Record<string, string | number> {
  const facts: Record<string, string | number> = {}
  const v = doc.version
  if (Array.isArray(v) && v.length > 0 && v.length <= 4 && v.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) facts.xgboost_version = v.join('.')
  const objective = isRecord(learner.objective) ? learner.objective.name : undefined
  if (typeof objective === 'string') facts.objective = truncate(objective, 100)
  const gb = isRecord(learner.gradient_booster) ? learner.gradient_booster : undefined
  if (gb && typeof gb.name === 'string') {
    facts.booster = truncate(gb.name, 50)
    // dart keeps its trees in an inner gbtree
    const tree = gb.name === 'dart' && isRecord(gb.gbtree) ? gb.gbtree : gb
    const param = isRecord(tree.model) && isRecord(tree.model.gbtree_model_param) ? tree.model.gbtree_model_param : undefined
    const trees = count(param?.num_trees)
    if (gb.name !== 'gblinear' && trees !== undefined) facts.num_trees = trees
  }
  const features = count(isRecord(learner.learner_model_param) ? learner.learner_model_param.num_feature : undefined)
  if (features !== undefined) facts.num_features = features
  return facts
}

/** XGBoost writes counts as decimal strings ("9"); numbers are accepted too. */
function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}
