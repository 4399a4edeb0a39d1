import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult, Issue } from '../types.js'
import { FormatError, guarded, issue, joinCapped, newResult, topCounts, truncate, type InspectContext } from './common.js'
import { PbReader, type PbField } from './protobuf.js'

/** Ops that read, write or list files on the loading machine when the graph runs. */
const FILE_OPS = new Set(['ReadFile', 'WriteFile', 'MatchingFiles'])
/** Ops that reach files or the network less directly (summary writers, record writers, RPC). */
const IO_OPS = new Set([
  'ImmutableConst', 'RemoteCall', 'DatasetToTFRecord', 'CreateSummaryFileWriter', 'DebugIdentityV2',
  'DebugIdentityV3', 'DistributedSave', 'LoadAndRemapMatrix'
])
/**
 * py_func ops call a Python callback by token from the loading process' registry; the
 * callback's code is never stored in the graph, so the file alone cannot run code, but the
 * model will not work (or will call the host's own callbacks) without the original program.
 */
const PY_OPS = new Set(['PyFunc', 'PyFuncStateless', 'EagerPyFunc'])

/** Findings for a set of TensorFlow op names (shared by SavedModel and tfjs graph models). */
export function checkTfOps(ops: Map<string, number>, where: string): Issue[] {
  const out: Issue[] = []
  const pick = (set: Set<string>): string[] => [...ops.keys()].filter((o) => set.has(o)).sort()
  const file = pick(FILE_OPS)
  if (file.length > 0) {
    out.push(issue('unsafe-serialization', 'error', `${where} contains file-system ops (${file.join(', ')}): running the model reads or writes files chosen by whoever built it.`, 'Rebuild the model without file ops; load data in your own code and feed it as tensors.'))
  }
  const io = pick(IO_OPS)
  if (io.length > 0) {
    out.push(issue('unsafe-serialization', 'warning', `${where} contains ops with file or network side effects (${io.join(', ')}).`, 'Check why the graph needs them; re-export an inference-only graph otherwise.'))
  }
  const py = pick(PY_OPS)
  if (py.length > 0) {
    out.push(issue('unsafe-serialization', 'note', `${where} contains Python callback ops (${py.join(', ')}): their code is not in the file, so the model only runs inside the program that defined them.`, 'Replace tf.py_function/tf.numpy_function with TensorFlow ops before exporting.'))
  }
  return out
}

interface State {
  pb: PbReader
  ops: Map<string, number>
  nodes: number
  functions: number
}

async function walkNodeDef(s: State, f: PbField, depth: number): Promise<void> {
  for await (const n of s.pb.fields(f.offset, f.offset + f.length, depth)) {
    if (n.field === 2 && n.wire === 2) {
      const op = await s.pb.string(n, 256)
      s.ops.set(op, (s.ops.get(op) ?? 0) + 1)
      s.nodes++
      return
    }
  }
}

async function walkGraphDef(s: State, g: PbField, depth: number): Promise<void> {
  for await (const f of s.pb.fields(g.offset, g.offset + g.length, depth)) {
    if (f.wire !== 2) continue
    if (f.field === 1) await walkNodeDef(s, f, depth + 1)
    else if (f.field === 2) {
      // FunctionDefLibrary.function (1) -> FunctionDef.node_def (3): TF2 keeps most ops here.
      for await (const fn of s.pb.fields(f.offset, f.offset + f.length, depth + 1)) {
        if (fn.field !== 1 || fn.wire !== 2) continue
        s.functions++
        for await (const d of s.pb.fields(fn.offset, fn.offset + fn.length, depth + 2)) {
          if (d.field === 3 && d.wire === 2) await walkNodeDef(s, d, depth + 3)
        }
      }
    }
  }
}

/** TensorFlow `saved_model.pb`: SavedModel -> meta_graphs -> graph_def and its function library. */
export async function inspectSavedModel(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('TensorFlow SavedModel', newResult('tf-savedmodel'), async (r) => {
    const pb = new PbReader(src, undefined, 'SavedModel')
    const s: State = { pb, ops: new Map(), nodes: 0, functions: 0 }
    const tags = new Set<string>()
    let metaGraphs = 0
    for await (const f of pb.fields(0, src.size, 0)) {
      if (f.field === 1 && f.wire === 0) r.facts.saved_model_schema_version = f.value
      if (f.field !== 2 || f.wire !== 2) continue
      metaGraphs++
      for await (const m of pb.fields(f.offset, f.offset + f.length, 1)) {
        if (m.wire !== 2) continue
        if (m.field === 1) {
          for await (const i of pb.fields(m.offset, m.offset + m.length, 2)) {
            if (i.field === 4 && i.wire === 2) tags.add(truncate(await pb.string(i, 256), 100))
            else if (i.field === 5 && i.wire === 2) r.facts.tensorflow_version = truncate(await pb.string(i, 100), 40)
          }
        } else if (m.field === 2) await walkGraphDef(s, m, 2)
      }
    }
    if (metaGraphs === 0) throw new FormatError('Not a SavedModel: no meta_graphs.', 'Re-export with tf.saved_model.save.')
    r.facts.framework = 'tensorflow'
    r.facts.meta_graphs = metaGraphs
    r.facts.tags = joinCapped([...tags].sort())
    r.facts.nodes = s.nodes
    r.facts.functions = s.functions
    r.facts.op_types = topCounts(s.ops, 10)
    r.facts.distinct_ops = s.ops.size
    r.issues.push(...checkTfOps(s.ops, 'The SavedModel graph'))
  })
}
