import type { HubKind } from '../types.js'
import { failureOf, hubGet, readBounded, readJson, type HubFailure, type HubHttp } from './http.js'
import { judgeFile, type JudgedFile } from './judge-file.js'
import { apiPath, parseRepoInfo, type RepoFile, type RepoInfo } from './repo-info.js'

/** Repository information can list tens of thousands of files; more than this is not a real answer. */
const MAX_INFO_BYTES = 64 * 1024 * 1024
/** Shard indexes map tensor names to files: a few MB for the largest models. */
const MAX_INDEX_BYTES = 16 * 1024 * 1024

export interface HubClientOptions {
  /** Bytes read per file (`hub.max-bytes`). */
  budget: number
  /** Time for judging one file, all its requests together. */
  fileDeadlineMs: number
}

/**
 * The Hub as ModelGate uses it, with one cache per run: a repository revision is
 * asked for once, a file at a commit is judged once, however many code lines
 * refer to it. Failures are answers (`{ failure }`), never exceptions.
 */
export class HubClient {
  private readonly infos = new Map<string, Promise<RepoInfo | { failure: HubFailure }>>()
  private readonly texts = new Map<string, Promise<string | { failure: HubFailure }>>()
  private readonly judged = new Map<string, Promise<JudgedFile>>()
  readonly base: string

  constructor(
    readonly http: HubHttp,
    readonly opts: HubClientOptions
  ) {
    this.base = http.endpoint.href.replace(/\/+$/, '')
  }

  /** `GET /api/{kind}s/{id}/revision/{rev}?blobs=true`: the commit, card data and files with their LFS oids. */
  repoInfo(kind: HubKind, id: string, revision: string): Promise<RepoInfo | { failure: HubFailure }> {
    const url = `${this.base}${apiPath(kind)}/${encodeId(id)}/revision/${encodeURIComponent(revision)}?blobs=true`
    return once(this.infos, url, async () => {
      try {
        const { res } = await hubGet(this.http, url, { accept: 'application/json' })
        const parsed = parseRepoInfo(await readJson(res, MAX_INFO_BYTES))
        return 'invalid' in parsed ? { failure: { status: res.status, code: null, reason: `the answer is not repository information: ${parsed.invalid}` } } : parsed
      } catch (err) {
        return { failure: failureOf(err) }
      }
    })
  }

  /** A small text file at a commit (shard indexes), bounded. */
  text(kind: HubKind, id: string, commit: string, file: string, max = MAX_INDEX_BYTES): Promise<string | { failure: HubFailure }> {
    const url = this.fileUrl(kind, id, commit, file)
    return once(this.texts, url, async () => {
      try {
        const { res } = await hubGet(this.http, url)
        return (await readBounded(res, max)).toString('utf8')
      } catch (err) {
        return { failure: failureOf(err) }
      }
    })
  }

  /** A weight file at a commit, judged by range requests within the byte budget. */
  judge(kind: HubKind, id: string, commit: string, file: RepoFile): Promise<JudgedFile> {
    const url = this.fileUrl(kind, id, commit, file.path)
    return once(this.judged, url, () => judgeFile(this.http, url, file, this.opts.budget, this.opts.fileDeadlineMs))
  }

  /** `/{id}/resolve/{commit}/{path}` (datasets and Spaces under `/datasets/`, `/spaces/`). */
  fileUrl(kind: HubKind, id: string, commit: string, file: string): string {
    const prefix = kind === 'model' ? '' : `/${kind}s`
    return `${this.base}${prefix}/${encodeId(id)}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`
  }
}

function encodeId(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/')
}

function once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key)
  if (!p) {
    p = make()
    cache.set(key, p)
  }
  return p
}
