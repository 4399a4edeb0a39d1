// Hugging Face Hub license ids (card YAML `license:`) and their SPDX equivalents.
// Derived from ../shared/licenses/hf-licenses.json (generated 2026-11-22), whose sources are:
//   ids:        npm @huggingface/hub@2.17.5 src/types/public.ts `export type License` (the authoritative typed list; 75 ids)
//   names:      github huggingface/hub-docs docs/hub/repositories-licenses.md
//   spdx:       every value checked against the SPDX list v3.28.0 (CycloneDX spdx.schema.json)
//   licenseRef: ScanCode LicenseDB keys as mapped in npm @cyclonedx/cdxgen@12.8.4 data/license-aliases.json
//   category:   a coarse bucket of that file's authors, not from the Hub or SPDX (used here only to
//               tell ambiguous family ids and use-restricted licenses apart)
// Copied, not imported: ModelGate ships its own table and reads nothing from ../shared at run time.
// Hub gpl/lgpl/agpl ids do not say "only" or "or later"; like the source we read them as `-only`.

export type HfCategory = 'copyleft' | 'custom' | 'data-use-restricted' | 'family-ambiguous' | 'no-derivatives' | 'non-commercial' | 'permissive' | 'public-domain-like' | 'responsible-ai-use-restricted' | 'unknown' | 'vendor-model-license' | 'weak-copyleft'

export interface HfLicense {
  name: string
  /** SPDX license id when one exists. */
  spdx?: string
  /** ScanCode `LicenseRef-scancode-*` key when there is no SPDX id. */
  licenseRef?: string
  category: HfCategory
}

/** Where the Hub documents its license ids: the reference URL for ids without an SPDX entry. */
export const HF_LICENSES_DOC = 'https://huggingface.co/docs/hub/repositories-licenses'

export const HF_LICENSES: Readonly<Record<string, HfLicense>> = {
  'apache-2.0': { name: 'Apache license 2.0', spdx: 'Apache-2.0', category: 'permissive' },
  mit: { name: 'MIT', spdx: 'MIT', category: 'permissive' },
  openrail: { name: 'OpenRAIL license family', category: 'family-ambiguous' },
  'bigscience-openrail-m': { name: 'BigScience OpenRAIL-M', licenseRef: 'LicenseRef-scancode-bigscience-open-rail-m', category: 'responsible-ai-use-restricted' },
  'creativeml-openrail-m': { name: 'CreativeML OpenRAIL-M', licenseRef: 'LicenseRef-scancode-stable-diffusion-2022-08-22', category: 'responsible-ai-use-restricted' },
  'bigscience-bloom-rail-1.0': { name: 'BigScience BLOOM RAIL 1.0', licenseRef: 'LicenseRef-scancode-bigscience-rail-1.0', category: 'responsible-ai-use-restricted' },
  'bigcode-openrail-m': { name: 'BigCode Open RAIL-M v1', licenseRef: 'LicenseRef-scancode-bigcode-open-rail-m-v1', category: 'responsible-ai-use-restricted' },
  'afl-3.0': { name: 'Academic Free License v3.0', spdx: 'AFL-3.0', category: 'permissive' },
  'artistic-2.0': { name: 'Artistic license 2.0', spdx: 'Artistic-2.0', category: 'permissive' },
  'bsl-1.0': { name: 'Boost Software License 1.0', spdx: 'BSL-1.0', category: 'permissive' },
  bsd: { name: 'BSD license family', category: 'family-ambiguous' },
  'bsd-2-clause': { name: 'BSD 2-clause "Simplified" license', spdx: 'BSD-2-Clause', category: 'permissive' },
  'bsd-3-clause': { name: 'BSD 3-clause "New" or "Revised" license', spdx: 'BSD-3-Clause', category: 'permissive' },
  'bsd-3-clause-clear': { name: 'BSD 3-clause Clear license', spdx: 'BSD-3-Clause-Clear', category: 'permissive' },
  'c-uda': { name: 'Computational Use of Data Agreement', spdx: 'C-UDA-1.0', category: 'data-use-restricted' },
  cc: { name: 'Creative Commons license family', category: 'family-ambiguous' },
  'cc0-1.0': { name: 'Creative Commons Zero v1.0 Universal', spdx: 'CC0-1.0', category: 'public-domain-like' },
  'cc-by-2.0': { name: 'Creative Commons Attribution 2.0', spdx: 'CC-BY-2.0', category: 'permissive' },
  'cc-by-2.5': { name: 'Creative Commons Attribution 2.5', spdx: 'CC-BY-2.5', category: 'permissive' },
  'cc-by-3.0': { name: 'Creative Commons Attribution 3.0', spdx: 'CC-BY-3.0', category: 'permissive' },
  'cc-by-4.0': { name: 'Creative Commons Attribution 4.0', spdx: 'CC-BY-4.0', category: 'permissive' },
  'cc-by-sa-3.0': { name: 'Creative Commons Attribution Share Alike 3.0', spdx: 'CC-BY-SA-3.0', category: 'copyleft' },
  'cc-by-sa-4.0': { name: 'Creative Commons Attribution Share Alike 4.0', spdx: 'CC-BY-SA-4.0', category: 'copyleft' },
  'cc-by-nc-2.0': { name: 'Creative Commons Attribution Non Commercial 2.0', spdx: 'CC-BY-NC-2.0', category: 'non-commercial' },
  'cc-by-nc-3.0': { name: 'Creative Commons Attribution Non Commercial 3.0', spdx: 'CC-BY-NC-3.0', category: 'non-commercial' },
  'cc-by-nc-4.0': { name: 'Creative Commons Attribution Non Commercial 4.0', spdx: 'CC-BY-NC-4.0', category: 'non-commercial' },
  'cc-by-nd-4.0': { name: 'Creative Commons Attribution No Derivatives 4.0', spdx: 'CC-BY-ND-4.0', category: 'no-derivatives' },
  'cc-by-nc-nd-3.0': { name: 'Creative Commons Attribution Non Commercial No Derivatives 3.0', spdx: 'CC-BY-NC-ND-3.0', category: 'non-commercial' },
  'cc-by-nc-nd-4.0': { name: 'Creative Commons Attribution Non Commercial No Derivatives 4.0', spdx: 'CC-BY-NC-ND-4.0', category: 'non-commercial' },
  'cc-by-nc-sa-2.0': { name: 'Creative Commons Attribution Non Commercial Share Alike 2.0', spdx: 'CC-BY-NC-SA-2.0', category: 'non-commercial' },
  'cc-by-nc-sa-3.0': { name: 'Creative Commons Attribution Non Commercial Share Alike 3.0', spdx: 'CC-BY-NC-SA-3.0', category: 'non-commercial' },
  'cc-by-nc-sa-4.0': { name: 'Creative Commons Attribution Non Commercial Share Alike 4.0', spdx: 'CC-BY-NC-SA-4.0', category: 'non-commercial' },
  'cdla-sharing-1.0': { name: 'Community Data License Agreement \u2013 Sharing, Version 1.0', spdx: 'CDLA-Sharing-1.0', category: 'copyleft' },
  'cdla-permissive-1.0': { name: 'Community Data License Agreement \u2013 Permissive, Version 1.0', spdx: 'CDLA-Permissive-1.0', category: 'permissive' },
  'cdla-permissive-2.0': { name: 'Community Data License Agreement \u2013 Permissive, Version 2.0', spdx: 'CDLA-Permissive-2.0', category: 'permissive' },
  wtfpl: { name: 'Do What The F*ck You Want To Public License', spdx: 'WTFPL', category: 'public-domain-like' },
  'ecl-2.0': { name: 'Educational Community License v2.0', spdx: 'ECL-2.0', category: 'permissive' },
  'epl-1.0': { name: 'Eclipse Public License 1.0', spdx: 'EPL-1.0', category: 'weak-copyleft' },
  'epl-2.0': { name: 'Eclipse Public License 2.0', spdx: 'EPL-2.0', category: 'weak-copyleft' },
  'etalab-2.0': { name: 'Etalab Open License 2.0', spdx: 'etalab-2.0', category: 'permissive' },
  'eupl-1.1': { name: 'European Union Public License 1.1', spdx: 'EUPL-1.1', category: 'copyleft' },
  'agpl-3.0': { name: 'GNU Affero General Public License v3.0', spdx: 'AGPL-3.0-only', category: 'copyleft' },
  gfdl: { name: 'GNU Free Documentation License family', category: 'family-ambiguous' },
  gpl: { name: 'GNU General Public License family', category: 'family-ambiguous' },
  'gpl-2.0': { name: 'GNU General Public License v2.0', spdx: 'GPL-2.0-only', category: 'copyleft' },
  'gpl-3.0': { name: 'GNU General Public License v3.0', spdx: 'GPL-3.0-only', category: 'copyleft' },
  lgpl: { name: 'GNU Lesser General Public License family', category: 'family-ambiguous' },
  'lgpl-2.1': { name: 'GNU Lesser General Public License v2.1', spdx: 'LGPL-2.1-only', category: 'weak-copyleft' },
  'lgpl-3.0': { name: 'GNU Lesser General Public License v3.0', spdx: 'LGPL-3.0-only', category: 'weak-copyleft' },
  isc: { name: 'ISC', spdx: 'ISC', category: 'permissive' },
  'lppl-1.3c': { name: 'LaTeX Project Public License v1.3c', spdx: 'LPPL-1.3c', category: 'permissive' },
  'ms-pl': { name: 'Microsoft Public License', spdx: 'MS-PL', category: 'weak-copyleft' },
  'mpl-2.0': { name: 'Mozilla Public License 2.0', spdx: 'MPL-2.0', category: 'weak-copyleft' },
  'odc-by': { name: 'Open Data Commons License Attribution family', spdx: 'ODC-By-1.0', category: 'permissive' },
  odbl: { name: 'Open Database License family', spdx: 'ODbL-1.0', category: 'copyleft' },
  'openrail++': { name: 'Open Rail++-M License', category: 'responsible-ai-use-restricted' },
  'osl-3.0': { name: 'Open Software License 3.0', spdx: 'OSL-3.0', category: 'copyleft' },
  postgresql: { name: 'PostgreSQL License', spdx: 'PostgreSQL', category: 'permissive' },
  'ofl-1.1': { name: 'SIL Open Font License 1.1', spdx: 'OFL-1.1', category: 'permissive' },
  ncsa: { name: 'University of Illinois/NCSA Open Source License', spdx: 'NCSA', category: 'permissive' },
  unlicense: { name: 'The Unlicense', spdx: 'Unlicense', category: 'public-domain-like' },
  zlib: { name: 'zLib License', spdx: 'Zlib', category: 'permissive' },
  pddl: { name: 'Open Data Commons Public Domain Dedication and License', spdx: 'PDDL-1.0', category: 'public-domain-like' },
  'lgpl-lr': { name: 'Lesser General Public License For Linguistic Resources', spdx: 'LGPLLR', category: 'weak-copyleft' },
  'deepfloyd-if-license': { name: 'DeepFloyd IF Research License Agreement', category: 'vendor-model-license' },
  llama2: { name: 'Llama 2 Community License Agreement', licenseRef: 'LicenseRef-scancode-llama-2-license-2023', category: 'vendor-model-license' },
  llama3: { name: 'Meta Llama 3 Community License Agreement', category: 'vendor-model-license' },
  'llama3.1': { name: 'Llama 3.1 Community License Agreement', licenseRef: 'LicenseRef-scancode-llama-3.1-license-2024', category: 'vendor-model-license' },
  'llama3.2': { name: 'Llama 3.2 Community License Agreement', licenseRef: 'LicenseRef-scancode-llama-3.2-license-2024', category: 'vendor-model-license' },
  'llama3.3': { name: 'Llama 3.3 Community License Agreement', licenseRef: 'LicenseRef-scancode-llama-3.3-license-2024', category: 'vendor-model-license' },
  gemma: { name: 'Gemma Terms of Use', licenseRef: 'LicenseRef-scancode-gemma-tou-2024-04-01', category: 'vendor-model-license' },
  'apple-ascl': { name: 'Apple Sample Code License', category: 'vendor-model-license' },
  'apple-amlr': { name: 'Apple Machine Learning Research Model License', category: 'vendor-model-license' },
  unknown: { name: 'Unknown', category: 'unknown' },
  other: { name: 'Other', category: 'custom' },
}
