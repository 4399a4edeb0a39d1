import { linkedLicense } from '../../src/licenses/license-link.js'

test.each([
  ['https://creativecommons.org/licenses/by-nc/4.0/legalcode', 'CC-BY-NC-4.0'],
  ['https://creativecommons.org/licenses/by-nc-sa/4.0/deed.en', 'CC-BY-NC-SA-4.0'],
  ['http://www.creativecommons.org/licenses/by/4.0/', 'CC-BY-4.0'],
  ['https://creativecommons.org/licenses/by/3.0/de/', 'CC-BY-3.0-DE'],
  ['https://creativecommons.org/publicdomain/zero/1.0/', 'CC0-1.0'],
  ['https://opensource.org/licenses/MIT', 'MIT'],
  ['https://opensource.org/licenses/mit-license.php', 'MIT'],
  ['https://spdx.org/licenses/Apache-2.0.html', 'Apache-2.0'],
  ['https://choosealicense.com/licenses/bsd-3-clause/', 'BSD-3-Clause'],
  ['https://www.apache.org/licenses/LICENSE-2.0', 'Apache-2.0'],
  ['http://www.apache.org/licenses/LICENSE-2.0.txt', 'Apache-2.0'],
  ['https://www.gnu.org/licenses/gpl-3.0.html', 'GPL-3.0-only'],
  ['https://www.gnu.org/licenses/old-licenses/lgpl-2.1.en.html', 'LGPL-2.1-only'],
  ['https://www.gnu.org/licenses/agpl-3.0.txt', 'AGPL-3.0-only']
])('%s → %s', (link, id) => {
  expect(linkedLicense(link)).toBe(id)
})

test.each([
  'https://huggingface.co/meta-llama/Llama-2-7b/blob/main/LICENSE.txt',
  'LICENSE',
  'https://creativecommons.org/licenses/',
  'https://creativecommons.org/licenses/by-xx/4.0/',
  'https://creativecommons.org/licenses/by/9.9/',
  'https://opensource.org/licenses/not-a-license',
  'https://www.gnu.org/licenses/gpl.html',
  'https://evil.example/creativecommons.org/licenses/by/4.0/',
  'https://creativecommons.org.evil.example/licenses/by/4.0/',
  'ftp://creativecommons.org/licenses/by/4.0/',
  'https://spdx.org/licenses/%E0%A4%A.html'
])('%s names nothing', (link) => {
  expect(linkedLicense(link)).toBeNull()
})
