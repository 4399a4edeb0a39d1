import { readFile } from 'node:fs/promises'
import path from 'node:path'
import full from 'spdx-license-list/full.js'
import { matchLicenseText, pureCopyrightLine } from '../../src/licenses/text-match.js'
import { SHARED } from '../support/shared.js'

const MIT = `MIT License

Copyright (c) 2024 Example Corp

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`

const idOf = async (text: string): Promise<string | null> => (await matchLicenseText(text)).match?.id ?? null

test('real LICENSE files: the churn app GPL-3.0 text and llama.cpp MIT', async () => {
  const gpl = await readFile(path.join(SHARED, 'real-world', '0Xuser100+Customer-Churn-Prediction-App', 'LICENSE'), 'utf8')
  // GPL-3.0-only and -or-later share one text; the text alone proves only "v3".
  expect(await matchLicenseText(gpl)).toEqual({ match: { id: 'GPL-3.0-only', method: 'text', score: 1 } })
  const mit = await readFile(path.join(SHARED, 'real-world', 'ggerganov+llama.cpp', 'LICENSE'), 'utf8')
  expect(await matchLicenseText(mit)).toEqual({ match: { id: 'MIT', method: 'text', score: 1 } })
})

test('reformatted and re-attributed texts still match', async () => {
  expect(await idOf(MIT)).toBe('MIT')
  expect(await idOf(MIT.toUpperCase().replace(/\n/g, ' '))).toBe('MIT')
  expect(await idOf(full['Apache-2.0']!.licenseText)).toBe('Apache-2.0')
  // Apache-2.0 without its appendix is still Apache-2.0, not Pixar's modified Apache text.
  expect(await idOf(full['Apache-2.0']!.licenseText.split('END OF TERMS AND CONDITIONS')[0]!)).toBe('Apache-2.0')
  expect(await idOf(full['CC-BY-NC-4.0']!.licenseText)).toBe('CC-BY-NC-4.0')
  expect(await idOf(full['CC-BY-4.0']!.licenseText)).toBe('CC-BY-4.0')
  expect(await idOf(full['BSD-3-Clause']!.licenseText)).toBe('BSD-3-Clause')
})

test('near misses are told apart or refused, never guessed', async () => {
  // MIT plus "shall be used for Good, not Evil" is the JSON license.
  expect(await idOf(MIT.replace('copies or substantial portions of the Software.', 'copies or substantial portions of the Software.\n\nThe Software shall be used for Good, not Evil.'))).toBe('JSON')
  // MIT without its notice condition is MIT-0.
  expect(await idOf(MIT.replace(/, subject to the following conditions:\n\nThe above copyright notice[^]*?Software\.\n/, '.\n'))).toBe('MIT-0')
  // Half an Apache text is not Apache.
  const apache = full['Apache-2.0']!.licenseText
  expect(await matchLicenseText(apache.slice(0, Math.floor(apache.length / 3)))).toEqual({ match: null, reason: 'its text matches no license in the SPDX list closely enough' })
  // MIT with a non-commercial clause added is not MIT.
  const nc = MIT.replace('to deal\nin the Software without restriction', 'to deal\nin the Software for non-commercial purposes only, with the restriction that no commercial use of any kind, whether direct or indirect, for profit or not, is permitted without a separate written agreement')
  expect(await idOf(nc)).toBeNull()
  expect(await matchLicenseText('See the README.')).toEqual({ match: null, reason: 'the file has too few words to be a license text' })
  expect(await matchLicenseText('# Churn model\n\nThis repository trains a model on bank customer data and serves it with Streamlit.')).toEqual({ match: null, reason: 'its text matches no license in the SPDX list closely enough' })
  expect(await matchLicenseText('')).toEqual({ match: null, reason: 'the file has too few words to be a license text' })
})

test('model licenses outside the SPDX list are named by their title', async () => {
  expect(await matchLicenseText('LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023\n\n"Agreement" means the terms and conditions for use...')).toEqual({ match: { id: 'llama2', method: 'title', score: 1 } })
  expect(await matchLicenseText('CreativeML Open RAIL-M\ndated August 22, 2022\n\nSection I: PREAMBLE ...')).toEqual({ match: { id: 'creativeml-openrail-m', method: 'title', score: 1 } })
  // A title in the middle of a text is not a title.
  expect((await matchLicenseText(`Notes about this project and its history.\nWe tried many things.\nSome worked.\nWe compared against llama 2 license terms later.`)).match).toBeNull()
})

test('a 1 MB file of noise is refused quickly', async () => {
  const t0 = Date.now()
  expect((await matchLicenseText('lorem ipsum '.repeat(90_000))).match).toBeNull()
  expect(Date.now() - t0).toBeLessThan(5000)
})

test('an added restrictive clause refuses the match and says what was added', async () => {
  const nc = MIT.replace('to deal\nin the Software without restriction', 'to deal\nin the Software for non-commercial purposes only')
  expect(await matchLicenseText(nc)).toEqual({ match: null, reason: 'its text is MIT with added terms ("software for non commercial purposes only including")' })
})

describe('a match is the license and nothing else', () => {
  const APACHE = full['Apache-2.0']!.licenseText
  const reason = async (text: string): Promise<string | null> => {
    const v = await matchLicenseText(text)
    return v.match ? `match ${v.match.id}` : v.reason
  }
  const withLine = (line: string): string => MIT.replace('Copyright (c) 2024 Example Corp', line)

  test('a copyright line that goes on with terms is read like any other line', async () => {
    expect(await reason(withLine('Copyright (c) 2024 Acme. Licensed for non-commercial use only; commercial use is prohibited.'))).toBe(
      'its text is MIT with added terms ("acme licensed for non commercial use only commercial use")'
    )
    expect(await reason(MIT.replace('The above copyright notice', '(c) 2024 Acme: non-commercial use only, commercial use prohibited.\n\nThe above copyright notice'))).toBe(
      'its text is MIT with added terms ("c 2024 acme non commercial use only commercial use")'
    )
    // A pure notice (marker, years, a holder, an address, "All rights reserved") is a name, not terms.
    expect(await reason(withLine('Copyright (c) 2019-2024 Société Générale <oss@example.com>. All rights reserved.\nCopyright 2024 The HF Team (https://huggingface.co)'))).toBe('match MIT')
  })

  test('after END OF TERMS AND CONDITIONS: the standard appendix passes, anything else does not', async () => {
    expect(await reason(APACHE.replace('Copyright [yyyy] [name of copyright owner]', 'Copyright 2024 Acme Corp'))).toBe('match Apache-2.0')
    expect(await reason(`${APACHE}\n\nADDITIONAL TERMS\n\nThis model may be used for non-commercial research purposes only. Commercial use is prohibited.\n`)).toBe(
      'its text is Apache-2.0 with added terms ("be used for non commercial research purposes only commercial")'
    )
    expect(await reason(MIT.replace('SOFTWARE.\n', 'SOFTWARE.\n\nEND OF TERMS AND CONDITIONS\n\nThis grant extends to members of the Acme consortium and to their named partners, and to nobody else at all.\n'))).toBe(
      'its text is MIT with 25 words that are not part of it ("software end of terms and conditions this grant extends to members of the acme …")'
    )
  })

  test('more than a handful of added words refuse the match whatever they say; a title and an SPDX tag pass', async () => {
    expect(await reason(`${MIT}\nThis grant extends to members of the Acme consortium and to their named partners, and to nobody else.\n`)).toBe(
      'its text is MIT with 18 words that are not part of it ("software this grant extends to members of the acme consortium and to their named …")'
    )
    expect(await reason(`The MIT License (MIT)\nSPDX-License-Identifier: MIT\n\n${MIT.split('\n').slice(2).join('\n')}`)).toBe('match MIT')
  })

  test('look-alike letters, other languages, other wording', async () => {
    const added = (clause: string): string => `${MIT}\nAdditional condition: ${clause}\n`
    expect(await reason(added('the Software may be used for n\u043en-c\u043emmercial purposes \u043enly.'))).toBe(
      'its text is MIT but has letters MIT does not have ("n\\u043en-c\\u043emmercial"): a look-alike letter can hide added terms'
    )
    expect(await reason(added('\uff25valuation builds.'))).toBe('its text is MIT but has letters MIT does not have ("\\uff25valuation"): a look-alike letter can hide added terms')
    expect(await reason(added('Nutzung nur f\u00fcr nicht-kommerzielle Zwecke.'))).toBe('its text is MIT with added terms ("nutzung nur für nicht kommerzielle zwecke")')
    expect(await reason(added('uso non commerciale.'))).toBe('its text is MIT with added terms ("additional condition uso non commerciale")')
    expect(await reason(added('uso no comercial.'))).toBe('its text is MIT with added terms ("condition uso no comercial")')
    expect(await reason(added('仅限研究目的使用。'))).toBe('its text is MIT with added terms ("software additional condition 仅限研究目的使用")')
    expect(await reason(added('use by for-profit companies requires a separate paid license from Acme Corp.'))).toBe(
      'its text is MIT with added terms ("condition use by for profit companies requires a separate")'
    )
    expect(await reason(added('use is subject to https://acme.example/noncommercial-only-terms'))).toBe(
      'its text is MIT with added terms ("http acme example noncommercial only terms")'
    )
  })

  test('a text over 512 KiB is not compared (what is past the cut is unknown)', async () => {
    expect(await reason(`${MIT}${' '.repeat(600 * 1024)}\nNon-commercial use only.`)).toBe('the file is over 512 KiB, longer than any license text, so it was not compared')
  })
})

test('pure copyright lines: a holder, years, an address; anything more is not pure', () => {
  for (const line of ['Copyright (c) 2024 Acme Corp', '© 2024 Acme', 'Copyright 2018 Databricks, Inc.  All rights reserved.', '(c) 2014-present, Facebook, Inc.', 'Port to TypeScript Copyright Isaac Z. Schlueter <i@izs.me>', 'Copyright (c) <year> <copyright holders>', 'Copyright [yyyy] [name of copyright owner]']) {
    expect([line, pureCopyrightLine(line)]).toEqual([line, true])
  }
  for (const line of ['Copyright (c) 2024 Acme. Licensed for non-commercial use only.', 'Copyright 2024 Acme, research use only', 'The above copyright notice and this permission notice shall be included', 'copyright notice, this list of conditions and the following disclaimer.', 'Copyright and Related Rights (defined below) upon the creator']) {
    expect([line, pureCopyrightLine(line)]).toEqual([line, false])
  }
})
