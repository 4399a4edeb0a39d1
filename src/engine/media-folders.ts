import { createHash } from 'node:crypto'
import path from 'node:path'
import type { Artifact, ChangeType } from '../types.js'
import type { Candidate } from '../discover/types.js'
import type { ByteSource } from '../util/byte-source.js'
import type { TreeReader } from '../verify/tree-reader.js'
import { lfsOidOrSha256 } from '../hash/sha256.js'
import { byCodeUnit } from '../util/compare.js'

/**
 * Image, audio and video files under data folders: thousands of them are one dataset,
 * so they become ONE record per folder (file count, total size, extensions, a digest over
 * the sorted (path, sha256) list) instead of thousands of artifacts, or nothing.
 */
export const MEDIA_FOLDER_FORMAT = 'media-folder'

const MEDIA_EXTENSIONS = new Set([
  // images
  'jpg', 'jpeg', 'png', 'gif', 'bmp', 'tif', 'tiff', 'webp', 'ppm', 'pgm', 'pbm', 'heic', 'avif', 'dcm',
  // audio
  'wav', 'flac', 'mp3', 'ogg', 'opus', 'm4a', 'aac', 'aif', 'aiff', 'wma',
  // video
  'mp4', 'avi', 'mov', 'mkv', 'webm'
])
/** Folders that say "data": any media file below one belongs to a dataset. */
const DATA_DIR = /^(data|datasets?|corpus|corpora|train|training|val|valid|validation|eval|evaluation)$/i
/** Folders that may hold data or a project's own pictures: a dataset only with MIN_MEDIA_ONLY_FILES files or more. */
const MEDIA_DIR = /^(test|testing|images?|imgs|pictures|photos|audio|audios|wavs|speech|recordings|videos?|frames|clips)$/i
/** Folders whose pictures are documentation, web assets or test fixtures, never a dataset. */
const NOT_DATA_DIR = /^(docs?|documentation|assets|static|public|site|website|www|\.github|node_modules|fixtures|__fixtures__|snapshots|__snapshots__|screenshots|__screenshots__|icons)$/i
const MIN_MEDIA_ONLY_FILES = 20

export interface MediaFolderKey {
  /** The record's path: the deepest data or media folder above the file. */
  folder: string
  /** No data folder above it: the folder must hold MIN_MEDIA_ONLY_FILES media files to be a dataset. */
  needsCount: boolean
}

/** The folder record a file belongs to, or null when it is no media file in a data folder. */
export function mediaFolderOf(relPath: string): MediaFolderKey | null {
  const ext = path.posix.extname(relPath).slice(1).toLowerCase()
  if (!MEDIA_EXTENSIONS.has(ext)) return null
  const dirs = relPath.split('/').slice(0, -1)
  if (dirs.some((d) => NOT_DATA_DIR.test(d))) return null
  let deepest = -1
  let data = false
  dirs.forEach((d, i) => {
    if (DATA_DIR.test(d)) data = true
    if (DATA_DIR.test(d) || MEDIA_DIR.test(d)) deepest = i
  })
  return deepest < 0 ? null : { folder: dirs.slice(0, deepest + 1).join('/'), needsCount: !data }
}

/** One media file's identity: its SHA-256 and size, or an LFS pointer's oid and size (the object is never fetched). */
export interface MediaDigest {
  sha256: string
  size: number
  lfs: boolean
}

export async function mediaDigest(src: ByteSource): Promise<MediaDigest> {
  return lfsOidOrSha256(src)
}

/** A scanned file as the engine has it after identify/inspect/hash. */
export interface ScannedFile {
  candidate: Candidate
  artifact: Artifact | null
  /** Set for media files in data folders that are no artifact of their own. */
  digest?: MediaDigest
}

export interface MediaContext {
  mode: 'tree' | 'change'
  /** Change mode: the head and base states, to tell an added folder from a modified one. */
  tree?: TreeReader
  baseTree?: TreeReader
}

interface Member {
  /** Path inside the folder. */
  rel: string
  change: ChangeType
  digest: MediaDigest
}

/**
 * Folds media files into folder records. A media file that identified as something else
 * (a pickle named `.png`) stays an artifact of its own, and is not a member; an LFS
 * pointer that identification listed as a bare `lfs-object` dataset is folded in.
 * In change mode a record covers the folder's changed files only (the PR's part of it).
 */
export async function groupMediaFolders(files: readonly ScannedFile[], ctx: MediaContext): Promise<{ artifacts: Artifact[]; folders: Artifact[] }> {
  const groups = new Map<string, { key: MediaFolderKey; members: Member[]; folded: Artifact[] }>()
  const artifacts: Artifact[] = []
  const add = (key: MediaFolderKey, filePath: string, change: ChangeType, digest: MediaDigest, folded: Artifact | null): void => {
    const group = groups.get(key.folder) ?? { key, members: [], folded: [] }
    group.members.push({ rel: filePath.slice(key.folder.length + 1), change, digest })
    if (folded) group.folded.push(folded)
    groups.set(key.folder, group)
  }
  for (const { candidate, artifact, digest } of files) {
    const key = mediaFolderOf(candidate.path)
    const pointer = artifact?.format === 'lfs-object' && artifact.lfs !== null ? artifact : null
    const member = key && (digest ?? (pointer ? { sha256: pointer.sha256, size: pointer.size, lfs: true } : null))
    if (!key || !member) {
      if (artifact) artifacts.push(artifact)
      continue
    }
    add(key, candidate.path, candidate.change, member, pointer)
    // A file moved in from another data folder leaves that folder too.
    const from = candidate.change === 'renamed' && candidate.oldPath ? mediaFolderOf(candidate.oldPath) : null
    if (from && from.folder !== key.folder) add(from, candidate.oldPath!, 'removed', member, null)
  }
  const folders: Artifact[] = []
  for (const [folder, group] of groups) {
    const counts = ctx.mode === 'change' ? await folderCounts(folder, ctx) : { head: group.members.length, base: null }
    if (group.key.needsCount && Math.max(counts.head ?? group.members.length, counts.base ?? 0) < MIN_MEDIA_ONLY_FILES) {
      artifacts.push(...group.folded)
      continue
    }
    folders.push(folderRecord(folder, group.members, ctx.mode === 'change' ? folderChange(group.members, counts) : 'unchanged', ctx.mode))
  }
  return { artifacts, folders }
}

function folderRecord(folder: string, members: Member[], change: ChangeType, mode: 'tree' | 'change'): Artifact {
  members.sort((a, b) => byCodeUnit(a.rel, b.rel))
  // `sha256sum` lines over the sorted paths: the same folder content gives the same digest anywhere.
  const hash = createHash('sha256')
  for (const m of members) hash.update(`${m.digest.sha256}  ${m.rel}\n`)
  const totalBytes = members.reduce((n, m) => n + m.digest.size, 0)
  const extensions = [...new Set(members.map((m) => path.posix.extname(m.rel).slice(1).toLowerCase()))].sort(byCodeUnit)
  const lfsPointers = members.filter((m) => m.digest.lfs).length
  const facts: Artifact['facts'] = { files: members.length, totalBytes, extensions: extensions.join(',') }
  if (lfsPointers > 0) facts.lfsPointers = lfsPointers
  if (mode === 'change') {
    for (const [fact, kind] of [['filesAdded', 'added'], ['filesModified', 'modified'], ['filesRenamed', 'renamed'], ['filesRemoved', 'removed']] as const) {
      facts[fact] = members.filter((m) => m.change === kind).length
    }
  }
  return { path: folder, kind: 'dataset', format: MEDIA_FOLDER_FORMAT, change, size: totalBytes, sha256: hash.digest('hex'), lfs: null, signature: null, license: null, facts }
}

/** Media files of the folder on each side; null when that side cannot be listed. */
async function folderCounts(folder: string, ctx: MediaContext): Promise<{ head: number | null; base: number | null }> {
  const count = async (tree: TreeReader | undefined): Promise<number | null> => {
    if (!tree) return null
    try {
      return (await tree.list(folder)).filter((p) => mediaFolderOf(p)?.folder === folder).length
    } catch {
      return null
    }
  }
  return { head: await count(ctx.tree), base: await count(ctx.baseTree) }
}

/** Added when the base had no media there, removed when the head has none left, else modified. */
function folderChange(members: Member[], counts: { head: number | null; base: number | null }): ChangeType {
  if (counts.base === 0) return 'added'
  if (counts.head === 0) return 'removed'
  if (counts.base !== null && counts.head !== null) return 'modified'
  if (members.every((m) => m.change === 'added')) return 'added'
  if (members.every((m) => m.change === 'removed')) return 'removed'
  return 'modified'
}
