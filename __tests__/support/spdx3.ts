import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import { REPO } from './shared.js'

type Json = Record<string, unknown>

let validate: ValidateFunction | null = null

/**
 * Schema errors (empty when valid) of an SPDX 3 JSON-LD document against the
 * official SPDX 3.0.1 JSON schema (`__tests__/fixtures/spdx-3.0.1/`), compiled
 * once per test file. Each error is `<JSON pointer>: <message>`, the first few only.
 */
export function spdx3SchemaErrors(doc: unknown): string[] {
  validate ??= new Ajv2020({ allErrors: false }).compile(JSON.parse(readFileSync(path.join(REPO, '__tests__', 'fixtures', 'spdx-3.0.1', 'spdx-json-schema.json'), 'utf8')) as object)
  if (validate(doc)) return []
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`)
}

/** spdxIds that occur twice, and references (relationship ends, subjects, collection members, creators) that name no element. */
export function spdx3RefProblems(doc: Json): { duplicates: string[]; dangling: string[] } {
  const graph = doc['@graph'] as Json[]
  const ids = new Set<string>()
  const duplicates: string[] = []
  for (const e of graph) {
    const id = (e.spdxId ?? e['@id']) as string | undefined
    if (id === undefined) continue
    if (ids.has(id)) duplicates.push(id)
    ids.add(id)
  }
  const used: string[] = []
  for (const e of graph) {
    for (const field of ['from', 'to', 'subject', 'rootElement', 'element', 'suppliedBy', 'originatedBy', 'createdBy', 'createdUsing', 'creationInfo']) {
      for (const r of [e[field] ?? []].flat()) if (typeof r === 'string') used.push(r)
    }
  }
  return { duplicates, dangling: [...new Set(used.filter((r) => !ids.has(r)))] }
}

/**
 * What the CycloneDX BOM of a report states that the SPDX 3 document of the same
 * report does not: one line per missing fact, empty when every fact is carried
 * over. Components are matched by key (the SPDX id's fragment is the bom-ref); a
 * CycloneDX field this check does not know is reported too, so a fact added to the
 * CycloneDX BOM later cannot go missing from SPDX unnoticed.
 */
export function cdxFactsMissingFromSpdx3(cdx: Json, spdx: Json): string[] {
  const graph = spdx['@graph'] as Json[]
  const docId = graph.find((e) => e.type === 'SpdxDocument')!.spdxId as string
  const ns = docId.slice(0, docId.indexOf('#'))
  const keyOf = (iri: string) => decodeURIComponent(iri.slice(ns.length + 1))
  const byKey = new Map(graph.filter((e) => typeof e.spdxId === 'string').map((e) => [keyOf(e.spdxId as string), e]))
  const relations = graph.filter((e) => typeof e.relationshipType === 'string')
  const related = (from: string, ...types: string[]) =>
    relations.filter((r) => keyOf(r.from as string) === from && types.includes(r.relationshipType as string)).flatMap((r) => (r.to as string[]).map(keyOf))
  const missing: string[] = []
  const miss = (ref: string, what: string): void => {
    missing.push(`${ref}: ${what}`)
  }
  const cdxProps = (e: Json) => {
    const ext = ((e.extension as Json[] | undefined) ?? []).flatMap((x) => (x.extension_cdxProperty as Json[] | undefined) ?? [])
    return new Set(ext.map((p) => `${p.extension_cdxPropName}=${p.extension_cdxPropValue}`))
  }
  const types: Record<string, string[]> = {
    'machine-learning-model': ['ai_AIPackage'],
    data: ['dataset_DatasetPackage'],
    library: ['software_Package'],
    application: ['software_Package'],
    file: ['software_File']
  }

  const component = (c: Json, ref: string): void => {
    const e = byKey.get(ref)
    if (!e) return miss(ref, 'no element')
    for (const [k, v] of Object.entries(c)) {
      const props = cdxProps(e)
      switch (k) {
        case 'bom-ref':
          break
        case 'name':
          if (e.name !== (c.group ? `${String(c.group)}/${String(v)}` : v)) miss(ref, `name ${String(v)}`)
          break
        case 'group':
          break
        case 'type':
          if (!(types[v as string] ?? []).includes(e.type as string) && !(v === 'machine-learning-model' && String(c.purl).includes('repository_url=https://huggingface.co/spaces'))) miss(ref, `type ${String(v)} as ${String(e.type)}`)
          break
        case 'version':
          if (e.software_packageVersion !== v) miss(ref, `version ${String(v)}`)
          break
        case 'purl':
          if (e.software_packageUrl !== v) miss(ref, `purl ${String(v)}`)
          break
        case 'hashes':
          for (const h of v as Json[]) if (!((e.verifiedUsing as Json[] | undefined) ?? []).some((x) => x.algorithm === 'sha256' && h.alg === 'SHA-256' && x.hashValue === h.content)) miss(ref, `hash ${String(h.content)}`)
          break
        case 'properties':
          for (const p of v as Json[]) if (!props.has(`${p.name}=${p.value}`)) miss(ref, `property ${p.name}=${p.value}`)
          break
        case 'licenses': {
          const expressions = related(ref, 'hasDeclaredLicense', 'hasConcludedLicense').map((k) => byKey.get(k)?.simplelicensing_licenseExpression)
          for (const l of v as Json[]) {
            const lic = l.license as Json | undefined
            const id = (lic?.id ?? l.expression) as string | undefined
            if (id ? !expressions.includes(id) : expressions.length === 0) miss(ref, `license ${JSON.stringify(l)}`)
            if (lic?.url && !((e.externalRef as Json[] | undefined) ?? []).some((x) => x.externalRefType === 'license' && (x.locator as string[]).includes(lic.url as string))) miss(ref, `license url ${String(lic.url)}`)
          }
          break
        }
        case 'supplier': {
          const s = v as Json
          const agent = typeof e.suppliedBy === 'string' ? byKey.get(keyOf(e.suppliedBy)) : undefined
          if (agent?.name !== s.name) miss(ref, `supplier ${String(s.name)}`)
          break
        }
        case 'externalReferences':
          for (const x of v as Json[]) {
            const refs = ((e.externalRef as Json[] | undefined) ?? []).flatMap((r) => r.locator as string[])
            if (x.type === 'distribution' ? e.software_downloadLocation !== x.url : !refs.includes(x.url as string)) miss(ref, `${String(x.type)} reference ${String(x.url)}`)
          }
          break
        case 'pedigree':
          for (const a of ((v as Json).ancestors as Json[] | undefined) ?? []) {
            component(a, a['bom-ref'] as string)
            if (!related(a['bom-ref'] as string, 'ancestorOf').includes(ref)) miss(ref, `ancestor ${String(a['bom-ref'])}`)
          }
          break
        case 'components':
          for (const sub of v as Json[]) {
            component(sub, sub['bom-ref'] as string)
            if (!related(ref, 'contains').includes(sub['bom-ref'] as string)) miss(ref, `contains ${String(sub['bom-ref'])}`)
          }
          break
        case 'modelCard':
          modelCard(v as Json, e, ref, props)
          break
        case 'data':
          for (const d of v as Json[]) dataEntry(d, e, ref, props)
          break
        default:
          miss(ref, `unchecked CycloneDX field ${k}`)
      }
    }
  }

  const modelCard = (card: Json, e: Json, ref: string, props: Set<string>): void => {
    for (const [k, v] of Object.entries(card)) {
      if (k === 'properties') {
        for (const p of v as Json[]) if (!props.has(`${p.name}=${p.value}`)) miss(ref, `modelCard property ${p.name}=${p.value}`)
      } else if (k === 'quantitativeAnalysis') {
        for (const m of ((v as Json).performanceMetrics as Json[] | undefined) ?? []) {
          const key = m.slice ? `${m.type} on ${m.slice}` : m.type
          if (!((e.ai_metric as Json[] | undefined) ?? []).some((x) => x.key === key && x.value === m.value)) miss(ref, `metric ${String(key)}=${String(m.value)}`)
        }
      } else if (k === 'modelParameters') {
        for (const [pk, pv] of Object.entries(v as Json)) {
          if (pk === 'task' && !((e.ai_domain as string[] | undefined) ?? []).includes(pv as string)) miss(ref, `task ${String(pv)}`)
          else if ((pk === 'architectureFamily' || pk === 'modelArchitecture') && !((e.ai_typeOfModel as string[] | undefined) ?? []).includes(pv as string)) miss(ref, `${pk} ${String(pv)}`)
          else if (pk === 'datasets') for (const d of pv as Json[]) { if (!related(ref, 'trainedOn').includes(d.ref as string)) miss(ref, `trained on ${String(d.ref)}`) }
          else if (pk === 'approach' && !String(e.ai_informationAboutTraining).includes(`Learning approach: ${String((pv as Json).type)}.`)) miss(ref, `approach ${JSON.stringify(pv)}`)
          else if ((pk === 'inputs' || pk === 'outputs') && !String(e.ai_informationAboutApplication).includes(`${pk === 'inputs' ? 'Inputs' : 'Outputs'}: ${(pv as Json[]).map((x) => String(x.format)).join(', ')}.`)) miss(ref, `${pk} ${JSON.stringify(pv)}`)
          else if (!['task', 'architectureFamily', 'modelArchitecture', 'datasets', 'approach', 'inputs', 'outputs'].includes(pk)) miss(ref, `unchecked modelParameters field ${pk}`)
        }
      } else miss(ref, `unchecked modelCard field ${k}`)
    }
  }

  const dataEntry = (d: Json, e: Json, ref: string, props: Set<string>): void => {
    for (const [k, v] of Object.entries(d)) {
      if (k === 'type' || k === 'name') continue
      if (k === 'contents') {
        const c = v as Json
        for (const p of (c.properties as Json[] | undefined) ?? []) if (!props.has(`${p.name}=${p.value}`)) miss(ref, `data property ${p.name}=${p.value}`)
        const links = [e.software_downloadLocation, ...((e.externalRef as Json[] | undefined) ?? []).flatMap((r) => r.locator as string[])]
        // Without a link into the repository the url is the file's path in it.
        if (c.url && !links.includes(c.url) && !props.has(`modelgate:path=${decodeURIComponent(String(c.url))}`)) miss(ref, `data url ${String(c.url)}`)
      } else if (k === 'description') {
        if (e.description !== v && e.summary !== v) miss(ref, `data description ${String(v)}`)
      } else if (k === 'governance') {
        for (const cust of ((v as Json).custodians as Json[] | undefined) ?? []) {
          const name = (cust.organization as Json | undefined)?.name
          const agents = [e.suppliedBy, ...((e.originatedBy as string[] | undefined) ?? [])].filter((x): x is string => typeof x === 'string').map((x) => byKey.get(keyOf(x))?.name)
          if (!agents.includes(name)) miss(ref, `custodian ${String(name)}`)
        }
      } else miss(ref, `unchecked data field ${k}`)
    }
  }

  const meta = cdx.metadata as Json
  component(meta.component as Json, 'subject')
  const creation = graph.find((e) => e.type === 'CreationInfo')!
  if (creation.created !== String(meta.timestamp).replace(/\.\d{3}Z$/, 'Z')) miss('metadata', `timestamp ${String(meta.timestamp)}`)
  const sbom = graph.find((e) => e.type === 'software_Sbom')!
  for (const p of (meta.properties as Json[] | undefined) ?? []) if (!cdxProps(sbom).has(`${p.name}=${p.value}`)) miss('metadata', `property ${p.name}=${p.value}`)
  for (const l of (meta.lifecycles as Json[] | undefined) ?? []) if (!((sbom.software_sbomType as string[] | undefined) ?? []).includes(l.phase as string)) miss('metadata', `lifecycle ${String(l.phase)}`)
  for (const t of ((meta.tools as Json | undefined)?.components as Json[] | undefined) ?? []) {
    const tool = byKey.get(t['bom-ref'] as string)
    if (tool?.type !== 'Tool' || !String(tool.name).toLowerCase().includes(`${String(t.name)} ${String(t.version)}`)) miss('metadata', `tool ${String(t.name)} ${String(t.version)}`)
  }
  for (const c of (cdx.components as Json[] | undefined) ?? []) component(c, c['bom-ref'] as string)
  for (const d of (cdx.dependencies as Json[] | undefined) ?? []) {
    for (const t of (d.dependsOn as string[] | undefined) ?? []) if (!related(d.ref as string, 'contains', 'dependsOn', 'trainedOn').includes(t)) miss(d.ref as string, `depends on ${t}`)
  }
  for (const c of (cdx.compositions as Json[] | undefined) ?? []) {
    // `unknown` is what SPDX assumes where no relationship is stated.
    if (c.aggregate === 'unknown') continue
    for (const a of (c.assemblies as string[] | undefined) ?? []) {
      const rs = relations.filter((r) => keyOf(r.from as string) === a)
      if (rs.length === 0 || rs.some((r) => r.completeness !== c.aggregate)) miss(a, `composition ${String(c.aggregate)}`)
    }
  }
  for (const a of (cdx.annotations as Json[] | undefined) ?? []) {
    const e = byKey.get(a['bom-ref'] as string)
    if (e?.statement !== a.text) miss(a['bom-ref'] as string, 'annotation text')
    if (!(a.subjects as string[]).includes(keyOf(String(e?.subject)))) miss(a['bom-ref'] as string, `annotation subject ${String((a.subjects as string[])[0])}`)
  }
  for (const f of (cdx.formulation as Json[] | undefined) ?? []) {
    for (const w of (f.workflows as Json[] | undefined) ?? []) {
      const tasks = (w.tasks as Json[] | undefined) ?? []
      // A training workflow: its inputs are the model's trainedOn datasets and ancestors.
      for (const out of (w.outputs as Json[] | undefined) ?? []) {
        const model = (out.resource as Json).ref as string
        for (const i of (w.inputs as Json[] | undefined) ?? []) {
          const input = (i.resource as Json).ref as string
          if (!related(model, 'trainedOn').includes(input) && !related(input, 'ancestorOf').includes(model)) miss(model, `training input ${input}`)
        }
      }
      for (const t of tasks) {
        const ref = t['bom-ref'] as string
        const e = byKey.get(ref)
        if (e?.type !== 'build_Build') {
          miss(ref, 'no build')
          continue
        }
        for (const i of (t.inputs as Json[] | undefined) ?? []) if (!related(ref, 'hasInput').includes((i.resource as Json).ref as string)) miss(ref, `input ${JSON.stringify(i)}`)
        for (const o of (t.outputs as Json[] | undefined) ?? []) if (!related(ref, 'hasOutput').includes((o.resource as Json).ref as string)) miss(ref, `output ${JSON.stringify(o)}`)
        for (const p of (t.properties as Json[] | undefined) ?? []) if (!cdxProps(e).has(`${p.name}=${p.value}`)) miss(ref, `property ${p.name}=${p.value}`)
        for (const step of (t.steps as Json[] | undefined) ?? []) {
          for (const cmd of (step.commands as Json[] | undefined) ?? []) if (!((e.build_parameter as Json[] | undefined) ?? []).some((x) => x.key === 'cmd' && x.value === cmd.executed)) miss(ref, `command ${String(cmd.executed)}`)
        }
        if (e.build_buildId !== t.uid) miss(ref, `uid ${String(t.uid)}`)
      }
      for (const d of (w.taskDependencies as Json[] | undefined) ?? []) {
        for (const on of (d.dependsOn as string[] | undefined) ?? []) if (!related(d.ref as string, 'dependsOn').includes(on)) miss(d.ref as string, `task depends on ${on}`)
      }
    }
  }
  for (const k of Object.keys(cdx)) {
    if (!['$schema', 'bomFormat', 'specVersion', 'serialNumber', 'version', 'metadata', 'components', 'dependencies', 'compositions', 'annotations', 'formulation'].includes(k)) miss('bom', `unchecked CycloneDX field ${k}`)
  }
  return missing
}
