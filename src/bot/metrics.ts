import { readFileSync } from 'node:fs'

/**
 * This process's own peak RSS. On Linux getrusage's ru_maxrss survives execve, so a server
 * forked from a large parent (a supervisor, a test runner) would report the parent's peak;
 * VmHWM in /proc/self/status starts afresh with the new program.
 */
function peakResidentBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) return Number(m[1]) * 1024
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024
}

/** Counters and scan durations for GET /metrics (Prometheus text format). */
export class Metrics {
  readonly deliveries = new Map<string, number>()
  readonly jobs = new Map<string, number>()
  private readonly durations: number[] = []
  private durationSum = 0
  private durationCount = 0
  private static readonly WINDOW = 500

  delivery(status: number): void {
    this.deliveries.set(String(status), (this.deliveries.get(String(status)) ?? 0) + 1)
  }

  job(outcome: string): void {
    this.jobs.set(outcome, (this.jobs.get(outcome) ?? 0) + 1)
  }

  scanDuration(seconds: number): void {
    this.durations.push(seconds)
    if (this.durations.length > Metrics.WINDOW) this.durations.shift()
    this.durationSum += seconds
    this.durationCount++
  }

  quantile(q: number): number {
    if (this.durations.length === 0) return 0
    const sorted = [...this.durations].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  }

  render(queue: { depth: number; active: number }, bodyBytesInFlight = 0): string {
    const mem = process.memoryUsage()
    const lines = [
      '# HELP modelgate_queue_depth Deliveries waiting for a worker.',
      '# TYPE modelgate_queue_depth gauge',
      `modelgate_queue_depth ${queue.depth}`,
      '# HELP modelgate_jobs_running Scans running now.',
      '# TYPE modelgate_jobs_running gauge',
      `modelgate_jobs_running ${queue.active}`,
      '# HELP modelgate_webhook_body_bytes_in_flight Webhook body bytes being received (held before the signature check).',
      '# TYPE modelgate_webhook_body_bytes_in_flight gauge',
      `modelgate_webhook_body_bytes_in_flight ${bodyBytesInFlight}`,
      '# HELP modelgate_webhook_deliveries_total Webhook deliveries by HTTP status answered.',
      '# TYPE modelgate_webhook_deliveries_total counter',
      ...[...this.deliveries].map(([s, n]) => `modelgate_webhook_deliveries_total{status="${s}"} ${n}`),
      '# HELP modelgate_jobs_total Finished jobs by outcome.',
      '# TYPE modelgate_jobs_total counter',
      ...[...this.jobs].map(([o, n]) => `modelgate_jobs_total{outcome="${o}"} ${n}`),
      `# HELP modelgate_scan_duration_seconds Scan durations (quantiles over the last ${Metrics.WINDOW} scans).`,
      '# TYPE modelgate_scan_duration_seconds summary',
      ...[0.5, 0.9, 0.99].map((q) => `modelgate_scan_duration_seconds{quantile="${q}"} ${this.quantile(q).toFixed(3)}`),
      `modelgate_scan_duration_seconds_sum ${this.durationSum.toFixed(3)}`,
      `modelgate_scan_duration_seconds_count ${this.durationCount}`,
      '# HELP process_resident_memory_bytes Resident set size.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${mem.rss}`,
      '# HELP modelgate_max_resident_memory_bytes Peak resident set size since start.',
      '# TYPE modelgate_max_resident_memory_bytes gauge',
      `modelgate_max_resident_memory_bytes ${peakResidentBytes()}`,
      '# HELP nodejs_heap_used_bytes V8 heap in use.',
      '# TYPE nodejs_heap_used_bytes gauge',
      `nodejs_heap_used_bytes ${mem.heapUsed}`,
      '# HELP nodejs_external_memory_bytes Memory outside the V8 heap held by JavaScript objects (Buffers among them).',
      '# TYPE nodejs_external_memory_bytes gauge',
      `nodejs_external_memory_bytes ${mem.external}`
    ]
    return lines.join('\n') + '\n'
  }
}
