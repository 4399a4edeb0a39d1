import { contentUuid } from '../content-uuid.js'

/**
 * Every spdxId is `<namespace>#<key>`. The namespace follows the SPDX convention
 * `https://spdx.org/spdxdocs/<tool>-<uuid>`, with the UUID derived from the
 * document's content (its creation time left out): equal scans give equal ids, a
 * changed scan a new namespace, so two documents never describe different things
 * under one IRI. The key is the CycloneDX bom-ref of the same thing (`model:…`,
 * `file:…`, `lib:pkg:pypi/…`; src/bom/refs.ts), so the two BOMs can be joined by
 * eye and by tool.
 */
export const NAMESPACE_PREFIX = 'https://spdx.org/spdxdocs/modelgate-'

/** The namespace for a document whose content (with local keys) is `content`. */
export function namespaceFor(content: string): string {
  return `${NAMESPACE_PREFIX}${contentUuid(content)}`
}

/**
 * A key as an IRI fragment (RFC 3987): `:`, `/`, `@` and the other characters a
 * fragment allows stay readable; anything else a repository path can hold (spaces,
 * `#`, `%`, control or non-ASCII characters) is percent-encoded as UTF-8.
 */
export function fragment(key: string): string {
  return encodeURIComponent(key).replace(/%(3A|2F|40|3F|24|26|2B|2C|3B|3D)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}
