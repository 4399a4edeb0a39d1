import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import {
  escapesDirectory,
  FormatError,
  guarded,
  isRecord,
  issue,
  joinCapped,
  newResult,
  PATH_ESCAPE_RULE,
  truncate,
  type InspectContext
} from './common.js'
import { checkKerasConfig } from './keras-config.js'
import { checkTfOps } from './savedmodel.js'

const MAX_MODEL_JSON = 64 << 20
const FIX = 'Re-convert the model with tensorflowjs_converter.'

/** TensorFlow.js `model.json`: topology plus a manifest of weight shard files. */
export async function inspectTfjs(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('TensorFlow.js model.json', newResult('tfjs'), async (r) => {
    if (src.size > MAX_MODEL_JSON) throw new FormatError(`model.json is ${src.size} bytes, over the ${MAX_MODEL_JSON}-byte limit.`, FIX)
    let doc: unknown
    try {
      doc = JSON.parse((await src.read(0, src.size)).toString('utf8'))
    } catch (err) {
      throw new FormatError(`model.json is not valid JSON (${truncate((err as Error).message, 100)}).`, FIX)
    }
    if (!isRecord(doc) || !('modelTopology' in doc || 'weightsManifest' in doc)) {
      throw new FormatError('Not a TensorFlow.js model: no modelTopology or weightsManifest.', FIX)
    }
    r.facts.framework = 'tensorflow.js'
    for (const [k, fact] of [['format', 'model_format'], ['generatedBy', 'generated_by'], ['convertedBy', 'converted_by']] as const) {
      const v = doc[k]
      if (typeof v === 'string') r.facts[fact] = truncate(v, 200)
    }
    const manifest = doc.weightsManifest
    const shards: string[] = []
    let weights = 0
    if (manifest !== undefined) {
      if (!Array.isArray(manifest)) throw new FormatError('weightsManifest is not an array.', FIX)
      for (const group of manifest) {
        if (!isRecord(group) || !Array.isArray(group.paths)) throw new FormatError('A weightsManifest group has no paths array.', FIX)
        if (Array.isArray(group.weights)) weights += group.weights.length
        for (const p of group.paths) {
          if (typeof p !== 'string') throw new FormatError('A weightsManifest path is not a string.', FIX)
          shards.push(p)
          const why = escapesDirectory(p)
          if (why) {
            r.issues.push(
              issue(PATH_ESCAPE_RULE, 'error', `Weight shard path "${truncate(p, 120)}" ${why}: the loader fetches a file outside the model directory.`, 'Keep shard files next to model.json and reference them by plain file name.')
            )
          }
        }
      }
    }
    r.facts.weight_files = joinCapped(shards)
    r.facts.weight_shards = shards.length
    r.facts.weights = weights
    // Layers models carry a Keras topology: the same Lambda/module checks apply.
    const topo = doc.modelTopology
    if (isRecord(topo) && Array.isArray(topo.node)) {
      // Graph model: a GraphDef in JSON; ops live in node[] and library.function[].nodeDef[].
      const ops = new Map<string, number>()
      const add = (nodes: unknown): void => {
        if (!Array.isArray(nodes)) return
        for (const n of nodes) if (isRecord(n) && typeof n.op === 'string') ops.set(n.op, (ops.get(n.op) ?? 0) + 1)
      }
      add(topo.node)
      const lib = isRecord(topo.library) && Array.isArray(topo.library.function) ? topo.library.function : []
      for (const fn of lib) if (isRecord(fn)) add(fn.nodeDef)
      r.facts.nodes = [...ops.values()].reduce((a, b) => a + b, 0)
      r.issues.push(...checkTfOps(ops, 'The tfjs graph model'))
    } else if (isRecord(topo)) {
      const config = isRecord(topo.model_config) ? topo.model_config : topo
      if (typeof topo.keras_version === 'string') r.facts.keras_version = truncate(topo.keras_version, 40)
      const rep = checkKerasConfig(config, 'The tfjs model topology')
      Object.assign(r.facts, rep.facts)
      r.issues.push(...rep.issues)
    }
  })
}
