import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { TransactionsTable } from '../db/schema.js';
import { decodeCursor, toPage } from '../core/pagination.js';
import { getBusinessRow } from '../businesses/business-service.js';

export function toTransactionDto(row: Selectable<TransactionsTable>) {
  return {
    id: row.id,
    provider: row.provider,
    externalId: row.external_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    occurredAt: row.occurred_at,
    locationId: row.location_id,
    connectionId: row.connection_id,
    status: row.status,
    refundedAmountMinor: row.refunded_amount_minor,
    cardLast4: row.card_last4,
    lineItemCount: row.line_item_count,
    createdAt: row.created_at,
  };
}

export interface TransactionQuery {
  limit: number;
  cursor?: string;
  locationId?: string;
  status?: string;
  provider?: string;
}

/** Newest first by id (ids are time-ordered); always scoped to one business. */
export async function listTransactions(db: Db, businessId: string, q: TransactionQuery) {
  await getBusinessRow(db, businessId);
  const after = decodeCursor(q.cursor);
  let query = db.kysely.selectFrom('transactions').selectAll().where('business_id', '=', businessId).orderBy('id', 'desc').limit(q.limit + 1);
  if (after) query = query.where('id', '<', after);
  if (q.locationId) query = query.where('location_id', '=', q.locationId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.provider) query = query.where('provider', '=', q.provider);
  const page = toPage(await query.execute(), q.limit);
  return { items: page.items.map(toTransactionDto), nextCursor: page.nextCursor };
}
