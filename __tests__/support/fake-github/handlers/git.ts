/** Repository data routes: contents (file/dir, raw and object media types), blobs, trees. */
import { flattenTree, sizeOf, type GitFile, type TreeEntry } from '../git.js'
import { errorBody, GitHubError, notFound, ok, type Ctx, type Reply } from '../reply.js'
import { nodeId } from '../shapes.js'

const MB = 1024 * 1024

/** GitHub wraps base64 at 60 columns in contents and blob responses. */
const base64 = (buf: Buffer): string => (buf.toString('base64').match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join('')

const wantsRaw = (accept: string): boolean => /\.raw\b|\.v3\.raw/.test(accept)

function rawReply(buf: Buffer): Reply {
  const utf8 = Buffer.from(buf.toString('utf8'), 'utf8').equals(buf)
  return { status: 200, raw: buf, headers: { 'content-type': utf8 ? 'text/plain; charset=utf-8' : 'application/octet-stream' } }
}

function tooLarge(ctx: Ctx, limitMb: number): GitHubError {
  const message = `This API returns blobs up to ${limitMb} MB in size. The requested blob is too large to fetch via the API, but you can always clone the repository via Git to obtain it.`
  return new GitHubError(403, errorBody(message, ctx.op.docsUrl, 403, { errors: [{ resource: 'Blob', field: 'data', code: 'too_large' }] }), false)
}

function entry(ctx: Ctx, ref: string, path: string, e: Pick<TreeEntry, 'type' | 'sha' | 'size'>): Record<string, unknown> {
  const { state: s, urls } = ctx
  const repoApi = `${urls.api}/repos/${s.owner}/${s.repo}`
  const enc = path.split('/').map(encodeURIComponent).join('/')
  const self = `${repoApi}/contents/${enc}?ref=${encodeURIComponent(ref)}`
  const git = `${repoApi}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`
  const html = `${urls.html}/${s.owner}/${s.repo}/${e.type === 'tree' ? 'tree' : 'blob'}/${ref}/${enc}`
  return {
    name: path.split('/').pop() ?? path,
    path,
    sha: e.sha,
    size: e.type === 'tree' ? 0 : (e.size ?? 0),
    url: self,
    html_url: html,
    git_url: git,
    download_url: e.type === 'tree' ? null : `https://raw.githubusercontent.com/${s.owner}/${s.repo}/${ref}/${enc}`,
    type: e.type === 'tree' ? 'dir' : 'file',
    _links: { self, git, html }
  }
}

function fileReply(ctx: Ctx, ref: string, path: string, f: GitFile): Reply {
  const size = sizeOf(f)
  if (size > 100 * MB) throw tooLarge(ctx, 100)
  if (wantsRaw(ctx.accept)) return rawReply(f.content)
  const meta = entry(ctx, ref, path, { type: 'blob', sha: f.sha, size })
  // 1–100 MB: GitHub answers the object without content ("encoding": "none"); raw media type gets bytes
  if (size > MB) return ok({ ...meta, content: '', encoding: 'none' })
  return ok({ ...meta, content: base64(f.content), encoding: 'base64' })
}

/** GET /repos/{owner}/{repo}/contents/{path}?ref= */
export function getContent(ctx: Ctx): Reply {
  const { state: s } = ctx
  const path = String(ctx.params.path ?? '').replace(/^\/+|\/+$/g, '')
  const ref = ctx.query.ref as string | undefined
  const root = s.rootTreeAt(ref ?? s.defaultBranch)
  if (!root) {
    if (ref === undefined) throw notFound(ctx)
    throw new GitHubError(404, errorBody(`No commit found for the ref ${ref}`, ctx.op.docsUrl, 404), false)
  }
  const refName = ref ?? s.defaultBranch
  const file = s.filesAt(refName)?.get(path)
  if (file) return fileReply(ctx, refName, path, file)
  // walk the trees for a directory
  let treeSha: string | undefined = root
  for (const part of path ? path.split('/') : []) {
    const hit: TreeEntry | undefined = s.tree(treeSha ?? '')?.entries.find((e) => e.path === part && e.type === 'tree')
    treeSha = hit?.sha
    if (!treeSha) throw notFound(ctx)
  }
  const tree = s.tree(treeSha ?? '')
  if (!tree) throw notFound(ctx)
  const listing = tree.entries.map((e) => entry(ctx, refName, path ? `${path}/${e.path}` : e.path, e))
  if (/\.object\b/.test(ctx.accept)) {
    return ok({ ...entry(ctx, refName, path, { type: 'tree', sha: tree.sha }), entries: listing })
  }
  return ok(listing)
}

/** GET /repos/{owner}/{repo}/git/blobs/{file_sha} (up to 100 MB, base64 or raw) */
export function getBlob(ctx: Ctx): Reply {
  const sha = String(ctx.params.file_sha)
  const f = ctx.state.blob(sha)
  if (!f) throw notFound(ctx)
  if (sizeOf(f) > 100 * MB) throw tooLarge(ctx, 100)
  if (wantsRaw(ctx.accept)) return rawReply(f.content)
  return ok({
    sha,
    node_id: nodeId('B', sha),
    size: f.content.length,
    url: `${ctx.urls.api}/repos/${ctx.state.owner}/${ctx.state.repo}/git/blobs/${sha}`,
    content: base64(f.content),
    encoding: 'base64'
  })
}

/**
 * GET /repos/{owner}/{repo}/git/trees/{tree_sha}: tree_sha may be a tree, commit sha or branch.
 * Any value of `recursive` (even "0" or "false") recurses, as GitHub documents; above the entry
 * limit GitHub returns a partial list with `truncated: true`.
 */
export function getTree(ctx: Ctx): Reply {
  const { state: s, urls } = ctx
  const wanted = String(ctx.params.tree_sha)
  const sha = s.tree(wanted) ? wanted : s.rootTreeAt(wanted)
  const tree = sha ? s.tree(sha) : undefined
  if (!sha || !tree) throw notFound(ctx)
  const repoApi = `${urls.api}/repos/${s.owner}/${s.repo}`
  const all = ctx.query.recursive !== undefined ? flattenTree(s.treeMap(), sha) : tree.entries
  const truncated = all.length > s.treeEntryLimit
  return ok({
    sha,
    url: `${repoApi}/git/trees/${sha}`,
    tree: all.slice(0, s.treeEntryLimit).map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === 'blob' ? { size: e.size } : {}),
      url: `${repoApi}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`
    })),
    truncated
  })
}
