/** The OpenAPI index: parsed once, cached on disk, normalised for ajv. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { lastLoadStats, loadOpenApiIndex, normaliseSchema, opKey } from '../support/fake-github/openapi-index.js'
import { ROUTES } from '../support/fake-github/routes.js'

test('cold parse writes a compact cache that later loads reuse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-gh-cache-'))
  const before = process.env.FAKE_GITHUB_CACHE_DIR
  process.env.FAKE_GITHUB_CACHE_DIR = dir
  try {
    const keys = ['GET /repos/{owner}/{repo}/pulls/{pull_number}', 'POST /repos/{owner}/{repo}/check-runs']
    const cold = loadOpenApiIndex(keys)
    const coldStats = lastLoadStats
    expect(coldStats?.source).toBe('openapi-json')
    expect(Object.keys(cold.operations).sort()).toEqual([...keys].sort())
    expect(cold.all.length).toBeGreaterThan(1000) // every GitHub operation, to tell "not faked" from "not GitHub"
    expect(fs.statSync(coldStats?.cacheFile ?? '').size).toBeLessThan(1_000_000)

    loadOpenApiIndex(keys)
    expect(lastLoadStats?.source).toBe('memory')
    const warm = loadOpenApiIndex(keys, { memo: false })
    expect(lastLoadStats?.source).toBe('disk-cache')
    expect(warm).toEqual(cold)
    expect(lastLoadStats?.ms ?? Infinity).toBeLessThan((coldStats?.ms ?? 0) / 5)
  } finally {
    if (before === undefined) delete process.env.FAKE_GITHUB_CACHE_DIR
    else process.env.FAKE_GITHUB_CACHE_DIR = before
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('every route of the fake is an operation in GitHub description, with its docs URL', () => {
  const index = loadOpenApiIndex(ROUTES.map((r) => r.key))
  for (const r of ROUTES) expect(index.operations[r.key]?.docsUrl).toMatch(/^https:\/\/docs\.github\.com\/rest\//)
  expect(() => loadOpenApiIndex([opKey('get', '/repos/{owner}/{repo}/not-a-route')])).toThrow(/not in GitHub's OpenAPI description/)
})

test('OpenAPI 3.0 nullable and overlapping oneOf become JSON Schema ajv understands', () => {
  expect(normaliseSchema({ type: 'string', nullable: true, enum: ['a'] })).toEqual({ type: ['string', 'null'], enum: ['a', null] })
  expect(normaliseSchema({ allOf: [{ type: 'object' }], nullable: true })).toEqual({ anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }] })
  expect(normaliseSchema({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({ allOf: [{ anyOf: [{ type: 'string' }, { type: 'integer' }] }] })
  // property names are data, not keywords: a field called "description" survives
  expect(normaliseSchema({ type: 'object', description: 'drop me', properties: { description: { type: 'string', example: 'x' } } })).toEqual({
    type: 'object',
    properties: { description: { type: 'string' } }
  })
})
