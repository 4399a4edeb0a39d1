import type http from 'node:http'

/**
 * Bytes of webhook bodies held in memory at once, across every request being received. Bodies
 * must be read whole before their signature can be checked, so without a shared bound a burst
 * of unauthenticated uploads would hold (requests × 25 MiB).
 */
export class BodyBudget {
  private used = 0

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.used
  }

  /** Counts `n` more bytes; false (and nothing counted) when they do not fit. */
  take(n: number): boolean {
    if (this.used + n > this.limit) return false
    this.used += n
    return true
  }

  give(n: number): void {
    this.used = Math.max(0, this.used - n)
  }
}

export type Body =
  /** The raw chunks as received, counted against the budget until `release()`. */
  | { kind: 'ok'; chunks: Buffer[]; size: number; release: () => void }
  /** Over the per-body cap: answer 413 and drop the connection. */
  | { kind: 'too-large' }
  /** Over the shared budget: answer 503; the rest of the body is read and discarded, never kept. */
  | { kind: 'busy' }

/**
 * Reads a request body within `maxBytes` and the shared budget. A declared Content-Length is
 * checked before a byte is read; a body without one (chunked) is checked chunk by chunk.
 */
export function readBody(req: http.IncomingMessage, budget: BodyBudget, maxBytes: number): Promise<Body> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  if (declared > maxBytes) return Promise.resolve({ kind: 'too-large' })
  // not read at all: node discards the body once the answer is sent
  if (declared > 0 && budget.inFlight + declared > budget.limit) return Promise.resolve({ kind: 'busy' })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let held = 0
    let settled = false
    const drop = (): void => {
      budget.give(held)
      held = 0
      chunks.length = 0
    }
    const settle = (body: Body): void => {
      if (settled) return
      settled = true
      resolve(body)
    }
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > maxBytes) {
        drop()
        // already answered (busy): stop reading a body that is not even allowed
        if (settled) req.destroy()
        else settle({ kind: 'too-large' })
        return
      }
      if (settled) return // answered busy: discard the rest
      if (!budget.take(c.length)) {
        drop()
        settle({ kind: 'busy' })
        return
      }
      held += c.length
      chunks.push(c)
    })
    req.on('end', () => settle({ kind: 'ok', chunks, size, release: drop }))
    const fail = (err: Error): void => {
      drop()
      if (settled) return
      settled = true
      reject(err)
    }
    req.on('error', fail)
    // a client that goes away mid-upload: its bytes leave the budget at once
    req.on('close', () => {
      if (!req.complete) fail(new Error('the client closed the connection before the body was complete'))
    })
  })
}
