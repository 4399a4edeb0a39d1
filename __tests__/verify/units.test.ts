import path from 'node:path'
import { readFileSync, readdirSync } from 'node:fs'
import fc from 'fast-check'
import { parseConfig } from '../../src/config/load.js'
import { pae, paeCompat, pythonBytesRepr } from '../../src/verify/dsse.js'
import { checkName, parseStatement } from '../../src/verify/oms.js'
import { MT } from './helpers.js'

describe('DSSE encodings', () => {
  test('PAE', () => {
    expect(pae('application/vnd.in-toto+json', Buffer.from('{}')).toString()).toBe('DSSEv1 28 application/vnd.in-toto+json 2 {}')
  })

  test("model_signing 0.2's encoding: Python repr of bytes", () => {
    expect(pythonBytesRepr(Buffer.from('{\n  "a": \'b\\\\\'\t\r\x00\xff'))).toBe(`b'{\\n  "a": \\'b\\\\\\\\\\'\\t\\r\\x00\\xc3\\xbf'`)
    expect(pythonBytesRepr(Buffer.from("it's"))).toBe(`b"it's"`)
    expect(pythonBytesRepr(Buffer.from(`'"`))).toBe(`b'\\'"'`)
    expect(paeCompat('application/vnd.in-toto+json', Buffer.from('{}')).toString()).toBe("DSSEV1 28 application/vnd.in-toto+json 2 b'{}'")
  })

  test('repr output is printable ASCII for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => /^b(['"])[\x20-\x7e]*\1$/.test(pythonBytesRepr(Buffer.from(bytes)))))
  })
})

describe('resource names', () => {
  test.each([
    ['.', null],
    ['a/b.bin', null],
    ['..', "'..', which leaves the model folder ('..')"],
    ['a/../../b', "'a/../../b', which leaves the model folder ('..')"],
    ['/abs', "the absolute path '/abs'"],
    ['C:\\x', "the absolute path 'C:\\x'"],
    ['a//b', "the non-canonical path 'a//b'"],
    ['', 'an empty name']
  ])('%j', (name, problem) => expect(checkName(name)).toBe(problem))
})

describe('payload goldens (model_signing test data)', () => {
  const dir = path.join(MT, 'payload-goldens')
  test.each(readdirSync(dir).filter((f) => f.endsWith('.json')))('%s: root digest and names', (file) => {
    const m = parseStatement(readFileSync(path.join(dir, file)))
    expect(m.method).toBe(file.includes('shard') ? 'shards' : 'files')
    for (const r of m.resources) {
      if (m.method === 'shards') expect(r.name).toBe(`${r.path}:${r.range!.start}:${r.range!.end}`)
      else expect(r.range).toBeNull()
    }
  })
})

describe('signatures config', () => {
  const parse = (yaml: string): unknown => parseConfig(yaml, '.modelgate.yml').signatures
  test('defaults', () => {
    expect(parse('')).toEqual({ 'required-for': [], 'trusted-keys': [], 'trusted-certificates': [], 'trusted-identities': [], 'ignore-paths': [] })
  })
  test('identity exact or regex, issuer required, strict keys', () => {
    expect(parse('signatures:\n  trusted-identities:\n    - identity-regex: "^a@b$"\n      issuer: x\n')).toMatchObject({ 'trusted-identities': [{ 'identity-regex': '^a@b$', issuer: 'x' }] })
    expect(() => parse('signatures:\n  trusted-identities:\n    - identity: a\n      identity-regex: b\n      issuer: x\n')).toThrow(
      ".modelgate.yml: key 'signatures.trusted-identities.0': give exactly one of 'identity' (exact) or 'identity-regex'"
    )
    expect(() => parse('signatures:\n  trusted-identities:\n    - issuer: x\n')).toThrow("give exactly one of 'identity' (exact) or 'identity-regex'")
    expect(() => parse('signatures:\n  trusted-identities:\n    - identity-regex: "("\n      issuer: x\n')).toThrow(
      "key 'signatures.trusted-identities.0.identity-regex': expected a valid regular expression"
    )
    expect(() => parse('signatures:\n  trusted-identities:\n    - identity: a@b.c\n')).toThrow("key 'signatures.trusted-identities.0.issuer': expected string, got undefined")
    expect(() => parse('signatures:\n  trusted-cert: [a]\n')).toThrow("unknown key 'signatures.trusted-cert'")
    expect(parse('signatures:\n  trusted-root: r.json\n  trusted-certificates: [ca.pem]\n')).toMatchObject({ 'trusted-root': 'r.json', 'trusted-certificates': ['ca.pem'] })
  })
})
