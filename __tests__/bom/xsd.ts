import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { validateXML } from 'xmllint-wasm'

/** Validates a CycloneDX XML BOM against the official 1.6 or 1.7 XSD with libxml2 (compiled to wasm): the errors, [] when valid. */
export async function xsdErrors(xml: string, version: '1.6' | '1.7'): Promise<string[]> {
  const res = path.join(path.dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema')
  const xsd = await readFile(path.join(res, `bom-${version}.SNAPSHOT.xsd`), 'utf8')
  const spdx = await readFile(path.join(res, 'spdx.SNAPSHOT.xsd'), 'utf8')
  const result = await validateXML({
    xml: { fileName: 'bom.xml', contents: xml },
    schema: { fileName: 'bom.xsd', contents: xsd.replace(/schemaLocation="[^"]*spdx[^"]*"/, 'schemaLocation="spdx.xsd"') },
    preload: [{ fileName: 'spdx.xsd', contents: spdx }]
  })
  return result.errors.map((e) => e.rawMessage)
}
