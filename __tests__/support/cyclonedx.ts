import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Spec, Validation } from '@cyclonedx/cyclonedx-library'
import { validateXML } from 'xmllint-wasm'

/** Validates a CycloneDX 1.6 JSON BOM against the official (strict) JSON schema. Returns the errors, or null. */
export async function jsonBomErrors(json: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json)
}

/** Validates a CycloneDX 1.6 XML BOM against the official XSD with libxml2 (compiled to wasm). */
export async function xmlBomErrors(xml: string): Promise<string[]> {
  const res = path.join(path.dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema')
  const xsd = await readFile(path.join(res, 'bom-1.6.SNAPSHOT.xsd'), 'utf8')
  const spdx = await readFile(path.join(res, 'spdx.SNAPSHOT.xsd'), 'utf8')
  const result = await validateXML({
    xml: { fileName: 'bom.xml', contents: xml },
    schema: { fileName: 'bom.xsd', contents: xsd.replace(/schemaLocation="[^"]*spdx[^"]*"/, 'schemaLocation="spdx.xsd"') },
    preload: [{ fileName: 'spdx.xsd', contents: spdx }]
  })
  return result.errors.map((e) => e.rawMessage)
}
