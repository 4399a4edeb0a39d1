import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml'
import type { DeclaredDependency, InspectResult } from '../../inspect/types.js'
import { Inventory } from '../collect.js'
import type { IncludeReader } from '../include-reader.js'
import { unparseableManifest } from '../issues.js'
import { isMlPackage } from '../ml-packages.js'
import { yamlOf } from '../parse-errors.js'
import { condaPurl } from '../purl.js'
import { parseRequirementsText } from './requirements.js'

/** `[channel::]name[ op version[ build]]`, `name=1.2=build`, `name 1.2 build`. */
const MATCH_SPEC = /^(?:([A-Za-z0-9_./:-]+?)::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*(.*)$/

export interface YamlManifestOptions {
  path: string
  reader?: IncludeReader
}

/**
 * Conda `environment.yml` and MLflow's `conda.yaml`: conda match specs, plus the
 * `pip:` list, which is a requirements file in YAML (so `-r` works there too).
 * `=1.2.3` counts as pinned, as `conda env export` writes it.
 */
export async function parseCondaEnvironment(text: string, kind: string, opts: YamlManifestOptions): Promise<InspectResult> {
  const inv = new Inventory('conda')
  const parsed = yamlOf(text, kind)
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const { doc, lines } = parsed.value
  const deps = isMap(doc.contents) ? doc.contents.get('dependencies', true) : undefined
  if (deps === undefined || deps === null) return inv.result()
  if (!isSeq(deps)) {
    inv.issue(unparseableManifest(kind, '`dependencies` is not a list', lineOf(deps as Node, lines)))
    return inv.result()
  }
  for (const item of deps.items) {
    const line = lineOf(item as Node, lines)
    if (isMap(item)) {
      const pip = item.get('pip', true)
      if (isSeq(pip)) await pipEntries(pip.items as Node[], lines, inv, opts, 'pip')
      continue
    }
    if (!isScalar(item) || typeof item.value !== 'string') {
      inv.issue(unparseableManifest(kind, 'a dependency that is not a string', line))
      continue
    }
    const dep = condaDependency(item.value, line)
    if (!dep) inv.issue(unparseableManifest(kind, `"${item.value.slice(0, 80)}" is not a conda match spec`, line))
    else inv.add(dep)
  }
  return inv.result()
}

/** MLflow `python_env.yaml`: `build_dependencies` and `dependencies`, each a requirements line. */
export async function parsePythonEnv(text: string, opts: YamlManifestOptions): Promise<InspectResult> {
  const inv = new Inventory('pep508')
  const parsed = yamlOf(text, 'python_env.yaml')
  if (!parsed.ok) {
    inv.issue(parsed.issue)
    return inv.result()
  }
  const { doc, lines } = parsed.value
  if (!isMap(doc.contents)) return inv.result()
  const python = doc.contents.get('python')
  if (typeof python === 'string' || typeof python === 'number') inv.facts.python = String(python)
  for (const [key, group] of [['build_dependencies', 'build'], ['dependencies', undefined]] as const) {
    const seq = doc.contents.get(key, true)
    if (isSeq(seq)) await pipEntries(seq.items as Node[], lines, inv, opts, group)
  }
  return inv.result()
}

/** Each YAML item is one requirements-file line; what it yields is reported at the item's line. */
async function pipEntries(items: Node[], lines: LineCounter, inv: Inventory, opts: YamlManifestOptions, group: string | undefined): Promise<void> {
  for (const item of items) {
    if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) continue
    const line = lineOf(item, lines)
    const sub = await parseRequirementsText(String(item.value), { path: opts.path, ...(opts.reader ? { reader: opts.reader } : {}), ...(group ? { group } : {}) })
    for (const d of sub.dependencies ?? []) inv.dependencies.push({ ...d, line })
    for (const i of sub.issues) inv.issue({ ...i, ...(line ? { line } : {}), fix: i.fix.replace(/ on line \d+/, line ? ` on line ${line}` : '') })
    if (typeof sub.facts.includes === 'string') inv.facts.includes = [inv.facts.includes, sub.facts.includes].filter(Boolean).join(',')
  }
}

export function condaDependency(spec: string, line: number | null): DeclaredDependency | null {
  const m = MATCH_SPEC.exec(spec.trim())
  if (!m) return null
  const channel = m[1] ?? null
  const name = m[2]!.toLowerCase()
  const rest = m[3]!.trim()
  const version = exactConda(rest)
  return { line, ecosystem: 'conda', name, specifier: rest || null, version, pinned: version !== null, ml: isMlPackage('conda', name), purl: condaPurl(name, version, channel) }
}

/** `=1.2.3`, `==1.2.3`, `=1.2.3=build`, `1.2.3 build`: one version, no wildcard or range. */
function exactConda(rest: string): string | null {
  const m = /^(?:={1,2}\s*)?(\d[A-Za-z0-9_.+!]*)(?:[= ]\s*[A-Za-z0-9_.+*-]+)?$/.exec(rest)
  return m && !m[1]!.endsWith('.') ? m[1]! : null
}

function lineOf(node: Node | null | undefined, lines: LineCounter): number | null {
  const at = node?.range?.[0]
  return at === undefined ? null : lines.linePos(at).line
}
