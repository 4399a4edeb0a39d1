import { readFile } from 'node:fs/promises'

export type LicenseTexts = Record<string, { name: string; licenseText: string }>

/** The file the bundler writes next to dist/*.js (scripts/bundle.mjs). */
export const LICENSE_TEXTS_FILE = 'spdx-license-texts.json'

/**
 * The SPDX license texts (5 MB) for the LICENSE-file matcher, loaded only when a
 * LICENSE file has to be identified. The bundles read them from a data file beside
 * them rather than carrying them inline, which would cost every run the parse time;
 * from source (tests, development) they come from the `spdx-license-list` package.
 */
export async function loadLicenseTexts(): Promise<LicenseTexts> {
  try {
    return JSON.parse(await readFile(new URL(`./${LICENSE_TEXTS_FILE}`, import.meta.url), 'utf8')) as LicenseTexts
  } catch {
    const mod = (await import('spdx-license-list/full.js')) as { default: LicenseTexts }
    return mod.default
  }
}
