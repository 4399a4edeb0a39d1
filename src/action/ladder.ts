import { Ladder as SharedLadder, type Permission } from '../report-github/ladder.js'
import { actionLog } from './log.js'

export type { Permission }

/**
 * The action's ladder: a read-only token gets one warning. A fork's token is read-only whatever the
 * workflow grants, so there it points to the workflow_run pattern; elsewhere it names the
 * permissions to grant.
 */
export class Ladder extends SharedLadder {
  constructor(fromFork = false) {
    super(actionLog, (steps, perms) =>
      fromFork
        ? `ModelGate could not ${steps.join(', ')}: a pull request from a fork gets a read-only token, whatever the workflow grants. ` +
          `The results are in the job summary, the annotations and the exit code. To comment on fork pull requests, use the workflow_run pattern in docs/action.md.`
        : `ModelGate could not ${steps.join(', ')}: the token is read-only (a Dependabot pull request, or missing permissions). ` +
          `The results are in the job summary, the annotations and the exit code. To get comments and checks, grant ` +
          `${perms.map((p) => `\`${p}: write\``).join(' and ')} in the workflow's permissions.`
    )
  }
}
