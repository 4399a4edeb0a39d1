/**
 * A loopback Hugging Face Hub: the repository API (`/api/{models,datasets,spaces}/{id}/revision/{rev}`),
 * file resolution (`/{id}/resolve/{rev}/{path}`, LFS files redirected to a CDN on another
 * origin, as the Hub redirects to its CDN) and the CDN itself with Range support. Errors
 * carry the Hub's `X-Error-Code` / `X-Error-Message` headers. Every request is recorded
 * (server, path, Range, Authorization) so tests can assert exactly what was asked and who
 * received the token; faults make one route hang, answer garbage or fail.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { blobsOf, repoInfoAnswer, type Blob, type FakeRepo } from './shapes.js'

export interface HubRequest {
  server: 'hub' | 'cdn'
  method: string
  /** Path and query as sent. */
  url: string
  range?: string
  authorization?: string
}

export interface HubFault {
  server?: 'hub' | 'cdn'
  /** The fault applies to requests whose path (without query) starts with this. */
  pathPrefix: string
  /** `hang`: never answers; `garbage`: 200 with an HTML body; `reset`: destroys the socket. */
  kind: 'hang' | 'garbage' | 'reset' | { status: number; headers?: Record<string, string>; body?: string }
  /** How many matching requests fail (default: all). */
  times?: number
}

export interface FakeHub {
  /** Base URL for HF_ENDPOINT. */
  url: string
  cdnUrl: string
  requests: HubRequest[]
  fault(f: HubFault): void
  clearLog(): void
  close(): Promise<void>
}

const COMMIT = /^[0-9a-f]{40}$/

export async function startFakeHub(repos: FakeRepo[]): Promise<FakeHub> {
  const requests: HubRequest[] = []
  const faults: (HubFault & { left: number })[] = []
  const hanging = new Set<http.ServerResponse>()
  const blobs = new Map<string, Blob>()
  for (const r of repos) for (const b of blobsOf(r)) if (b.lfs) blobs.set(b.lfs.sha256, b)

  const hub = http.createServer((req, res) => {
    if (intercept('hub', req, res)) return
    route(req, res)
  })
  const cdn = http.createServer((req, res) => {
    if (intercept('cdn', req, res)) return
    const m = /^\/repos\/[0-9a-f]{2}\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(new URL(req.url!, 'http://x').pathname)
    const blob = m ? blobs.get(m[1]!) : undefined
    if (!blob) return send(res, 403, { 'content-type': 'application/xml' }, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>')
    serveBytes(req, res, blob.content, { etag: `"${blob.lfs!.sha256}"` })
  })
  await Promise.all([listen(hub), listen(cdn)])
  const url = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`
  const cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`

  /** Records the request and applies a matching fault; true when the fault answered. */
  function intercept(server: 'hub' | 'cdn', req: http.IncomingMessage, res: http.ServerResponse): boolean {
    requests.push({
      server,
      method: req.method!,
      url: req.url!,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {})
    })
    const pathname = new URL(req.url!, 'http://x').pathname
    const f = faults.find((x) => (x.server ?? 'hub') === server && pathname.startsWith(x.pathPrefix) && x.left > 0)
    if (!f) return false
    f.left--
    if (f.kind === 'hang') {
      hanging.add(res)
      return true
    }
    if (f.kind === 'reset') {
      req.socket.destroy()
      return true
    }
    if (f.kind === 'garbage') {
      send(res, 200, { 'content-type': 'text/html; charset=utf-8' }, '<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>')
      return true
    }
    send(res, f.kind.status, f.kind.headers ?? {}, f.kind.body ?? '')
    return true
  }

  function route(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url!, 'http://x')
    const path = decodeURIComponent(u.pathname)
    const api = /^\/api\/(models|datasets|spaces)\/(.+)\/revision\/([^/]+)$/.exec(path)
    if (api) return repoApi(req, res, kindOf(api[1]!), api[2]!, api[3]!, u.searchParams.get('blobs') === 'true')
    const file = /^\/(?:(datasets|spaces)\/)?(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path)
    if (file) return resolveFile(req, res, file[1] ? kindOf(file[1]) : 'model', file[2]!, file[3]!, file[4]!)
    send(res, 404, { 'content-type': 'text/plain' }, 'Not Found')
  }

  function find(kind: FakeRepo['kind'], id: string): FakeRepo | { movedTo: string } | null {
    for (const r of repos) {
      if (r.kind !== kind) continue
      if (r.id === id) return r
      if (r.formerIds?.includes(id)) return { movedTo: r.id }
    }
    return null
  }

  /** Private repositories answer as missing ones do (the Hub does not confirm they exist). */
  function access(req: http.IncomingMessage, res: http.ServerResponse, repo: FakeRepo, files: boolean): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const granted = token !== undefined && (repo.grants ?? []).includes(token)
    if (repo.private && !granted) {
      notFound(res)
      return false
    }
    if (files && repo.gated && !granted) {
      const what = repo.kind === 'model' ? 'model' : repo.kind
      const message = token
        ? `Access to ${what} ${repo.id} is restricted and you are not in the authorized list. Visit https://huggingface.co/${repo.id} to ask for access.`
        : `Access to ${what} ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`
      send(res, token ? 403 : 401, { 'x-error-code': 'GatedRepo', 'x-error-message': message, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ error: message }))
      return false
    }
    return true
  }

  function commitFor(repo: FakeRepo, rev: string): string | null {
    const refs = repo.refs ?? { main: repo.commit }
    if (refs[rev]) return refs[rev]!
    return COMMIT.test(rev) && rev === repo.commit ? rev : null
  }

  function repoApi(req: http.IncomingMessage, res: http.ServerResponse, kind: FakeRepo['kind'], id: string, rev: string, blobsFlag: boolean): void {
    const repo = find(kind, id)
    if (!repo) return notFound(res)
    if ('movedTo' in repo) {
      const location = `/api/${kind}s/${repo.movedTo}/revision/${encodeURIComponent(rev)}${blobsFlag ? '?blobs=true' : ''}`
      return send(res, 307, { location, 'content-type': 'text/plain; charset=utf-8' }, `Temporary Redirect. Redirecting to ${location}`)
    }
    if (!access(req, res, repo, false)) return
    if (!commitFor(repo, rev)) return revisionNotFound(res, rev)
    send(res, 200, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(repoInfoAnswer(repo, blobsFlag)))
  }

  function resolveFile(req: http.IncomingMessage, res: http.ServerResponse, kind: FakeRepo['kind'], id: string, rev: string, path: string): void {
    const repo = find(kind, id)
    if (!repo || 'movedTo' in repo) return notFound(res)
    if (!access(req, res, repo, true)) return
    const commit = commitFor(repo, rev)
    if (!commit) return revisionNotFound(res, rev)
    const blob = blobsOf(repo).find((b) => b.path === path)
    if (!blob) return send(res, 404, { 'x-error-code': 'EntryNotFound', 'x-error-message': 'Entry not found', 'x-repo-commit': commit }, 'Entry not found')
    if (blob.lfs) {
      const location = `${cdnUrl}/repos/${blob.lfs.sha256.slice(0, 2)}/${blob.lfs.sha256.slice(2, 4)}/${blob.lfs.sha256}`
      return send(
        res,
        302,
        { location, 'x-repo-commit': commit, 'x-linked-etag': `"${blob.lfs.sha256}"`, 'x-linked-size': String(blob.lfs.size), etag: `"${blob.blobId}"`, 'content-type': 'text/plain; charset=utf-8' },
        `Found. Redirecting to ${location}`
      )
    }
    serveBytes(req, res, blob.content, { etag: `"${blob.blobId}"`, 'x-repo-commit': commit })
  }

  const server: FakeHub = {
    url,
    cdnUrl,
    requests,
    fault: (f) => faults.push({ ...f, left: f.times ?? Infinity }),
    clearLog: () => void requests.splice(0),
    close: async () => {
      for (const r of hanging) r.destroy()
      await Promise.all([close(hub), close(cdn)])
    }
  }
  return server
}

function kindOf(plural: string): FakeRepo['kind'] {
  return plural === 'datasets' ? 'dataset' : plural === 'spaces' ? 'space' : 'model'
}

function notFound(res: http.ServerResponse): void {
  // The Hub answers 401 to anonymous requests for repositories it will not confirm exist.
  send(res, 401, { 'x-error-code': 'RepoNotFound', 'x-error-message': 'Repository not found', 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ error: 'Repository not found' }))
}

function revisionNotFound(res: http.ServerResponse, rev: string): void {
  send(res, 404, { 'x-error-code': 'RevisionNotFound', 'x-error-message': `Invalid rev id: ${rev}`, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ error: `Invalid rev id: ${rev}` }))
}

/** 200 or 206 with `Content-Range`, as S3/CloudFront answer a single `bytes=a-b` / `bytes=a-` range. */
function serveBytes(req: http.IncomingMessage, res: http.ServerResponse, content: Buffer, headers: Record<string, string>): void {
  const base = { ...headers, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' }
  const range = req.headers.range
  if (!range) return send(res, 200, base, content)
  const m = /^bytes=(\d+)-(\d*)$/.exec(range)
  const start = m ? Number(m[1]) : NaN
  const end = m && m[2] ? Math.min(Number(m[2]), content.length - 1) : content.length - 1
  if (!m || start >= content.length || end < start) return send(res, 416, { 'content-range': `bytes */${content.length}` }, '')
  send(res, 206, { ...base, 'content-range': `bytes ${start}-${end}/${content.length}` }, content.subarray(start, end + 1))
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) })
  res.end(body)
}

function listen(s: http.Server): Promise<void> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', resolve))
}

function close(s: http.Server): Promise<void> {
  s.closeAllConnections()
  return new Promise((resolve) => s.close(() => resolve()))
}
