import { readFile } from 'node:fs/promises'
import path from 'node:path'
import full from 'spdx-license-list/full.js'
import { matchLicenseText } from '../../src/licenses/text-match.js'
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
