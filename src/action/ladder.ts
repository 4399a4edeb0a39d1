import { Ladder as SharedLadder, type Permission } from '../report-github/ladder.js'
import { actionLog } from './log.js'

export type { Permission }

/** The action's ladder: a read-only token gets one warning that names the workflow permissions to grant. */
export class Ladder extends SharedLadder {
  constructor() {
    super(
      actionLog,
      (steps, perms) =>
        `ModelGate could not ${steps.join(', ')}: the token is read-only (a fork or Dependabot pull request, or missing permissions). ` +
        `The results are in the job summary, the annotations and the exit code. To get comments and checks, grant ` +
        `${perms.map((p) => `\`${p}: write\``).join(' and ')} in the workflow's permissions, or for forks use the workflow_run pattern in docs/action.md.`
    )
  }
}
