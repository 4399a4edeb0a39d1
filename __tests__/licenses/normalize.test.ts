import fc from 'fast-check'
import parse from 'spdx-expression-parse'
import { licenseRef, normalizeLicense } from '../../src/licenses/normalize.js'
import { HF_LICENSES } from '../../src/licenses/hf-licenses.js'

const expr = (v: unknown, other?: { name?: unknown; link?: unknown }): string | null => {
  const n = normalizeLicense(v, other)
  return n ? `${n.state}:${n.expression}` : null
}

test('Hugging Face ids map to SPDX ids, ScanCode refs or LicenseRef-hf-*', () => {
  expect(expr('apache-2.0')).toBe('known:Apache-2.0')
  expect(expr('mit')).toBe('known:MIT')
  expect(expr('cc-by-nc-4.0')).toBe('known:CC-BY-NC-4.0')
  expect(expr('gpl-3.0')).toBe('known:GPL-3.0-only')
  expect(expr('agpl-3.0')).toBe('known:AGPL-3.0-only')
  expect(expr('llama2')).toBe('known:LicenseRef-scancode-llama-2-license-2023')
  expect(expr('llama3')).toBe('known:LicenseRef-hf-llama3')
  expect(expr('llama3.1')).toBe('known:LicenseRef-scancode-llama-3.1-license-2024')
  expect(expr('gemma')).toBe('known:LicenseRef-scancode-gemma-tou-2024-04-01')
  expect(expr('bigscience-openrail-m')).toBe('known:LicenseRef-scancode-bigscience-open-rail-m')
  expect(expr('creativeml-openrail-m')).toBe('known:LicenseRef-scancode-stable-diffusion-2022-08-22')
  expect(expr('openrail')).toBe('known:LicenseRef-hf-openrail')
  expect(expr('openrail++')).toBe('known:LicenseRef-hf-openrail-plus-plus')
})

test('every Hugging Face id normalises to a parseable expression or to unknown, never throws', () => {
  for (const id of Object.keys(HF_LICENSES)) {
    const n = normalizeLicense(id)!
    if (n.state === 'known') expect(() => parse(n.expression!)).not.toThrow()
    else expect(['openrail', 'bsd', 'cc', 'gfdl', 'gpl', 'lgpl', 'unknown', 'other']).toContain(id)
  }
})

test('use-restricted model licenses carry a restriction summary; ordinary ones do not', () => {
  expect(normalizeLicense('llama2')!.restriction).toMatch(/700 million monthly active users.*improve other large language models/)
  expect(normalizeLicense('creativeml-openrail-m')!.restriction).toMatch(/^Use-based restrictions/)
  expect(normalizeLicense('gemma')!.restriction).toMatch(/Gemma Prohibited Use Policy/)
  expect(normalizeLicense('LicenseRef-scancode-llama-2-license-2023')!.restriction).toBe(normalizeLicense('llama2')!.restriction)
  expect(normalizeLicense('apache-2.0')!.restriction).toBeNull()
  expect(normalizeLicense('cc-by-nc-4.0')!.restriction).toBeNull()
})

test('SPDX expressions in any letter case; deprecated GNU ids upgraded', () => {
  expect(expr('MIT OR Apache-2.0')).toBe('known:MIT OR Apache-2.0')
  expect(expr('mit or apache-2.0')).toBe('known:MIT OR Apache-2.0')
  expect(expr('MIT AND (BSD-2-Clause OR ISC)')).toBe('known:MIT AND (BSD-2-Clause OR ISC)')
  expect(expr('GPL-2.0-only WITH Classpath-exception-2.0')).toBe('known:GPL-2.0-only WITH Classpath-exception-2.0')
  expect(expr('GPL-3.0')).toBe('known:GPL-3.0-only')
  expect(expr('GPL-2.0+')).toBe('known:GPL-2.0-or-later')
  expect(expr('licenseref-acme')).toBe('known:LicenseRef-acme')
})

test('spdx-correct only where the guess invents nothing', () => {
  expect(normalizeLicense('Apache License 2.0')).toMatchObject({ state: 'known', expression: 'Apache-2.0', note: 'read `Apache License 2.0` as Apache-2.0' })
  expect(expr('GPLv3')).toBe('known:GPL-3.0-only')
  expect(expr('CC BY-NC 4.0')).toBe('known:CC-BY-NC-4.0')
  expect(expr('3-clause BSD')).toBe('known:BSD-3-Clause')
  // spdx-correct would answer GPL-3.0-or-later, BSD-2-Clause, PSF-2.0 and Unlicense here.
  expect(expr('GPL')).toBe('unknown:null')
  expect(expr('BSD')).toBe('unknown:null')
  expect(expr('PSF')).toBe('unknown:null')
  expect(expr('UNLICENSED')).toBe('known:LicenseRef-UNLICENSED')
})

test('license: other uses license_name and license_link', () => {
  expect(normalizeLicense('other', { name: 'Acme Model License v2', link: 'https://acme.example/license' })).toEqual({
    state: 'known',
    expression: 'LicenseRef-Acme-Model-License-v2',
    name: 'Acme Model License v2',
    url: 'https://acme.example/license',
    restriction: null,
    note: null
  })
  // A license_name that is itself a Hub id resolves to it, keeping the card's link.
  expect(normalizeLicense('other', { name: 'llama3', link: 'LICENSE' })).toMatchObject({ expression: 'LicenseRef-hf-llama3', url: 'LICENSE' })
  expect(normalizeLicense('other', { link: 'https://ai.google.dev/gemma/terms' })).toMatchObject({ expression: 'LicenseRef-scancode-gemma-tou-2024-04-01' })
  expect(normalizeLicense('other')).toMatchObject({ state: 'unknown', note: '`license: other` without `license_name` does not say which license.' })
})

test('hostile declarations: exact verdicts', () => {
  expect(normalizeLicense(['a', 'b'])).toMatchObject({ state: 'unknown', note: '`license` is a list of 2 values; write one SPDX expression instead (e.g. `MIT OR Apache-2.0`).' })
  expect(normalizeLicense('x'.repeat(10_000))).toMatchObject({ state: 'unknown', note: 'The declaration is 10000 characters of text, not a license identifier.' })
  expect(normalizeLicense('free for research, ask us otherwise')).toMatchObject({ state: 'unknown', note: '`free for research, ask us otherwise` is not an SPDX license expression or a Hugging Face license id.' })
  expect(normalizeLicense('MIT AND')).toMatchObject({ state: 'unknown' })
  expect(normalizeLicense('Apache-2.0 WITH')).toMatchObject({ state: 'unknown' })
  expect(normalizeLicense('NOT-A-LICENSE-1.0')).toMatchObject({ state: 'unknown' })
  expect(normalizeLicense({ id: 'mit' })).toMatchObject({ state: 'unknown', note: '`license` is not a string.' })
  expect(normalizeLicense('unknown')).toMatchObject({ state: 'unknown', note: 'The license is declared as `unknown`.' })
  expect(normalizeLicense(undefined)).toBeNull()
  expect(normalizeLicense('   ')).toBeNull()
  expect(normalizeLicense([])).toBeNull()
})

test('LicenseRef ids built from names are valid SPDX', () => {
  expect(licenseRef('My License (v1) ++')).toBe('LicenseRef-My-License-v1-plus-plus')
  expect(licenseRef('日本語')).toBe('LicenseRef-other')
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (name) => {
      expect(() => parse(licenseRef(name))).not.toThrow()
    })
  )
})

test('any input: no throw, and a known result is a parseable expression', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.constantFrom('mit', 'MIT OR', '(', ')', 'WITH', 'GPL-2.0+', 'other'), fc.array(fc.string()), fc.integer()), fc.option(fc.string()), (v, name) => {
      const n = normalizeLicense(v, { name })
      if (n?.state === 'known') expect(() => parse(n.expression!)).not.toThrow()
    }),
    { numRuns: 500 }
  )
})
