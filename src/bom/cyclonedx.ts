import path from 'node:path'
// Sub-path imports keep the library's schema validators (which read files at run time) out of the bundle.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import type { Artifact, ArtifactKind, Report } from '../types.js'
import { TOOL } from '../version.js'

export type BomFormat = 'json' | 'xml'

export interface BomOptions {
  /** Name of the scanned repository or folder, for `metadata.component`. */
  subject: string
  format: BomFormat
  /** Fixed clock and serial for reproducible output (tests). */
  now?: Date
  serialNumber?: string
}

const COMPONENT_TYPE: Partial<Record<ArtifactKind, Enums.ComponentType>> = {
  model: Enums.ComponentType.MachineLearningModel,
  dataset: Enums.ComponentType.Data
}

/** Our own property namespace, for facts the CycloneDX taxonomy has no name for. */
const NS = 'modelgate'

/**
 * A CycloneDX 1.6 BOM of the models and datasets in the scanned state (removed
 * artifacts are not part of it), each with its SHA-256.
 */
export function buildBom(report: Report, opts: BomOptions): Models.Bom {
  const bom = new Models.Bom()
  if (opts.serialNumber) bom.serialNumber = opts.serialNumber
  bom.metadata.timestamp = opts.now ?? new Date()
  bom.metadata.lifecycles.add(Enums.LifecyclePhase.Build)
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, TOOL.name.toLowerCase(), { version: TOOL.version, group: 'modelgate' })
  )
  bom.metadata.component = new Models.Component(Enums.ComponentType.Application, opts.subject, { bomRef: 'subject' })
  bom.metadata.properties.add(new Models.Property(`${NS}:scan:mode`, report.mode))
  if (report.base) bom.metadata.properties.add(new Models.Property(`${NS}:scan:base`, report.base))
  if (report.head) bom.metadata.properties.add(new Models.Property(`${NS}:scan:head`, report.head))

  for (const artifact of report.artifacts) {
    const type = COMPONENT_TYPE[artifact.kind]
    if (!type || artifact.change === 'removed') continue
    const component = toComponent(artifact, type)
    bom.components.add(component)
    bom.metadata.component.dependencies.add(component.bomRef)
  }
  return bom
}

function toComponent(a: Artifact, type: Enums.ComponentType): Models.Component {
  const c = new Models.Component(type, path.posix.basename(a.path), { bomRef: `${a.kind}:${a.path}` })
  c.hashes.set(Enums.HashAlgorithm['SHA-256'], a.sha256)
  c.properties.add(new Models.Property(`${NS}:path`, a.path))
  c.properties.add(new Models.Property(`${NS}:format`, a.format))
  c.properties.add(new Models.Property(`${NS}:size`, String(a.size)))
  if (a.lfs) c.properties.add(new Models.Property(`${NS}:git-lfs-pointer`, 'true'))
  if (a.change !== 'unchanged') c.properties.add(new Models.Property(`${NS}:change`, a.change))
  for (const [key, value] of Object.entries(a.facts)) c.properties.add(new Models.Property(`${NS}:fact:${key}`, String(value)))
  return c
}

export function serializeBom(bom: Models.Bom, format: BomFormat): string {
  const spec = Spec.Spec1dot6
  if (format === 'xml') {
    const serializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec))
    return serializer.serialize(bom, { sortLists: true, space: 2 }) + '\n'
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec))
  return serializer.serialize(bom, { sortLists: true, space: 2 }) + '\n'
}
