import type { Document, LineCounter, Node } from 'yaml'
import type { DeclaredDependency, InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import { isCommit, isHubId } from '../code/hub-ids.js'
import { isRecord, yamlOf } from '../parse-errors.js'
import { huggingfacePurl } from '../purl.js'
import { lockedPythonDependency } from '../python-deps.js'

/** Flavor keys that record the exact library version the model was saved with. */
const VERSION_KEYS: Record<string, string> = {
  sklearn_version: 'scikit-learn', pytorch_version: 'torch', xgb_version: 'xgboost', lgb_version: 'lightgbm', catboost_version: 'catboost',
  keras_version: 'keras', transformers_version: 'transformers', onnx_version: 'onnx', spacy_version: 'spacy', statsmodels_version: 'statsmodels',
  prophet_version: 'prophet', paddle_version: 'paddlepaddle', h2o_version: 'h2o', sentence_transformers_version: 'sentence-transformers'
}

/**
 * MLflow `MLmodel`: which flavors can load the model, how (a pickled model is a
 * pickle, scanned as one where it sits), the library versions it was saved with,
 * and for the transformers flavor the Hub model and revision it came from.
 */
export function parseMlmodel(text: string): InspectResult {
  const inv = new Inventory('pep508')
  const parsed = yamlOf(text, 'MLmodel')
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const { doc, lines, value } = parsed.value
  if (!isRecord(value) || !isRecord(value.flavors)) return inv.result()
  const flavors = value.flavors
  inv.facts.flavors = Object.keys(flavors).join(',')
  if (typeof value.mlflow_version === 'string') inv.dependencies.push(lockedPythonDependency('mlflow', value.mlflow_version, lineAt(doc, lines, ['mlflow_version']), { group: 'flavor' }))
  for (const key of ['run_id', 'model_uuid', 'artifact_path'] as const) if (typeof value[key] === 'string') inv.facts[key] = value[key] as string
  for (const [flavor, conf] of Object.entries(flavors)) {
    if (!isRecord(conf)) continue
    if (flavor === 'python_function') {
      if (typeof conf.loader_module === 'string') inv.facts.loaderModule = conf.loader_module
      if (typeof conf.python_version === 'string') inv.facts.python = conf.python_version
    }
    if (typeof conf.serialization_format === 'string') inv.facts.serialization = conf.serialization_format
    if (typeof conf.pickled_model === 'string') inv.facts.pickledModel = conf.pickled_model
    for (const [k, pkg] of Object.entries(VERSION_KEYS)) {
      const v = conf[k]
      if (typeof v === 'string' || typeof v === 'number') inv.dependencies.push(lockedPythonDependency(pkg, String(v), lineAt(doc, lines, ['flavors', flavor, k]), { group: 'flavor' }))
    }
    if (flavor === 'transformers' && typeof conf.source_model_name === 'string' && isHubId(conf.source_model_name, 'model')) hubSource(conf, doc, lines, inv)
  }
  return inv.result()
}

function hubSource(conf: Record<string, unknown>, doc: Document, lines: LineCounter, inv: Inventory): void {
  const name = conf.source_model_name as string
  const rev = typeof conf.source_model_revision === 'string' ? conf.source_model_revision : null
  const commit = isCommit(rev) ? rev!.toLowerCase() : null
  const line = lineAt(doc, lines, ['flavors', 'transformers', 'source_model_name'])
  const dep: DeclaredDependency = { line, ecosystem: 'huggingface', name, specifier: rev, version: commit, pinned: commit !== null, ml: true, purl: huggingfacePurl(name, commit, 'model'), hubKind: 'model' }
  inv.dependencies.push(dep)
  if (!commit) {
    inv.issue({
      rule: 'unpinned-hub-reference',
      severity: 'warning',
      message: `This MLflow model names ${name} on the Hugging Face Hub as its source ${rev ? `at \`${rev}\`, which is not a commit` : 'without a revision'}, so which weights it was built from cannot be verified.`,
      fix: 'Log the model with the commit it was loaded from (`source_model_revision`: the 40-hex sha).',
      ...(line ? { line } : {})
    })
  }
}

function lineAt(doc: Document, lines: LineCounter, path: (string | number)[]): number | null {
  const node = doc.getIn(path, true) as Node | undefined
  return node?.range ? lines.linePos(node.range[0]).line : null
}
