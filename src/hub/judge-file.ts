import { identify } from '../identify/identify.js'
import { INSPECTORS } from '../inspect/registry.js'
import type { Issue } from '../inspect/types.js'
import { BufferByteSource } from '../util/byte-source.js'
import { failureOf, type HubFailure, type HubHttp } from './http.js'
import { BudgetExceeded, RangeSource } from './range-source.js'
import type { RepoFile } from './repo-info.js'

export interface JudgedFile {
  path: string
  /** Format identified from the bytes, null when the file could not be read or is not an artifact. */
  format: string | null
  /** What identification and inspection found (the same parsers as for local files). */
  issues: Issue[]
  /** Why the judgement is partial: the byte budget ran out, or the Hub stopped answering. */
  stopped: { budget: number } | { failure: HubFailure } | null
  /** Bytes fetched from the Hub for this file. */
  fetched: number
}

/** Findings that stand even when a read stopped half way: what was seen was seen. */
const CONCLUSIVE = new Set(['unsafe-serialization', 'unknown-global'])

/**
 * One Hub file judged by the local parsers over HTTP range requests: identify (magic
 * bytes against the name), then the format's inspector (safetensors/GGUF headers,
 * pickle and torch-zip scans). When the budget or the connection gives out, the
 * parsers' own "could not read" issues are replaced by `stopped`, keeping only
 * conclusive findings, so the file is reported as incomplete, never as safe.
 */
export async function judgeFile(http: HubHttp, url: string, file: RepoFile, budget: number, deadlineMs: number): Promise<JudgedFile> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new Error(`gave up after ${Math.round(deadlineMs / 100) / 10} s`)), deadlineMs)
  let src: RangeSource | null = null
  try {
    if (file.size === 0) return await inspect(file.path, new BufferByteSource(Buffer.alloc(0)), null)
    src = await RangeSource.open(http, url, file.size, budget, controller.signal)
    const opened = src
    const deadline = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error)))
    // The controller is aborted in `finally` on every path: that late rejection is nobody's concern.
    deadline.catch(() => {})
    return await Promise.race([inspect(file.path, opened, opened), deadline])
  } catch (err) {
    const stopped = err instanceof BudgetExceeded ? { budget } : { failure: src?.stopped && 'failure' in src.stopped ? src.stopped.failure : failureOf(err) }
    return { path: file.path, format: null, issues: [], stopped, fetched: src?.fetched ?? 0 }
  } finally {
    clearTimeout(timer)
    controller.abort()
  }
}

async function inspect(path: string, bytes: BufferByteSource | RangeSource, range: RangeSource | null): Promise<JudgedFile> {
  const id = await identify(path, bytes)
  const issues: Issue[] = [...(id?.issues ?? [])]
  const broken = issues.some((i) => i.rule === 'unparseable-artifact')
  // Content that is a valid file of another format than its name (a pickle named .npy) is inspected as what it is.
  const inspector = id && (!broken || id.misnamed) ? INSPECTORS[id.format] : undefined
  if (inspector) issues.push(...(await inspector(bytes, { path, facts: { ...id!.facts } })).issues)
  const stopped = range?.stopped ? ('budget' in range.stopped ? { budget: range.budget } : { failure: range.stopped.failure }) : null
  return {
    path,
    format: id?.format ?? null,
    issues: stopped ? issues.filter((i) => CONCLUSIVE.has(i.rule)) : issues,
    stopped,
    fetched: range?.fetched ?? 0
  }
}
