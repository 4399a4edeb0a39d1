import path from 'node:path'
import type { Artifact, PipelineStage } from '../types.js'
import type { DatasetRef } from './data.js'
import type { ModelGroup } from './groups.js'
import { NS, type Property } from './properties.js'
import { stageRef } from './refs.js'

type Json = Record<string, unknown>

/** A model whose training inputs its card or configs name. */
export interface Training {
  ref: string
  name: string
  path: string
  /** Refs of the base model(s) and datasets, in that order. */
  inputs: string[]
  /** The files that name them (card, config.json). */
  sources: string[]
}

/**
 * CycloneDX `formulation`: how components were made, as far as the repository
 * says. A model card's `datasets` and a config's base model are a training
 * workflow's inputs with the model as output; a DVC pipeline's stages are tasks
 * whose `deps` and `outs` are the components at those paths. `resolve` gives the
 * refs of the components at or under a path.
 */
export function formulationOf(trainings: readonly Training[], pipelines: readonly Artifact[], resolve: (path: string) => string[]): Json[] {
  const out: Json[] = trainings.map((t) => ({
    'bom-ref': `formula:${t.ref}`,
    workflows: [
      {
        'bom-ref': `workflow:${t.ref}`,
        uid: `train:${t.path}`,
        name: `train ${t.name}`,
        description: `Training inputs named in ${t.sources.join(' and ')}; how the model was trained is not recorded in the repository.`,
        taskTypes: ['build'],
        inputs: t.inputs.map((ref) => ({ resource: { ref } })),
        outputs: [{ type: 'artifact', resource: { ref: t.ref } }]
      }
    ]
  }))
  for (const p of pipelines) {
    const stages = p.stages ?? []
    if (stages.length === 0) continue
    const taskRef = (s: PipelineStage) => stageRef(p.path, s)
    const tasks = stages.map((s) => stageTask(s, taskRef(s), p.path, resolve))
    const taskDependencies = stages.map((s) => {
      const producers = producersOf(s, stages)
      return { ref: taskRef(s), ...(producers.length > 0 ? { dependsOn: producers.map(taskRef).sort() } : {}) }
    })
    out.push({
      'bom-ref': `formula:${p.path}`,
      workflows: [{ 'bom-ref': `workflow:${p.path}`, uid: p.path, name: `pipeline ${p.path}`, tasks, taskDependencies, taskTypes: ['build'] }]
    })
  }
  return out
}

function stageTask(s: PipelineStage, ref: string, file: string, resolve: (path: string) => string[]): Json {
  const { inputs, outputs, unresolved } = stageLinks(s, resolve)
  const props = unresolved.map(([name, value]) => ({ name, value }))
  return {
    'bom-ref': ref,
    uid: `${file}:${s.name}`,
    name: s.name,
    taskTypes: ['build'],
    ...(s.cmd ? { steps: [{ name: s.name, commands: [{ executed: s.cmd }] }] } : {}),
    ...(inputs.length > 0 ? { inputs: inputs.map((r) => ({ resource: { ref: r } })) } : {}),
    ...(outputs.length > 0 ? { outputs: outputs.map((r) => ({ type: 'artifact', resource: { ref: r } })) } : {}),
    ...(props.length > 0 ? { properties: props } : {})
  }
}

/** `inner` is `outer` or inside the folder `outer`. */
export function within(inner: string, outer: string): boolean {
  const o = outer.replace(/\/+$/, '')
  return o === '.' || o === '' || inner === o || inner.startsWith(`${o}/`)
}

/** Files that define pipeline stages (`dvc.yaml`) in the scanned state. */
export function pipelinesOf(artifacts: readonly Artifact[]): Artifact[] {
  return artifacts.filter((a) => a.change !== 'removed' && (a.stages?.length ?? 0) > 0)
}

/** The other stages whose outputs a stage reads. */
export function producersOf(s: PipelineStage, stages: readonly PipelineStage[]): PipelineStage[] {
  return stages.filter((o) => o !== s && o.outs.some((out) => s.deps.some((dep) => within(dep, out) || within(out, dep))))
}

/**
 * The refs a stage reads and writes; paths that are no component of the BOM
 * (scripts, params files, folders of other things) stay visible as
 * `modelgate:input` / `modelgate:output` properties.
 */
export function stageLinks(s: PipelineStage, resolve: (path: string) => string[]): { inputs: string[]; outputs: string[]; unresolved: Property[] } {
  return {
    inputs: [...new Set(s.deps.flatMap(resolve))],
    outputs: [...new Set(s.outs.flatMap(resolve))],
    unresolved: [
      ...s.deps.filter((d) => resolve(d).length === 0).map((d) => [`${NS}:input`, d] as const),
      ...s.outs.filter((o) => resolve(o).length === 0).map((o) => [`${NS}:output`, o] as const)
    ]
  }
}

/** Refs of the models and datasets at or under a path (a DVC `.dvc` pointer stands for the path it tracks). */
export function pathResolver(groups: readonly ModelGroup[], datasets: readonly DatasetRef[]): (p: string) => string[] {
  return (p) => {
    const target = path.posix.normalize(p).replace(/\/+$/, '')
    const models = groups.filter((g) => within(g.path, target) || g.weights.some((w) => within(w.path, target))).map((g) => g.ref)
    const data = datasets.filter((d) => within(d.path, target) || d.path === `${target}.dvc`).map((d) => d.ref)
    return [...models, ...data]
  }
}
