import type { Selectable, Transaction } from 'kysely';
import type { Database, FeedbackSessionsTable, RewardsTable } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { payableAccount } from '../rewards/ledger.js';
import { emitEvent } from './emit.js';

/**
 * One-line hooks called from the domain code inside its own transaction (outbox): each builds the
 * event's data only if some endpoint of the business subscribes, and carries a dedupe key so a rerun
 * of the same work never emits the same fact twice. No personal data leaves in an event.
 */
type Trx = Transaction<Database>;

export async function emitFeedbackScored(ctx: AppContext, trx: Trx, session: { id: string; business_id: string }): Promise<void> {
  const sessionId = session.id;
  await emitEvent(ctx, { businessId: session.business_id, type: 'feedback.scored', dedupeKey: `feedback.scored:${sessionId}`, data: async () => sessionData(await trx.selectFrom('feedback_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow()) }, trx);
}

function sessionData(s: Selectable<FeedbackSessionsTable>) {
  return { sessionId: s.id, locationId: s.location_id, channel: s.channel, score: s.score, sentiment: s.sentiment, categories: s.categories ? (JSON.parse(s.categories) as unknown) : [], language: s.language, scoredAt: s.scored_at };
}

function rewardData(r: Selectable<RewardsTable>) {
  return { rewardId: r.id, sessionId: r.session_id, transactionId: r.transaction_id, amountMinor: r.amount_minor, currency: 'SEK', tier: r.tier, status: r.status, createdAt: r.created_at };
}

export async function emitRewardCreated(ctx: AppContext, trx: Trx, reward: { id: string; business_id: string }): Promise<void> {
  await emitEvent(ctx, { businessId: reward.business_id, type: 'reward.created', dedupeKey: `reward.created:${reward.id}`, data: async () => {
        const r = await trx.selectFrom('rewards').selectAll().where('id', '=', reward.id).executeTakeFirstOrThrow();
        return r.amount_minor > 0 ? rewardData(r) : null; // a zero reward (tier 'none') is not announced
      } }, trx);
}

/**
 * A settled payout pays every reward booked to the customer's balance before the payout was made;
 * each reward's reward.paid goes to the business that granted it, once (dedupe key per reward).
 */
export async function emitRewardsPaid(ctx: AppContext, trx: Trx, payoutId: string): Promise<void> {
  const p = await trx.selectFrom('payouts').select(['id', 'batch_id', 'phone_hash', 'created_at', 'paid_at']).where('id', '=', payoutId).executeTakeFirst();
  if (!p) return;
  const rewards = await trx
    .selectFrom('ledger_entries as l')
    .innerJoin('rewards as r', 'r.id', 'l.reward_id')
    .selectAll('r')
    .where('l.account', '=', payableAccount(p.phone_hash))
    .where('l.created_at', '<=', p.created_at)
    .distinct()
    .execute();
  for (const r of rewards) {
    await emitEvent(ctx, { businessId: r.business_id, type: 'reward.paid', dedupeKey: `reward.paid:${r.id}`, data: { ...rewardData(r), status: 'paid', payoutId: p.id, batchId: p.batch_id, paidAt: p.paid_at } }, trx);
  }
}

/**
 * A sale stored from a POS webhook (first time only; later updates of the same sale do not re-emit). The
 * transaction is only read when some endpoint of the business subscribes.
 */
export async function emitTransactionReceived(ctx: AppContext, trx: Trx, businessId: string, transactionId: string): Promise<void> {
  await emitEvent(
    ctx,
    {
      businessId,
      type: 'transaction.received',
      dedupeKey: `transaction.received:${transactionId}`,
      data: async () => {
        const t = await trx.selectFrom('transactions').selectAll().where('id', '=', transactionId).executeTakeFirst();
        return t ? { transactionId: t.id, locationId: t.location_id, connectionId: t.connection_id, provider: t.provider, externalId: t.external_id, amountMinor: t.amount_minor, currency: t.currency, occurredAt: t.occurred_at, cardLast4: t.card_last4, status: t.status } : null;
      },
    },
    trx,
  );
}
