/**
 * A bounded UBJSON (Universal Binary JSON, draft 12, big-endian) decoder for XGBoost's
 * .ubj models. Strongly typed numeric arrays (`[$d#L…`, where the trees' weights live)
 * are skipped rather than materialised: they decode to their length only.
 */
const MAX_DEPTH = 64
const MAX_STRING = 1 << 20

const FIXED: Record<string, number> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1 }

/** A typed numeric array the decoder skipped. */
export interface SkippedArray {
  readonly skipped: number
}

export function decodeUbjson(b: Buffer): unknown {
  let pos = 0
  const need = (n: number): void => {
    if (n < 0 || pos + n > b.length) throw new Error(`truncated at byte ${pos}`)
  }
  const marker = (): string => {
    need(1)
    let m = String.fromCharCode(b[pos++]!)
    while (m === 'N') {
      need(1)
      m = String.fromCharCode(b[pos++]!)
    }
    return m
  }
  const int = (m: string): number => {
    const size = FIXED[m]
    if (size === undefined || m === 'd' || m === 'D' || m === 'C') throw new Error(`byte ${pos - 1}: expected an integer marker, got "${m}"`)
    need(size)
    const at = pos
    pos += size
    if (m === 'i') return b.readInt8(at)
    if (m === 'U') return b.readUInt8(at)
    if (m === 'I') return b.readInt16BE(at)
    if (m === 'l') return b.readInt32BE(at)
    const big = b.readBigInt64BE(at)
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`byte ${at}: integer out of range`)
    return Number(big)
  }
  const length = (): number => {
    const n = int(marker())
    if (n < 0) throw new Error(`byte ${pos}: negative length`)
    return n
  }
  const str = (): string => {
    const n = length()
    if (n > MAX_STRING) throw new Error(`byte ${pos}: a ${n}-byte string (limit ${MAX_STRING})`)
    need(n)
    pos += n
    return b.toString('utf8', pos - n, pos)
  }
  const value = (m: string, depth: number): unknown => {
    switch (m) {
      case 'Z':
        return null
      case 'T':
        return true
      case 'F':
        return false
      case 'S':
      case 'H':
        return str()
      case 'C':
        need(1)
        return String.fromCharCode(b[pos++]!)
      case 'd':
        need(4)
        pos += 4
        return b.readFloatBE(pos - 4)
      case 'D':
        need(8)
        pos += 8
        return b.readDoubleBE(pos - 8)
      case '[':
      case '{':
        if (depth >= MAX_DEPTH) throw new Error(`byte ${pos}: nested deeper than ${MAX_DEPTH}`)
        return container(m === '{', depth + 1)
      default:
        return int(m)
    }
  }
  const container = (obj: boolean, depth: number): unknown => {
    let type: string | null = null
    let n = -1
    if (pos < b.length && b[pos] === 0x24) {
      pos++
      type = marker()
      need(1)
      if (b[pos] !== 0x23) throw new Error(`byte ${pos}: a typed container needs a count`)
      // values of these types take no bytes: a count could demand any number of them
      if (type === 'Z' || type === 'T' || type === 'F') throw new Error(`byte ${pos}: a container of "${type}" values`)
    }
    if (pos < b.length && b[pos] === 0x23) {
      pos++
      n = length()
      if (n > b.length - pos) throw new Error(`byte ${pos}: a count of ${n} exceeds the bytes left`)
    }
    const size = type === null ? undefined : FIXED[type]
    if (!obj && size !== undefined) {
      need(n * size)
      pos += n * size
      return { skipped: n } satisfies SkippedArray
    }
    const out: unknown[] | Record<string, unknown> = obj ? Object.create(null) as Record<string, unknown> : []
    for (let i = 0; n < 0 || i < n; i++) {
      if (n < 0) {
        need(1)
        if (b[pos] === (obj ? 0x7d : 0x5d)) {
          pos++
          break
        }
      }
      const key = obj ? str() : ''
      const v = value(type ?? marker(), depth)
      if (obj) (out as Record<string, unknown>)[key] = v
      else (out as unknown[]).push(v)
    }
    return out
  }
  const top = value(marker(), 0)
  return top
}
