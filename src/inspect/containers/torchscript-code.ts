import { tokenizePython } from '../../inventory/code/python-tokens.js'
import { LineIndex } from '../../inventory/text.js'
import type { Token } from '../../inventory/code/tokens.js'
import { truncate } from '../formats/common.js'
import type { Issue } from '../types.js'

/**
 * TorchScript archives keep the model's code as Python-like source in `code/**\/*.py`;
 * `torch.jit.load` compiles it into the model. What a trusted export writes calls torch
 * operators and the archive's own classes (`__torch__.…`), never the interpreter, the
 * shell, the file system or a loader; a name from that second list is what the model
 * would call when run, so it is named as a finding. Strings and comments are skipped
 * (the project's Python tokenizer); `getattr(self, "0")` is how TorchScript reaches
 * submodules, so it is not on the list.
 */

/** Modules whose every attribute reaches the interpreter, processes, files or the network. */
const MODULES: Record<string, string> = {
  os: 'runs shell commands and touches files', posix: 'runs shell commands', nt: 'runs shell commands',
  subprocess: 'runs programs', pty: 'spawns processes', builtins: 'Python built-ins (eval, exec, __import__, open)',
  __builtin__: 'Python built-ins (eval, exec, __import__, open)', __builtins__: 'Python built-ins (eval, exec, __import__, open)',
  importlib: 'imports arbitrary modules', runpy: 'runs Python files', sys: 'interpreter internals',
  socket: 'opens network connections', shutil: 'copies and deletes files', pickle: 'loads pickles', marshal: 'loads code objects',
  ctypes: 'calls native code', webbrowser: 'launches programs', pathlib: 'file-system access', io: 'opens files',
  tempfile: 'creates files', urllib: 'network access', http: 'network access', requests: 'network access',
  code: 'runs Python source', codeop: 'compiles Python source', multiprocessing: 'spawns processes', threading: 'runs callables in threads'
}

/** Built-ins that evaluate source, import, or reach files and frames, when called by their bare name. */
const CALLS: Record<string, string> = {
  eval: 'evaluates Python source', exec: 'executes Python source', compile: 'compiles Python source',
  __import__: 'imports any module', open: 'opens files', execfile: 'executes a file', globals: 'reaches module globals',
  locals: 'reaches frames', vars: 'reaches object namespaces', breakpoint: 'starts a debugger', input: 'reads stdin'
}

/** torch functions that load, write or fetch rather than compute. */
const TORCH: Record<string, string> = {
  'torch.load': 'unpickles a file', 'torch.save': 'writes files', 'torch.from_file': 'reads any file into a tensor',
  'torch.hub': 'downloads and runs code', 'torch.jit.load': 'loads more TorchScript code', 'torch.ops.aten.from_file': 'reads any file into a tensor'
}

/** Member names TorchScript keeps its code under. */
export const TORCHSCRIPT_CODE = /(^|\/)code\/.+\.py$/

const MAX_LISTED = 12

interface Hit {
  name: string
  why: string
  line: number
}

/** Dotted names used in `text` that reach outside TorchScript, first occurrence of each, with 1-based lines. */
export function dangerousCalls(text: string): { hits: Hit[]; truncated: boolean } {
  const { tokens, truncated } = tokenizePython(text)
  const lines = new LineIndex(text)
  const seen = new Map<string, Hit>()
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind !== 'name' || isOp(tokens[i - 1], '.')) continue
    const chain = [t.text]
    let j = i
    while (isOp(tokens[j + 1], '.') && tokens[j + 2]?.kind === 'name') {
      chain.push(tokens[j + 2]!.text)
      j += 2
    }
    const dotted = chain.join('.')
    const why = judge(chain, dotted, tokens[j + 1], tokens[i - 1])
    if (why && !seen.has(dotted)) seen.set(dotted, { name: dotted, why, line: lines.lineOf(t.offset) })
    i = j
  }
  return { hits: [...seen.values()], truncated }
}

function judge(chain: string[], dotted: string, next: Token | undefined, before: Token | undefined): string | null {
  if (chain.length >= 2 && MODULES[chain[0]!]) return MODULES[chain[0]!]!
  if (chain[0] === '__builtins__' || chain[0] === '__import__') return CALLS.__import__!
  const torch = Object.keys(TORCH).find((k) => dotted === k || dotted.startsWith(`${k}.`))
  if (torch) return TORCH[torch]!
  const called = isOp(next, '(') && !(before?.kind === 'name' && (before.text === 'def' || before.text === 'class'))
  if (chain.length === 1 && called && CALLS[chain[0]!]) return CALLS[chain[0]!]!
  return null
}

/**
 * The finding for one code member (null when it calls nothing outside TorchScript), and whether
 * the member had more tokens than the tokenizer reads (the rest unchecked).
 */
export function checkTorchScriptCode(kind: string, member: string, text: string): { issue: Issue | null; truncated: boolean } {
  const { hits, truncated } = dangerousCalls(text)
  return { issue: hits.length > 0 ? codeIssue(kind, member, hits) : null, truncated }
}

function codeIssue(kind: string, member: string, hits: Hit[]): Issue {
  const listed = hits.slice(0, MAX_LISTED).map((h) => `${h.name} (line ${h.line}: ${h.why})`).join(', ') + (hits.length > MAX_LISTED ? `, and ${hits.length - MAX_LISTED} more` : '')
  return {
    rule: 'unsafe-serialization',
    severity: 'error',
    message: `${kind}: TorchScript code "${truncate(member, 120)}" calls ${listed}. torch.jit.load compiles this code into the model, so running the model makes these calls; code a real export writes calls only torch operators.`,
    fix: 'Do not load this model. Re-export it from trusted source code (torch.jit.script / torch.jit.trace), or use a format without code (safetensors for the weights, ONNX for the graph).'
  }
}

function isOp(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'op' && t.text === text
}
