import fc from 'fast-check'
import { exactPep440, parseRequirement } from '../../src/inventory/pep508.js'

describe('parseRequirement (PEP 508)', () => {
  test.each([
    ['torch', { name: 'torch', extras: [], specifier: '', url: null, marker: null }],
    ['torch==2.1.0', { name: 'torch', extras: [], specifier: '==2.1.0', url: null, marker: null }],
    ['  transformers[torch, sentencepiece] >= 4.40 , < 5 ', { name: 'transformers', extras: ['torch', 'sentencepiece'], specifier: '>= 4.40 , < 5', url: null, marker: null }],
    ['numpy (>=1.24,<2)', { name: 'numpy', extras: [], specifier: '>=1.24,<2', url: null, marker: null }],
    ['jax[]~=0.4.30', { name: 'jax', extras: [], specifier: '~=0.4.30', url: null, marker: null }],
    [
      'torch==2.1.0+cu118 ; sys_platform == "linux" and (python_version >= "3.9" or extra == \'gpu\')',
      { name: 'torch', extras: [], specifier: '==2.1.0+cu118', url: null, marker: 'sys_platform == "linux" and (python_version >= "3.9" or extra == \'gpu\')' }
    ],
    ['pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee', { name: 'pip', extras: [], specifier: '', url: 'https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee', marker: null }],
    ['peft[dev] @ git+https://github.com/huggingface/peft@v0.11.1 ; python_version > "3.8"', { name: 'peft', extras: ['dev'], specifier: '', url: 'git+https://github.com/huggingface/peft@v0.11.1', marker: 'python_version > "3.8"' }],
    ['name;os_name=="nt"', { name: 'name', extras: [], specifier: '', url: null, marker: 'os_name=="nt"' }],
    ['a.b_c-d===1.0.post1', { name: 'a.b_c-d', extras: [], specifier: '===1.0.post1', url: null, marker: null }],
    ['x == 1.*', { name: 'x', extras: [], specifier: '== 1.*', url: null, marker: null }],
    ['legacy; sys.platform != "win32" and "linux" not in platform_release', { name: 'legacy', extras: [], specifier: '', url: null, marker: 'sys.platform != "win32" and "linux" not in platform_release' }]
  ])('%s', (text, requirement) => {
    expect(parseRequirement(text)).toEqual({ ok: true, requirement })
  })

  test.each([
    ['', 'expected a package name', 1],
    ['-torch', 'expected a package name', 1],
    ['torch==', 'expected a version', 8],
    ['torch 2.0', 'unexpected "2"', 7],
    ['torch[cuda', 'expected "," or "]" in extras', 11],
    ['torch (>=2', 'expected ")"', 11],
    ['torch>=2,', 'expected a comparison operator (==, >=, ~=, ...)', 10],
    ['torch @', 'expected a URL after "@"', 8],
    ['torch ; python_version', 'expected a marker operator (==, in, not in, ...)', 23],
    ['torch ; foo == "1"', 'unknown marker variable "foo"', 9],
    ['torch ; os_name == "nt', 'unterminated string in marker', 20],
    ['torch ; (os_name == "nt"', 'expected ")" in marker', 25],
    ['torch ; os_name == "nt" and', 'expected a marker variable or a quoted string', 28],
    [`torch ; ${'('.repeat(60)}os_name == "nt"${')'.repeat(60)}`, 'markers nested too deeply', 60]
  ])('rejects %j: %s', (text, error, column) => {
    expect(parseRequirement(text)).toEqual({ ok: false, error, column })
  })

  test('exact versions: one == or === clause without a wildcard', () => {
    expect(['==2.1.0', '===2.1.0', '>=2,==2.1.0', '== 1.0', '==1.*', '>=2', '~=2.1', '', '!=2.0'].map(exactPep440)).toEqual(['2.1.0', '2.1.0', '2.1.0', '1.0', null, null, null, null, null])
  })

  test('fuzz: any string gives a result or an error with a column inside it, never a throw', () => {
    const alphabet = fc.constantFrom(...'abz019._-[](),;@=<>!~*"\' \t:/#+'.split(''), 'python_version', ' and ', ' or ', ' in ', 'extra', 'git+https://')
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')), (text) => {
        const r = parseRequirement(text)
        if (r.ok) expect(r.requirement.name.length).toBeGreaterThan(0)
        else expect(r.column).toBeGreaterThanOrEqual(1)
      }),
      { numRuns: 3000 }
    )
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void parseRequirement(text)), { numRuns: 2000 })
  })

  test('a long hostile line parses in linear time', () => {
    const started = Date.now()
    expect(parseRequirement(`torch ; ${'os_name == "x" and '.repeat(20000)}os_name == "y"`).ok).toBe(true)
    expect(parseRequirement(`torch==${'1.'.repeat(100000)}`).ok).toBe(true)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
