import path from 'node:path'
import * as Enums from '@cyclonedx/cyclonedx-library/Enums'
import * as Models from '@cyclonedx/cyclonedx-library/Models'
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import * as Spec from '@cyclonedx/cyclonedx-library/Spec'
import { convert } from 'xmlbuilder2'
import { serializeBom } from '../../src/bom/cyclonedx.js'
import { applyXml } from '../../src/bom/xml.js'
import type { Report } from '../../src/types.js'
import { SHARED } from '../support/shared.js'
import { artifact, kitchenSink, modelCard, report } from './reports.js'
import { BOM_NOW, scanLikeCli } from './scan-like-cli.js'
import { xsdErrors } from './xsd.js'

type Json = Record<string, unknown>

/** Every scalar of a JSON BOM, with its key; the format markers XML has as its namespace are left out. */
function jsonScalars(v: unknown, key = '', out: [string, string][] = []): [string, string][] {
  if (Array.isArray(v)) for (const x of v) jsonScalars(x, key, out)
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) jsonScalars(x, k, out)
  else if (v !== undefined && !['$schema', 'bomFormat', 'specVersion'].includes(key)) out.push([key, String(v)])
  return out
}

/** Every attribute value and text of an XML BOM, with its attribute or element name (a property's text is its `value`, as in JSON). */
function xmlScalars(v: unknown, key = '', out: [string, string][] = []): [string, string][] {
  if (Array.isArray(v)) for (const x of v) xmlScalars(x, key, out)
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '@xmlns') continue
      xmlScalars(x, k === '#' ? (key === 'property' ? 'value' : key) : k.replace(/^@/, ''), out)
    }
  } else if (v !== undefined) out.push([key === 'property' ? 'value' : key, decode(String(v))])
  return out
}

/** xmlbuilder2's object form keeps entity references as written. */
function decode(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!)
}

/** bom-refs defined, refs used, and each model card's fields, from either format's scalars walked per component. */
function summary(tree: unknown, xml: boolean): { defined: string[]; used: string[]; modelCards: Record<string, string[]> } {
  const defined: string[] = []
  const used: string[] = []
  const modelCards: Record<string, string[]> = {}
  const usedKeys = xml ? ['ref'] : ['ref', 'dependsOn', 'subjects', 'assemblies']
  const walk = (v: unknown, key: string, owner: string | null, parentKey: string): void => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, key, owner, parentKey))
    if (v && typeof v === 'object') {
      const o = v as Json
      const ref = (xml ? o['@bom-ref'] : o['bom-ref']) as string | undefined
      for (const [k, x] of Object.entries(o)) {
        if (k === 'modelCard' && ref) modelCards[ref] = (xml ? xmlScalars(x) : jsonScalars(x)).map(([a, b]) => `${a}=${b}`).sort()
        walk(x, k, ref ?? owner, key)
      }
      return
    }
    const name = key.replace(/^@/, '')
    if (name === 'bom-ref') defined.push(String(v))
    // JSON compositions list dependency refs as strings; XML writes them as `ref` attributes.
    if (usedKeys.includes(name) || (!xml && name === 'dependencies' && parentKey !== '')) used.push(String(v))
  }
  walk(tree, '', null, '')
  return { defined: defined.sort(), used: [...new Set(used)].sort(), modelCards }
}

async function both(report: Report, subject: string): Promise<{ json: Json; xml: unknown }> {
  const opts = { subject, now: BOM_NOW }
  return { json: JSON.parse(serializeBom(report, { ...opts, format: 'json' })) as Json, xml: convert(serializeBom(report, { ...opts, format: 'xml' }), { format: 'object' }) }
}

describe('JSON and XML of the same report carry the same content', () => {
  test.each([
    ['kitchen sink (adapter, datasets, DVC pipeline, findings)', async () => ({ report: kitchenSink(), subject: 'acme/models' })],
    ['whisper-tiny (card, base model, metrics)', async () => ({ report: await scanLikeCli(path.join(SHARED, 'real-world', 'CoralReefFish+whisper-tiny-nbaiLab')), subject: 'whisper-tiny' })],
    ['churn app (libraries, annotations, dataset facts)', async () => ({ report: await scanLikeCli(path.join(SHARED, 'real-world', '0Xuser100+Customer-Churn-Prediction-App')), subject: 'churn' })]
  ])('%s', async (_name, make) => {
    const { report, subject } = await make()
    const { json, xml } = await both(report, subject)
    const j = summary(json, false)
    const x = summary(xml, true)
    expect(x.defined).toEqual(j.defined)
    expect(x.used).toEqual(j.used)
    expect(x.modelCards).toEqual(j.modelCards)
    expect(Object.keys(j.modelCards).length).toBeGreaterThan(0)
    // And nothing else is lost either: the same scalar values, one for one.
    expect(xmlScalars(xml).map(([, v]) => v).sort()).toEqual(jsonScalars(json).map(([, v]) => v).sort())
  })

  test('repository text with characters XML cannot carry: the XML stays valid with U+FFFD in their place, the JSON keeps them', async () => {
    const hostile = 'evil\u0001mod.Loader,\uFFFEx'
    const r = report([modelCard('m/README.md', { license: 'mit', datasets: ['org/d\u0007ata'] }), artifact('m/model.pkl', 'model', 'pickle', { facts: { pickle_globals: hostile } })])
    const xml = serializeBom(r, { subject: 's', format: 'xml', now: BOM_NOW })
    expect(await xsdErrors(xml, '1.6')).toEqual([])
    expect(xml).toContain('<property name="modelgate:fact:pickle_globals">evil\uFFFDmod.Loader,\uFFFDx</property>')
    expect(xml).toContain('<ref>dataset:card:org/d\uFFFData</ref>')
    const json = serializeBom(r, { subject: 's', format: 'json', now: BOM_NOW })
    expect(JSON.parse(json).components.find((c: Json) => c['bom-ref'] === 'model:m').components.find((c: Json) => c.name === 'm/model.pkl').properties).toContainEqual({ name: 'modelgate:fact:pickle_globals', value: hostile })
  })

  test('the XML translation refuses JSON it has no elements for, rather than dropping it', () => {
    const bom = new Models.Bom()
    bom.components.add(new Models.Component(Enums.ComponentType.MachineLearningModel, 'm', { bomRef: 'model:m' }))
    const factory = new Serialize.XML.Normalize.Factory(Spec.Spec1dot6)
    const root = factory.makeForBom().normalize(bom, {})
    const enrichment = {
      components: new Map([['model:m', { modelCard: { considerations: { users: ['analysts'] } } }]]),
      dependencies: new Map(),
      compositions: [],
      annotations: [],
      annotator: new Models.Component(Enums.ComponentType.Application, 'modelgate'),
      formulation: []
    }
    expect(() => applyXml(root, enrichment, factory)).toThrow('BOM enrichment: modelCard has considerations, which the XML output does not translate; add it to src/bom/xml.ts')
  })
})
