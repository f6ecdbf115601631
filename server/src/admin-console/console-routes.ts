import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery, decodeCursor, encodeCursor, toPage } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { overrideScore } from './score-override.js';
import { createBan, liftBan, listBans } from './ban-service.js';
import { appealAdminRoutes } from './appeal-routes.js';
import { userAdminRoutes } from './user-routes.js';
import { approvalRoutes } from './approval-routes.js';
import { liveSessionRoutes } from './live-session-routes.js';
import { auditLogRoutes } from './audit-log-routes.js';

const ZReason = z.string().trim().min(3).max(500);

/** Operator console APIs (all operator-only: no route here sets an access level). */
export function adminConsoleRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(userAdminRoutes(ctx));
    await app.register(approvalRoutes(ctx));
    await app.register(appealAdminRoutes(ctx));
    await app.register(liveSessionRoutes(ctx));
    await app.register(auditLogRoutes(ctx));

    app.get('/admin/bans', { schema: { tags: ['admin-console'], summary: 'Bans (phone, device, IP)', querystring: ZPageQuery.extend({ status: z.enum(['active', 'lifted']).optional() }) } }, async (req) => {
      const items = await listBans(ctx, req.query.status, req.query.limit, decodeCursor(req.query.cursor));
      const page = items.slice(0, req.query.limit);
      return { items: page, nextCursor: items.length > req.query.limit ? encodeCursor(page[page.length - 1]!.id) : null };
    });
    app.post('/admin/bans', { schema: { tags: ['admin-console'], summary: "Ban a session's phone, device or IP (or a given value)", body: z.object({ kind: z.enum(['phone', 'device', 'ip']), sessionId: z.uuid().optional(), value: z.string().max(200).optional(), reason: ZReason, expiresAt: z.iso.datetime().optional() }).strict() } }, async (req, reply) =>
      reply.status(201).send(await createBan(ctx, req.body, actorOf(req))),
    );
    app.post('/admin/bans/:banId/lift', { schema: { tags: ['admin-console'], summary: 'Lift a ban', params: z.object({ banId: z.uuid() }), body: z.object({ reason: ZReason }).strict() } }, async (req) => liftBan(ctx, req.params.banId, req.body.reason, actorOf(req)));

    app.post('/admin/feedback-sessions/:sessionId/score-override', { schema: { tags: ['admin-console'], summary: 'Override a quality score (reason required; reward recomputed; audited)', params: z.object({ sessionId: z.uuid() }), body: z.object({ score: z.number().int().min(0).max(100), reason: ZReason }).strict() } }, async (req) =>
      overrideScore(ctx, req.params.sessionId, req.body.score, req.body.reason, actorOf(req)),
    );
    app.get('/admin/score-overrides', { schema: { tags: ['admin-console'], summary: 'Score overrides, newest first', querystring: ZPageQuery.extend({ businessId: z.uuid().optional() }) } }, async (req) => {
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('score_overrides').selectAll().orderBy('id', 'desc').limit(req.query.limit + 1);
      if (after) q = q.where('id', '<', after);
      if (req.query.businessId) q = q.where('business_id', '=', req.query.businessId);
      const page = toPage(await q.execute(), req.query.limit);
      return { items: page.items.map((o) => ({ id: o.id, sessionId: o.session_id, businessId: o.business_id, previousScore: o.previous_score, score: o.score, reason: o.reason, actor: o.actor, createdAt: o.created_at })), nextCursor: page.nextCursor };
    });
  };
}
