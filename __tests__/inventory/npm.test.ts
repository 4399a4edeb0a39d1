import { parsePackageJson, parsePackageLock } from '../../src/inventory/manifests/npm.js'
import { brief, memoryReader } from './helpers.js'

const SHA = 'a'.repeat(40)

const packageJson = `{
  "name": "app",
  "dependencies": {
    "@huggingface/transformers": "^3.0.2",
    "onnxruntime-node": "1.18.0",
    "@tensorflow/tfjs-node": "github:tensorflow/tfjs#${SHA}",
    "openai": "latest",
    "express": "^4.19.2",
    "tfjs": "npm:@tensorflow/tfjs@4.20.0",
    "local-ml": "file:../ml"
  },
  "devDependencies": { "@xenova/transformers": "~2.17.2" },
  "peerDependencies": { "onnxruntime-web": ">=1.17" }
}
`

describe('package.json', () => {
  test('every section, exactness by semver, git by commit, aliases, local paths; peers never a finding', async () => {
    const result = await parsePackageJson(packageJson, { path: 'web/package.json' })
    expect(result.dependencies).toEqual([
      { line: 4, ecosystem: 'npm', name: '@huggingface/transformers', specifier: '^3.0.2', version: null, pinned: false, ml: true, purl: 'pkg:npm/%40huggingface/transformers' },
      { line: 5, ecosystem: 'npm', name: 'onnxruntime-node', specifier: '1.18.0', version: '1.18.0', pinned: true, ml: true, purl: 'pkg:npm/onnxruntime-node@1.18.0' },
      { line: 6, ecosystem: 'npm', name: '@tensorflow/tfjs-node', specifier: `github:tensorflow/tfjs#${SHA}`, version: SHA, pinned: true, ml: true, purl: 'pkg:npm/%40tensorflow/tfjs-node' },
      { line: 7, ecosystem: 'npm', name: 'openai', specifier: 'latest', version: null, pinned: false, ml: true, purl: 'pkg:npm/openai' },
      { line: 8, ecosystem: 'npm', name: 'express', specifier: '^4.19.2', version: null, pinned: false, ml: false, purl: 'pkg:npm/express' },
      { line: 9, ecosystem: 'npm', name: 'tfjs', specifier: 'npm:@tensorflow/tfjs@4.20.0', version: '4.20.0', pinned: true, ml: true, purl: 'pkg:npm/%40tensorflow/tfjs@4.20.0' },
      { line: 10, ecosystem: 'npm', name: 'local-ml', specifier: 'file:../ml', version: null, pinned: false, ml: false, purl: 'pkg:npm/local-ml' },
      { line: 12, ecosystem: 'npm', name: '@xenova/transformers', specifier: '~2.17.2', version: null, pinned: false, ml: true, purl: 'pkg:npm/%40xenova/transformers', group: 'dev' },
      { line: 13, ecosystem: 'npm', name: 'onnxruntime-web', specifier: '>=1.17', version: null, pinned: false, ml: true, purl: 'pkg:npm/onnxruntime-web', group: 'peer' }
    ])
    expect(result.issues.map((i) => `${i.line} ${i.rule} ${i.fix}`)).toEqual([
      '4 unpinned-dependency Pin the exact version you tested: `"@huggingface/transformers": "3.0.2"` (or the version you really use), or install from a lock file with hashes.',
      '7 unpinned-dependency Pin the exact version you tested: `"openai": "<version>"`, or install from a lock file with hashes.',
      '12 unpinned-dependency Pin the exact version you tested: `"@xenova/transformers": "2.17.2"` (or the version you really use), or install from a lock file with hashes.'
    ])
  })

  test('a sibling package-lock.json resolves ranges; a yarn.lock silences the findings', async () => {
    const lock = JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/@huggingface/transformers': { version: '3.0.2' }, 'node_modules/openai': { version: '4.52.0' }, 'node_modules/@xenova/transformers': { version: '2.17.2', dev: true } } })
    const npm = await parsePackageJson(packageJson, { path: 'web/package.json', reader: memoryReader({ 'web/package-lock.json': lock }) })
    expect(npm.facts).toEqual({ lockFile: 'web/package-lock.json' })
    expect(npm.dependencies!.filter((d) => d.ml && !d.pinned).map((d) => d.name)).toEqual(['onnxruntime-web'])
    expect(npm.dependencies![0]).toEqual({ line: 4, ecosystem: 'npm', name: '@huggingface/transformers', specifier: '^3.0.2', version: '3.0.2', pinned: true, ml: true, purl: 'pkg:npm/%40huggingface/transformers@3.0.2' })
    expect(npm.issues).toEqual([])
    const yarn = await parsePackageJson(packageJson, { path: 'package.json', reader: memoryReader({ 'yarn.lock': '# yarn lockfile v1\n' }) })
    expect(yarn.facts).toEqual({ lockFile: 'yarn.lock' })
    expect(yarn.dependencies![0]!.pinned).toBe(false)
    expect(yarn.issues).toEqual([])
  })

  test('malformed package.json is a finding with its line', async () => {
    const result = await parsePackageJson('{\n  "dependencies": {\n    "torch": "1",\n  }\n}\n', { path: 'package.json' })
    expect(result.dependencies).toEqual([])
    expect(brief(result.issues)).toEqual(['4 unparseable-artifact error'])
    const weird = await parsePackageJson('{"dependencies": ["a"], "devDependencies": {"x": 1}}', { path: 'package.json' })
    expect(weird).toEqual({ facts: {}, issues: [], dependencies: [] })
  })
})

describe('package-lock.json', () => {
  test('v3 packages: every installed version on its line, nested copies included, links left out', () => {
    const text = JSON.stringify(
      {
        name: 'app',
        lockfileVersion: 3,
        packages: {
          '': { name: 'app', dependencies: {} },
          'node_modules/@huggingface/transformers': { version: '3.0.2', integrity: 'sha512-x' },
          'node_modules/onnxruntime-web': { version: '1.19.0', dev: true },
          'node_modules/a/node_modules/onnxruntime-web': { version: '1.17.0' },
          'node_modules/linked': { link: true, resolved: '../linked' }
        }
      },
      null,
      2
    )
    const result = parsePackageLock(text, 'package-lock.json')
    expect(result.dependencies!.map((d) => `${d.line} ${d.name} ${d.version} ${d.ml} ${d.group ?? ''}`)).toEqual(['9 @huggingface/transformers 3.0.2 true ', '13 onnxruntime-web 1.19.0 true dev', '17 onnxruntime-web 1.17.0 true '])
    expect(result.issues).toEqual([])
  })

  test('v1 dependencies tree', () => {
    const text = JSON.stringify({ lockfileVersion: 1, dependencies: { '@tensorflow/tfjs': { version: '4.20.0', dependencies: { seedrandom: { version: '3.0.5' } } } } }, null, 2)
    expect(parsePackageLock(text, 'package-lock.json').dependencies!.map((d) => `${d.name}@${d.version} ${d.purl}`)).toEqual(['@tensorflow/tfjs@4.20.0 pkg:npm/%40tensorflow/tfjs@4.20.0', 'seedrandom@3.0.5 pkg:npm/seedrandom@3.0.5'])
  })
})
