import { scan } from '../../src/engine/scan.js'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import { renderJson } from '../../src/report/json.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import type { Report } from '../../src/types.js'
import { schemaErrors } from '../support/bom-checks.js'
import { xsdErrors } from '../bom/xsd.js'
import { smallSafetensors } from '../support/formats.js'
import { makeTree, type TreeSpec } from '../support/tree.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = new Date('2026-06-15T12:00:00Z')
const card = (front: string): string => `---\n${front}\nlibrary_name: transformers\n---\n# Model\n`

/** Model folder → card front matter → the folder component's exact CycloneDX `licenses` and the report's `license`. */
const CASES: [string, string, Json[] | undefined, string | null][] = [
  ['id', 'license: mit', [{ license: { id: 'MIT' } }], 'MIT'],
  ['expr', 'license: "mit or apache-2.0"', [{ expression: 'MIT OR Apache-2.0' }], 'MIT OR Apache-2.0'],
  ['with', 'license: "Apache-2.0 WITH LLVM-exception"', [{ expression: 'Apache-2.0 WITH LLVM-exception' }], 'Apache-2.0 WITH LLVM-exception'],
  ['link', 'license: apache-2.0\nlicense_link: https://www.apache.org/licenses/LICENSE-2.0', [{ license: { id: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' } }], 'Apache-2.0'],
  ['llama', 'license: llama3', [{ license: { name: 'Meta Llama 3 Community License Agreement' } }], 'LicenseRef-hf-llama3'],
  ['gemma', 'license: other\nlicense_link: https://ai.google.dev/gemma/terms', [{ license: { name: 'Gemma Terms of Use', url: 'https://ai.google.dev/gemma/terms' } }], 'LicenseRef-scancode-gemma-tou-2024-04-01'],
  [
    'other',
    'license: other\nlicense_name: Acme Research License\nlicense_link: https://acme.example/license',
    [{ license: { name: 'Acme Research License', url: 'https://acme.example/license' } }],
    'LicenseRef-Acme-Research-License'
  ],
  ['nameonly', 'license_name: acme-research', [{ license: { name: 'acme-research' } }], 'LicenseRef-acme-research'],
  ['onelist', 'license: [mit]', [{ license: { id: 'MIT' } }], 'MIT'],
  ['cctitle', 'license: other\nlicense_name: Creative Commons Attribution-NonCommercial 4.0 International', [{ license: { id: 'CC-BY-NC-4.0' } }], 'CC-BY-NC-4.0'],
  // A link to another license is not this license's text: the id without it (and license-conflict says why).
  ['foreignlink', 'license: mit\nlicense_link: https://creativecommons.org/licenses/by-nc/4.0/legalcode', [{ license: { id: 'MIT' } }], 'MIT'],
  // Unreadable: no license at all rather than a named license a tool would match ("MIT AND" as MIT).
  ['bool', 'license: true', undefined, null],
  ['dangling', 'license: MIT AND', undefined, null],
  ['paren', 'license: "(MIT"', undefined, null],
  ['listed', 'license: "cc-by-nc-4.0, mit"', undefined, null],
  ['big', `license: ${'a'.repeat(10_240)}`, undefined, null],
  ['ctrl', 'license: "MIT\\u0000\\u202e"', undefined, null]
]

let report: Report
let bom: Json

beforeAll(async () => {
  const spec: TreeSpec = {
    'data/README.md': '---\nlicense: cc-by-4.0\nlicense_link: https://creativecommons.org/licenses/by/4.0/\npretty_name: Reviews\ntask_categories: [text-classification]\n---\n',
    'data/train.csv': 'text,label\nok,1\n',
    '.modelgate.yml': 'licenses:\n  deny: [CC-BY-NC-4.0]\n  exceptions:\n    - { path: "nc/**", reason: "LEG-12 | approved by @legal", expires: 2026-12-31 }\n    - { path: "pkg:pypi/x", reason: "unused" }\n'
  }
  for (const [name, front] of CASES) {
    spec[`${name}/README.md`] = card(front)
    spec[`${name}/model.safetensors`] = smallSafetensors()
  }
  spec['nc/README.md'] = card('license: cc-by-nc-4.0')
  spec['nc/model.safetensors'] = smallSafetensors()
  report = (await scan({ root: await makeTree(spec), failOn: 'error', now: NOW })).report
  bom = JSON.parse(serializeBom(report, { subject: 'licenses', format: 'json', now: NOW })) as Json
})

const component = (ref: string): Json => bom.components.find((c: Json) => c['bom-ref'] === ref)

describe('CycloneDX licenses: an SPDX id, an expression, a name and link, or nothing', () => {
  test.each(CASES)('%s', (name, _front, licenses, resolved) => {
    const model = component(`model:${name}`)
    expect(model.licenses).toEqual(licenses)
    // The weights inside carry the license the check resolved for them: the same entry, a custom license with its card's
    // name and link, an SPDX id without the card's link (which describes the card's declaration, not every MIT file).
    const weights = model.components.find((c: Json) => c.name === `${name}/model.safetensors`)
    expect(weights.licenses).toEqual(licenses?.map((l) => (l.license?.id ? { license: { id: l.license.id } } : l)))
    expect(report.artifacts.find((a) => a.path === `${name}/model.safetensors`)!.license).toBe(resolved)
    expect(report.artifacts.find((a) => a.path === `${name}/README.md`)!.license).toBe(resolved)
  })

  test('a dataset: the card license with the card link', () => {
    expect(component('dataset:data/train.csv').licenses).toEqual([{ license: { id: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' } }])
  })

  test('the BOM is schema-valid, and the XML form carries the same', async () => {
    expect(await schemaErrors(JSON.stringify(bom), '1.6')).toBeNull()
    const xml = serializeBom(report, { subject: 'licenses', format: 'xml', now: NOW })
    expect(xml).toMatch(/<licenses>\s*<expression>MIT OR Apache-2\.0<\/expression>\s*<\/licenses>/)
    expect(xml).toMatch(/<licenses>\s*<license>\s*<name>Acme Research License<\/name>\s*<url>https:\/\/acme\.example\/license<\/url>\s*<\/license>\s*<\/licenses>/)
    expect(xml).not.toContain('aaaaaaaaaa')
    expect(xml).not.toContain('MIT AND<')
    expect(await xsdErrors(xml, '1.6')).toEqual([])
  })
})

describe('the JSON report', () => {
  test('the card text as written is clipped to 200 characters, with control and bidi characters escaped', () => {
    const cardOf = (name: string) => report.artifacts.find((a) => a.path === `${name}/README.md`)!.card!
    expect(cardOf('big').license).toBe(`${'a'.repeat(199)}…`)
    expect(cardOf('ctrl').license).toBe('MIT\\u0000\\u202e')
    expect(cardOf('other')).toMatchObject({ license: 'Acme Research License', licenseLink: 'https://acme.example/license' })
    // license_name alone reads like `license: other`.
    expect(cardOf('nameonly').license).toBe('acme-research')
    expect(cardOf('foreignlink')).toMatchObject({ license: 'mit', licenseLink: null })
    expect(report.findings.filter((f) => f.path === 'foreignlink/README.md').map((f) => `${f.rule} ${f.line}`)).toEqual(['license-denied 3', 'license-conflict 2'])
    const json = renderJson(report)
    expect(json).not.toMatch(/[\u0000\u202e]/) // eslint-disable-line no-control-regex
    expect(json).not.toContain('a'.repeat(200))
  })

  test('active license exceptions are listed: what they cover, the license, the pattern, the reason, the expiry', () => {
    expect(report.findings.filter((f) => f.path.startsWith('nc/'))).toEqual([])
    const expected = [
      { path: 'nc/model.safetensors', license: 'CC-BY-NC-4.0', pattern: 'nc/**', reason: 'LEG-12 | approved by @legal', expires: '2026-12-31' }
    ]
    expect(report.licenseExceptions).toEqual(expected)
    expect((JSON.parse(renderJson(report)) as Json).licenseExceptions).toEqual(expected)
  })

  test('no exception in force: no key', async () => {
    const { report: plain } = await scan({ root: await makeTree({ 'm/README.md': card('license: mit'), 'm/model.safetensors': smallSafetensors() }), failOn: 'error', now: NOW })
    expect('licenseExceptions' in plain).toBe(false)
    expect(renderMarkdown(plain)).not.toContain('license exception')
  })
})

test('the markdown comment lists active exceptions under a fold, repository text escaped', () => {
  const md = renderMarkdown(report).split('\n')
  const at = md.indexOf('<details><summary>1 license exception in force</summary>')
  expect(md.slice(at, at + 7)).toEqual([
    '<details><summary>1 license exception in force</summary>',
    '',
    '| Covers | License | Exception | Reason | Expires |',
    '|---|---|---|---|---|',
    '| `nc/model.safetensors` | `CC-BY-NC-4.0` | `nc/**` | LEG-12 \\| approved by @\u2060legal | 2026-12-31 |',
    '',
    '</details>'
  ])
})

test('more exceptions than the comment lists: the rest is counted and left to the JSON report', () => {
  const rows = Array.from({ length: 27 }, (_, i) => ({ path: `m${String(i).padStart(2, '0')}/w.bin`, license: null, pattern: 'm*/**', reason: 'r', expires: null }))
  const md = renderMarkdown({ ...report, licenseExceptions: rows }).split('\n')
  const at = md.indexOf('<details><summary>27 license exceptions in force</summary>')
  expect(md[at + 4]).toBe('| `m00/w.bin` | — | `m*/**` | r | no expiry |')
  expect(md.slice(at + 28, at + 33)).toEqual(['| `m24/w.bin` | — | `m*/**` | r | no expiry |', '', '… and 2 more in the JSON report (`licenseExceptions`).', '', '</details>'])
})
