import type { TransactionsTable, WebhookEventsTable } from '../db/schema.js';
import { prepared } from '../db/prepared.js';

/*
 * The statements every applied webhook event runs, compiled once (db/prepared.ts): a sale costs about ten
 * statements and Kysely's build + compile was half of each one's cost.
 */

export const selectEvent = prepared<{ id: string }, WebhookEventsTable>(['id'], (db, p) => db.selectFrom('webhook_events').selectAll().where('id', '=', p.id));

export const selectConnection = prepared<{ id: string }, { id: string; business_id: string; location_id: string; provider: string }>(['id'], (db, p) =>
  db.selectFrom('pos_connections').select(['id', 'business_id', 'location_id', 'provider']).where('id', '=', p.id),
);

export const markEvent = prepared<{ id: string; status: string; processedAt: string }, never>(['id', 'status', 'processedAt'], (db, p) =>
  db.updateTable('webhook_events').set({ status: p.status, processed_at: p.processedAt }).where('id', '=', p.id),
);

const TRANSACTION_COLUMNS = ['id', 'business_id', 'location_id', 'connection_id', 'provider', 'external_id', 'amount_minor', 'currency', 'occurred_at', 'card_last4', 'line_item_count', 'status', 'refunded_amount_minor', 'created_at', 'updated_at'] as const satisfies readonly (keyof TransactionsTable)[];

/**
 * Inserts the sale, or updates it and returns the existing id. A later event for the same sale
 * (payment.updated after payment.created, orders/paid after orders/create) carries the newest amount,
 * e.g. after a tip; the original time stays.
 */
export const upsertSaleRow = prepared<TransactionsTable, { id: string }>(TRANSACTION_COLUMNS, (db, row) =>
  db
    .insertInto('transactions')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['connection_id', 'external_id']).doUpdateSet((eb) => ({
        amount_minor: eb.ref('excluded.amount_minor'),
        currency: eb.ref('excluded.currency'),
        card_last4: eb.fn.coalesce('excluded.card_last4', 'transactions.card_last4'),
        line_item_count: eb.fn.coalesce('excluded.line_item_count', 'transactions.line_item_count'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning('id'),
);

export const selectSale = prepared<{ connectionId: string; externalId: string }, Pick<TransactionsTable, 'id' | 'amount_minor' | 'refunded_amount_minor' | 'status'>>(['connectionId', 'externalId'], (db, p) =>
  db.selectFrom('transactions').select(['id', 'amount_minor', 'refunded_amount_minor', 'status']).where('connection_id', '=', p.connectionId).where('external_id', '=', p.externalId),
);

/** Pending refunds count too: a purchase being refunded must not earn a reward meanwhile. */
export const sumOpenRefunds = prepared<{ connectionId: string; paymentId: string }, { total: number }>(['connectionId', 'paymentId'], (db, p) =>
  db
    .selectFrom('transaction_refunds')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total'))
    .where('connection_id', '=', p.connectionId)
    .where('external_payment_id', '=', p.paymentId)
    .where('status', 'in', ['pending', 'completed']),
);
