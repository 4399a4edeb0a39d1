import { normalizePypiName } from '../../inventory/ml-packages.js'
import type { Artifact } from '../../types.js'
import type { ModelGroup } from '../groups.js'
import { baseModelsOf, configFacts, loaderPackages, modelCardFor, vocabularyOnly } from '../model-card.js'
import { repoLink, scanResult, vcsRef, type Ctx } from './context.js'
import { addAncestor, addCardDataset, verifiedBy } from './hub.js'
import { linkLicense } from './licenses.js'
import { aiFieldsOf } from './model-card.js'
import { hubKey, type DependencyIndex } from './packages.js'
import { cdxExtension, fileProperties, NS, signatureProperties, type Property } from './properties.js'

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
    const files = g.single ? g.weights : [...g.weights, ...g.configs, ...(g.card ? [g.card] : [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))

    const datasets = (card?.datasets ?? []).map((name) => deps.hub.get(hubKey('dataset', name))?.key ?? addCardDataset(ctx, name, cardDatasets))
    const modelCard = modelCardFor(g, config, datasets)
    const props: Property[] = []
    if (g.single) props.push(...fileProperties(g.weights[0]!, scanResult(files, ctx.findings)))
    else {
      props.push([`${NS}:path`, g.path], ...signatureProperties(g.weights[0]!.signature), [`${NS}:scan:result`, scanResult(files, ctx.findings)])
      // The folder's change: new when all its files are, changed when any is.
      const changes = new Set(files.map((f) => f.change))
      if (changes.size === 1 && changes.has('added')) props.push([`${NS}:change`, 'added'])
      else if ([...changes].some((x) => x !== 'unchanged')) props.push([`${NS}:change`, 'modified'])
    }
    if (g.weights.every(vocabularyOnly)) props.push(['cdx:ai-ml:model:tokenizer', 'true'])
    if (card?.modelName) props.push([`${NS}:card:model-name`, card.modelName])
    if (g.card) props.push([`${NS}:card`, g.card.path])
    const link = repoLink(ctx, g.path, g.single ? 'blob' : 'tree')
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

    // Licenses: what the card declares, else what was concluded for the weights when they agree.
    const weightLicenses = new Set(g.weights.map((w) => w.license))
    if (card?.license) linkLicense(graph, g.ref, 'hasDeclaredLicense', card.license)
    else if (weightLicenses.size === 1 && g.weights[0]!.license) linkLicense(graph, g.ref, 'hasConcludedLicense', g.weights[0]!.license)

    for (const f of files) {
      const key = `file:${f.path}`
      // A single-file model's facts are on its package (where CycloneDX puts them); a folder's, on each file.
      graph.add(key, 'software_File', f.path, { ...verifiedBy(f.sha256), ...(g.single ? {} : cdxExtension(fileProperties(f, scanResult([f], ctx.findings)))), software_primaryPurpose: purposeOf(f) })
      if (f.license) linkLicense(graph, key, 'hasConcludedLicense', f.license)
      graph.relate(g.ref, 'contains', [key])
    }

    graph.relate(g.ref, 'trainedOn', datasets)
    for (const base of bases) {
      const pulled = deps.hub.get(hubKey('model', base))
      // Pinned when the code that pulls the base names a commit, or hub lookups resolved its revision to one.
      addAncestor(ctx, `${g.ref}#base:${base}`, base, pulled?.dep.version ?? pulled?.dep.resolved?.commit ?? null, 'model', g.ref)
      if (pulled) graph.relate(pulled.key, 'ancestorOf', [g.ref])
      // An adapter cannot run without its base; a full fine-tune can (its base is only its ancestor).
      if (config.peftType) graph.relate(g.ref, 'dependsOn', [pulled?.key ?? `${g.ref}#base:${base}`])
    }
    const needs = loaderPackages(g, config).map((p) => deps.libraries.get(p) ?? deps.libraries.get(normalizePypiName(p)))
    graph.relate(g.ref, 'dependsOn', needs.filter((k): k is string => k !== undefined))
    return g.ref
  })
}

