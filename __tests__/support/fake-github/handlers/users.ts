/** The token's own identity: a user token gets its account, GITHUB_TOKEN and app installation tokens a 403. */
import { errorBody, GitHubError, ok, type Ctx, type Reply } from '../reply.js'
import { privateUser } from '../shapes.js'

/** GET /user: GitHub answers a bot's token (the actor is a Bot) with 403, as it does for every installation token. */
export function getAuthenticatedUser(ctx: Ctx): Reply {
  const actor = ctx.state.actor
  if (actor.type === 'Bot') throw new GitHubError(403, errorBody('Resource not accessible by integration', ctx.op.docsUrl, 403), false)
  return ok(privateUser(actor, ctx.urls))
}
