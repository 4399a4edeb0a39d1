import type * as Models from '@cyclonedx/cyclonedx-library/Models'
import type * as Serialize from '@cyclonedx/cyclonedx-library/Serialize'
import type { Enrichment } from './enrich.js'

type Json = Record<string, unknown>
type Element = Serialize.XML.Types.SimpleXml.Element
type Node = Element | Serialize.XML.Types.SimpleXml.Comment
type Child = Element | undefined | false | null

/** Child order of `component` and `bom` in the 1.6 and 1.7 XSDs (1.7 adds `versionRange` and `patentAssertions`). */
const COMPONENT_ORDER = [
  'supplier', 'manufacturer', 'authors', 'author', 'publisher', 'group', 'name', 'version', 'versionRange', 'description', 'scope', 'hashes',
  'licenses', 'copyright', 'patentAssertions', 'cpe', 'purl', 'omniborId', 'swhid', 'swid', 'modified', 'pedigree', 'externalReferences',
  'properties', 'components', 'evidence', 'releaseNotes', 'modelCard', 'data', 'cryptoProperties', 'tags'
]
const BOM_ORDER = ['metadata', 'components', 'services', 'externalReferences', 'dependencies', 'compositions', 'properties', 'vulnerabilities', 'annotations', 'formulation', 'declarations', 'definitions']
const OPTIONS = { sortLists: true }
const byLocale = (a: string, b: string) => a.localeCompare(b)

/**
 * Adds the {@link Enrichment} to the library's XML element tree: the same content
 * as the JSON, as elements of the XSD, each inserted where the schema's sequence
 * puts it. The translators accept exactly the JSON keys the enrichment uses and
 * throw on any other, so JSON content without an XML form cannot slip through.
 */
export function applyXml(root: Element, e: Enrichment, factory: Serialize.XML.Normalize.Factory): Element {
  const component = (c: Models.Component) => factory.makeForComponent().normalize(c, OPTIONS, 'component')
  // Collected first: inserting ancestors must not make the walk visit them.
  for (const el of [...walk(root)]) {
    if (el.name !== 'component') continue
    const extras = e.components.get(String(el.attributes?.['bom-ref'] ?? ''))
    if (!extras) continue
    if (extras.ancestors) insert(el, node('pedigree', [node('ancestors', extras.ancestors.map(component))]), COMPONENT_ORDER)
    if (extras.modelCard) insert(el, modelCard(extras.modelCard), COMPONENT_ORDER)
    for (const d of extras.data ?? []) insert(el, componentData('data', d), COMPONENT_ORDER)
  }
  const deps = children(root).find((c): c is Element => c.type === 'element' && c.name === 'dependencies')
  for (const [ref, extra] of e.dependencies) {
    const entry = deps && children(deps).find((d): d is Element => d.type === 'element' && d.attributes?.ref === ref)
    if (!entry) continue
    const refs = new Set([...children(entry).map((d) => String((d as Element).attributes?.ref)), ...extra])
    entry.children = [...refs].sort(byLocale).map((r) => node('dependency', undefined, { ref: r }))
  }
  insert(root, node('compositions', e.compositions.map(composition)), BOM_ORDER)
  if (e.annotations.length > 0) {
    insert(
      root,
      node('annotations', e.annotations.map((a) => node('annotation', [node('subjects', a.subjects.map((s) => node('subject', undefined, { ref: s }))), node('annotator', [component(e.annotator)]), text('timestamp', a.timestamp), text('text', a.text)], { 'bom-ref': a['bom-ref'] }))),
      BOM_ORDER
    )
  }
  if (e.formulation.length > 0) insert(root, node('formulation', e.formulation.map(formula)), BOM_ORDER)
  for (const el of walk(root)) clean(el)
  return root
}

/** Characters XML 1.0 cannot carry at all (control characters, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * Repository text reaches the BOM (card fields, pickle imports, file names); a
 * control character in it would make the whole XML document unparseable, so each
 * becomes U+FFFD. JSON escapes them and keeps them as they are.
 */
function clean(el: Element): void {
  for (const [k, v] of Object.entries(el.attributes ?? {})) if (typeof v === 'string') el.attributes![k] = v.replace(NOT_XML, '\uFFFD')
  if (typeof el.children === 'string') el.children = el.children.replace(NOT_XML, '\uFFFD')
}

function modelCard(m: Json): Element {
  keys(m, ['bom-ref', 'modelParameters', 'quantitativeAnalysis', 'properties'], 'modelCard')
  const p = m.modelParameters as Json | undefined
  const q = m.quantitativeAnalysis as Json | undefined
  if (p) keys(p, ['approach', 'task', 'architectureFamily', 'modelArchitecture', 'datasets', 'inputs', 'outputs'], 'modelParameters')
  if (q) keys(q, ['performanceMetrics'], 'quantitativeAnalysis')
  return node(
    'modelCard',
    [
      p &&
        node('modelParameters', [
          p.approach ? node('approach', [text('type', (p.approach as Json).type)]) : undefined,
          text('task', p.task),
          text('architectureFamily', p.architectureFamily),
          text('modelArchitecture', p.modelArchitecture),
          p.datasets ? node('datasets', list(p.datasets).map((d) => (d.ref !== undefined ? text('ref', d.ref) : componentData('dataset', d)))) : undefined,
          p.inputs ? node('inputs', list(p.inputs).map((i) => node('input', [text('format', i.format)]))) : undefined,
          p.outputs ? node('outputs', list(p.outputs).map((o) => node('output', [text('format', o.format)]))) : undefined
        ]),
      q &&
        node('quantitativeAnalysis', [
          q.performanceMetrics
            ? node(
                'performanceMetrics',
                list(q.performanceMetrics).map((x) => {
                  keys(x, ['type', 'value', 'slice'], 'performanceMetric')
                  return node('performanceMetric', [text('type', x.type), text('value', x.value), text('slice', x.slice)])
                })
              )
            : undefined
        ]),
      properties(m.properties)
    ],
    attrs(m)
  )
}

/** `data` of a component and `dataset` of a model card share the XSD's componentDataType. */
function componentData(name: string, d: Json): Element {
  keys(d, ['bom-ref', 'type', 'name', 'contents', 'classification', 'sensitiveData', 'description', 'governance'], name)
  const contents = d.contents as Json | undefined
  if (contents) keys(contents, ['url', 'properties'], 'contents')
  const governance = d.governance as Record<string, Json[]> | undefined
  if (governance) keys(governance, ['custodians', 'stewards', 'owners'], 'governance')
  return node(
    name,
    [
      text('type', d.type),
      text('name', d.name),
      contents && node('contents', [text('url', contents.url), properties(contents.properties)]),
      text('classification', d.classification),
      ...(Array.isArray(d.sensitiveData) ? d.sensitiveData.map((s) => text('sensitiveData', s)) : []),
      text('description', d.description),
      governance &&
        node(
          'governance',
          (['custodians', 'stewards', 'owners'] as const).map((role) =>
            governance[role] ? node(role, governance[role].map((party) => node(role.slice(0, -1), [organization(party.organization as Json)]))) : undefined
          )
        )
    ],
    attrs(d)
  )
}

function organization(o: Json): Element {
  keys(o, ['name', 'url'], 'organization')
  return node('organization', [text('name', o.name), ...(Array.isArray(o.url) ? o.url.map((u) => text('url', u)) : [])])
}

function composition(c: Json): Element {
  keys(c, ['bom-ref', 'aggregate', 'assemblies', 'dependencies'], 'composition')
  const refs = (name: string, item: string, v: unknown) => (Array.isArray(v) ? node(name, v.map((r) => node(item, undefined, { ref: String(r) }))) : undefined)
  return node('composition', [text('aggregate', c.aggregate), refs('assemblies', 'assembly', c.assemblies), refs('dependencies', 'dependency', c.dependencies)], attrs(c))
}

function formula(f: Json): Element {
  keys(f, ['bom-ref', 'workflows', 'properties'], 'formula')
  return node('formula', [f.workflows ? node('workflows', list(f.workflows).map((w) => task(w, 'workflow'))) : undefined, properties(f.properties)], attrs(f))
}

/** Workflows and tasks share their elements; a workflow adds its tasks and their dependency graph before `taskTypes`. */
function task(t: Json, name: 'workflow' | 'task'): Element {
  keys(t, ['bom-ref', 'uid', 'name', 'description', 'taskTypes', 'steps', 'inputs', 'outputs', 'properties', ...(name === 'workflow' ? ['tasks', 'taskDependencies'] : [])], name)
  const resource = (r: unknown) => node('resource', [text('ref', (r as Json).ref)])
  return node(
    name,
    [
      text('uid', t.uid),
      text('name', t.name),
      text('description', t.description),
      t.tasks ? node('tasks', list(t.tasks).map((x) => task(x, 'task'))) : undefined,
      t.taskDependencies ? node('taskDependencies', list(t.taskDependencies).map((d) => node('dependency', Array.isArray(d.dependsOn) ? d.dependsOn.map((r) => node('dependency', undefined, { ref: String(r) })) : undefined, { ref: String(d.ref) }))) : undefined,
      node('taskTypes', list<string>(t.taskTypes).map((x) => text('taskType', x))),
      t.steps
        ? node(
            'steps',
            list(t.steps).map((s) => {
              keys(s, ['name', 'commands'], 'step')
              return node('step', [text('name', s.name), s.commands ? node('commands', list(s.commands).map((c) => node('command', [text('executed', c.executed)]))) : undefined])
            })
          )
        : undefined,
      t.inputs ? node('inputs', list(t.inputs).map((i) => (keys(i, ['resource'], 'input'), node('input', [resource(i.resource)])))) : undefined,
      t.outputs ? node('outputs', list(t.outputs).map((o) => (keys(o, ['resource', 'type'], 'output'), node('output', [resource(o.resource), text('type', o.type)])))) : undefined,
      properties(t.properties)
    ],
    attrs(t)
  )
}

function properties(v: unknown): Element | undefined {
  if (!Array.isArray(v)) return undefined
  return node('properties', (v as { name: string; value: string }[]).map((p) => ({ type: 'element', name: 'property', attributes: { name: p.name }, children: p.value })))
}

function node(name: string, kids?: readonly Child[], attributes?: Record<string, string>): Element {
  const list = (kids ?? []).filter((k): k is Element => Boolean(k))
  return { type: 'element', name, ...(attributes ? { attributes } : {}), ...(kids ? { children: list } : {}) }
}

function text(name: string, value: unknown): Element | undefined {
  return value === undefined || value === null ? undefined : { type: 'element', name, children: String(value) }
}

function attrs(j: Json): Record<string, string> | undefined {
  return typeof j['bom-ref'] === 'string' ? { 'bom-ref': j['bom-ref'] } : undefined
}

function list<T = Json>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : []
}

function keys(j: Json, allowed: readonly string[], where: string): void {
  const extra = Object.keys(j).filter((k) => !allowed.includes(k))
  if (extra.length > 0) throw new Error(`BOM enrichment: ${where} has ${extra.join(', ')}, which the XML output does not translate; add it to src/bom/xml.ts`)
}

function children(el: Element): Node[] {
  if (el.children === undefined || typeof el.children === 'string' || typeof el.children === 'number') return []
  if (!Array.isArray(el.children)) el.children = [...el.children]
  return el.children as Node[]
}

function* walk(el: Element): Generator<Element> {
  yield el
  for (const c of children(el)) if (c.type === 'element') yield* walk(c)
}

/** Inserts `child` before the first sibling the schema's sequence puts after it. */
function insert(parent: Element, child: Element, order: readonly string[]): void {
  const list = children(parent)
  parent.children = list
  const rank = order.indexOf(child.name)
  const at = list.findIndex((c) => c.type === 'element' && order.indexOf(c.name) > rank)
  if (at < 0) list.push(child)
  else list.splice(at, 0, child)
}
