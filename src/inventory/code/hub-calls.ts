import type { HubKind } from '../../types.js'
import type { Arg, Call, Value } from './calls.js'

export type HubStyle = 'python' | 'js' | 'torch-hub' | 'hf-hub-prefix' | 'js-hub-object'

/** Where a recognised call keeps its repository id and revision. */
export interface HubCall {
  id: Value | undefined
  revision: Value | undefined
  kind: HubKind
  style: HubStyle
  /** torch.hub: `source='local'` means a directory, not GitHub. */
  local?: boolean
  /** Single-file downloads (`hf_hub_download`, `hf_hub_url`, `downloadFile`): the file argument. */
  file?: Value | undefined
}

/** Last callee names worth parsing in Python; everything else is skipped before argument parsing. */
export const PYTHON_HUB_NAMES = new Set([
  'from_pretrained', 'hf_hub_download', 'snapshot_download', 'hf_hub_url', 'load_dataset', 'load_dataset_builder', 'pipeline',
  'SentenceTransformer', 'CrossEncoder', 'SparseEncoder', 'LLM', 'load', 'create_model', 'create_model_and_transforms',
  'create_model_from_pretrained', 'get_tokenizer'
])
export const JS_HUB_NAMES = new Set(['pipeline', 'from_pretrained', 'downloadFile', 'downloadFileToCacheDir', 'snapshotDownload'])

function kw(args: Arg[], ...names: string[]): Value | undefined {
  for (const n of names) {
    const a = args.find((x) => x.keyword === n)
    if (a) return a.value
  }
  return undefined
}

function pos(args: Arg[], i: number): Value | undefined {
  const positional = args.filter((a) => a.keyword === null)
  // `*args` / `**kwargs` hide positions: nothing after them can be trusted.
  const star = positional.findIndex((a) => a.value.kind === 'expr' && a.value.text.startsWith('*'))
  if (star >= 0 && star <= i) return undefined
  return positional[i]?.value
}

function repoType(v: Value | undefined): HubKind {
  return v?.kind === 'string' && (v.value === 'dataset' || v.value === 'space') ? v.value : 'model'
}

export function recognisePython(call: Call): HubCall | null {
  const name = call.callee[call.callee.length - 1]!
  const owner = call.callee[call.callee.length - 2]
  const a = call.args
  const revision = kw(a, 'revision')
  switch (name) {
    case 'from_pretrained':
      // PEFT loads an adapter onto a model object: `PeftModel.from_pretrained(model, "org/adapter")`.
      if (owner && /^Peft(Mixed)?Model/.test(owner)) return { id: kw(a, 'model_id') ?? pos(a, 1), revision, kind: 'model', style: 'python' }
      return { id: kw(a, 'pretrained_model_name_or_path', 'repo_id', 'model_id', 'model_name_or_path') ?? pos(a, 0), revision, kind: 'model', style: 'python' }
    case 'hf_hub_download':
    case 'hf_hub_url':
      return { id: kw(a, 'repo_id') ?? pos(a, 0), revision, kind: repoType(kw(a, 'repo_type')), style: 'python', file: kw(a, 'filename') ?? pos(a, 1) }
    case 'snapshot_download':
      return { id: kw(a, 'repo_id') ?? pos(a, 0), revision, kind: repoType(kw(a, 'repo_type')), style: 'python' }
    case 'load_dataset':
    case 'load_dataset_builder':
      return { id: kw(a, 'path') ?? pos(a, 0), revision, kind: 'dataset', style: 'python' }
    case 'pipeline':
      // transformers' pipeline takes a task string first (or task=/model= keywords); other `pipeline`s do not.
      if (pos(a, 0)?.kind !== 'string' && !kw(a, 'task') && !kw(a, 'model')) return null
      return { id: kw(a, 'model') ?? pos(a, 1), revision, kind: 'model', style: 'python' }
    case 'SentenceTransformer':
    case 'CrossEncoder':
    case 'SparseEncoder':
      return { id: kw(a, 'model_name_or_path', 'model_name') ?? pos(a, 0), revision, kind: 'model', style: 'python' }
    case 'LLM':
      return { id: kw(a, 'model') ?? pos(a, 0), revision, kind: 'model', style: 'python' }
    case 'load': {
      // `torch.hub.load` (or `hub.load` after `from torch import hub`); TF Hub's `hub.load(url)` has no owner/repo and is skipped below.
      if (owner !== 'hub' || (call.callee.length > 2 && call.callee[call.callee.length - 3] !== 'torch')) return null
      const source = kw(a, 'source')
      return { id: kw(a, 'repo_or_dir', 'github') ?? pos(a, 0), revision: undefined, kind: 'model', style: 'torch-hub', local: source?.kind === 'string' && source.value === 'local' }
    }
    case 'create_model':
    case 'create_model_and_transforms':
    case 'create_model_from_pretrained':
    case 'get_tokenizer':
      return { id: kw(a, 'model_name') ?? pos(a, 0), revision: undefined, kind: 'model', style: 'hf-hub-prefix' }
    default:
      return null
  }
}

export function recogniseJs(call: Call): HubCall | null {
  const name = call.callee[call.callee.length - 1]!
  const a = call.args
  const option = (v: Value | undefined, key: string) => (v?.kind === 'object' ? v.entries.get(key) : undefined)
  switch (name) {
    case 'pipeline':
      // transformers.js takes a task string first; node:stream's pipeline takes streams.
      if (pos(a, 0)?.kind !== 'string') return null
      return { id: pos(a, 1), revision: option(pos(a, 2), 'revision'), kind: 'model', style: 'js' }
    case 'from_pretrained':
      return { id: pos(a, 0), revision: option(pos(a, 1), 'revision'), kind: 'model', style: 'js' }
    case 'downloadFile':
    case 'downloadFileToCacheDir':
    case 'snapshotDownload': {
      const params = pos(a, 0)
      const repo = option(params, 'repo')
      const typed = repo?.kind === 'object' ? repo : undefined
      const kind = repoType(option(typed, 'type'))
      return { id: typed ? option(typed, 'name') : repo, revision: option(params, 'revision'), kind, style: 'js-hub-object', ...(name === 'snapshotDownload' ? {} : { file: option(params, 'path') }) }
    }
    default:
      return null
  }
}
