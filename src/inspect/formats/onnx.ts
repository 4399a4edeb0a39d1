import type { ByteSource } from '../../util/byte-source.js'
import type { InspectResult } from '../types.js'
import {
  escapesDirectory,
  FormatError,
  guarded,
  issue,
  joinCapped,
  newResult,
  PATH_ESCAPE_RULE,
  topCounts,
  truncate,
  type InspectContext
} from './common.js'
import { PbReader, type PbField } from './protobuf.js'

/** Subgraphs (If/Loop/Scan bodies) nest; real models stay under a handful of levels. */
const MAX_GRAPH_DEPTH = 16
const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview.training'])

interface State {
  pb: PbReader
  ops: Map<string, number>
  domains: Map<string, number>
  externals: Set<string>
  escapes: Array<{ location: string; why: string; tensor: string }>
  initializers: number
  nodes: number
}

/**
 * ModelProto reader. Tensor payloads (`raw_data`, typed data) are never read: the wire
 * reader hands back their offsets and we skip them, so a multi-GB model costs only its
 * structure.
 */
export async function inspectOnnx(src: ByteSource, _ctx: InspectContext = {}): Promise<InspectResult> {
  return guarded('ONNX', newResult('onnx'), async (r) => {
    const pb = new PbReader(src, undefined, 'ONNX')
    const s: State = { pb, ops: new Map(), domains: new Map(), externals: new Set(), escapes: [], initializers: 0, nodes: 0 }
    const opsets: string[] = []
    const functions: string[] = []
    let sawGraph = false
    for await (const f of pb.fields(0, src.size, 0)) {
      switch (f.field) {
        case 1:
          r.facts.ir_version = f.value
          break
        case 2:
          r.facts.producer_name = truncate(await pb.string(f, 256), 200)
          break
        case 3:
          r.facts.producer_version = truncate(await pb.string(f, 256), 200)
          break
        case 4:
          r.facts.domain = truncate(await pb.string(f, 256), 200)
          break
        case 5:
          r.facts.model_version = f.value
          break
        case 7:
          sawGraph = true
          r.facts.graph_name = truncate(await graphName(pb, f), 200)
          await walkGraph(s, f, 1, true)
          break
        case 8: {
          let domain = ''
          let version = 0
          for await (const g of pb.fields(f.offset, f.offset + f.length, 1)) {
            if (g.field === 1) domain = await pb.string(g, 256)
            else if (g.field === 2) version = g.value
          }
          opsets.push(`${domain || 'ai.onnx'}:${version}`)
          break
        }
        case 25: {
          // FunctionProto: model-local functions; their nodes run like graph nodes.
          let name = ''
          let domain = ''
          for await (const g of pb.fields(f.offset, f.offset + f.length, 1)) {
            if (g.field === 1) name = await pb.string(g, 256)
            else if (g.field === 10) domain = await pb.string(g, 256)
            else if (g.field === 4) await walkNode(s, g, 2)
          }
          functions.push(`${domain}.${name}`)
          break
        }
      }
    }
    if (!sawGraph || r.facts.ir_version === undefined) {
      throw new FormatError(
        `Not an ONNX model: ${!sawGraph ? 'no graph' : 'no ir_version'} field found.`,
        'Re-export the model with onnx.save / torch.onnx.export.'
      )
    }
    r.facts.opsets = joinCapped(opsets)
    if (r.facts.producer_name !== undefined) {
      r.facts.producer = `${r.facts.producer_name} ${r.facts.producer_version ?? ''}`.trim()
    }
    r.facts.nodes = s.nodes
    r.facts.op_types = topCounts(s.ops, 10)
    r.facts.initializers = s.initializers
    if (functions.length > 0) r.facts.functions = joinCapped(functions)
    if (s.externals.size > 0) r.facts.external_data = joinCapped([...s.externals].sort())

    const custom = [...s.domains.keys()].filter((d) => !STANDARD_DOMAINS.has(d))
    if (custom.length > 0) {
      r.facts.custom_domains = joinCapped(custom.sort())
      r.issues.push(
        issue(
          'unsafe-serialization',
          'note',
          `Operators from non-standard domains (${joinCapped(custom.sort(), 8, 200)}) need a custom-op library (native code) registered by the runtime to load this model.`,
          'Make sure the custom-op library comes from a trusted, pinned source.'
        )
      )
    }
    for (const e of s.escapes.slice(0, 20)) {
      r.issues.push(
        issue(
          PATH_ESCAPE_RULE,
          'error',
          `Tensor "${truncate(e.tensor, 80)}" stores its data at external location "${truncate(e.location, 120)}", which ${e.why}: loading the model reads a file outside the model directory.`,
          'Re-save with onnx.save_model(..., save_as_external_data=True, location="<file name next to the model>").'
        )
      )
    }
  })
}

async function graphName(pb: PbReader, graph: PbField): Promise<string> {
  for await (const g of pb.fields(graph.offset, graph.offset + graph.length, 1)) {
    if (g.field === 2) return pb.string(g, 256)
  }
  return ''
}

async function walkGraph(s: State, graph: PbField, depth: number, main: boolean): Promise<void> {
  if (depth > MAX_GRAPH_DEPTH) {
    throw new FormatError(`ONNX subgraphs nest deeper than ${MAX_GRAPH_DEPTH} levels.`, 'Flatten the model; the nesting exceeds ModelGate limits.')
  }
  for await (const g of s.pb.fields(graph.offset, graph.offset + graph.length, depth)) {
    if (g.wire !== 2) continue
    if (g.field === 1) {
      if (main) s.nodes++
      await walkNode(s, g, depth + 1)
    } else if (g.field === 5) {
      if (main) s.initializers++
      await walkTensor(s, g, depth + 1)
    } else if (g.field === 15) {
      // SparseTensorProto: values (1) and indices (2) are TensorProtos.
      if (main) s.initializers++
      for await (const t of s.pb.fields(g.offset, g.offset + g.length, depth + 1)) {
        if ((t.field === 1 || t.field === 2) && t.wire === 2) await walkTensor(s, t, depth + 2)
      }
    }
  }
}

async function walkNode(s: State, node: PbField, depth: number): Promise<void> {
  let op = ''
  let domain = ''
  for await (const n of s.pb.fields(node.offset, node.offset + node.length, depth)) {
    if (n.wire !== 2) continue
    if (n.field === 4) op = await s.pb.string(n, 256)
    else if (n.field === 7) domain = await s.pb.string(n, 256)
    else if (n.field === 5) {
      // AttributeProto: t (5) / tensors (10) may hold external data, g (6) / graphs (11) are subgraphs.
      for await (const a of s.pb.fields(n.offset, n.offset + n.length, depth + 1)) {
        if (a.wire !== 2) continue
        if (a.field === 5 || a.field === 10) await walkTensor(s, a, depth + 2)
        else if (a.field === 6 || a.field === 11) await walkGraph(s, a, depth + 2, false)
      }
    }
  }
  const key = domain && !STANDARD_DOMAINS.has(domain) ? `${domain}.${op}` : op
  s.ops.set(key, (s.ops.get(key) ?? 0) + 1)
  s.domains.set(domain, (s.domains.get(domain) ?? 0) + 1)
}

async function walkTensor(s: State, t: PbField, depth: number): Promise<void> {
  let name = ''
  let location: string | null = null
  for await (const f of s.pb.fields(t.offset, t.offset + t.length, depth)) {
    if (f.wire !== 2) continue // raw_data (9) and typed payloads are skipped by length
    if (f.field === 8) name = await s.pb.string(f, 1024)
    else if (f.field === 13) {
      let key = ''
      let value = ''
      for await (const e of s.pb.fields(f.offset, f.offset + f.length, depth + 1)) {
        if (e.field === 1) key = await s.pb.string(e, 256)
        else if (e.field === 2) value = await s.pb.string(e, 4096)
      }
      if (key === 'location') location = value
    }
  }
  if (location === null) return
  s.externals.add(location)
  const why = escapesDirectory(location)
  if (why) s.escapes.push({ location, why, tensor: name })
}
