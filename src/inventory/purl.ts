import { PackageURL } from 'packageurl-js'
import type { HubKind } from '../types.js'
import { normalizePypiName } from './ml-packages.js'

type Qualifiers = Record<string, string>

/** packageurl-js encodes and normalises per type; a name it rejects still gets a readable purl. */
function build(type: string, namespace: string | null, name: string, version: string | null, qualifiers?: Qualifiers): string {
  try {
    return new PackageURL(type, namespace ?? undefined, name, version ?? undefined, qualifiers, undefined).toString()
  } catch {
    const ns = namespace ? `${encodeURIComponent(namespace)}/` : ''
    return `pkg:${type}/${ns}${encodeURIComponent(name)}${version ? `@${encodeURIComponent(version)}` : ''}`
  }
}

export function pypiPurl(name: string, version: string | null, qualifiers?: Qualifiers): string {
  return build('pypi', null, normalizePypiName(name), version, qualifiers)
}

export function condaPurl(name: string, version: string | null, channel: string | null): string {
  return build('conda', null, name.toLowerCase(), version, channel ? { channel } : undefined)
}

export function npmPurl(name: string, version: string | null): string {
  const at = name.startsWith('@') ? name.indexOf('/') : -1
  return at > 0 ? build('npm', name.slice(0, at), name.slice(at + 1), version) : build('npm', null, name, version)
}

/** `owner/repo` on GitHub; the version is the ref (a commit sha when pinned). */
export function githubPurl(repo: string, ref: string | null): string {
  const [owner, name] = splitId(repo)
  return build('github', owner, name, ref)
}

/**
 * Hugging Face Hub repositories (purl type `huggingface`: namespace = user or org,
 * name = repo, version = commit sha, lower case). Only a commit is a version; a
 * branch or tag stays out of the purl. Datasets and Spaces live under their own
 * URL prefix, which the `repository_url` qualifier records.
 */
export function huggingfacePurl(repoId: string, commit: string | null, kind: HubKind): string {
  const [owner, name] = splitId(repoId)
  const qualifiers = kind === 'model' ? undefined : { repository_url: `https://huggingface.co/${kind}s` }
  return build('huggingface', owner, name, commit, qualifiers)
}

function splitId(id: string): [string | null, string] {
  const slash = id.indexOf('/')
  return slash < 0 ? [null, id] : [id.slice(0, slash), id.slice(slash + 1)]
}
