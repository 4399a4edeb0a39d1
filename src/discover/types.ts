import type { ChangeType } from '../types.js'
import type { ByteSource } from '../util/byte-source.js'

/** One file the scan looks at, with a way to read its bytes on demand. */
export interface Candidate {
  /** Repo-relative, `/`-separated. */
  path: string
  change: ChangeType
  oldPath?: string
  /** Opens the side of the file to inspect: head for live files, base for removed ones. */
  open(): Promise<OpenedSource>
  /** Change mode, modified or renamed files: opens the base side, to compare (e.g. dependency pins). */
  openBase?: () => Promise<OpenedSource>
}

export interface OpenedSource extends ByteSource {
  close(): Promise<void>
}

/** A symlink that would lead the scan out of the tree; reported, never followed. */
export interface EscapingLink {
  path: string
  target: string
}

export interface Discovery {
  candidates: Candidate[]
  escapingLinks: EscapingLink[]
}
