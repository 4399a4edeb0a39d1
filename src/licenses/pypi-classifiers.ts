/**
 * PyPI trove classifiers (https://pypi.org/classifiers/) that name one license, as
 * SPDX. Family classifiers (`BSD License`, `GNU General Public License (GPL)`,
 * `Academic Free License (AFL)`) are left out on purpose: they do not say which
 * license. `Apache Software License` names no version either, but every Apache
 * license still in use is 2.0, so it is read as Apache-2.0 (with a note).
 */
export const PYPI_CLASSIFIERS: Readonly<Record<string, string>> = {
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  'Apache Software License': 'Apache-2.0',
  'ISC License (ISCL)': 'ISC',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'Mozilla Public License 1.1 (MPL 1.1)': 'MPL-1.1',
  'Python Software Foundation License': 'PSF-2.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'Eclipse Public License 1.0 (EPL-1.0)': 'EPL-1.0',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'zlib/libpng License': 'Zlib',
  'Universal Permissive License (UPL)': 'UPL-1.0',
  'Historical Permission Notice and Disclaimer (HPND)': 'HPND',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
  'Other/Proprietary License': 'LicenseRef-Proprietary'
}

/** The SPDX id a `License :: ...` classifier names, `null` for a family or unknown classifier, undefined when it is not a license classifier. */
export function classifierLicense(classifier: string): string | null | undefined {
  const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(classifier.trim())
  if (!m || m[1] === 'OSI Approved') return undefined
  return PYPI_CLASSIFIERS[m[1]!] ?? null
}
