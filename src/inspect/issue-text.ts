import type { Issue } from './types.js'

/** An issue's message with where in the file it is, unless the message already says so. */
export function messageWithOffset(issue: Issue): string {
  return issue.offset !== undefined && !issue.message.includes(`byte ${issue.offset}`) ? `${issue.message} (at byte ${issue.offset})` : issue.message
}
