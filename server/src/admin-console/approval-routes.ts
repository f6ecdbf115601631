import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import type { Db } from '../db/database.js';
import { AppError, notFound } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { actorOf } from '../auth/admin-auth.js';
import { toBusinessDto } from '../businesses/business-service.js';

const ZBusiness = z.object({ businessId: z.uuid() });

/** Approves or rejects a business (audited); exported for seeding tools that create live businesses. */
export async function decideApproval(db: Db, businessId: string, status: 'approved' | 'rejected', note: string | undefined, who: Actor) {
  return db.writer.run(async (trx) => {
    const row = await trx.selectFrom('businesses').selectAll().where('id', '=', businessId).executeTakeFirst();
    if (!row) throw notFound('Business');
    if (row.approval_status === status) throw new AppError('conflict', `The business is already ${status}.`);
    await trx.updateTable('businesses').set({ approval_status: status, approved_at: status === 'approved' ? nowIso() : null, approved_by: who.actor, updated_at: nowIso() }).where('id', '=', businessId).execute();
    await recordAudit(trx, { ...who, action: status === 'approved' ? 'business.approve' : 'business.reject_approval', targetType: 'business', targetId: businessId, details: note ? { note } : undefined });
    const updated = await trx.selectFrom('businesses').selectAll().where('id', '=', businessId).executeTakeFirstOrThrow();
    return { ...toBusinessDto(updated), approvalStatus: updated.approval_status, approvedAt: updated.approved_at, approvedBy: updated.approved_by };
  });
}

/** Business approval queue: new businesses start pending; operators approve or reject them. */
export function approvalRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/business-approvals', { schema: { tags: ['admin-console'], summary: 'Businesses by approval status', querystring: ZPageQuery.extend({ status: z.enum(['pending', 'approved', 'rejected']).default('pending') }) } }, async (req) => {
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('businesses').selectAll().where('approval_status', '=', req.query.status).orderBy('id', 'desc').limit(req.query.limit + 1);
      if (after) q = q.where('id', '<', after);
      const page = toPage(await q.execute(), req.query.limit);
      return { items: page.items.map((b) => ({ ...toBusinessDto(b), approvalStatus: b.approval_status, approvedAt: b.approved_at, approvedBy: b.approved_by })), nextCursor: page.nextCursor };
    });
    app.post('/admin/businesses/:businessId/approve', { schema: { tags: ['admin-console'], summary: 'Approve a pending business', params: ZBusiness, body: z.object({ note: z.string().trim().max(500).optional() }).strict().optional() } }, async (req) => decideApproval(ctx.db, req.params.businessId, 'approved', req.body?.note, actorOf(req)));
    app.post('/admin/businesses/:businessId/reject-approval', { schema: { tags: ['admin-console'], summary: 'Reject a business application', params: ZBusiness, body: z.object({ reason: z.string().trim().min(3).max(500) }).strict() } }, async (req) => decideApproval(ctx.db, req.params.businessId, 'rejected', req.body.reason, actorOf(req)));
  };
}
