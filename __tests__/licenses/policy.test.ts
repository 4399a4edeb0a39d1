import { compatible, evaluate, leavesOf, policyFor, type KindPolicy } from '../../src/licenses/policy.js'
import { parseConfig } from '../../src/config/load.js'

const policy = (p: Partial<KindPolicy>): KindPolicy => ({ allow: null, deny: [], unknown: 'warning', ...p })

test('deny: AND needs every part, OR needs one way out', () => {
  const deny = policy({ deny: ['GPL-3.0-only'] })
  expect(evaluate('GPL-3.0-only', deny)).toEqual({ verdict: 'denied', license: 'GPL-3.0-only', entry: 'GPL-3.0-only' })
  expect(evaluate('MIT OR GPL-3.0-only', deny)).toEqual({ verdict: 'ok' })
  expect(evaluate('MIT AND GPL-3.0-only', deny)).toEqual({ verdict: 'denied', license: 'GPL-3.0-only', entry: 'GPL-3.0-only' })
  expect(evaluate('MIT AND (GPL-3.0-only OR Apache-2.0)', deny)).toEqual({ verdict: 'ok' })
  // spdx-satisfies: a denied -only also catches the same version -or-later.
  expect(evaluate('GPL-3.0-or-later', deny)).toEqual({ verdict: 'denied', license: 'GPL-3.0-or-later', entry: 'GPL-3.0-only' })
  expect(evaluate('GPL-2.0-only', deny)).toEqual({ verdict: 'ok' })
})

test('deny: ranges, WITH exceptions, Hugging Face ids and globs', () => {
  expect(evaluate('GPL-3.0-only', policy({ deny: ['GPL-2.0-or-later'] })).verdict).toBe('denied')
  expect(evaluate('GPL-2.0-only WITH Classpath-exception-2.0', policy({ deny: ['GPL-2.0-only'] })).verdict).toBe('ok')
  expect(evaluate('GPL-2.0-only WITH Classpath-exception-2.0', policy({ deny: ['GPL-2.0-only WITH Classpath-exception-2.0'] })).verdict).toBe('denied')
  expect(evaluate('CC-BY-NC-4.0', policy({ deny: ['cc-by-nc-4.0'] }))).toEqual({ verdict: 'denied', license: 'CC-BY-NC-4.0', entry: 'cc-by-nc-4.0' })
  expect(evaluate('CC-BY-NC-SA-4.0', policy({ deny: ['CC-BY-NC-*'] }))).toEqual({ verdict: 'denied', license: 'CC-BY-NC-SA-4.0', entry: 'CC-BY-NC-*' })
  expect(evaluate('CC-BY-4.0', policy({ deny: ['CC-BY-NC-*'] })).verdict).toBe('ok')
  expect(evaluate('LicenseRef-scancode-llama-2-license-2023', policy({ deny: ['llama2'] })).verdict).toBe('denied')
  expect(evaluate('LicenseRef-hf-llama3', policy({ deny: ['LicenseRef-hf-llama*'] })).verdict).toBe('denied')
})

test('allow: the expression must be satisfiable from allowed licenses', () => {
  const allow = policy({ allow: ['MIT', 'Apache-2.0'] })
  expect(evaluate('MIT', allow)).toEqual({ verdict: 'ok' })
  expect(evaluate('MIT OR GPL-3.0-only', allow)).toEqual({ verdict: 'ok' })
  expect(evaluate('MIT AND GPL-3.0-only', allow)).toEqual({ verdict: 'not-allowed' })
  expect(evaluate('CC-BY-4.0', allow)).toEqual({ verdict: 'not-allowed' })
  expect(evaluate('LicenseRef-Acme', allow)).toEqual({ verdict: 'not-allowed' })
  expect(evaluate('LicenseRef-Acme', policy({ allow: ['LicenseRef-Acme'] }))).toEqual({ verdict: 'ok' })
  // deny wins over allow
  expect(evaluate('MIT', policy({ allow: ['MIT'], deny: ['MIT'] })).verdict).toBe('denied')
})

test('compatible: same terms or one satisfies the other', () => {
  expect(compatible('GPL-3.0-only', 'GPL-3.0-or-later')).toBe(true)
  expect(compatible('MIT OR Apache-2.0', 'MIT')).toBe(true)
  expect(compatible('MIT', 'Apache-2.0')).toBe(false)
  expect(compatible('CC-BY-4.0', 'CC-BY-NC-4.0')).toBe(false)
  expect(leavesOf('MIT AND (MIT OR GPL-2.0+)')).toEqual(['MIT', 'GPL-2.0+'])
  expect(leavesOf('not an expression')).toBeNull()
})

test('per-kind overrides replace the top-level key they name', () => {
  const config = parseConfig(
    ['licenses:', '  allow: [MIT, Apache-2.0]', '  deny: [GPL-3.0-only]', '  unknown: error', '  datasets:', '    allow: [CC-BY-4.0, CC-BY-NC-4.0]', '  dependencies:', '    unknown: off', '    deny: []'].join('\n'),
    '.modelgate.yml'
  ).licenses
  expect(policyFor(config, 'model')).toEqual({ allow: ['MIT', 'Apache-2.0'], deny: ['GPL-3.0-only'], unknown: 'error' })
  expect(policyFor(config, 'dataset')).toEqual({ allow: ['CC-BY-4.0', 'CC-BY-NC-4.0'], deny: ['GPL-3.0-only'], unknown: 'error' })
  expect(policyFor(config, 'dependency')).toEqual({ allow: ['MIT', 'Apache-2.0'], deny: [], unknown: 'off' })
})
