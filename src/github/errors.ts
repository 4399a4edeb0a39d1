/** What a failed GitHub request means for the reporting ladder. */
export interface RequestFailure {
  status: number | null
  /** A 403 that is about the token's permissions, not a rate limit. */
  forbidden: boolean
  /** GitHub's `x-accepted-github-permissions`, e.g. "issues=write; pull_requests=write". */
  acceptedPermissions: string | null
  message: string
}

/** Reads an Octokit RequestError (or anything else thrown) without trusting its shape. */
export function describeFailure(err: unknown): RequestFailure {
  const e = (err ?? {}) as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown>; data?: { message?: unknown } } }
  const status = typeof e.status === 'number' ? e.status : null
  const apiMessage = typeof e.response?.data?.message === 'string' ? e.response.data.message : null
  const message = apiMessage ?? (typeof e.message === 'string' ? e.message : String(err))
  const accepted = e.response?.headers?.['x-accepted-github-permissions']
  const rateLimited = /rate limit/i.test(message)
  return {
    status,
    forbidden: status === 403 && !rateLimited,
    acceptedPermissions: typeof accepted === 'string' && accepted ? accepted : null,
    message: message.split('\n')[0] ?? message
  }
}
