import { parseConfig } from '../../src/config/load.js'
import { DEFAULT_CONFIG } from '../../src/config/schema.js'

const load = (yaml: string) => parseConfig(yaml, '.modelgate.yml')
const error = (yaml: string): string => {
  try {
    load(yaml)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a config error')
}

test('defaults: no allow list, empty deny, unknown is a warning, no exceptions, no package index lookups', () => {
  expect(DEFAULT_CONFIG.licenses).toEqual({ deny: [], unknown: 'warning', exceptions: [], lookups: false })
})

test('a full licenses block loads', () => {
  const c = load(
    [
      'licenses:',
      '  allow: [MIT, apache-2.0, GPL-2.0-or-later, "Apache-2.0 WITH LLVM-exception", LicenseRef-Acme, "CC-BY-*"]',
      '  deny: [CC-BY-NC-4.0, llama2]',
      '  unknown: note',
      '  models: { deny: [gemma] }',
      '  exceptions:',
      '    - path: models/llama/**',
      '      reason: Approved by legal, ticket LEG-12',
      '      expires: 2026-12-31',
      '      license: llama2'
    ].join('\n')
  )
  expect(c.licenses.exceptions).toEqual([{ path: 'models/llama/**', reason: 'Approved by legal, ticket LEG-12', expires: '2026-12-31', license: 'llama2' }])
  expect(c.licenses.models).toEqual({ deny: ['gemma'] })
  expect(c.licenses.unknown).toBe('note')
})

test('mistakes are errors that name the key', () => {
  expect(error('licenses:\n  deny: [MIT OR GPL-3.0-only]')).toMatch(/^\.modelgate\.yml: key 'licenses\.deny\.0': expected one SPDX license id/)
  expect(error('licenses:\n  deny: [Not-A-License]')).toMatch(/^\.modelgate\.yml: key 'licenses\.deny\.0': expected one SPDX license id/)
  expect(error('licenses:\n  allow: ["CC BY NC *"]')).toMatch(/key 'licenses\.allow\.0'/)
  expect(error('licenses:\n  unknown: fatal')).toBe(".modelgate.yml: key 'licenses.unknown': expected one of \"error\", \"warning\", \"note\", \"off\"")
  expect(error('licenses:\n  model: {}')).toMatch(/unknown key 'licenses\.model'/)
  expect(error('licenses:\n  exceptions:\n    - path: a/**')).toMatch(/key 'licenses\.exceptions\.0\.reason'/)
  expect(error('licenses:\n  exceptions:\n    - { path: a, reason: r, expires: 2026-02-30 }')).toBe(".modelgate.yml: key 'licenses.exceptions.0.expires': expected a real calendar date")
  expect(error('licenses:\n  exceptions:\n    - { path: a, reason: r, expires: next year }')).toBe(".modelgate.yml: key 'licenses.exceptions.0.expires': expected a date as YYYY-MM-DD")
  expect(error('licenses:\n  exceptions:\n    - { path: a, reason: "  " }')).toMatch(/key 'licenses\.exceptions\.0\.reason'/)
})

test('package index lookups: a switch and two base URLs, checked when the config loads', () => {
  const c = load('licenses:\n  lookups: true\n  pypi-url: https://pypi.internal.example/root\n  npm-url: http://127.0.0.1:4873')
  expect(c.licenses).toEqual({ deny: [], unknown: 'warning', exceptions: [], lookups: true, 'pypi-url': 'https://pypi.internal.example/root', 'npm-url': 'http://127.0.0.1:4873' })
  expect(error('licenses:\n  pypi-url: ftp://pypi.example')).toBe(".modelgate.yml: key 'licenses.pypi-url': expected an http(s) URL such as https://pypi.org")
  expect(error('licenses:\n  npm-url: registry.npmjs.org')).toBe(".modelgate.yml: key 'licenses.npm-url': expected an http(s) URL such as https://registry.npmjs.org")
  expect(error('licenses:\n  lookups: yes please')).toMatch(/^\.modelgate\.yml: key 'licenses\.lookups': expected boolean/)
})
