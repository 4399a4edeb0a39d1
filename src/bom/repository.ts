import { urlPath } from '../util/url-path.js'

/** An account that supplies or holds things: a GitHub owner, a Hub user or organisation. */
export interface Account {
  name: string
  url: string
}

/** The scanned repository as both BOMs describe it. */
export interface Repository {
  /** The GitHub account that owns it (`owner` of `owner/repo`): the supplier of what is in it. */
  owner: Account | null
  /** `pkg:github/owner/repo`, at the scanned commit when it is known. */
  purl: string | null
  /** `https://github.com/owner/repo` when the scanned commit is known too: the base of links into it. */
  url: string | null
  head: string | null
}

/** The subject on GitHub when it is named `owner/repo`; a folder name has no owner, purl or links. */
export function repositoryOf(subject: string, head: string | undefined): Repository {
  const github = /^([\w.-]+)\/[\w.-]+$/.exec(subject)
  return {
    owner: github ? { name: github[1]!, url: `https://github.com/${github[1]}` } : null,
    purl: github ? (head ? `pkg:github/${subject}@${head}` : `pkg:github/${subject}`) : null,
    url: github && head ? `https://github.com/${subject}` : null,
    head: head ?? null
  }
}

/** The file or folder on GitHub at the scanned commit, when both are known. */
export function repoLink(repo: Repository, p: string, kind: 'tree' | 'blob'): string | null {
  return repo.url && repo.head ? `${repo.url}/${kind}/${repo.head}${p === '.' ? '' : `/${urlPath(p)}`}` : null
}

/** A file on GitHub at the scanned commit when known, else its path in the repository (a relative reference). */
export function fileLocation(repo: Repository, p: string): string {
  return repoLink(repo, p, 'blob') ?? urlPath(p)
}
