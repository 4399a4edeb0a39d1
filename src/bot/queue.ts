/**
 * The in-process work queue: at most `concurrency` jobs at once, jobs with the same key (one pull
 * request) one after another, a bounded backlog, and a drain for graceful shutdown.
 */
export interface QueueItem<T> {
  key: string
  value: T
  enqueuedAt: number
}

export interface Running<T> extends QueueItem<T> {
  startedAt: number
  /** Set when the job is handed back at shutdown: it must not write anything else. */
  cancelled: boolean
  /** Aborted with `cancelled`: stops the job's scan (no more API calls, no more files). */
  readonly stop: AbortController
  /** Set by the job once it holds a check run: completes it as interrupted at shutdown. */
  release?: (why: string) => Promise<void>
}

/** After the grace period: how long cancelled jobs get to reach their next cancellation check. */
const SETTLE_MS = 3000

export class WorkQueue<T> {
  private readonly waiting: QueueItem<T>[] = []
  private readonly running = new Set<Running<T>>()
  private readonly busyKeys = new Set<string>()
  private idleWaiters: Array<() => void> = []
  private closed = false

  constructor(
    private readonly concurrency: number,
    private readonly limit: number,
    private readonly work: (item: Running<T>) => Promise<void>,
    private readonly onError: (err: unknown, item: QueueItem<T>) => void
  ) {}

  get depth(): number {
    return this.waiting.length
  }

  get active(): number {
    return this.running.size
  }

  /** false when full or closed: the caller answers 503. */
  push(key: string, value: T): boolean {
    if (this.closed || this.waiting.length >= this.limit) return false
    this.waiting.push({ key, value, enqueuedAt: Date.now() })
    this.pump()
    return true
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const i = this.waiting.findIndex((w) => !this.busyKeys.has(w.key))
      if (i < 0) break
      const [item] = this.waiting.splice(i, 1) as [QueueItem<T>]
      const run: Running<T> = { ...item, startedAt: Date.now(), cancelled: false, stop: new AbortController() }
      this.running.add(run)
      this.busyKeys.add(item.key)
      void this.work(run)
        .catch((err: unknown) => this.onError(err, item))
        .finally(() => {
          this.running.delete(run)
          this.busyKeys.delete(item.key)
          this.pump()
          if (this.running.size === 0 && this.waiting.length === 0) for (const w of this.idleWaiters.splice(0)) w()
        })
    }
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /**
   * Stops accepting, lets work finish until `graceMs`, then returns what is left: the waiting items
   * (removed from the queue) and the running ones (marked cancelled) for the caller to hand back.
   */
  async drain(graceMs: number): Promise<{ waiting: QueueItem<T>[]; running: Running<T>[] }> {
    this.closed = true
    let timer: NodeJS.Timeout | undefined
    const finished = await Promise.race([this.idle().then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))])
    clearTimeout(timer)
    if (finished) return { waiting: [], running: [] }
    const waiting = this.waiting.splice(0)
    const running = [...this.running]
    for (const r of running) {
      r.cancelled = true
      r.stop.abort()
    }
    // A job that was creating its check run when time ran out holds one only once GitHub answers; a
    // cancelled job stops at its next check, so give those a moment to settle (and record `release`).
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTLE_MS)))])
    clearTimeout(timer)
    return { waiting, running }
  }
}
