import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { payoutSettledEntries } from './ledger.js';
import { insertEntries, loadEntries } from './ledger-store.js';
import { getPayoutBatch, markPayoutFailed, payoutProviderOf, payoutTxnId } from './payout-service.js';

/**
 * Paying a batch through an API provider (Stripe Connect): every pending payout of the batch is sent
 * once per submission with its own idempotency key; a paid payout is settled in the ledger, a refused
 * one fails (its money is owed again and joins the next batch), a transient error leaves it pending
 * for the next submission. The batch is paid when nothing is pending any more. Amounts are read from
 * the payouts rows the server wrote when it built the batch, never from the request.
 */
export async function submitBatch(ctx: AppContext, batchId: string, who: Actor) {
  const provider = payoutProviderOf(ctx);
  if (provider.mode !== 'api' || !provider.pay) throw new AppError('conflict', `Payouts go through ${provider.name}: export the file and mark the batch paid instead.`);
  const batch = await ctx.db.kysely.selectFrom('payout_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw notFound('Payout batch');
  const pending = await ctx.db.kysely.selectFrom('payouts').select(['id', 'phone_hash', 'amount_minor']).where('batch_id', '=', batchId).where('status', '=', 'pending').orderBy('id').execute();
  const summary = { paid: 0, failed: 0, pending: 0 };
  for (const p of pending) {
    const account = await ctx.db.kysely.selectFrom('payout_accounts').select('account_ref').where('phone_hash', '=', p.phone_hash).where('provider', '=', provider.name).executeTakeFirst();
    const outcome = await provider.pay({ payoutId: p.id, batchId, amountMinor: p.amount_minor, currency: 'SEK', destination: account?.account_ref ?? null });
    if (outcome.status === 'paid') summary[(await settlePayout(ctx, p.id, outcome.reference)) ? 'paid' : 'pending']++;
    else if (outcome.status === 'failed') {
      await failQuietly(ctx, p.id, outcome.reason, who);
      summary.failed++;
    } else {
      ctx.log.warn({ payoutId: p.id, reason: outcome.reason }, 'payout left pending: provider unavailable');
      summary.pending++;
    }
  }
  await closeBatchIfDone(ctx, batchId, who, summary);
  return { ...(await getPayoutBatch(ctx, batchId)), submission: summary };
}

/** Settles one payout the provider confirmed. False when another request already decided it. */
async function settlePayout(ctx: AppContext, payoutId: string, reference: string): Promise<boolean> {
  return ctx.db.writer.run(async (trx) => {
    const claimed = await trx.updateTable('payouts').set({ status: 'paid', paid_at: nowIso(), provider_reference: reference }).where('id', '=', payoutId).where('status', '=', 'pending').executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return false;
    const ledger = await loadEntries(trx, { txnIds: [payoutTxnId(payoutId)], refs: [payoutId] });
    await insertEntries(trx, payoutSettledEntries(ledger, { txnId: `settled:${payoutId}`, payoutTxnId: payoutTxnId(payoutId) }), { payoutId });
    return true;
  });
}

async function failQuietly(ctx: AppContext, payoutId: string, reason: string, who: Actor): Promise<void> {
  try {
    await markPayoutFailed(ctx, payoutId, reason, who);
  } catch (err) {
    // Decided by a concurrent submission: nothing left to do.
    if (!(err instanceof AppError && err.code === 'conflict')) throw err;
  }
}

async function closeBatchIfDone(ctx: AppContext, batchId: string, who: Actor, summary: Record<string, number>): Promise<void> {
  await ctx.db.writer.run(async (trx) => {
    const left = await trx.selectFrom('payouts').select('id').where('batch_id', '=', batchId).where('status', '=', 'pending').executeTakeFirst();
    if (!left) await trx.updateTable('payout_batches').set({ status: 'paid', paid_at: nowIso() }).where('id', '=', batchId).where('status', '!=', 'paid').execute();
    await recordAudit(trx, { ...who, action: 'payout_batch.submit', targetType: 'payout_batch', targetId: batchId, details: summary });
  });
}

/** Links a customer's phone number to their connected Stripe Express account (onboarded outside Kvittra). */
export async function registerPayoutAccount(ctx: AppContext, input: { phone: string; stripeAccountId: string }, who: Actor) {
  const phone = normaliseSwedishMobile(input.phone);
  if (!phone) throw new AppError('invalid_phone');
  const phoneHash = ctx.services.pii.hash('phone', phone);
  const now = nowIso();
  await ctx.db.writer.run(async (trx) => {
    await trx
      .insertInto('payout_accounts')
      .values({ phone_hash: phoneHash, provider: 'stripe-connect', account_ref: input.stripeAccountId, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['phone_hash', 'provider']).doUpdateSet({ account_ref: input.stripeAccountId, updated_at: now }))
      .execute();
    await recordAudit(trx, { ...who, action: 'payout_account.register', targetType: 'payout_account', targetId: phoneHash, details: { provider: 'stripe-connect', account: input.stripeAccountId } });
  });
  return { provider: 'stripe-connect', stripeAccountId: input.stripeAccountId };
}
