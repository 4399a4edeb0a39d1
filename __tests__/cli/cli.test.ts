import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { cli } from '../support/cli.js'
import { makeTree } from '../support/tree.js'
import { jsonBomErrors } from '../support/cyclonedx.js'
import * as f from '../support/formats.js'
import { TOOL } from '../../src/version.js'

const clean = { 'm/model.safetensors': f.smallSafetensors(), 'm/README.md': '---\nlicense: mit\npipeline_tag: fill-mask\n---\n' }
const broken = { ...clean, 'm/bad.safetensors': f.smallSafetensors().subarray(0, 20) }

describe('exit codes', () => {
  test('0 when nothing reaches --fail-on', async () => {
    const root = await makeTree(clean)
    expect((await cli(root, 'scan', '.')).code).toBe(0)
  })

  test('1 when an error finding exists; --fail-on never passes; --fail-on warning catches warnings', async () => {
    const root = await makeTree(broken)
    expect((await cli(root, 'scan')).code).toBe(1)
    expect((await cli(root, 'scan', '--fail-on', 'never')).code).toBe(0)
    const warnOnly = await makeTree({ ...broken, '.modelgate.yml': 'severity:\n  unparseable-artifact: warning\n' })
    expect((await cli(warnOnly, 'scan')).code).toBe(0)
    expect((await cli(warnOnly, 'scan', '--fail-on', 'warning')).code).toBe(1)
  })

  test.each([
    [['scan', '--format', 'html'], 'modelgate: --format html: expected one of text, json, markdown, sarif\n'],
    [['scan', '--fail-on', 'sometimes'], 'modelgate: --fail-on sometimes: expected one of error, warning, never\n'],
    [['scan', '--bom-format', 'spdx'], 'modelgate: --bom-format spdx: expected one of json, xml, spdx3\n'],
    [['scan', '--head', 'HEAD'], 'modelgate: --head needs --base: give the ref to compare against\n'],
    [['scan', 'a', 'b'], 'modelgate: scan takes one directory, got 2: a b\n'],
    [['scna'], "modelgate: unknown command 'scna'; the command is 'scan' (see 'modelgate --help')\n"],
    [[], "modelgate: missing command; try 'modelgate scan .'\n"],
    [['scan', '--nope'], "modelgate: Unknown option '--nope'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--nope\"; see 'modelgate --help'\n"],
    [['scan', 'missing-dir'], 'modelgate: missing-dir: not a directory; give the folder to scan\n']
  ])('2 for usage errors: %j', async (argv, message) => {
    const root = await makeTree(clean)
    const r = await cli(root, ...argv)
    expect([r.code, r.stderr, r.stdout]).toEqual([2, message, ''])
  })

  test('--version and --help', async () => {
    expect(await cli('/', '--version')).toEqual({ code: 0, stdout: `${TOOL.version}\n`, stderr: '' })
    const help = await cli('/', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: modelgate scan \[DIR\] \[options\]/)
  })
})

describe('config errors are exit 2 with file, key and expected type', () => {
  test.each([
    ['ignore: "*.pt"\n', "key 'ignore': expected array, got string"],
    ['licences:\n  allow: [MIT]\n', "unknown key 'licences'; remove it or check its spelling (see docs/config.md)"],
    ['signatures:\n  required-for: [1]\n', "key 'signatures.required-for.0': expected string, got number"],
    ['signatures:\n  trusted-identities:\n    - identity: a@b.c\n', "key 'signatures.trusted-identities.0.issuer': expected string, got undefined"],
    ['severity:\n  unsafe-serialization: maybe\n', `key 'severity.unsafe-serialization': expected one of "error", "warning", "note", "off"`],
    ['severity:\n  not-a-rule: "off"\n', "unknown key 'severity.not-a-rule'; remove it or check its spelling (see docs/config.md)"],
    ['licenses: [MIT\n', 'invalid YAML']
  ])('%j', async (yml, message) => {
    const root = await makeTree({ ...clean, '.modelgate.yml': yml })
    const r = await cli(root, 'scan')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`modelgate: ${path.join(root, '.modelgate.yml')}`)
    expect(r.stderr).toContain(message)
  })

  test.each([
    [
      'an alias bomb',
      ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`), 'ignore: *j', ''].join('\n'),
      'invalid YAML: its aliases (*name) expand to too many values (Excessive alias count indicates a resource exhaustion attack); write the values out instead of using anchors and aliases'
    ],
    ['an alias with no anchor', 'ignore: *models\n', 'invalid YAML: Unresolved alias (the anchor must be set before the alias): models; define the anchor (&name) before using the alias, or write the value out'],
    ['a syntax error', 'ignore:\n  - "a\n', '3: invalid YAML: Missing closing "quote'],
    ['a duplicate key', 'ignore: []\nignore: []\n', '2: invalid YAML: Map keys must be unique'],
    ['a key with a line break', '"ign\\nore": []\n', "unknown key 'ign\\nore'; remove it or check its spelling (see docs/config.md)"],
    ['a collection as a key', '? [a, b]\n: 1\n', "unknown key '[ a, b ]'; remove it or check its spelling (see docs/config.md)"]
  ])('%s: exactly one line naming the file and what to fix', async (_what, yml, message) => {
    const root = await makeTree({ ...clean, '.modelgate.yml': yml })
    const file = path.join(root, '.modelgate.yml')
    expect(await cli(root, 'scan')).toEqual({ code: 2, stdout: '', stderr: `modelgate: ${file}${/^\d/.test(message) ? ':' : ': '}${message}\n` })
  })

  test('an explicit --config that does not exist is an error; a missing default is fine', async () => {
    const root = await makeTree(clean)
    const r = await cli(root, 'scan', '--config', 'nope.yml')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^modelgate: .*nope\.yml: cannot read config file \(ENOENT.*\); check the --config path\n$/)
  })
})

describe('reports', () => {
  test('json: the documented report, exactly', async () => {
    const root = await makeTree(broken)
    const r = await cli(root, 'scan', '--format', 'json')
    expect(JSON.parse(r.stdout)).toEqual({
      schemaVersion: 1,
      tool: { name: 'ModelGate', version: TOOL.version },
      mode: 'tree',
      verdict: 'fail',
      artifacts: [
        {
          path: 'm/README.md',
          kind: 'model-card',
          format: 'huggingface-model-card',
          change: 'unchanged',
          size: Buffer.byteLength(clean['m/README.md']),
          sha256: f.sha256(clean['m/README.md']),
          lfs: null,
          signature: null,
          license: 'MIT',
          facts: { card_fields: '2/8' },
          card: {
            license: 'mit',
            licenseLink: null,
            baseModels: [],
            datasets: [],
            pipelineTag: 'fill-mask',
            libraryName: null,
            languages: [],
            tags: [],
            modelName: null,
            metrics: [],
            prettyName: null,
            taskCategories: [],
            sizeCategories: [],
            sourceDatasets: [],
            fieldsPresent: ['license', 'pipeline_tag'],
            fieldsExpected: ['license', 'base_model', 'datasets', 'pipeline_tag', 'library_name', 'language', 'tags', 'model-index']
          }
        },
        { path: 'm/bad.safetensors', kind: 'model', format: 'safetensors', change: 'unchanged', size: 20, sha256: f.sha256(broken['m/bad.safetensors']), lfs: null, signature: { state: 'unsigned', required: false }, license: 'MIT', facts: {} },
        { path: 'm/model.safetensors', kind: 'model', format: 'safetensors', change: 'unchanged', size: f.smallSafetensors().length, sha256: f.sha256(f.smallSafetensors()), lfs: null, signature: { state: 'unsigned', required: false }, license: 'MIT', facts: { tensors: 1, dtypes: 'F32', header_bytes: 96, 'metadata.format': 'pt', metadata_keys: 'format', parameters: 4 } }
      ],
      dependencies: [],
      findings: [
        {
          rule: 'unparseable-artifact',
          severity: 'error',
          path: 'm/bad.safetensors',
          line: null,
          message: `Cannot parse this safetensors file: header length ${f.smallSafetensors().readUInt32LE(0)} runs past the end of the 20-byte file (truncated header). A file that cannot be parsed is never reported as safe.`,
          fix: 'Replace it with a valid safetensors file (re-export or re-download it), or rename it if it is not one. If it is meant to be a Git LFS pointer, check that `git lfs` tracked it.'
        }
      ]
    })
  })

  test('markdown: sticky marker, verdict, inventory and findings', async () => {
    const root = await makeTree(broken)
    const r = await cli(root, 'scan', '--format', 'markdown', '--output', 'out/comment.md')
    expect(r.stdout).toBe('')
    const md = await readFile(path.join(root, 'out/comment.md'), 'utf8')
    expect(md.split('\n').slice(0, 9)).toEqual([
      '<!-- modelgate:sticky-comment -->',
      '### ❌ **ModelGate: fail**',
      '',
      '2 models · 0 datasets · 0 dependency manifests · 1 card · 0 signature files — 1 error, 0 warnings, 0 notes',
      '',
      '| Artifact | Format | Size | SHA-256 | License | Signature |',
      '|---|---|---|---|---|---|',
      `| \`m/bad.safetensors\` | \`safetensors\` | 20 B | \`${f.sha256(broken['m/bad.safetensors']).slice(0, 12)}\` | \`MIT\` | unsigned |`,
      `| \`m/model.safetensors\` | \`safetensors\` | ${f.smallSafetensors().length} B | \`${f.sha256(f.smallSafetensors()).slice(0, 12)}\` | \`MIT\` | unsigned |`
    ])
    // cards, manifests and configs fold into <details>
    expect(md).toContain(
      [
        '<details><summary>1 other file (manifests, cards, configs, signatures)</summary>',
        '',
        '| File | Kind | Format | Size | SHA-256 |',
        '|---|---|---|---|---|',
        `| \`m/README.md\` | model-card | \`huggingface-model-card\` | ${Buffer.byteLength(clean['m/README.md'])} B | \`${f.sha256(clean['m/README.md']).slice(0, 12)}\` |`,
        '',
        '</details>'
      ].join('\n')
    )
    expect(md).toContain('- 🛑 **error** `unparseable-artifact` in `m/bad.safetensors`: Cannot parse this safetensors file:')
  })

  test('sarif: one result per finding with rule metadata', async () => {
    const root = await makeTree(broken)
    const sarif = JSON.parse((await cli(root, 'scan', '--format', 'sarif')).stdout)
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['unparseable-artifact'])
    expect(sarif.runs[0].results).toEqual([
      {
        ruleId: 'unparseable-artifact',
        ruleIndex: 0,
        level: 'error',
        message: { text: expect.stringMatching(/^Cannot parse this safetensors file: .* Fix: Replace it/) },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'm/bad.safetensors' } } }]
      }
    ])
  })

  test('--bom writes a schema-valid CycloneDX 1.6 BOM with each model and its hash', async () => {
    const root = await makeTree({ ...clean, 'data/train.csv': 'a,b\n1,2\n' })
    expect((await cli(root, 'scan', '--bom', 'bom.cdx.json')).code).toBe(0)
    const json = await readFile(path.join(root, 'bom.cdx.json'), 'utf8')
    expect(await jsonBomErrors(json)).toBeNull()
    const bom = JSON.parse(json)
    // The card makes m/ a model folder: one model component, its weight file nested with its hash.
    expect(bom.components.map((c: { type: string; name: string }) => [c.type, c.name])).toEqual([
      ['data', 'train.csv'],
      ['machine-learning-model', 'm']
    ])
    expect(bom.components[0].hashes).toEqual([{ alg: 'SHA-256', content: f.sha256('a,b\n1,2\n') }])
    expect(bom.components[1].licenses).toEqual([{ license: { id: 'MIT' } }])
    expect(bom.components[1].components.map((c: { type: string; name: string; hashes: { content: string }[] }) => [c.type, c.name, c.hashes[0]!.content])).toEqual([
      ['file', 'm/model.safetensors', f.sha256(f.smallSafetensors())],
      ['file', 'm/README.md', f.sha256(clean['m/README.md'] as string)]
    ])
  })

  test('change mode outside a git repository is exit 2 with git\'s message (engine crashes: exit-codes.test.ts)', async () => {
    const root = await makeTree(clean)
    const r = await cli(root, 'scan', '--base', 'HEAD')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^modelgate: git rev-parse --show-toplevel failed: fatal: not a git repository/)
  })
})
