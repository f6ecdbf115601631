import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';
import { PermanentJobError } from '../queue/job-queue.js';
import { REFUND_CLAWBACK_JOB } from '../rewards/reward-service.js';
import type { NormalisedEffect, NormalisedRefund, NormalisedSale } from './providers/types.js';
import { emitTransactionReceived } from '../delivery/hooks.js';
import { markEvent, selectConnection, selectEvent, selectSale, sumOpenRefunds, upsertSaleRow } from './apply-queries.js';

interface Conn {
  id: string;
  business_id: string;
  location_id: string;
  provider: string;
}

/**
 * Job handler: applies one stored webhook event to the transactions tables. Idempotent — it runs in
 * one transaction that also flips the event out of `received`, so a rerun after a crash is a no-op.
 * Refunds and sales may arrive in any order: refund rows are kept by payment id and the sale's
 * refund state is recomputed whichever arrives last.
 */
export function applyEventHandler(ctx: AppContext) {
  return async (payload: unknown) => ctx.db.writer.run((trx) => applyEventInTrx(ctx, trx, payload));
}

/** The same, inside the job queue's transaction: the worker applies due events in batches (`JobQueue.registerBatched`). */
export function applyEventInTrx(ctx: AppContext, trx: Transaction<Database>, payload: unknown): Promise<void> {
  const { eventRowId } = payload as { eventRowId: string };
  return applyStoredEvent(ctx, trx, eventRowId);
}

async function applyStoredEvent(ctx: AppContext, trx: Transaction<Database>, eventRowId: string): Promise<void> {
  const [event] = (await selectEvent.execute(trx, { id: eventRowId })).rows;
  if (!event) throw new PermanentJobError(`webhook event ${eventRowId} not found`);
  if (event.status !== 'received') return;
  const [conn] = (await selectConnection.execute(trx, { id: event.connection_id })).rows;
  if (!conn) throw new PermanentJobError(`POS connection ${event.connection_id} not found`);
  const effect = JSON.parse(event.effect) as NormalisedEffect;
  // A sale and its refund may be applied by two workers at once; under READ COMMITTED neither
  // would see the other's row and the refund would be lost. Serialise per sale (SQLite already
  // serialises all writes).
  const saleKey = effect.kind === 'sale' ? effect.sale.externalId : effect.kind === 'refund' ? effect.refund.externalPaymentId : null;
  if (saleKey !== null && ctx.db.dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${conn.id}:${saleKey}`}, 0))`.execute(trx);
  }
  const { status, refunded, transactionId } = await applyEffect(trx, conn, effect);
  if (transactionId) await emitTransactionReceived(ctx, trx, conn.business_id, transactionId);
  await markEvent.execute(trx, { id: eventRowId, status, processedAt: nowIso() });
  // Only a purchase with money refunded can need a clawback.
  if (saleKey !== null && refunded > 0) await enqueueClawbackIfRewarded(ctx, trx, conn.id, saleKey);
}

/** A refund of a purchase that earned a reward claws the reward back (in its own job, after this commit). */
async function enqueueClawbackIfRewarded(ctx: AppContext, trx: Transaction<Database>, connectionId: string, externalId: string): Promise<void> {
  const row = await trx
    .selectFrom('transactions as t')
    .innerJoin('rewards as r', 'r.transaction_id', 't.id')
    .select(['t.id'])
    .where('t.connection_id', '=', connectionId)
    .where('t.external_id', '=', externalId)
    .where('t.refunded_amount_minor', '>', 0)
    .where('r.status', 'not in', ['rejected', 'reversed', 'none'])
    .executeTakeFirst();
  if (row) await ctx.queue.enqueue(trx, REFUND_CLAWBACK_JOB, { transactionId: row.id });
}

async function applyEffect(trx: Transaction<Database>, conn: Conn, effect: NormalisedEffect): Promise<{ status: string; refunded: number; transactionId?: string }> {
  if (effect.kind === 'sale') {
    const transactionId = await upsertSale(trx, conn, effect.sale);
    return { status: 'processed', refunded: await recomputeRefundState(trx, conn.id, effect.sale.externalId), transactionId };
  }
  if (effect.kind === 'refund') {
    await upsertRefund(trx, conn, effect.refund);
    return { status: 'processed', refunded: await recomputeRefundState(trx, conn.id, effect.refund.externalPaymentId) };
  }
  return { status: 'ignored', refunded: 0 };
}

/** Inserts or updates the sale; returns the transaction's id (the existing one on an update). */
async function upsertSale(trx: Transaction<Database>, conn: Conn, sale: NormalisedSale): Promise<string> {
  const now = nowIso();
  const { rows } = await upsertSaleRow.execute(trx, {
    id: newId(),
    business_id: conn.business_id,
    location_id: conn.location_id,
    connection_id: conn.id,
    provider: conn.provider,
    external_id: sale.externalId,
    amount_minor: sale.amountMinor,
    currency: sale.currency,
    occurred_at: sale.occurredAt,
    card_last4: sale.cardLast4,
    line_item_count: sale.lineItemCount,
    status: 'completed',
    refunded_amount_minor: 0,
    created_at: now,
    updated_at: now,
  });
  return rows[0]!.id;
}

async function upsertRefund(trx: Transaction<Database>, conn: Conn, refund: NormalisedRefund): Promise<void> {
  const now = nowIso();
  await trx
    .insertInto('transaction_refunds')
    .values({
      id: newId(),
      connection_id: conn.id,
      external_refund_id: refund.externalRefundId,
      external_payment_id: refund.externalPaymentId,
      amount_minor: refund.amountMinor,
      currency: refund.currency,
      status: refund.status,
      occurred_at: refund.occurredAt,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['connection_id', 'external_refund_id']).doUpdateSet((eb) => ({
        amount_minor: eb.ref('excluded.amount_minor'),
        status: eb.ref('excluded.status'),
        updated_at: now,
      })),
    )
    .execute();
}

/**
 * Pending refunds count too: a purchase being refunded must not earn a reward meanwhile. Returns the
 * refunded amount; the row is only written when it changes (most sales never see a refund).
 */
async function recomputeRefundState(trx: Transaction<Database>, connectionId: string, externalPaymentId: string): Promise<number> {
  const [sale] = (await selectSale.execute(trx, { connectionId, externalId: externalPaymentId })).rows;
  if (!sale) return 0;
  const [sum] = (await sumOpenRefunds.execute(trx, { connectionId, paymentId: externalPaymentId })).rows;
  const refunded = Number(sum?.total ?? 0);
  const status = refunded <= 0 ? 'completed' : refunded >= sale.amount_minor ? 'refunded' : 'partially_refunded';
  if (refunded !== sale.refunded_amount_minor || status !== sale.status) {
    await trx.updateTable('transactions').set({ refunded_amount_minor: refunded, status, updated_at: nowIso() }).where('id', '=', sale.id).execute();
  }
  return refunded;
}
