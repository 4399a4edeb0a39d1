import type { Artifact, PipelineStage } from '../../types.js'
import type { DatasetRef } from '../data.js'
import { pathResolver, pipelinesOf, producersOf, stageLinks } from '../formulation.js'
import type { ModelGroup } from '../groups.js'
import { stageRef } from '../refs.js'
import { fileLocation } from '../repository.js'
import type { Ctx } from './context.js'
import { sha256Hashes } from './hub.js'
import { cdxExtension } from './properties.js'

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
export function addPipelineBuilds(ctx: Ctx, artifacts: readonly Artifact[], groups: readonly ModelGroup[], datasets: readonly DatasetRef[]): void {
  const resolve = pathResolver(groups, datasets)
  for (const p of pipelinesOf(artifacts)) {
    const stages = p.stages ?? []
    const keyOf = (s: PipelineStage) => stageRef(p.path, s)
    for (const s of stages) {
      const key = keyOf(s)
      const { inputs, outputs, unresolved } = stageLinks(s, resolve)
      ctx.graph.add(key, 'build_Build', s.name, {
        ...cdxExtension(unresolved),
        build_buildId: `${p.path}:${s.name}`,
        build_buildType: DVC_STAGE_BUILD_TYPE,
        ...(sha256Hashes(p.sha256).length > 0 ? { build_configSourceDigest: sha256Hashes(p.sha256) } : {}),
        build_configSourceEntrypoint: [s.name],
        build_configSourceUri: [fileLocation(ctx.repo, p.path)],
        ...(s.cmd ? { build_parameter: [{ type: 'DictionaryEntry', key: 'cmd', value: s.cmd }] } : {})
      })
      ctx.graph.relate(key, 'hasInput', inputs)
      ctx.graph.relate(key, 'hasOutput', outputs)
      ctx.graph.relate(key, 'dependsOn', producersOf(s, stages).map(keyOf))
    }
  }
}
