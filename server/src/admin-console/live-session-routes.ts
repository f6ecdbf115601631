import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { recordAudit } from '../audit/audit-log.js';
import { actorOf } from '../auth/admin-auth.js';

export const LIVE_WINDOW_MS = 30 * 60 * 1000;
const FINISHED = ['completed', 'expired'];

/** Sessions customers are in right now, and the one intervention: end a session (the customer then gets 410). */
export function liveSessionRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/live-sessions', { schema: { tags: ['admin-console'], summary: 'Feedback sessions active in the last 30 minutes', querystring: z.object({ businessId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }) } }, async (req) => {
      const since = new Date(Date.now() - LIVE_WINDOW_MS).toISOString();
      let q = ctx.db.kysely
        .selectFrom('feedback_sessions as s')
        .innerJoin('businesses as b', 'b.id', 's.business_id')
        .innerJoin('locations as l', 'l.id', 's.location_id')
        .select(['s.id', 's.business_id', 'b.name as businessName', 's.location_id', 'l.name as locationName', 's.channel', 's.status', 's.created_at', 's.updated_at', 's.expires_at', 's.risk_score', 's.follow_ups_asked'])
        .where('s.updated_at', '>=', since)
        .where('s.status', 'not in', FINISHED)
        .orderBy('s.updated_at', 'desc')
        .limit(req.query.limit);
      if (req.query.businessId) q = q.where('s.business_id', '=', req.query.businessId);
      const rows = await q.execute();
      return { items: rows.map((s) => ({ id: s.id, businessId: s.business_id, businessName: s.businessName, locationId: s.location_id, locationName: s.locationName, channel: s.channel, status: s.status, followUpsAsked: s.follow_ups_asked, createdAt: s.created_at, updatedAt: s.updated_at, expiresAt: s.expires_at, riskScore: s.risk_score })) };
    });

    app.post('/admin/live-sessions/:sessionId/end', { schema: { tags: ['admin-console'], summary: 'End a live session (intervention; audited)', params: z.object({ sessionId: z.uuid() }), body: z.object({ reason: z.string().trim().min(3).max(500) }).strict() } }, async (req) => {
      const who = actorOf(req);
      await ctx.db.writer.run(async (trx) => {
        const s = await trx.selectFrom('feedback_sessions').select(['id', 'status']).where('id', '=', req.params.sessionId).executeTakeFirst();
        if (!s) throw notFound('Feedback session');
        if (FINISHED.includes(s.status)) throw new AppError('session_state', `The session is already ${s.status}.`);
        await trx.updateTable('feedback_sessions').set({ status: 'expired', expires_at: nowIso(), updated_at: nowIso() }).where('id', '=', s.id).where('status', '=', s.status).execute();
        await recordAudit(trx, { ...who, action: 'feedback_session.end', targetType: 'feedback_session', targetId: s.id, details: { reason: req.body.reason, previousStatus: s.status } });
      });
      return { id: req.params.sessionId, status: 'expired' };
    });
  };
}
