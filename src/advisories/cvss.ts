/**
 * CVSS v3.0/v3.1 base scores from a vector string (FIRST's specification, section 7), for advisories
 * whose database gives a vector but no severity word. CVSS v4 scores come from a large lookup table
 * rather than a formula; a v4-only advisory without a severity word stays "unknown".
 */

const AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 }
const AC: Record<string, number> = { L: 0.77, H: 0.44 }
const UI: Record<string, number> = { N: 0.85, R: 0.62 }
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 }

/** The base score (0.0–10.0), or null when the vector is not a complete CVSS v3 base vector. */
export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.trim().split('/')
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? '')) return null
  const m = new Map<string, string>()
  for (const p of parts.slice(1)) {
    const [k, v] = p.split(':')
    if (!k || v === undefined || m.has(k)) return null
    m.set(k, v)
  }
  const scope = m.get('S')
  const av = AV[m.get('AV') ?? '']
  const ac = AC[m.get('AC') ?? '']
  const ui = UI[m.get('UI') ?? '']
  const c = CIA[m.get('C') ?? '']
  const i = CIA[m.get('I') ?? '']
  const a = CIA[m.get('A') ?? '']
  const prKey = m.get('PR')
  const pr = prKey === 'N' ? 0.85 : prKey === 'L' ? (scope === 'C' ? 0.68 : 0.62) : prKey === 'H' ? (scope === 'C' ? 0.5 : 0.27) : undefined
  if ((scope !== 'U' && scope !== 'C') || av === undefined || ac === undefined || ui === undefined || pr === undefined || c === undefined || i === undefined || a === undefined) return null
  const iss = 1 - (1 - c) * (1 - i) * (1 - a)
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15)
  const exploitability = 8.22 * av * ac * pr * ui
  if (impact <= 0) return 0
  return roundUp(Math.min(scope === 'U' ? impact + exploitability : 1.08 * (impact + exploitability), 10))
}

/** CVSS v3.1 Roundup: the smallest one-decimal number ≥ x, robust to floating-point noise. */
function roundUp(x: number): number {
  const n = Math.round(x * 100000)
  return n % 10000 === 0 ? n / 100000 : (Math.floor(n / 10000) + 1) / 10
}

/** CVSS qualitative rating, in GitHub's words (`moderate` for CVSS "medium"). */
export function levelForScore(score: number): 'critical' | 'high' | 'moderate' | 'low' {
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'moderate' : 'low'
}
