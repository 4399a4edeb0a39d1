import { hubPage } from '../../inventory/code/hub-ids.js'
import { huggingfacePurl } from '../../inventory/purl.js'
import type { HubKind, HubResolution } from '../../types.js'
import { hubAccount, isHubId } from '../hub-repository.js'
import { loadedFileProperties } from '../properties.js'
import { cardDatasetRef, loadedFileRef } from '../refs.js'
import { organization, purlId, type Ctx } from './context.js'
import type { Json } from './graph.js'
import { linkLicense } from './licenses.js'
import { cdxExtension } from './properties.js'

/** A SHA-256 as SPDX's `Hash`; none when the value is not 64 hex digits. */
export const sha256Hashes = (hex: string | null): Json[] => (hex && /^[0-9a-f]{64}$/.test(hex) ? [{ type: 'Hash', algorithm: 'sha256', hashValue: hex }] : [])

/** `{ verifiedUsing }` with the SHA-256, to spread into an element; nothing without one. */
export const verifiedBy = (hex: string | null): Json => (sha256Hashes(hex).length > 0 ? { verifiedUsing: sha256Hashes(hex) } : {})

/**
 * A Hub repository `namespace/name`: the account that publishes it supplies it
 * (`suppliedBy`), its page is where it is downloaded (`software_downloadLocation`).
 */
export function hubFields(ctx: Ctx, id: string, kind: HubKind): Json {
  const account = hubAccount(id)
  return { ...(account ? { suppliedBy: organization(ctx.graph, account) } : {}), software_downloadLocation: hubPage(id, kind) }
}

/**
 * A base model or source dataset, as the CycloneDX pedigree ancestor with the same
 * key: a Hub repository, pinned to a commit when the repository pins it somewhere.
 * It is `ancestorOf` what was made from it.
 */
export function addAncestor(ctx: Ctx, key: string, id: string, commit: string | null, kind: 'model' | 'dataset', of: string): void {
  // A card may name its base in any words; only a Hub id becomes a purl and a link (as in the CycloneDX BOM).
  if (!isHubId(id)) {
    ctx.graph.add(key, kind === 'model' ? 'ai_AIPackage' : 'dataset_DatasetPackage', id, kind === 'model' ? { software_primaryPurpose: 'model' } : { software_primaryPurpose: 'data', dataset_datasetType: ['noAssertion'] })
    ctx.graph.relate(key, 'ancestorOf', [of])
    return
  }
  const purl = huggingfacePurl(id, commit, kind)
  const fields: Json = {
    externalIdentifier: [purlId(purl)],
    ...hubFields(ctx, id, kind),
    software_primaryPurpose: kind === 'model' ? 'model' : 'data',
    ...(commit ? { software_packageVersion: commit } : {}),
    software_packageUrl: purl
  }
  ctx.graph.add(key, kind === 'model' ? 'ai_AIPackage' : 'dataset_DatasetPackage', id, kind === 'model' ? fields : { ...fields, dataset_datasetType: ['noAssertion'] })
  ctx.graph.relate(key, 'ancestorOf', [of])
}

/** A dataset a model card names that the repository does not pull itself: a Hub dataset, shared by every model that names it (in any letter case). */
export function addCardDataset(ctx: Ctx, name: string, seen: Map<string, string>): string {
  const known = seen.get(name.toLowerCase())
  if (known) return known
  const hub = isHubId(name)
  const key = cardDatasetRef(name, hub)
  seen.set(name.toLowerCase(), key)
  if (!hub) {
    ctx.graph.add(key, 'dataset_DatasetPackage', name, { software_primaryPurpose: 'data', dataset_datasetType: ['noAssertion'] })
    return key
  }
  const purl = huggingfacePurl(name, null, 'dataset')
  ctx.graph.add(key, 'dataset_DatasetPackage', name, {
    externalIdentifier: [purlId(purl)],
    ...hubFields(ctx, name, 'dataset'),
    software_primaryPurpose: 'data',
    software_packageUrl: purl,
    // What kind of data it holds is not something the card's `datasets:` says.
    dataset_datasetType: ['noAssertion']
  })
  return key
}

/** What hub lookups resolved a reference to: the card's license and each file the call loads, with the SHA-256 and size the Hub lists. */
export function addResolution(ctx: Ctx, key: string, r: HubResolution, kind: HubKind): void {
  // A custom (`other`) license is known by its name.
  const declared = r.licenseName ?? r.license
  if (declared) linkLicense(ctx.graph, key, 'hasDeclaredLicense', declared)
  ctx.graph.relate(
    key,
    'contains',
    r.files.map((f) => {
      const fileKey = loadedFileRef(key, f.path)
      ctx.graph.add(fileKey, 'software_File', f.path, {
        ...verifiedBy(f.sha256),
        ...cdxExtension(loadedFileProperties(f)),
        // A file the Hub names a format for is weights (or data); anything else is only a file.
        ...(f.format && kind !== 'space' ? { software_primaryPurpose: kind === 'dataset' ? 'data' : 'model' } : {})
      })
      return fileKey
    })
  )
}
