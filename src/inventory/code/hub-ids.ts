import type { HubKind } from '../../types.js'
import { urlPath } from '../../util/url-path.js'

/** Hub repository ids and revisions: what is a real reference, what is pinned, where it lives. */

const COMMIT = /^[0-9a-f]{40}$/i
/** `name` or `org/name`, as the Hub allows them. */
const REPO_ID = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?$/
/** Names of files rather than repositories: a local checkpoint, not a hub id. */
const FILE_NAME = /\.(json|bin|pt|pth|ckpt|safetensors|gguf|ggml|onnx|h5|keras|pkl|pickle|joblib|msgpack|model|py|txt|csv|tsv|jsonl|parquet|arrow|zip|tar|gz|yaml|yml)$/i
/** `load_dataset` builders that read local or URL data, not a hub dataset. */
const PACKAGED_BUILDERS = new Set(['csv', 'json', 'jsonl', 'parquet', 'text', 'arrow', 'pandas', 'imagefolder', 'audiofolder', 'videofolder', 'pdffolder', 'niftifolder', 'webdataset', 'sql', 'generator', 'spark', 'xml', 'hdf5', 'cache', 'eval', 'lance'])

export function isCommit(rev: string | null): boolean {
  return rev !== null && COMMIT.test(rev)
}

/** A string that the hub client would resolve on the Hub (not a path, URL or file). */
export function isHubId(id: string, kind: HubKind): boolean {
  if (!REPO_ID.test(id) || id.includes('..') || id.includes('--') || FILE_NAME.test(id)) return false
  if (kind === 'dataset' && PACKAGED_BUILDERS.has(id.toLowerCase())) return false
  return true
}

/** A Hub repository's web page (models at the root, datasets and spaces under their kind). */
export function hubPage(id: string, kind: HubKind): string {
  return `https://huggingface.co/${kind === 'model' ? '' : `${kind}s/`}${urlPath(id)}`
}

/** `owner/repo[:ref]` for torch.hub (GitHub). */
export function parseTorchHub(spec: string): { repo: string; ref: string | null } | null {
  const m = /^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)(?::([^\s:]+))?$/.exec(spec)
  return m ? { repo: m[1]!, ref: m[2] ?? null } : null
}

/** timm / open_clip `hf-hub:org/name[@rev]`; null when the name is a built-in architecture. */
export function parseHfHubPrefix(spec: string): { id: string; revision: string | null } | null {
  const m = /^hf[-_]hub:([^@]+)(?:@(.+))?$/.exec(spec)
  return m ? { id: m[1]!, revision: m[2] ?? null } : null
}
