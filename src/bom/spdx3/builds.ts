import path from 'node:path'
import type { Artifact, PipelineStage } from '../../types.js'
import { within } from '../formulation.js'
import type { ModelGroup } from '../groups.js'
import { repoLink, type Ctx } from './context.js'
import { sha256Hashes } from './hub.js'
import { cdxExtension, NS, type Property } from './properties.js'

/** What a build of type DVC stage is: the stage definition in `dvc.yaml`. */
export const DVC_STAGE_BUILD_TYPE = 'https://dvc.org/doc/user-guide/project-structure/dvcyaml-files#stages'

/**
 * Each stage of a DVC pipeline (the CycloneDX formulation's tasks) as a Build
 * profile `build_Build`, keyed as the CycloneDX task: its command as the `cmd`
 * parameter, `dvc.yaml` (with its SHA-256) as the config source, the models and
 * datasets it reads (`hasInput`) and writes (`hasOutput`), and the stages whose
 * outputs it reads (`dependsOn`). Paths that are no element stay visible as
 * `modelgate:input` / `modelgate:output` properties. A model's training inputs
 * need no build: `trainedOn` and `ancestorOf` state them.
 */
export function addPipelineBuilds(ctx: Ctx, artifacts: readonly Artifact[], groups: readonly ModelGroup[], datasets: readonly string[]): void {
  const resolve = resolver(groups, datasets)
  for (const p of artifacts.filter((a) => a.change !== 'removed' && (a.stages?.length ?? 0) > 0)) {
    const stages = p.stages ?? []
    const keyOf = (s: PipelineStage) => `task:${p.path}:${s.name}`
    for (const s of stages) {
      const key = keyOf(s)
      const props: Property[] = [
        ...s.deps.filter((d) => resolve(d).length === 0).map((d) => [`${NS}:input`, d] as const),
        ...s.outs.filter((o) => resolve(o).length === 0).map((o) => [`${NS}:output`, o] as const)
      ]
      ctx.graph.add(key, 'build_Build', s.name, {
        ...cdxExtension(props),
        build_buildId: `${p.path}:${s.name}`,
        build_buildType: DVC_STAGE_BUILD_TYPE,
        ...(sha256Hashes(p.sha256).length > 0 ? { build_configSourceDigest: sha256Hashes(p.sha256) } : {}),
        build_configSourceEntrypoint: [s.name],
        // On GitHub at the scanned commit when known, else the path in the repository (a relative reference).
        build_configSourceUri: [repoLink(ctx, p.path, 'blob') ?? p.path.split('/').map(encodeURIComponent).join('/')],
        ...(s.cmd ? { build_parameter: [{ type: 'DictionaryEntry', key: 'cmd', value: s.cmd }] } : {})
      })
      ctx.graph.relate(key, 'hasInput', [...new Set(s.deps.flatMap(resolve))])
      ctx.graph.relate(key, 'hasOutput', [...new Set(s.outs.flatMap(resolve))])
      const producers = stages.filter((o) => o !== s && o.outs.some((out) => s.deps.some((dep) => within(dep, out) || within(out, dep))))
      ctx.graph.relate(key, 'dependsOn', producers.map(keyOf))
    }
  }
}

/** Keys of the models and datasets at or under a path (a DVC `.dvc` pointer stands for the path it tracks). */
function resolver(groups: readonly ModelGroup[], datasets: readonly string[]): (p: string) => string[] {
  return (p) => {
    const target = path.posix.normalize(p).replace(/\/+$/, '')
    const models = groups.filter((g) => within(g.path, target) || g.weights.some((w) => within(w.path, target))).map((g) => g.ref)
    const data = datasets.filter((key) => {
      const file = key.slice('dataset:'.length)
      return within(file, target) || file === `${target}.dvc`
    })
    return [...models, ...data]
  }
}
