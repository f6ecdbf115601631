import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { DEFAULT_REWARD_SETTINGS } from './settings.js';
import { buildPayoutBatch, type PayableBalance } from './payout-batch.js';
import type { PayoutProvider } from './payout-provider.js';
import { payoutProviderFor } from './payout-providers.js';
import { payableAccount, payoutEntries, payoutFailedEntries, payoutSettledEntries } from './ledger.js';
import { customerEntries, insertEntries, loadEntries, lockCustomer } from './ledger-store.js';
import { emitRewardsPaid } from '../delivery/hooks.js';

export const payoutTxnId = (payoutId: string) => `payout:${payoutId}`;
/** The payout channel PAYOUT_PROVIDER selects (see payout-provider.ts), one per running platform. */
const providers = new WeakMap<AppContext, PayoutProvider>();
export function payoutProviderOf(ctx: AppContext): PayoutProvider {
  let provider = providers.get(ctx);
  if (!provider) {
    provider = payoutProviderFor(ctx.config);
    providers.set(ctx, provider);
  }
  return provider;
}

/** Every customer (phone hash) the platform owes money, with the newest sealed phone number we hold. */
async function payableBalances(ctx: AppContext): Promise<PayableBalance[]> {
  const rows = await ctx.db.kysely
    .selectFrom('ledger_entries')
    .select(['account', (eb) => eb.fn.sum<number>('amount_minor').as('raw')])
    .where('account', 'like', 'customer:%:payable')
    .groupBy('account')
    .execute();
  const owed = rows.map((r) => ({ customerKey: r.account.split(':')[1]!, balanceMinor: -Number(r.raw) })).filter((r) => r.balanceMinor > 0);
  const out: PayableBalance[] = [];
  for (const r of owed) {
    const session = await ctx.db.kysely.selectFrom('feedback_sessions').select('phone_enc').where('phone_hash', '=', r.customerKey).where('phone_enc', 'is not', null).orderBy('created_at', 'desc').executeTakeFirst();
    if (session?.phone_enc) out.push({ ...r, phoneE164: ctx.services.pii.open('phone', session.phone_enc) });
  }
  return out;
}

/**
 * Weekly (or on demand) batch: one payment per phone number summing what it is owed; balances under the
 * minimum roll over. Amounts come only from the ledger; each payment moves its balance to clearing at once,
 * so a second batch cannot include the same money.
 */
export async function createPayoutBatch(ctx: AppContext, who: Actor) {
  const batch = buildPayoutBatch(await payableBalances(ctx), DEFAULT_REWARD_SETTINGS.minPayoutMinor);
  if (batch.payments.length === 0) throw new AppError('conflict', 'Nothing to pay out: no balance reaches the minimum payout.');
  const batchId = newId();
  const now = nowIso();
  await ctx.db.writer.run(async (trx) => {
    await trx.insertInto('payout_batches').values({ id: batchId, status: 'open', total_minor: 0, payout_count: 0, created_by: who.actor, created_at: now, paid_at: null }).execute();
    // The balances above were read without locks: each one is read again under the customer's lock and
    // paid as it is now. A balance another batch took meanwhile is skipped (not the whole batch failed),
    // and the batch's totals are what was actually booked.
    let totalMinor = 0;
    let payoutCount = 0;
    for (const p of batch.payments) {
      for (const key of p.customerKeys) {
        await lockCustomer(trx, ctx.db.dialect, key);
        const ledger = await customerEntries(trx, key);
        const owed = 0 - ledger.reduce((s, e) => s + e.amountMinor, 0);
        if (owed <= 0) continue;
        const payoutId = newId();
        await trx.insertInto('payouts').values({ id: payoutId, batch_id: batchId, phone_hash: key, phone_enc: ctx.services.pii.seal('phone', p.phoneE164), amount_minor: owed, status: 'pending', provider_reference: null, paid_at: null, created_at: now }).execute();
        await insertEntries(trx, payoutEntries(ledger, { txnId: payoutTxnId(payoutId), customerId: key, amountMinor: owed, ref: batchId }), { payoutId });
        totalMinor += owed;
        payoutCount += 1;
      }
    }
    if (payoutCount === 0) throw new AppError('conflict', 'Nothing to pay out: the balances were paid by another batch.');
    await trx.updateTable('payout_batches').set({ total_minor: totalMinor, payout_count: payoutCount }).where('id', '=', batchId).execute();
    await recordAudit(trx, { ...who, action: 'payout_batch.create', targetType: 'payout_batch', targetId: batchId, details: { totalMinor, payments: payoutCount } });
  });
  return getPayoutBatch(ctx, batchId);
}

export async function getPayoutBatch(ctx: AppContext, batchId: string) {
  const batch = await ctx.db.kysely.selectFrom('payout_batches').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) throw notFound('Payout batch');
  const payouts = await ctx.db.kysely.selectFrom('payouts').select(['id', 'amount_minor', 'status', 'paid_at', 'provider_reference', 'failure_reason']).where('batch_id', '=', batchId).orderBy('id').execute();
  return { id: batch.id, status: batch.status, totalMinor: batch.total_minor, payoutCount: batch.payout_count, createdAt: batch.created_at, paidAt: batch.paid_at, payouts: payouts.map((p) => ({ id: p.id, amountMinor: p.amount_minor, status: p.status, paidAt: p.paid_at, reference: p.provider_reference, failureReason: p.failure_reason ?? null })) };
}

export async function payoutBatchCsv(ctx: AppContext, batchId: string, who: Actor): Promise<string> {
  await getPayoutBatch(ctx, batchId);
  const rows = await ctx.db.kysely.selectFrom('payouts').select(['phone_enc', 'amount_minor', 'phone_hash']).where('batch_id', '=', batchId).where('status', '!=', 'failed').execute();
  const byPhone = new Map<string, { phoneE164: string; amountMinor: number; customerKeys: string[] }>();
  for (const r of rows) {
    const phone = ctx.services.pii.open('phone', r.phone_enc);
    const entry = byPhone.get(phone) ?? { phoneE164: phone, amountMinor: 0, customerKeys: [] };
    entry.amountMinor += r.amount_minor;
    entry.customerKeys.push(r.phone_hash);
    byPhone.set(phone, entry);
  }
  const payments = [...byPhone.values()].sort((a, b) => (a.phoneE164 < b.phoneE164 ? -1 : 1));
  await ctx.db.writer.run((trx) => recordAudit(trx, { ...who, action: 'payout_batch.export', targetType: 'payout_batch', targetId: batchId }));
  const provider = payoutProviderOf(ctx);
  const prepared = await provider.prepare(batchId, payments);
  if (prepared.kind !== 'file') throw new AppError('conflict', `Payouts go through ${provider.name} (${prepared.reference}); submit the batch instead of exporting a file.`);
  return prepared.body;
}

/**
 * Marks every pending payout of a batch paid. Idempotent: a repeated or concurrent call finds the batch
 * paid and books nothing; the ledger's unique (txn_id, account) key is the last line of defence.
 */
export async function markBatchPaid(ctx: AppContext, batchId: string, reference: string | undefined, who: Actor) {
  await ctx.db.writer.run(async (trx) => {
    // PostgreSQL: concurrent calls for one batch queue here, so the second finds it paid instead of
    // failing on the ledger's unique key (SQLite already runs writes one at a time).
    let q = trx.selectFrom('payout_batches').selectAll().where('id', '=', batchId);
    if (ctx.db.dialect === 'postgres') q = q.forUpdate();
    const batch = await q.executeTakeFirst();
    if (!batch) throw notFound('Payout batch');
    if (batch.status === 'paid') return;
    const pending = await trx.selectFrom('payouts').select(['id', 'phone_hash']).where('batch_id', '=', batchId).where('status', '=', 'pending').execute();
    const now = nowIso();
    let settled = 0;
    for (const p of pending) {
      // Claim the payout first: a concurrent mark-failed either already won (0 rows) or waits and then
      // finds it paid — a payout is never both settled and failed.
      const claimed = await trx.updateTable('payouts').set({ status: 'paid', paid_at: now, provider_reference: reference ?? null }).where('id', '=', p.id).where('status', '=', 'pending').executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) continue;
      const ledger = await loadEntries(trx, { txnIds: [payoutTxnId(p.id)], refs: [p.id] });
      await insertEntries(trx, payoutSettledEntries(ledger, { txnId: `settled:${p.id}`, payoutTxnId: payoutTxnId(p.id) }), { payoutId: p.id });
      settled += 1;
      await emitRewardsPaid(ctx, trx, p.id);
    }
    await trx.updateTable('payout_batches').set({ status: 'paid', paid_at: now }).where('id', '=', batchId).execute();
    await recordAudit(trx, { ...who, action: 'payout_batch.mark_paid', targetType: 'payout_batch', targetId: batchId, details: { payouts: settled, reference: reference ?? null } });
  });
  return getPayoutBatch(ctx, batchId);
}

/** A payout the provider rejected: the money is owed to the customer again and joins the next batch. */
export async function markPayoutFailed(ctx: AppContext, payoutId: string, reason: string, who: Actor) {
  await ctx.db.writer.run(async (trx) => {
    const p = await trx.selectFrom('payouts').selectAll().where('id', '=', payoutId).executeTakeFirst();
    if (!p) throw notFound('Payout');
    if (p.status !== 'pending') throw new AppError('conflict', `Only pending payouts can fail; this one is ${p.status}.`);
    // Conditional claim (see markBatchPaid): of a concurrent mark-paid and mark-failed only one wins.
    const claimed = await trx.updateTable('payouts').set({ status: 'failed', failure_reason: reason.slice(0, 500) }).where('id', '=', p.id).where('status', '=', 'pending').executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw new AppError('conflict', 'Only pending payouts can fail; this one was just settled.');
    await lockCustomer(trx, ctx.db.dialect, p.phone_hash);
    const ledger = await loadEntries(trx, { accounts: [payableAccount(p.phone_hash)], txnIds: [payoutTxnId(p.id)], refs: [p.id] });
    await insertEntries(trx, payoutFailedEntries(ledger, { txnId: `failed:${p.id}`, payoutTxnId: payoutTxnId(p.id) }), { payoutId: p.id });
    await recordAudit(trx, { ...who, action: 'payout.mark_failed', targetType: 'payout', targetId: p.id, details: { reason } });
  });
}
