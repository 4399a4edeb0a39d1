/** A problem with how ModelGate was invoked or configured: exit 2 with a one-line message. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
