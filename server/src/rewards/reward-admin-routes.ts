import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';
import { actorOf } from '../auth/admin-auth.js';
import { recordAudit } from '../audit/audit-log.js';
import { decideHeldReward } from './reward-service.js';
import { createPayoutBatch, getPayoutBatch, markBatchPaid, markPayoutFailed, payoutBatchCsv } from './payout-service.js';
import { statementFor } from './statement-service.js';
import { statementCsv, statementPdf } from './statement.js';
import { trialRoutes } from '../businesses/trial-routes.js';
import { businessPayoutRoutes } from './business-payouts.js';
import { registerPayoutAccount, submitBatch } from './payout-submit.js';
import { billingRoutes } from './billing-routes.js';

const REWARD_STATUSES = ['awaiting_phone', 'awaiting_verification', 'held', 'approved', 'rejected', 'reversed', 'none'] as const;
const ZId = z.object({ id: z.uuid() });

function rewardDto(r: { id: string; session_id: string; business_id: string; amount_minor: number; bps: number; tier: string; status: string; details: string; decided_by: string | null; decided_at: string | null; created_at: string }) {
  return { id: r.id, sessionId: r.session_id, businessId: r.business_id, amountMinor: r.amount_minor, currency: 'SEK', bps: r.bps, tier: r.tier, status: r.status, details: JSON.parse(r.details) as unknown, decidedBy: r.decided_by, decidedAt: r.decided_at, createdAt: r.created_at };
}

/** Operator money routes: fraud and money review of held rewards, payout batches, monthly statements, billing. */
export function rewardAdminRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // The trial decides whether rewards are promised and commission charged, so it lives beside them.
    await app.register(trialRoutes(ctx));
    await app.register(businessPayoutRoutes(ctx));
    await app.register(billingRoutes(ctx));
    app.get('/admin/rewards', { schema: { tags: ['admin'], summary: 'Rewards (e.g. ?status=held for the fraud review queue)', querystring: ZPageQuery.extend({ status: z.enum(REWARD_STATUSES).optional(), businessId: z.uuid().optional() }) } }, async (req) => {
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('rewards').selectAll().orderBy('id', 'desc').limit(req.query.limit + 1);
      if (after) q = q.where('id', '<', after);
      if (req.query.status) q = q.where('status', '=', req.query.status);
      if (req.query.businessId) q = q.where('business_id', '=', req.query.businessId);
      const page = toPage(await q.execute(), req.query.limit);
      const risk = await ctx.db.kysely.selectFrom('feedback_sessions').select(['id', 'risk_score', 'risk_details']).where('id', 'in', page.items.length ? page.items.map((r) => r.session_id) : ['-']).execute();
      const riskBySession = new Map(risk.map((s) => [s.id, { score: s.risk_score, details: s.risk_details ? (JSON.parse(s.risk_details) as unknown) : null }]));
      return { items: page.items.map((r) => ({ ...rewardDto(r), risk: riskBySession.get(r.session_id) ?? null })), nextCursor: page.nextCursor };
    });

    for (const decision of ['approve', 'reject'] as const) {
      app.post(`/admin/rewards/:id/${decision}`, { schema: { tags: ['admin'], summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a reward held for fraud review`, params: ZId, body: z.object({ reason: z.string().trim().min(3).max(500) }).strict() } }, async (req) => {
        const who = actorOf(req);
        const reward = await decideHeldReward(ctx, req.params.id, decision, who.actor, (trx, r) => recordAudit(trx, { ...who, action: `reward.${decision}`, targetType: 'reward', targetId: r.id, details: { reason: req.body.reason } }));
        return rewardDto(reward);
      });
    }

    app.post('/admin/payout-batches', { schema: { tags: ['admin'], summary: 'Create a payout batch from every balance over the minimum' } }, async (req, reply) => reply.status(201).send(await createPayoutBatch(ctx, actorOf(req))));
    app.get('/admin/payout-batches', { schema: { tags: ['admin'], summary: 'Payout batches', querystring: ZPageQuery } }, async (req) => {
      const after = decodeCursor(req.query.cursor);
      let q = ctx.db.kysely.selectFrom('payout_batches').selectAll().orderBy('id', 'desc').limit(req.query.limit + 1);
      if (after) q = q.where('id', '<', after);
      const page = toPage(await q.execute(), req.query.limit);
      return { items: page.items.map((b) => ({ id: b.id, status: b.status, totalMinor: b.total_minor, payoutCount: b.payout_count, createdAt: b.created_at, paidAt: b.paid_at })), nextCursor: page.nextCursor };
    });
    app.get('/admin/payout-batches/:id', { schema: { tags: ['admin'], summary: 'A payout batch and its payouts', params: ZId } }, async (req) => getPayoutBatch(ctx, req.params.id));
    app.get('/admin/payout-batches/:id/export.csv', { schema: { tags: ['admin'], summary: 'Swish payout file (one row per phone number)', params: ZId } }, async (req, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="kvittra-utbetalning-${req.params.id}.csv"`).send(await payoutBatchCsv(ctx, req.params.id, actorOf(req))),
    );
    app.post('/admin/payout-batches/:id/mark-paid', { schema: { tags: ['admin'], summary: 'Mark a batch paid (idempotent; amounts come from the server)', params: ZId, body: z.object({ reference: z.string().trim().min(1).max(200).optional() }).strict() } }, async (req) =>
      markBatchPaid(ctx, req.params.id, req.body.reference, actorOf(req)),
    );
    app.post('/admin/payout-batches/:id/submit', { schema: { tags: ['admin'], summary: 'Send a batch through the API payout provider (Stripe Connect); idempotent per payout', params: ZId } }, async (req) =>
      submitBatch(ctx, req.params.id, actorOf(req)),
    );
    app.put(
      '/admin/payout-accounts',
      { schema: { tags: ['admin'], summary: "Link a customer's phone number to their Stripe Connect Express account", body: z.object({ phone: z.string().max(32), stripeAccountId: z.string().regex(/^acct_[A-Za-z0-9]{6,64}$/) }).strict() } },
      async (req) => registerPayoutAccount(ctx, req.body, actorOf(req)),
    );
    app.post('/admin/payouts/:id/mark-failed', { schema: { tags: ['admin'], summary: 'A payout the provider rejected; the balance is owed again', params: ZId, body: z.object({ reason: z.string().trim().min(3).max(500) }).strict() } }, async (req, reply) => {
      await markPayoutFailed(ctx, req.params.id, req.body.reason, actorOf(req));
      return reply.status(204).send();
    });

    const ZStatementParams = z.object({ businessId: z.uuid(), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });
    app.get('/admin/businesses/:businessId/statements/:month', { schema: { tags: ['admin'], summary: 'Monthly statement: rewards + tiered commission (none on trial feedback) + VAT, at the rates fixed for the month', params: ZStatementParams } }, async (req) => statementFor(ctx, req.params.businessId, req.params.month));
    app.get('/admin/businesses/:businessId/statements/:month/statement.csv', { schema: { tags: ['admin'], summary: 'Monthly statement as CSV', params: ZStatementParams } }, async (req, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="kvittra-manadsbesked-${req.params.month}.csv"`).send(statementCsv(await statementFor(ctx, req.params.businessId, req.params.month))),
    );
    app.get('/admin/businesses/:businessId/statements/:month/statement.pdf', { schema: { tags: ['admin'], summary: 'Monthly statement as PDF', params: ZStatementParams } }, async (req, reply) =>
      reply.type('application/pdf').header('content-disposition', `attachment; filename="kvittra-manadsbesked-${req.params.month}.pdf"`).send(statementPdf(await statementFor(ctx, req.params.businessId, req.params.month))),
    );
  };
}
