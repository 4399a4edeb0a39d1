import { createHash } from 'node:crypto'

/**
 * Repositories of the fake Hub and the API answers built from them, in the shapes
 * the real Hub sends (field names, order and types as in huggingface_hub's recorded
 * answers, e.g. tests/cassettes/InferenceApiTest.test_simple_inference.yaml, and as
 * `HfApi.model_info(files_metadata=True)` reads them: `siblings[].blobId/size/lfs`).
 */
export interface FakeRepo {
  kind: 'model' | 'dataset' | 'space'
  /** `org/name` (or a bare legacy name). */
  id: string
  /** The one commit the repository has (40 hex). */
  commit: string
  files: Record<string, Buffer | string>
  /** Branches and tags; default `{ main: commit }`. */
  refs?: Record<string, string>
  /** `cardData` as the Hub parses it from README.md front matter. */
  cardData?: Record<string, unknown>
  tags?: string[]
  gated?: false | 'auto' | 'manual'
  private?: boolean
  /** Tokens that may read a private repository or a gated one's files. */
  grants?: string[]
  /** Old ids the Hub redirects to this one (renamed repositories). */
  formerIds?: string[]
}

/** What .gitattributes sends to LFS on the Hub (the default file lists these and more). */
const LFS_NAME = /\.(bin|safetensors|pt|pth|ckpt|pkl|pickle|joblib|h5|onnx|gguf|msgpack|npy|npz|parquet|arrow|tflite|ot)$/

export interface Blob {
  path: string
  content: Buffer
  /** Git blob id: of the LFS pointer for LFS files, of the content otherwise. */
  blobId: string
  lfs: { sha256: string; size: number; pointerSize: number } | null
}

export function blobsOf(repo: FakeRepo): Blob[] {
  return Object.entries(repo.files).map(([path, raw]) => {
    const content = Buffer.isBuffer(raw) ? raw : Buffer.from(raw)
    if (!LFS_NAME.test(path)) return { path, content, blobId: gitBlobId(content), lfs: null }
    const sha256 = createHash('sha256').update(content).digest('hex')
    const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${content.length}\n`)
    return { path, content, blobId: gitBlobId(pointer), lfs: { sha256, size: content.length, pointerSize: pointer.length } }
  })
}

function gitBlobId(b: Buffer): string {
  return createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex')
}

/** A stable 24-hex `_id` per repository, like the Hub's Mongo ids. */
function objectId(id: string): string {
  return createHash('md5').update(id).digest('hex').slice(0, 24)
}

/** `GET /api/{kind}s/{id}/revision/{rev}`: `blobs=true` adds `blobId`, `size` and `lfs` to each sibling. */
export function repoInfoAnswer(repo: FakeRepo, blobs: boolean): Record<string, unknown> {
  const siblings = blobsOf(repo)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((b) => (blobs ? { rfilename: b.path, blobId: b.blobId, size: b.content.length, ...(b.lfs ? { lfs: b.lfs } : {}) } : { rfilename: b.path }))
  const author = repo.id.includes('/') ? repo.id.split('/')[0] : undefined
  const license = typeof repo.cardData?.license === 'string' ? repo.cardData.license : undefined
  const tags = [...(repo.tags ?? []), ...(license ? [`license:${license}`] : []), 'region:us']
  const common = {
    _id: objectId(repo.id),
    id: repo.id,
    ...(author ? { author } : {}),
    sha: repo.commit,
    lastModified: '2024-02-19T11:06:12.000Z',
    private: repo.private ?? false,
    gated: repo.gated ?? false,
    disabled: false
  }
  if (repo.kind === 'dataset') {
    return { ...common, tags, downloads: 0, likes: 0, ...(repo.cardData ? { cardData: repo.cardData } : {}), siblings, createdAt: '2022-03-02T23:29:22.000Z', usedStorage: usedStorage(repo) }
  }
  if (repo.kind === 'space') {
    return { ...common, likes: 0, tags, sdk: 'gradio', ...(repo.cardData ? { cardData: repo.cardData } : {}), siblings, createdAt: '2022-03-02T23:29:22.000Z', usedStorage: usedStorage(repo) }
  }
  return {
    _id: common._id,
    id: repo.id,
    private: common.private,
    tags,
    downloads: 0,
    likes: 0,
    modelId: repo.id,
    ...(author ? { author } : {}),
    sha: repo.commit,
    lastModified: common.lastModified,
    gated: common.gated,
    disabled: false,
    'model-index': null,
    ...(repo.cardData ? { cardData: repo.cardData } : {}),
    siblings,
    spaces: [],
    createdAt: '2022-03-02T23:29:04.000Z',
    usedStorage: usedStorage(repo)
  }
}

function usedStorage(repo: FakeRepo): number {
  return blobsOf(repo).reduce((n, b) => n + b.content.length, 0)
}
