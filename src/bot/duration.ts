/**
 * A duration as people read it in a check run or a log line: "250 ms", "1.5 s", "10 min",
 * "1 min 30 s". Never "0 s" for a deadline under a second.
 */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms))
  if (whole < 1000) return `${whole} ms`
  if (whole < 60_000) return `${Number((whole / 1000).toFixed(1))} s`
  const seconds = Math.round(whole / 1000)
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`
}
