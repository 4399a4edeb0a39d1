import fc from 'fast-check'
import parse from 'spdx-expression-parse'
import { licenseRef, normalizeLicense } from '../../src/licenses/normalize.js'
import { HF_LICENSES } from '../../src/licenses/hf-licenses.js'
import { shown } from '../../src/licenses/display.js'

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
    note: null,
    custom: true
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

describe('fail closed: a correction never drops a license or a word', () => {
  const note = (v: string): string | null => {
    const n = normalizeLicense(v)!
    return n.state === 'known' ? `known ${n.expression}` : n.note
  }

  test('licenses joined by , ; / & + are unknown, with the two SPDX spellings to choose from', () => {
    const both = (a: string, b: string, sep: string, input: string) =>
      `\`${input}\` joins licenses with \`${sep}\`, which SPDX does not define (do all of them apply, or may one be chosen?); write \`${a} AND ${b}\` if all of them apply or \`${a} OR ${b}\` if one may be chosen.`
    expect(note('cc-by-nc-4.0, mit')).toBe(both('CC-BY-NC-4.0', 'MIT', ',', 'cc-by-nc-4.0, mit'))
    expect(note('mit, cc-by-nc-4.0')).toBe(both('MIT', 'CC-BY-NC-4.0', ',', 'mit, cc-by-nc-4.0'))
    expect(note('MIT/CC-BY-NC-4.0')).toBe(both('MIT', 'CC-BY-NC-4.0', '/', 'MIT/CC-BY-NC-4.0'))
    expect(note('CC-BY-NC-4.0/MIT')).toBe(both('CC-BY-NC-4.0', 'MIT', '/', 'CC-BY-NC-4.0/MIT'))
    expect(note('mit; cc-by-nc-4.0')).toBe(both('MIT', 'CC-BY-NC-4.0', ';', 'mit; cc-by-nc-4.0'))
    expect(note('MIT & CC-BY-NC-4.0')).toBe(both('MIT', 'CC-BY-NC-4.0', '&', 'MIT & CC-BY-NC-4.0'))
    expect(note('MIT + CC-BY-NC-4.0')).toBe(both('MIT', 'CC-BY-NC-4.0', '+', 'MIT + CC-BY-NC-4.0'))
    expect(note('cc-by-nc-4.0 + mit')).toBe(both('CC-BY-NC-4.0', 'MIT', '+', 'cc-by-nc-4.0 + mit'))
    expect(note('MIT, GPL-3.0')).toBe(both('MIT', 'GPL-3.0-only', ',', 'MIT, GPL-3.0'))
    expect(note('mit, apache-2.0')).toBe(both('MIT', 'Apache-2.0', ',', 'mit, apache-2.0'))
    expect(note('MIT/Apache-2.0')).toBe(both('MIT', 'Apache-2.0', '/', 'MIT/Apache-2.0'))
    expect(note('mit, llama2')).toBe(both('MIT', 'LicenseRef-scancode-llama-2-license-2023', ',', 'mit, llama2'))
    expect(note('MIT, or ask us')).toBe('`MIT, or ask us` names MIT among other text (joined by `,`), which may change the terms and which SPDX cannot express.')
    expect(note('free for research, ask us otherwise')).toBe('`free for research, ask us otherwise` is not an SPDX license expression or a Hugging Face license id.')
  })

  test('a license qualified in parentheses or with extra words is unknown', () => {
    const qualified = (input: string, id: string, words: string) =>
      `\`${input}\` qualifies ${id} with \`(${words})\`, which may change its terms and which SPDX cannot express; if those are the terms, declare \`license: other\` with \`license_name\` and \`license_link\`.`
    expect(note('Apache-2.0 (non-commercial use only)')).toBe(qualified('Apache-2.0 (non-commercial use only)', 'Apache-2.0', 'non-commercial use only'))
    expect(note('MIT (for research only)')).toBe(qualified('MIT (for research only)', 'MIT', 'for research only'))
    expect(note('MIT for research only')).toBe('`MIT for research only` is not an SPDX license expression or a Hugging Face license id.')
    expect(note('Apache 2.0 non-commercial')).toBe('`Apache 2.0 non-commercial` is not an SPDX license expression or a Hugging Face license id.')
    expect(note('CC-BY-4.0-NC')).toBe('`CC-BY-4.0-NC` is not an SPDX license expression or a Hugging Face license id.')
    expect(note('"MIT"')).toBe('`"MIT"` is not an SPDX license expression or a Hugging Face license id.')
    expect(note('MIT`')).toBe("`MIT'` is not an SPDX license expression or a Hugging Face license id.")
  })

  test('invalid SPDX is unknown: unbalanced parentheses, an empty LicenseRef, doubled or dangling operators', () => {
    const invalid = (v: string) => `\`${v}\` is not an SPDX license expression or a Hugging Face license id.`
    for (const v of ['(MIT', 'MIT)', 'LicenseRef-', 'licenseref-', 'MIT OR OR Apache-2.0', 'MIT AND (Apache-2.0 OR', 'Apache-2.0 WITH', '(MIT OR Apache-2.0']) expect(note(v)).toBe(invalid(v))
    // Valid expressions still read, parentheses and all.
    expect(note('(MIT OR Apache-2.0)')).toBe('known MIT OR Apache-2.0')
    expect(note('MIT AND (Apache-2.0 OR BSD-3-Clause)')).toBe('known MIT AND (Apache-2.0 OR BSD-3-Clause)')
    expect(note('LicenseRef-acme.v2')).toBe('known LicenseRef-acme.v2')
  })

  test('control and bidi characters make a declaration unknown, shown escaped', () => {
    expect(note('MIT\u0000\u202e')).toBe('`MIT\\u0000\\u202e` contains control or invisible formatting characters, so it is not a license identifier.')
    expect(note('MIT\u200b')).toBe('`MIT\\u200b` contains control or invisible formatting characters, so it is not a license identifier.')
    expect(note('Apache\u20122.0')).toBe('`Apache\u20122.0` is not an SPDX license expression or a Hugging Face license id.')
  })

  test('spellings of one license are still read: nothing dropped, nothing invented', () => {
    expect(note('Apache License, Version 2.0')).toBe('known Apache-2.0')
    expect(note('Apache License Version 2.0')).toBe('known Apache-2.0')
    expect(note('The MIT License')).toBe('known MIT')
    expect(note('BSD 3-Clause License')).toBe('known BSD-3-Clause')
    expect(note('GNU GPL v3')).toBe('known GPL-3.0-only')
    expect(note('GPLv2+')).toBe('known GPL-2.0-or-later')
    expect(note('LGPLv2.1+')).toBe('known LGPL-2.1-or-later')
    expect(note('Apache 2')).toBe('known Apache-2.0')
    // spdx-correct reads `Eclipse Public License 2.0` as EPL-1.0: a version not written.
    expect(note('Eclipse Public License 2.0')).toBe('`Eclipse Public License 2.0` is not an SPDX license expression or a Hugging Face license id.')
  })

  test('license_name: a list of ids is not a custom license; invisible characters are refused; a link with spaces is dropped', () => {
    expect(normalizeLicense('other', { name: 'cc-by-nc-4.0, mit' })).toMatchObject({ state: 'unknown', note: expect.stringMatching(/^`cc-by-nc-4\.0, mit` joins licenses with `,`/) })
    expect(normalizeLicense('other', { name: 'Acme\u202e License' })).toMatchObject({
      state: 'unknown',
      note: "`license_name: Acme\\u202e License` contains control or invisible formatting characters, so it cannot be shown as the license's name."
    })
    expect(normalizeLicense('other', { name: 'Acme, Inc. research license', link: 'https://acme.example/a b' })).toEqual({
      state: 'known',
      expression: 'LicenseRef-Acme-Inc.-research-license',
      name: 'Acme, Inc. research license',
      url: null,
      restriction: null,
      note: null,
      custom: true
    })
  })

  test('object keys are not license ids', () => {
    for (const v of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(normalizeLicense(v)).toMatchObject({ state: 'unknown', expression: null })
  })

  test('a Hugging Face LicenseRef read back keeps its name', () => {
    expect(normalizeLicense('LicenseRef-hf-llama3')).toMatchObject({ state: 'known', expression: 'LicenseRef-hf-llama3', name: 'Meta Llama 3 Community License Agreement' })
    expect(normalizeLicense('LicenseRef-scancode-gemma-tou-2024-04-01')).toMatchObject({ name: 'Gemma Terms of Use' })
    expect(normalizeLicense('LicenseRef-acme')).toMatchObject({ name: 'LicenseRef-acme', url: null })
  })
})

/** The license ids of an expression (exceptions left out). */
function idsOf(expression: string): string[] {
  const out = new Set<string>()
  const walk = (n: parse.Info): void => {
    if ('conjunction' in n) {
      walk(n.left)
      walk(n.right)
    } else out.add(n.license + (n.plus ? '+' : ''))
  }
  walk(parse(expression))
  return [...out].sort()
}

describe('property: the output never drops or invents a license id of the input', () => {
  const IDS = ['MIT', 'mit', 'Apache-2.0', 'apache-2.0', 'CC-BY-NC-4.0', 'cc-by-nc-4.0', 'GPL-3.0', 'gpl-3.0', 'BSD-3-Clause', 'ISC', 'cc-by-4.0', 'llama2', 'gemma', 'LicenseRef-acme']
  const canonical = (id: string): string => normalizeLicense(id)!.expression!
  const JOINS = [' AND ', ' OR ', ' and ', ' or ', ' WITH ', ', ', ',', '/', ' / ', '; ', ' & ', ' + ', '+', ' ', ' (', ') ', '(', ')']
  const EXTRA = ['', ' license', ' License', ' only', ' for research', ' (non-commercial)', ' v2', ' 2.0', ' non commercial', ' NC', ' version 3']

  test('ids joined by anything, with or without extra words', () => {
    expect(IDS.map(canonical)).toEqual(['MIT', 'MIT', 'Apache-2.0', 'Apache-2.0', 'CC-BY-NC-4.0', 'CC-BY-NC-4.0', 'GPL-3.0-only', 'GPL-3.0-only', 'BSD-3-Clause', 'ISC', 'CC-BY-4.0', 'LicenseRef-scancode-llama-2-license-2023', 'LicenseRef-scancode-gemma-tou-2024-04-01', 'LicenseRef-acme'])
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...IDS), fc.constantFrom(...JOINS)), { minLength: 1, maxLength: 4 }), fc.constantFrom(...EXTRA), (parts, extra) => {
        const text = parts.map(([id, join], i) => (i < parts.length - 1 ? id + join : id)).join('') + extra
        const n = normalizeLicense(text)!
        if (n.state !== 'known') return
        // Known: exactly the ids written (WITH takes an exception, not a license, on its right).
        const written = parts.filter((_, i) => i === 0 || parts[i - 1]![1].trim().toUpperCase() !== 'WITH').map(([id]) => canonical(id))
        expect(idsOf(n.expression!)).toEqual([...new Set(written)].sort())
        // And nothing SPDX cannot say was read past.
        expect(text).not.toMatch(/[,;/&]| \+ |\+\S|\(non|research|NC$|commercial/)
      }),
      { numRuns: 2000 }
    )
  })

  test('any text: a known result names only ids whose words are in the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const n = normalizeLicense(text)
        if (n?.state !== 'known') return
        const words = new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean))
        for (const id of idsOf(n.expression!)) {
          // Every letter word of the id (`apache` of Apache-2.0, `licenseref`, `acme`) is written.
          for (const w of id.toLowerCase().split(/[^a-z]+/).filter((x) => x.length > 1 && x !== 'only' && x !== 'or' && x !== 'later' && x !== 'clause')) expect(words.has(w) || text.toLowerCase().includes(w)).toBe(true)
        }
      }),
      { numRuns: 2000 }
    )
  })
})

test('shown: invisible characters escaped, clipped with an ellipsis, never inside a surrogate pair', () => {
  expect(shown('MIT\u0000\u202e\u200b\n', 80)).toBe('MIT\\u0000\\u202e\\u200b\\u000a')
  expect(shown('a'.repeat(300), 200)).toBe(`${'a'.repeat(199)}…`)
  expect(shown(`${'a'.repeat(198)}\u{1F600}x`, 200)).toBe(`${'a'.repeat(198)}…`)
  expect(shown(`${'a'.repeat(197)}\u{1F600}xy`, 200)).toBe(`${'a'.repeat(197)}\u{1F600}…`)
})

describe('one license written another way: read only where the reading is unambiguous', () => {
  test('`license: [mit]` (one item) is that license; two or more stay unknown', () => {
    expect(expr(['mit'])).toBe('known:MIT')
    expect(expr(['cc-by-nc-4.0'])).toBe('known:CC-BY-NC-4.0')
    expect(expr(['mit', 'apache-2.0'])).toBe('unknown:null')
    expect(expr([['mit']])).toBe('unknown:null')
  })

  test.each([
    ['CC0', 'CC0-1.0'],
    ['cc0', 'CC0-1.0'],
    ['cc-by-sa 4.0', 'CC-BY-SA-4.0'],
    ['cc by nc 4.0', 'CC-BY-NC-4.0'],
    ['cc_by_nc_4.0', 'CC-BY-NC-4.0'],
    ['New BSD', 'BSD-3-Clause'],
    ['MIT license (MIT)', 'MIT'],
    ['Apache License 2.0 (Apache-2.0)', 'Apache-2.0'],
    ['Expat', 'MIT'],
    ['ASL 2.0', 'Apache-2.0'],
    ['Llama 3.1', 'LicenseRef-scancode-llama-3.1-license-2024'],
    ['llama-3', 'LicenseRef-hf-llama3'],
    ['CreativeML OpenRAIL-M', 'LicenseRef-scancode-stable-diffusion-2022-08-22'],
    ['Creative Commons Attribution-NonCommercial 4.0', 'CC-BY-NC-4.0'],
    ['Creative Commons Attribution Non Commercial 4.0 International', 'CC-BY-NC-4.0'],
    ['Attribution-NonCommercial-ShareAlike 4.0 International Public License', 'CC-BY-NC-SA-4.0'],
    ['Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)', 'CC-BY-NC-4.0'],
    ['Creative Commons Zero v1.0 Universal', 'CC0-1.0']
  ])('%s → %s', (written, id) => {
    expect(expr(written)).toBe(`known:${id}`)
  })

  test.each(['BSD', 'New', 'ASL', 'Creative Commons Attribution', 'Attribution-NonCommercial-NoDerivatives-ShareAlike 4.0', 'Creative Commons Attribution 4.0 for research', 'MIT (Apache-2.0)', 'BY 4.0', 'Llama'])(
    '%s stays unknown',
    (written) => {
      expect(expr(written)).toBe('unknown:null')
    }
  )
})

describe('license_name: look-alike letters and restrictive words', () => {
  test('a Cyrillic or full-width letter makes the name unknown, shown escaped', () => {
    expect(normalizeLicense('other', { name: 'CC BY-N\u0421 4.0' })).toMatchObject({
      state: 'unknown',
      note: "`license_name: CC BY-N\\u0421 4.0` has letters that look like others (U+0421 '\u0421'), so it cannot be shown or matched as the license's name; write the name in plain letters."
    })
    expect(normalizeLicense('other', { name: '\uff4d\uff49\uff54' })).toMatchObject({ state: 'unknown', note: expect.stringContaining("(U+FF4D '\uff4d')") })
    // Chinese names and accented Latin are names, not disguises.
    expect(normalizeLicense('other', { name: '通义千问许可协议' })).toMatchObject({ state: 'known', expression: 'LicenseRef-other', name: '通义千问许可协议' })
    expect(normalizeLicense('other', { name: 'Licence de recherche Élysée' })).toMatchObject({ state: 'known', expression: 'LicenseRef-Licence-de-recherche-lys-e' })
  })

  test('a name that says non-commercial or research only carries that as a use restriction', () => {
    expect(normalizeLicense('other', { name: 'MIT (non-commercial use only)' })).toEqual({
      state: 'known',
      expression: 'LicenseRef-MIT-non-commercial-use-only',
      name: 'MIT (non-commercial use only)',
      url: null,
      restriction: 'The license\'s name says "MIT (non-commercial use only)": its terms restrict use (non commercial); read them before any commercial or product use.',
      note: null,
      custom: true
    })
    expect(normalizeLicense('other', { name: 'Acme NC License' })!.restriction).toBe(
      'The license\'s name says "Acme NC License": its terms restrict use (NC: non-commercial); read them before any commercial or product use.'
    )
    expect(normalizeLicense('other', { name: 'Acme Research Only License' })!.restriction).toMatch(/\(research only\)/)
    expect(normalizeLicense('other', { name: 'Acme Model License v2' })!.restriction).toBeNull()
  })

  test('a license_name that names a Creative Commons license in words is that SPDX id', () => {
    expect(normalizeLicense('other', { name: 'Creative Commons Attribution-NonCommercial 4.0', link: 'https://example.com/terms' })).toMatchObject({ state: 'known', expression: 'CC-BY-NC-4.0', url: 'https://example.com/terms' })
  })

  test('`license: other` with only a license_link to a known license page is that license', () => {
    expect(normalizeLicense('other', { link: 'https://creativecommons.org/licenses/by-nc/4.0/legalcode' })).toMatchObject({
      state: 'known',
      expression: 'CC-BY-NC-4.0',
      url: 'https://creativecommons.org/licenses/by-nc/4.0/legalcode',
      note: 'read `license_link: https://creativecommons.org/licenses/by-nc/4.0/legalcode` as CC-BY-NC-4.0'
    })
    expect(normalizeLicense('other', { link: 'https://acme.example/license' })).toMatchObject({ state: 'unknown' })
  })
})
