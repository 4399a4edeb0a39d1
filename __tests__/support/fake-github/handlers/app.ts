/** GitHub App routes (JWT-authenticated): installation tokens and webhook redelivery. */
import { created, errorBody, GitHubError, notFound, ok, type Ctx, type Reply } from '../reply.js'

export function createInstallationToken(ctx: Ctx): Reply {
  const s = ctx.state
  const id = Number(ctx.params.installation_id)
  if (!s.app || (id !== s.app.installationId && !s.app.moreInstallations?.includes(id))) throw notFound(ctx)
  if (s.token === undefined) throw new Error('fake-github: seed a token for the app installation to hand out')
  s.installationTokens++
  return created({
    token: s.token,
    expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    permissions: Object.fromEntries(Object.entries(s.permissions).filter(([, v]) => v !== 'none')),
    repository_selection: 'all'
  })
}

export function listHookDeliveries(ctx: Ctx): Reply {
  const s = ctx.state
  const per = Math.min(Number(ctx.query.per_page ?? 30), 100)
  return ok(
    s.hookDeliveries.slice(0, per).map((d) => ({
      id: d.id,
      guid: d.guid,
      delivered_at: '2024-05-01T12:00:00Z',
      redelivery: d.redelivery ?? false,
      duration: 0.1,
      status: 'OK',
      status_code: 202,
      event: d.event,
      action: d.action ?? null,
      installation_id: s.app?.installationId ?? null,
      repository_id: s.repoId
    }))
  )
}

export function redeliverHookDelivery(ctx: Ctx): Reply {
  const s = ctx.state
  const d = s.hookDeliveries.find((x) => x.id === Number(ctx.params.delivery_id))
  if (!d) throw new GitHubError(404, errorBody('Not Found', ctx.op.docsUrl, 404), false)
  s.redeliveries.push({ deliveryId: d.id, guid: d.guid, at: s.now() })
  return { ...created({}), status: 202 }
}
