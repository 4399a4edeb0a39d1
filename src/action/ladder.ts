import * as core from '@actions/core'
import { describeFailure } from '../github/errors.js'

/** Workflow `permissions:` keys a write needs. */
export type Permission = 'pull-requests' | 'checks' | 'contents' | 'security-events'

/**
 * Runs each reporting step on its own: a step that throws is logged and the next one still runs.
 * A 403 on a write (fork and Dependabot tokens are read-only) is remembered, not warned about per
 * step: `finish` emits one warning naming every permission to grant.
 */
export class Ladder {
  private readonly denied = new Map<Permission, string[]>()

  /** Returns false when the step failed. */
  async step(name: string, permission: Permission | null, fn: () => Promise<void>): Promise<boolean> {
    try {
      await fn()
      return true
    } catch (err) {
      const f = describeFailure(err)
      if (f.forbidden && permission) {
        this.denied.set(permission, [...(this.denied.get(permission) ?? []), name])
        core.info(`${name}: GitHub answered 403 (${f.message})${f.acceptedPermissions ? `; it accepts ${f.acceptedPermissions}` : ''}`)
      } else {
        core.warning(`ModelGate could not ${name}: ${f.status ? `HTTP ${f.status}: ` : ''}${f.message}`)
      }
      return false
    }
  }

  isDenied(permission: Permission): boolean {
    return this.denied.has(permission)
  }

  get anyDenied(): boolean {
    return this.denied.size > 0
  }

  /** The single warning for a read-only token, or nothing. */
  finish(): void {
    if (this.denied.size === 0) return
    const perms = [...this.denied.keys()].sort()
    const steps = [...this.denied.values()].flat()
    core.warning(
      `ModelGate could not ${steps.join(', ')}: the token is read-only (a fork or Dependabot pull request, or missing permissions). ` +
        `The results are in the job summary, the annotations and the exit code. To get comments and checks, grant ` +
        `${perms.map((p) => `\`${p}: write\``).join(' and ')} in the workflow's permissions, or for forks use the workflow_run pattern in docs/action.md.`
    )
  }
}
