import * as Models from '@cyclonedx/cyclonedx-library/Models'
import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX'

/**
 * A license as written on a card or in a manifest, as CycloneDX wants it: an SPDX
 * id when the text is one (up to letter case, as Hugging Face writes them), else a
 * named license with its link. Never guessed: `openrail` does not become `MIT`.
 */
export function toCdxLicense(text: string, url?: string | null): Models.NamedLicense | Models.SpdxLicense {
  const id = fixupSpdxId(text)
  if (id) return new Models.SpdxLicense(id, url ? { url } : {})
  return new Models.NamedLicense(text, url && /^https?:\/\//.test(url) ? { url } : {})
}
