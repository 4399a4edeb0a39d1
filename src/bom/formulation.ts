import type { Artifact, PipelineStage } from '../types.js'

type Json = Record<string, unknown>
const NS = 'modelgate'

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
    const taskRef = (s: PipelineStage) => `task:${p.path}:${s.name}`
    const tasks = stages.map((s) => stageTask(s, taskRef(s), p.path, resolve))
    const taskDependencies = stages.map((s) => {
      const producers = stages.filter((o) => o !== s && o.outs.some((out) => s.deps.some((dep) => within(dep, out) || within(out, dep))))
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
  const inputs = [...new Set(s.deps.flatMap(resolve))]
  const outputs = [...new Set(s.outs.flatMap(resolve))]
  // Paths that are no component of the BOM (scripts, params files, folders of other things) stay visible as properties.
  const props = [
    ...s.deps.filter((d) => resolve(d).length === 0).map((d) => ({ name: `${NS}:input`, value: d })),
    ...s.outs.filter((o) => resolve(o).length === 0).map((o) => ({ name: `${NS}:output`, value: o }))
  ]
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
