import type { Artifact } from '../../types.js'
import { hubKey, libraryRef, pinnedCommit } from '../dependencies.js'
import { scanResult } from '../findings.js'
import { modelFiles, modelLicense, type ModelGroup } from '../groups.js'
import { baseModelsOf, configFacts, loaderPackages, modelCardFor, modelProperties } from '../model-card.js'
import { fileProperties, folderProperties } from '../properties.js'
import { baseRef, fileRef } from '../refs.js'
import { repoLink } from '../repository.js'
import { vcsRef, type Ctx } from './context.js'
import { addAncestor, addCardDataset, verifiedBy } from './hub.js'
import { linkLicense } from './licenses.js'
import { aiFieldsOf } from './model-card.js'
import type { DependencyIndex } from './packages.js'
import { cdxExtension } from './properties.js'

/** What a file in a model folder is for. */
const purposeOf = (a: Artifact): string => (a.kind === 'model' ? 'model' : a.kind === 'model-card' ? 'documentation' : 'configuration')

/**
 * Each model group becomes an `ai_AIPackage` that `contains` one `software_File`
 * per file (weights, configs and card of a folder; the weight file of a single
 * model), each verified by its SHA-256. From the card, configs and weights: the AI
 * profile's fields (see model-card.ts), the declared license, the datasets it was
 * trained on (`trainedOn`), its base models (`ancestorOf`), the libraries it needs
 * to load and, for an adapter, its base (`dependsOn`). Returns the model keys.
 */
export function addModels(ctx: Ctx, groups: readonly ModelGroup[], deps: DependencyIndex): string[] {
  const cardDatasets = new Map<string, string>()
  return groups.map((g) => {
    const { graph } = ctx
    const config = configFacts(g)
    const card = g.card?.card
    const files = modelFiles(g)

    const datasets = (card?.datasets ?? []).map((name) => deps.hub.get(hubKey('dataset', name))?.ref ?? addCardDataset(ctx, name, cardDatasets))
    const modelCard = modelCardFor(g, config, datasets)
    const result = scanResult(files, ctx.findings)
    const props = [...(g.single ? fileProperties(g.weights[0]!, result) : folderProperties(g, files, result)), ...modelProperties(g)]
    const link = repoLink(ctx.repo, g.path, g.single ? 'blob' : 'tree')
    const bases = baseModelsOf(g, config)
    const training = [
      ...(card && card.datasets.length > 0 ? [`Datasets named by the model card: ${card.datasets.join(', ')}.`] : []),
      ...(bases.length > 0 ? [`Base models: ${bases.join(', ')}.`] : [])
    ]
    const ai = aiFieldsOf(modelCard, training)
    graph.add(g.ref, 'ai_AIPackage', g.name, {
      ...(link || card?.licenseLink ? { externalRef: [...(card?.licenseLink ? [{ type: 'ExternalRef', externalRefType: 'license', locator: [card.licenseLink] }] : []), ...(link ? [vcsRef(link)] : [])] } : {}),
      ...(g.single ? verifiedBy(g.weights[0]!.sha256) : {}),
      ...cdxExtension([...props, ...ai.properties]),
      ...(ctx.owner ? { suppliedBy: ctx.owner } : {}),
      software_primaryPurpose: 'model',
      ...ai.fields
    })

    const license = modelLicense(g)
    if (license) linkLicense(graph, g.ref, license.declared ? 'hasDeclaredLicense' : 'hasConcludedLicense', license.license)

    for (const f of files) {
      const key = fileRef(f.path)
      // A single-file model's facts are on its package (where CycloneDX puts them); a folder's, on each file.
      graph.add(key, 'software_File', f.path, { ...verifiedBy(f.sha256), ...(g.single ? {} : cdxExtension(fileProperties(f, scanResult([f], ctx.findings)))), software_primaryPurpose: purposeOf(f) })
      if (f.license) linkLicense(graph, key, 'hasConcludedLicense', f.license)
      graph.relate(g.ref, 'contains', [key])
    }

    graph.relate(g.ref, 'trainedOn', datasets)
    for (const base of bases) {
      const pulled = deps.hub.get(hubKey('model', base))
      addAncestor(ctx, baseRef(g.ref, base), base, pinnedCommit(pulled?.dep), 'model', g.ref)
      if (pulled) graph.relate(pulled.ref, 'ancestorOf', [g.ref])
      // An adapter cannot run without its base; a full fine-tune can (its base is only its ancestor).
      if (config.peftType) graph.relate(g.ref, 'dependsOn', [pulled?.ref ?? baseRef(g.ref, base)])
    }
    const needs = loaderPackages(g, config).map((p) => libraryRef(deps, p))
    graph.relate(g.ref, 'dependsOn', needs.filter((k): k is string => k !== undefined))
    return g.ref
  })
}

