import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { parseRequirementsText } from '../../src/inventory/manifests/requirements.js'
import { resolveInclude, treeIncludeReader } from '../../src/inventory/include-reader.js'
import { brief, memoryReader } from './helpers.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

describe('requirements files', () => {
  test('every line form pip accepts, with exact dependencies and findings', async () => {
    const text = [
      '# pinned and hashed', //                                                   1
      'numpy==1.26.4 \\', //                                                      2
      '    --hash=sha256:aaaa \\', //                                             3
      '    --hash=sha256:bbbb', //                                                4
      'torch>=2.1.0,<2.3 ; python_version >= "3.9"  # GPU box', //               5
      'Scikit_Learn', //                                                          6
      'transformers[torch] @ git+https://github.com/huggingface/transformers@v4.40.0', // 7
      `-e git+https://github.com/huggingface/peft.git@${SHA}#egg=peft`, //       8
      'https://download.pytorch.org/whl/cu118/torchvision-0.16.0%2Bcu118-cp311-cp311-linux_x86_64.whl', // 9
      '--extra-index-url https://download.pytorch.org/whl/cu118', //            10
      '-e .', //                                                                 11
      './vendor/tool', //                                                        12
      'accelerate~=0.30.1', //                                                   13
      'requests  # not ML', //                                                   14
      '' //                                                                      15
    ].join('\r\n')
    const result = await parseRequirementsText(text, { path: 'requirements.txt' })
    expect(result.dependencies).toEqual([
      { line: 2, ecosystem: 'pypi', name: 'numpy', specifier: '==1.26.4', version: '1.26.4', pinned: true, ml: false, purl: 'pkg:pypi/numpy@1.26.4' },
      { line: 5, ecosystem: 'pypi', name: 'torch', specifier: '>=2.1.0,<2.3', version: null, pinned: false, ml: true, purl: 'pkg:pypi/torch' },
      { line: 6, ecosystem: 'pypi', name: 'scikit-learn', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/scikit-learn' },
      {
        line: 7,
        ecosystem: 'pypi',
        name: 'transformers',
        specifier: 'git+https://github.com/huggingface/transformers@v4.40.0',
        version: null,
        pinned: false,
        ml: true,
        purl: 'pkg:pypi/transformers?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Ftransformers%40v4.40.0'
      },
      {
        line: 8,
        ecosystem: 'pypi',
        name: 'peft',
        specifier: `git+https://github.com/huggingface/peft.git@${SHA}#egg=peft`,
        version: SHA,
        pinned: true,
        ml: true,
        purl: `pkg:pypi/peft?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fhuggingface%2Fpeft.git%40${SHA}%23egg%3Dpeft`
      },
      {
        line: 9,
        ecosystem: 'pypi',
        name: 'torchvision',
        specifier: 'https://download.pytorch.org/whl/cu118/torchvision-0.16.0%2Bcu118-cp311-cp311-linux_x86_64.whl',
        version: '0.16.0+cu118',
        pinned: true,
        ml: true,
        purl: 'pkg:pypi/torchvision@0.16.0+cu118?download_url=https%3A%2F%2Fdownload.pytorch.org%2Fwhl%2Fcu118%2Ftorchvision-0.16.0%252Bcu118-cp311-cp311-linux_x86_64.whl'
      },
      { line: 13, ecosystem: 'pypi', name: 'accelerate', specifier: '~=0.30.1', version: null, pinned: false, ml: true, purl: 'pkg:pypi/accelerate' },
      { line: 14, ecosystem: 'pypi', name: 'requests', specifier: null, version: null, pinned: false, ml: false, purl: 'pkg:pypi/requests' }
    ])
    expect(result.issues).toEqual([
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency torch is not pinned (`>=2.1.0,<2.3`): any release that matches can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `torch==2.1.0` (or the version you really use), or install from a lock file with hashes.',
        line: 5
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency scikit-learn is not pinned (no version): any release can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `scikit-learn==<version>`, or install from a lock file with hashes.',
        line: 6
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency transformers is installed from https://github.com/huggingface/transformers at `v4.40.0`, a branch or tag: whatever is pushed there next gets installed.',
        fix: 'Pin a commit: `transformers @ git+https://github.com/huggingface/transformers@<40-hex commit sha>`.',
        line: 7
      },
      {
        rule: 'unpinned-dependency',
        severity: 'warning',
        message: 'ML dependency accelerate is not pinned (`~=0.30.1`): any release that matches can be installed, including one published after this review.',
        fix: 'Pin the exact version you tested: `accelerate==0.30.1` (or the version you really use), or install from a lock file with hashes.',
        line: 13
      }
    ])
    expect(result.facts).toEqual({})
  })

  test('malformed lines are findings on their own line; the rest still parses', async () => {
    const result = await parseRequirementsText('torch==2.1.0\ntorch 2.0\n-r\n--hash=sha256:abc\ngit+https://example.com/\ntransformers==4.41.0\n', { path: 'requirements.txt' })
    expect(result.dependencies!.map((d) => `${d.line} ${d.name} ${d.version}`)).toEqual(['1 torch 2.1.0', '6 transformers 4.41.0'])
    expect(result.issues.map((i) => [i.line, i.rule, i.message])).toEqual([
      [2, 'unparseable-artifact', 'Cannot parse this requirements file: "torch 2.0" is not a valid requirement (unexpected "2" at column 7). Its dependencies cannot be inventoried or checked.'],
      [3, 'unparseable-artifact', 'Cannot parse this requirements file: -r needs a value. Its dependencies cannot be inventoried or checked.'],
      [4, 'unparseable-artifact', 'Cannot parse this requirements file: --hash without a requirement before it on the same line (a missing `\\` continuation?). Its dependencies cannot be inventoried or checked.'],
      [5, 'unparseable-artifact', 'Cannot parse this requirements file: cannot tell the package name of git+https://example.com/ (add #egg=<name>). Its dependencies cannot be inventoried or checked.']
    ])
  })

  test('-r and -c are followed inside the tree; constraints pin open lines; included lines report at the include', async () => {
    const reader = memoryReader({
      'ml/base.in': 'accelerate\nsafetensors==0.4.3\n-r ../common/shared.in\n',
      'common/shared.in': 'diffusers>=0.27\n-r ../ml/base.in\n',
      'ml/constraints.txt': 'accelerate==0.30.1\ntorch==2.3.0\n',
      'ml/requirements-dev.txt': 'pytest\nlightgbm\n'
    })
    const text = '-r base.in\n--constraint=constraints.txt\ntorch\n-rrequirements-dev.txt\n-r missing.txt\n-r ../../outside.txt\n-c https://example.com/c.txt\n'
    const result = await parseRequirementsText(text, { path: 'ml/requirements.txt', reader })
    expect(result.dependencies).toEqual([
      { line: 1, ecosystem: 'pypi', name: 'accelerate', specifier: null, version: '0.30.1', pinned: true, ml: true, purl: 'pkg:pypi/accelerate@0.30.1', declaredIn: { path: 'ml/base.in', line: 1 } },
      { line: 1, ecosystem: 'pypi', name: 'safetensors', specifier: '==0.4.3', version: '0.4.3', pinned: true, ml: true, purl: 'pkg:pypi/safetensors@0.4.3', declaredIn: { path: 'ml/base.in', line: 2 } },
      { line: 1, ecosystem: 'pypi', name: 'diffusers', specifier: '>=0.27', version: null, pinned: false, ml: true, purl: 'pkg:pypi/diffusers', declaredIn: { path: 'common/shared.in', line: 1 } },
      { line: 3, ecosystem: 'pypi', name: 'torch', specifier: null, version: '2.3.0', pinned: true, ml: true, purl: 'pkg:pypi/torch@2.3.0' },
      { line: 4, ecosystem: 'pypi', name: 'pytest', specifier: null, version: null, pinned: false, ml: false, purl: 'pkg:pypi/pytest', declaredIn: { path: 'ml/requirements-dev.txt', line: 1 } },
      { line: 4, ecosystem: 'pypi', name: 'lightgbm', specifier: null, version: null, pinned: false, ml: true, purl: 'pkg:pypi/lightgbm', declaredIn: { path: 'ml/requirements-dev.txt', line: 2 } }
    ])
    // lightgbm is not reported here: requirements-dev.txt is a requirements file of its own and reports itself.
    expect(result.issues.map((i) => [i.line, i.rule, i.severity, i.message])).toEqual([
      [1, 'unpinned-dependency', 'warning', 'ML dependency diffusers is not pinned (`>=0.27`; declared in common/shared.in line 1): any release that matches can be installed, including one published after this review.'],
      [5, 'scan-incomplete', 'note', '`-r missing.txt`: ml/missing.txt is not a file in the repository, so pip would fail and nothing from it is inventoried.'],
      [6, 'scan-incomplete', 'note', '`-r ../../outside.txt` is not followed: it leads outside the repository, so what it installs is not inventoried.'],
      [7, 'scan-incomplete', 'note', '`-c https://example.com/c.txt` is not followed: it is a URL, which ModelGate does not fetch, so what it pins is not inventoried.']
    ])
    expect(result.facts).toEqual({ includes: 'ml/base.in,common/shared.in,ml/constraints.txt,ml/requirements-dev.txt,ml/missing.txt' })
    // The cycle back to base.in is not read twice.
    expect(reader.asked).toEqual(['ml/base.in', 'common/shared.in', 'ml/constraints.txt', 'ml/requirements-dev.txt', 'ml/missing.txt'])
  })

  test('without a reader, includes are listed but not followed', async () => {
    const result = await parseRequirementsText('-r base.txt\n-c c.txt\ntorch==2.3.0\n', { path: 'requirements.txt' })
    expect(result.facts).toEqual({ includes: 'base.txt,c.txt' })
    expect(result.dependencies!.map((d) => d.name)).toEqual(['torch'])
    expect(result.issues).toEqual([])
  })

  test('include chains are capped in depth', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 20; i++) files[`r${i}.txt`] = `-r r${i + 1}.txt\npkg${i}\n`
    // Each file includes the next before its own line, so the deepest comes first.
    const result = await parseRequirementsText('-r r0.txt\n', { path: 'requirements.txt', reader: memoryReader(files) })
    expect(result.dependencies!.map((d) => d.name)).toEqual(['pkg7', 'pkg6', 'pkg5', 'pkg4', 'pkg3', 'pkg2', 'pkg1', 'pkg0'])
    expect(brief(result.issues)).toEqual(['1 scan-incomplete note'])
    expect(result.issues[0]!.message).toBe('`-r r8.txt` is not followed: includes nest deeper than 8 files or number more than 64.')
  })

  test('resolveInclude keeps includes inside the tree', () => {
    expect(resolveInclude('a/b/requirements.txt', '../c.txt')).toEqual({ path: 'a/c.txt' })
    expect(resolveInclude('requirements.txt', 'sub\\dev.txt')).toEqual({ path: 'sub/dev.txt' })
    expect(resolveInclude('a/requirements.txt', '../../x')).toEqual({ refused: 'it leads outside the repository' })
    expect(resolveInclude('requirements.txt', '/etc/passwd')).toEqual({ refused: 'it is an absolute path, outside the repository' })
    expect(resolveInclude('requirements.txt', 'C:\\x.txt')).toEqual({ refused: 'it is an absolute path, outside the repository' })
    expect(resolveInclude('requirements.txt', 'file:///x.txt')).toEqual({ refused: 'it is a URL, which ModelGate does not fetch' })
    expect(resolveInclude('requirements.txt', '.')).toEqual({ refused: 'it is not a file' })
  })

  test('the tree reader does not follow a symlink out of the tree', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'modelgate-outside-'))
    await writeFile(path.join(outside, 'secret.txt'), 'torch\n')
    const root = await mkdtemp(path.join(os.tmpdir(), 'modelgate-tree-'))
    await mkdir(path.join(root, 'req'))
    await writeFile(path.join(root, 'req', 'base.txt'), 'safetensors==0.4.3\n')
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'req', 'link.txt'))
    const reader = treeIncludeReader(root)
    expect((await reader.read('req/base.txt'))?.toString()).toBe('safetensors==0.4.3\n')
    expect(await reader.read('req/link.txt')).toBeNull()
    expect(await reader.read('req')).toBeNull()
    expect(await reader.read('req/none.txt')).toBeNull()
    const result = await parseRequirementsText('-r req/base.txt\n-r req/link.txt\n', { path: 'requirements.txt', reader })
    expect(result.dependencies!.map((d) => d.name)).toEqual(['safetensors'])
    expect(brief(result.issues)).toEqual(['2 scan-incomplete note'])
  })

  test('fuzz: arbitrary text never throws and every finding has a line', async () => {
    const piece = fc.constantFrom('torch', '==2.0', ' ', '\\', '\n', '\r\n', '#', '-r ', '-c ', '-e ', 'x.txt', '[', ']', ';', 'git+https://h/o/r@v', '#egg=', '--hash=sha256:a', '@', 'python_version>"3"')
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 60 }).map((a) => a.join('')), async (text) => {
        const result = await parseRequirementsText(text, { path: 'requirements.txt', reader: memoryReader({ 'x.txt': text }) })
        for (const i of result.issues) expect(i.line).toBeGreaterThanOrEqual(1)
      }),
      { numRuns: 1500 }
    )
  })
})
