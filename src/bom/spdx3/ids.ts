import { createHash } from 'node:crypto'

/**
 * Every spdxId is `<namespace>#<key>`. The namespace follows the SPDX convention
 * `https://spdx.org/spdxdocs/<tool>-<uuid>`, with the UUID derived from the
 * document's content (its creation time left out): equal scans give equal ids, a
 * changed scan a new namespace, so two documents never describe different things
 * under one IRI. The key is the CycloneDX bom-ref of the same thing (`model:…`,
 * `file:…`, `lib:pkg:pypi/…`), so the two BOMs can be joined by eye and by tool.
 */
export const NAMESPACE_PREFIX = 'https://spdx.org/spdxdocs/modelgate-'

/** The namespace for a document whose content (with local keys) is `content`. */
export function namespaceFor(content: string): string {
  const h = createHash('sha256').update(content).digest()
  // RFC 4122 layout, version 5 style (name-based), as the CycloneDX serial number.
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${NAMESPACE_PREFIX}${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

/**
 * A key as an IRI fragment (RFC 3987): `:`, `/`, `@` and the other characters a
 * fragment allows stay readable; anything else a repository path can hold (spaces,
 * `#`, `%`, control or non-ASCII characters) is percent-encoded as UTF-8.
 */
export function fragment(key: string): string {
  return encodeURIComponent(key).replace(/%(3A|2F|40|3F|24|26|2B|2C|3B|3D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}
