import type { GitHubClient } from '../github/client.js'
import { describeFailure } from '../github/errors.js'

/** A comment's author as GitHub lists it. */
export interface Author {
  login?: string
  type?: string
}

/**
 * Whether a comment was written with this token, so it is ours to edit or delete (a person can paste our
 * marker). `user` is the account behind a person's token (absent for bot tokens).
 */
export type IsOurs = ((author: Author | null | undefined) => boolean) & { user?: string }

/** GITHUB_TOKEN and GitHub App installation tokens write as a bot. */
export const BY_BOT: IsOurs = (a) => a?.type === 'Bot'

/**
 * Who writes with the client's token: GET /user names the account behind a user token (a personal
 * access token writes as that person); GITHUB_TOKEN and installation tokens get 403 there and write
 * as a bot.
 */
export async function tokenAuthor(client: GitHubClient): Promise<IsOurs> {
  try {
    const { data } = await client.rest.users.getAuthenticated()
    const login = data.login
    return Object.assign((a: Author | null | undefined) => a?.login === login, { user: login })
  } catch (err) {
    if (describeFailure(err).forbidden) return BY_BOT
    throw err
  }
}
