import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { actorOf } from '../auth/admin-auth.js';
import { recordAudit } from '../audit/audit-log.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { getBusinessSettings, updateBusinessSettings } from './business-settings.js';

const ZBusinessParams = z.object({ businessId: z.uuid() });
export const MAX_QUESTIONS = 10;

/** Per-business settings (matching tolerances, reward tiers and budgets inside the operator's ceilings, context) and the business's own questions. */
export function settingsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/admin/businesses/:businessId/settings', { schema: { tags: ['admin'], summary: 'Business settings (with defaults filled in)', params: ZBusinessParams } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      return getBusinessSettings(ctx.db, req.params.businessId);
    });

    app.patch('/admin/businesses/:businessId/settings', { schema: { tags: ['admin'], summary: 'Update settings (deep-merged, validated as a whole; rewards only inside the ceilings; billing fields are refused with 403)', params: ZBusinessParams, body: z.record(z.string(), z.unknown()) } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      const next = await updateBusinessSettings(ctx.db, req.params.businessId, req.body, actorOf(req));
      return next;
    });

    app.get('/admin/businesses/:businessId/questions', { schema: { tags: ['admin'], summary: "The business's own questions for customers", params: ZBusinessParams } }, async (req) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      const rows = await ctx.db.kysely.selectFrom('business_questions').selectAll().where('business_id', '=', req.params.businessId).where('active', '=', 1).orderBy('position').orderBy('id').execute();
      return { items: rows.map((q) => ({ id: q.id, text: q.text, position: q.position, createdAt: q.created_at })) };
    });

    app.post('/admin/businesses/:businessId/questions', { schema: { tags: ['admin'], summary: 'Add a question (max 10 active)', params: ZBusinessParams, body: z.object({ text: z.string().trim().min(5).max(300), position: z.number().int().min(0).max(100).default(0) }).strict() } }, async (req, reply) => {
      await getBusinessRow(ctx.db, req.params.businessId);
      const row = { id: newId(), business_id: req.params.businessId, text: req.body.text, active: 1, position: req.body.position, created_at: nowIso() };
      await ctx.db.writer.run(async (trx) => {
        const count = await trx.selectFrom('business_questions').select((eb) => eb.fn.countAll<number>().as('n')).where('business_id', '=', row.business_id).where('active', '=', 1).executeTakeFirstOrThrow();
        if (Number(count.n) >= MAX_QUESTIONS) throw new AppError('conflict', `At most ${MAX_QUESTIONS} active questions.`);
        await trx.insertInto('business_questions').values(row).execute();
        await recordAudit(trx, { ...actorOf(req), action: 'business.question_add', targetType: 'business_question', targetId: row.id, details: { businessId: row.business_id } });
      });
      return reply.status(201).send({ id: row.id, text: row.text, position: row.position, createdAt: row.created_at });
    });

    app.delete('/admin/businesses/:businessId/questions/:questionId', { schema: { tags: ['admin'], summary: 'Retire a question (answers stay attached to past feedback)', params: ZBusinessParams.extend({ questionId: z.uuid() }) } }, async (req, reply) => {
      const res = await ctx.db.writer.run(async (trx) => {
        const r = await trx.updateTable('business_questions').set({ active: 0 }).where('id', '=', req.params.questionId).where('business_id', '=', req.params.businessId).executeTakeFirst();
        if (r.numUpdatedRows > 0n) await recordAudit(trx, { ...actorOf(req), action: 'business.question_remove', targetType: 'business_question', targetId: req.params.questionId });
        return r;
      });
      if (res.numUpdatedRows === 0n) throw notFound('Question');
      return reply.status(204).send();
    });
  };
}
