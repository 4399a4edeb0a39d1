import { readFile } from 'node:fs/promises'

export type LicenseTexts = Record<string, { name: string; licenseText: string }>
/** Where the texts come from (tests inject one that fails, as a bundle copied without its data file does). */
export type LicenseTextLoader = () => Promise<LicenseTexts>

/** The file the bundler writes next to dist/*.js (scripts/bundle.mjs). */
export const LICENSE_TEXTS_FILE = 'spdx-license-texts.json'

/**
 * The SPDX license texts (5 MB) for the LICENSE-file matcher, loaded only when a
 * LICENSE file has to be identified. The bundles read them from a data file beside
 * them rather than carrying them inline, which would cost every run the parse time;
 * from source (tests, development) they come from the `spdx-license-list` package.
 * Rejects when neither is there; the matcher turns that into an unidentified file.
 */
export async function loadLicenseTexts(): Promise<LicenseTexts> {
  try {
    return JSON.parse(await readFile(new URL(`./${LICENSE_TEXTS_FILE}`, import.meta.url), 'utf8')) as LicenseTexts
  } catch {
    try {
      const mod = (await import('spdx-license-list/full.js')) as { default: LicenseTexts }
      return mod.default
    } catch {
      throw new Error(`${LICENSE_TEXTS_FILE} is not beside the bundle and the spdx-license-list package is not installed`)
    }
  }
}
