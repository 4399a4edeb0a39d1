import { describeFailure } from '../github/errors.js'
import type { ReportLog } from './log.js'

/** Permission keys a write needs (workflow `permissions:` and GitHub App permissions alike). */
export type Permission = 'pull-requests' | 'checks' | 'contents' | 'security-events'

/**
 * Runs each reporting step on its own: a step that throws is logged and the next one still runs.
 * A 403 on a write (read-only tokens, an app installed without a permission) is remembered, not
 * warned about per step: `finish` emits one warning naming every permission to grant, worded by
 * the front end (`deniedMessage`).
 */
export class Ladder {
  private readonly denied = new Map<Permission, string[]>()

  constructor(
    private readonly log: ReportLog,
    private readonly deniedMessage: (steps: string[], permissions: Permission[]) => string
  ) {}

  /** Returns false when the step failed. */
  async step(name: string, permission: Permission | null, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn()
      return true
    } catch (err) {
      const f = describeFailure(err)
      if (f.forbidden && permission) {
        this.denied.set(permission, [...(this.denied.get(permission) ?? []), name])
        this.log.info(`${name}: GitHub answered 403 (${f.message})${f.acceptedPermissions ? `; it accepts ${f.acceptedPermissions}` : ''}`)
      } else {
        this.log.warning(`ModelGate could not ${name}: ${f.status ? `HTTP ${f.status}: ` : ''}${f.message}`)
      }
      return false
    }
  }

  /** Replaces the "grant this permission" advice for a refusal that no permission fixes. */
  explain(permission: Permission, message: string): void {
    if (!this.denied.has(permission)) return
    this.denied.delete(permission)
    this.log.warning(message)
  }

  isDenied(permission: Permission): boolean {
    return this.denied.has(permission)
  }

  get anyDenied(): boolean {
    return this.denied.size > 0
  }

  /** The single warning for missing permissions, or nothing. */
  finish(): void {
    if (this.denied.size === 0) return
    this.log.warning(this.deniedMessage([...this.denied.values()].flat(), [...this.denied.keys()].sort()))
  }
}
