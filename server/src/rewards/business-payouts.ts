import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../http/context.js';
import { ZPageQuery, decodeCursor, toPage } from '../core/pagination.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { payableAccount } from './ledger.js';

/** Only the last two digits: enough for a merchant to recognise a customer on the phone, no more. */
export function maskPhone(phoneE164: string): string {
  const digits = phoneE164.replace(/\D/g, '');
  return digits.length < 2 ? '••' : `••••${digits.slice(-2)}`;
}

type PayoutRow = { id: string; batch_id: string; phone_hash: string; phone_enc: string; amount_minor: number; status: string; paid_at: string | null; created_at: string };

/**
 * What of one payout came from this business: a customer's payout sums everything they were owed, across
 * businesses, since their previous (not failed) payout. We attribute the business's own reward and reversal
 * ledger entries booked in that window, never the payout total, which would reveal activity elsewhere.
 */
async function businessShare(ctx: AppContext, businessId: string, p: PayoutRow) {
  const prev = await ctx.db.kysely
    .selectFrom('payouts')
    .select('created_at')
    .where('phone_hash', '=', p.phone_hash)
    .where('id', '<', p.id)
    .where('status', '!=', 'failed')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  let q = ctx.db.kysely
    .selectFrom('ledger_entries')
    .select(['kind', 'amount_minor'])
    .where('business_id', '=', businessId)
    .where('account', '=', payableAccount(p.phone_hash))
    .where('kind', 'in', ['reward', 'reversal'])
    .where('created_at', '<=', p.created_at);
  if (prev) q = q.where('created_at', '>', prev.created_at);
  const rows = await q.execute();
  // Payable is a liability: money owed to the customer is booked negative.
  return { amountMinor: -rows.reduce((s, r) => s + Number(r.amount_minor), 0), rewardCount: rows.filter((r) => r.kind === 'reward').length };
}

/** Payouts to customers who earned rewards at this business, newest first, with masked phone numbers. */
export async function listBusinessPayouts(ctx: AppContext, businessId: string, query: { limit: number; cursor?: string }) {
  await getBusinessRow(ctx.db, businessId);
  const after = decodeCursor(query.cursor);
  const customers = ctx.db.kysely.selectFrom('rewards').select('phone_hash').where('business_id', '=', businessId).where('phone_hash', 'is not', null);
  let q = ctx.db.kysely
    .selectFrom('payouts')
    .select(['id', 'batch_id', 'phone_hash', 'phone_enc', 'amount_minor', 'status', 'paid_at', 'created_at'])
    .where('phone_hash', 'in', customers.$narrowType<{ phone_hash: string }>())
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (after) q = q.where('id', '<', after);
  const page = toPage(await q.execute(), query.limit);
  const items = [];
  for (const p of page.items) {
    const share = await businessShare(ctx, businessId, p);
    items.push({ id: p.id, batchId: p.batch_id, status: p.status, createdAt: p.created_at, paidAt: p.paid_at, amountMinor: share.amountMinor, rewardCount: share.rewardCount, currency: 'SEK', phoneMasked: maskPhone(ctx.services.pii.open('phone', p.phone_enc)) });
  }
  return { items, nextCursor: page.nextCursor };
}

export function businessPayoutRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/admin/businesses/:businessId/rewards/payouts',
      { config: { access: 'tenant' }, schema: { tags: ['admin'], summary: "Payouts of this business's rewards (customers' phone numbers masked)", params: z.object({ businessId: z.uuid() }), querystring: ZPageQuery } },
      async (req) => listBusinessPayouts(ctx, req.params.businessId, req.query),
    );
  };
}
