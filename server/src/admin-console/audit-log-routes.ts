import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';

/** Audit log with filters; ids are time-ordered, so `id desc` is newest first and the cursor is stable. */
export function auditLogRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const ZQuery = ZPageQuery.extend({
      actor: z.string().max(200).optional(),
      action: z.string().max(100).optional(),
      targetType: z.string().max(100).optional(),
      targetId: z.string().max(200).optional(),
      from: z.iso.datetime().optional(),
      to: z.iso.datetime().optional(),
    });
    app.get('/admin/audit-log', { schema: { tags: ['admin-console'], summary: 'Audit log of every admin and business action', querystring: ZQuery } }, async (req) => {
      const f = req.query;
      const after = decodeCursor(f.cursor);
      let q = ctx.db.kysely.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
      if (after) q = q.where('id', '<', after);
      if (f.actor) q = q.where('actor', '=', f.actor);
      if (f.action) q = q.where('action', '=', f.action);
      if (f.targetType) q = q.where('target_type', '=', f.targetType);
      if (f.targetId) q = q.where('target_id', '=', f.targetId);
      if (f.from) q = q.where('created_at', '>=', new Date(f.from).toISOString());
      if (f.to) q = q.where('created_at', '<=', new Date(f.to).toISOString());
      const page = toPage(await q.execute(), f.limit);
      return { items: page.items.map((a) => ({ id: a.id, actor: a.actor, action: a.action, targetType: a.target_type, targetId: a.target_id, details: a.details ? (JSON.parse(a.details) as unknown) : null, ip: a.ip, createdAt: a.created_at })), nextCursor: page.nextCursor };
    });
  };
}
