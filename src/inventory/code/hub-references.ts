import type { DeclaredDependency, Issue } from '../../inspect/types.js'
import { githubPurl, huggingfacePurl } from '../purl.js'
import { unresolved } from '../issues.js'
import { findCalls, matchBrackets, type Call, type Value } from './calls.js'
import { JS_HUB_NAMES, PYTHON_HUB_NAMES, recogniseJs, recognisePython, type HubCall } from './hub-calls.js'
import { hubPage, isCommit, isHubId, parseHfHubPrefix, parseTorchHub } from './hub-ids.js'
import { tokenizeJs } from './js-tokens.js'
import { tokenizePython } from './python-tokens.js'
import type { Token } from './tokens.js'

export type Language = 'python' | 'js'

export interface CodeFindings {
  dependencies: DeclaredDependency[]
  issues: Issue[]
  truncated: boolean
}

/** Words without which a file cannot hold a reference: most files are skipped before tokenizing. */
const TRIGGER = /from_pretrained|hf_hub_download|snapshot_download|hf_hub_url|load_dataset|pipeline|SentenceTransformer|CrossEncoder|SparseEncoder|LLM\s*\(|hub\s*\.\s*load|hf[-_]hub:|trust_remote_code|downloadFile|snapshotDownload/

/** Whether the source may hold a hub reference at all (a cheap test before any tokenizing). */
export function mayHoldHubReference(text: string): boolean {
  return TRIGGER.test(text)
}

/**
 * Hub references in one piece of source: calls that pull a model, dataset or
 * Space (or a torch.hub repository) at run time, with string-literal ids (or
 * module constants holding one). `lineOf` maps offsets to file lines (notebook
 * cells map into the .ipynb). `shared` are constants of the whole namespace
 * (all cells of a notebook); a name the source binds itself must agree with them.
 */
export function findHubReferences(text: string, language: Language, lineOf: (offset: number) => number, shared?: ReadonlyMap<string, string>): CodeFindings {
  const out: CodeFindings = { dependencies: [], issues: [], truncated: false }
  if (!mayHoldHubReference(text)) return out
  const { tokens, truncated } = language === 'python' ? tokenizePython(text) : tokenizeJs(text)
  out.truncated = truncated
  const constants = constantLookup(stringBindings(tokens, language), shared)
  const names = language === 'python' ? PYTHON_HUB_NAMES : JS_HUB_NAMES
  const calls = findCalls(tokens, (n) => names.has(n), language === 'python')
  const described = new Map<number, Described>()
  for (const call of calls) {
    const hub = language === 'python' ? recognisePython(call) : recogniseJs(call)
    if (!hub || hub.local) continue
    const ref = reference(call, hub, constants, lineOf, out)
    if (ref) described.set(call.at, ref)
  }
  if (language === 'python') trustRemoteCode(tokens, lineOf, described, out)
  return out
}

type Resolved = { value: string } | { dynamic: string } | null
const literal = (r: Resolved): string | null => (r && 'value' in r ? r.value : null)
/** What a recognised call pulls, by the offset of its callee, for the trust_remote_code message. */
interface Described {
  name: string
  pinned: boolean
}

/** The string a name holds, if it is a constant. */
type Constants = (name: string) => string | undefined

/**
 * The source's bindings with the shared constants as if assigned before them: a
 * name bound here must agree with the shared value. A lookup, not a merged copy,
 * so a notebook cell costs nothing per constant of the other cells.
 */
function constantLookup(own: ReadonlyMap<string, string | null>, shared?: ReadonlyMap<string, string>): Constants {
  return (name) => {
    const mine = own.get(name)
    const theirs = shared?.get(name)
    if (mine === undefined) return theirs
    return mine !== null && (theirs === undefined || theirs === mine) ? mine : undefined
  }
}

/** A literal, a module constant, or the expression that computes it. */
function resolve(v: Value | undefined, constants: Constants): Resolved {
  if (!v || v.kind === 'none') return null
  if (v.kind === 'string') return v.dynamic ? { dynamic: 'an f-string/template' } : { value: v.value }
  const constant = v.kind === 'expr' && v.name ? constants(v.name) : undefined
  if (constant !== undefined) return { value: constant }
  if (v.kind === 'expr') return { dynamic: v.text }
  return { dynamic: v.kind }
}

function reference(call: Call, hub: HubCall, constants: Constants, lineOf: (o: number) => number, out: CodeFindings): Described | null {
  const callText = call.callee.join('.')
  const id = resolve(hub.id, constants)
  const idLine = lineOf(hub.id?.at ?? call.at)
  if (id === null) return null
  if ('dynamic' in id) {
    // `*args` forwarding and wrappers' own parameters: nothing to say.
    // Bare `hub.load(var)` may as well be TensorFlow Hub: only `torch.hub.load` earns the note.
    if (id.dynamic.startsWith('*') || hub.style === 'hf-hub-prefix' || (hub.style === 'torch-hub' && call.callee[0] !== 'torch')) return null
    out.issues.push(
      unresolved(
        `\`${callText}(${id.dynamic}${id.dynamic.endsWith('…') ? '' : ', …'})\`: the ${hub.style === 'torch-hub' ? 'torch.hub repository' : 'repository id'} is computed at run time, so ModelGate cannot tell what this loads or whether it is pinned.`,
        'Use a string literal (or a module-level constant) for the id and a commit revision, so the reference can be reviewed.',
        idLine
      )
    )
    return null
  }
  let name = id.value
  let revision = resolve(hub.revision, constants)
  if (hub.style === 'hf-hub-prefix') {
    const prefixed = parseHfHubPrefix(name)
    if (!prefixed) return null
    name = prefixed.id
    revision = prefixed.revision ? { value: prefixed.revision } : null
  }
  if (hub.style === 'torch-hub') return torchHub(name, callText, idLine, out)
  if (!isHubId(name, hub.kind)) return null
  const rev = revision && 'value' in revision ? revision.value : null
  const commit = isCommit(rev) ? rev!.toLowerCase() : null
  out.dependencies.push({
    line: idLine,
    ecosystem: 'huggingface',
    name,
    specifier: rev,
    version: commit,
    pinned: commit !== null,
    ml: true,
    purl: huggingfacePurl(name, commit, hub.kind),
    hubKind: hub.kind,
    // Which files the call loads, for hub lookups (src/hub/load-plan.ts).
    loader: { call: call.callee[call.callee.length - 1]!, file: literal(resolve(hub.file, constants)) }
  })
  if (!commit) out.issues.push(unpinnedHub(name, hub, callText, revision, idLine))
  return { name, pinned: commit !== null }
}

function unpinnedHub(name: string, hub: HubCall, callText: string, revision: Resolved, line: number): Issue {
  const what = hub.kind === 'model' ? 'model' : hub.kind
  const why =
    revision === null
      ? 'no revision, so it loads whatever is on the default branch'
      : 'dynamic' in revision
        ? `a revision computed at run time (\`${revision.dynamic}\`), which cannot be checked`
        : `revision \`${revision.value}\`, a branch, tag or short sha that can move (only a full 40-character commit sha cannot)`
  const fix: Record<HubCall['style'], string> = {
    python: `Pass \`revision="<40-hex commit sha>"\` to \`${callText}\``,
    js: `Pass \`{ revision: '<40-hex commit sha>' }\` to \`${callText}\``,
    'js-hub-object': `Set \`revision: '<40-hex commit sha>'\` in the \`${callText}\` parameters`,
    'hf-hub-prefix': `Write the id as \`hf-hub:${name}@<40-hex commit sha>\``,
    'torch-hub': ''
  }
  return {
    rule: 'unpinned-hub-reference',
    severity: 'warning',
    message: `\`${callText}\` pulls the ${what} ${name} from the Hugging Face Hub with ${why}: whoever can push to ${name} decides what runs here.`,
    fix: `${fix[hub.style]}, using the commit you reviewed (${hubPage(name, hub.kind)}/commits).`,
    line
  }
}

function torchHub(spec: string, callText: string, line: number, out: CodeFindings): Described | null {
  const parsed = parseTorchHub(spec)
  if (!parsed) return null
  const commit = isCommit(parsed.ref) ? parsed.ref!.toLowerCase() : null
  out.dependencies.push({ line, ecosystem: 'torch-hub', name: parsed.repo, specifier: parsed.ref, version: commit, pinned: commit !== null, ml: true, purl: githubPurl(parsed.repo, commit ?? parsed.ref) })
  if (!commit) {
    out.issues.push({
      rule: 'unpinned-hub-reference',
      severity: 'warning',
      message: `\`${callText}\` runs hubconf.py from the GitHub repository ${parsed.repo} at ${parsed.ref ? `\`${parsed.ref}\`, a branch or tag that can move` : 'its default branch'}: whoever can push there decides what code runs here.`,
      fix: `Pin a commit: \`${callText}("${parsed.repo}:<40-hex commit sha>", ...)\`, using the commit you reviewed.`,
      line
    })
  }
  return { name: parsed.repo, pinned: commit !== null }
}

/**
 * `trust_remote_code=True` as a keyword argument or a dict entry (`{"trust_remote_code": True}`):
 * the repository's Python runs at load time. Reported on the keyword's line, naming the call.
 */
function trustRemoteCode(tokens: Token[], lineOf: (o: number) => number, described: Map<number, Described>, out: CodeFindings): void {
  const match = matchBrackets(tokens)
  const open: number[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      if (match[i]! > i) open.push(i)
      continue
    }
    if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) {
      // Matched pairs nest properly, so a closer either ends the innermost open group or matches nothing.
      if (open.length && match[open[open.length - 1]!] === i) open.pop()
      continue
    }
    const isKey = (t.kind === 'name' && t.text === 'trust_remote_code' && tokens[i + 1]?.text === '=' && open.length > 0) || (t.kind === 'string' && t.value === 'trust_remote_code' && tokens[i + 1]?.text === ':')
    if (!isKey || tokens[i + 2]?.text !== 'True') continue
    const callOpen = [...open].reverse().find((k) => tokens[k]!.text === '(' && tokens[k - 1]?.kind === 'name')
    const callee = callOpen !== undefined ? calleeAt(tokens, callOpen - 1) : null
    const model = callOpen !== undefined ? described.get(tokens[callOpen - 1]!.offset) : undefined
    // Pinned to a commit, the code that runs is the code at that commit: still worth a look, no longer a moving target.
    out.issues.push({
      rule: 'trust-remote-code',
      severity: model?.pinned ? 'note' : 'warning',
      message: model?.pinned
        ? `\`${callee}(…)\` passes trust_remote_code=True for ${model.name}, pinned to a commit: the Python files of that commit run in this process when it loads.`
        : `${callee ? `\`${callee}(…)\`` : 'This call'} passes trust_remote_code=True${model ? ` for ${model.name}` : ''}: Python files from the model repository run in this process when it loads, so whoever can push to that repository runs code here.`,
      fix: `Remove trust_remote_code=True if the architecture is supported natively (recent transformers releases include most); otherwise pin \`revision="<40-hex commit sha>"\` to a commit whose code you reviewed.`,
      line: lineOf(t.offset)
    })
  }
}

function calleeAt(tokens: Token[], k: number): string {
  const parts = [tokens[k]!.text]
  for (let j = k - 1; j >= 1 && tokens[j]!.text === '.' && tokens[j - 1]!.kind === 'name'; j -= 2) parts.unshift(tokens[j - 1]!.text)
  return parts.join('.')
}

/**
 * Names bound exactly once to a plain string: Python `NAME = "x"` / `NAME: str = "x"` outside
 * brackets, JS `const|let|var NAME = 'x'`. Lets `from_pretrained(MODEL_ID, revision=REV)` resolve.
 */
export function stringConstants(tokens: Token[], language: Language): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of stringBindings(tokens, language)) if (v !== null) out.set(k, v)
  return out
}

/** Every name assigned at module level: its one string value, or null if it is bound to anything else or more than once differently. */
function stringBindings(tokens: Token[], language: Language): Map<string, string | null> {
  const seen = new Map<string, string | null>()
  let depth = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'op' && (t.text === '(' || t.text === '[' || t.text === '{')) depth++
    else if (t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}')) depth = Math.max(0, depth - 1)
    if (t.kind !== 'name') continue
    let eq = i + 1
    if (language === 'python') {
      if (depth > 0 || tokens[i - 1]?.text === '.') continue
      if (tokens[eq]?.text === ':' && tokens[eq + 1]?.kind === 'name') eq += 2
    } else if (!['const', 'let', 'var'].includes(tokens[i - 1]?.text ?? '')) continue
    if (tokens[eq]?.text !== '=') continue
    const v = tokens[eq + 1]
    const after = tokens[eq + 2]
    const single = v?.kind === 'string' && !v.dynamic && !(after && (after.kind === 'string' || ['+', '.', '(', '[', '%', 'if', 'or', 'and', '?', '||', '??', '&&'].includes(after.text)))
    const prior = seen.get(t.text)
    if (!single) seen.set(t.text, null)
    else seen.set(t.text, prior === undefined || prior === v.value ? v.value! : null)
  }
  return seen
}
