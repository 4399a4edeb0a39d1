// The targets `npm run bench` reports against (issue #2: hashing; the pickle scanner's opcode rate).
// A benchmark prints where it stands; it never fails a build (machines differ).

export interface Target {
  label: string
  /** Met when the value is at least / below this. */
  min?: number
  max?: number
  /** How the target reads in the report, e.g. `>= 0.9`. */
  text: string
}

export const TARGETS = {
  /** openssl time / modelgate time on the same file, same run. */
  ratio: { label: 'ratio', min: 0.9, text: '>= 0.9' },
  /** Peak resident set size of the whole CLI process, in MB (10^6 bytes). */
  rssMB: { label: 'peak RSS', max: 150, text: '< 150 MB' },
  /** Pickle opcodes per second, end to end. */
  opcodesPerSecond: { label: 'opcodes/s', min: 1_000_000, text: '>= 1M/s' }
} satisfies Record<string, Target>

export type Verdict = 'meets' | 'BELOW TARGET'

export function judge(value: number, target: Target): Verdict {
  const ok = (target.min === undefined || value >= target.min) && (target.max === undefined || value < target.max)
  return ok ? 'meets' : 'BELOW TARGET'
}

/** `0.953 (>= 0.9: meets)`. */
export function against(shown: string, value: number, target: Target): string {
  return `${shown} (${target.text}: ${judge(value, target)})`
}
