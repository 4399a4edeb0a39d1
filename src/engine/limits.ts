/** Per-file budgets: hostile files must not hold the scan hostage. */
export interface Limits {
  /** Files processed at once. */
  concurrency: number
  /** Base time per file; large files get extra time proportional to size. */
  fileTimeoutMs: number
  /** Throughput floor used to extend the timeout for large files (bytes per second). */
  minBytesPerSecond: number
}

export const DEFAULT_LIMITS: Limits = { concurrency: 4, fileTimeoutMs: 60_000, minBytesPerSecond: 20 * 1024 * 1024 }

export function timeoutFor(size: number, limits: Limits): number {
  return limits.fileTimeoutMs + Math.ceil((size / limits.minBytesPerSecond) * 1000)
}
