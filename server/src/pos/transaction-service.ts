import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { TransactionsTable } from '../db/schema.js';
import { AppError } from '../core/errors.js';
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

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const UUID = /^[0-9a-f-]{36}$/;

/** Opaque cursor over (occurred_at, id): the sale time orders the list, the id breaks ties. */
function encodeTxCursor(row: { occurred_at: string; id: string }): string {
  return Buffer.from(`${row.occurred_at}|${row.id}`, 'utf8').toString('base64url');
}

function decodeTxCursor(cursor: string | undefined): { occurredAt: string; id: string } | null {
  if (!cursor) return null;
  const [occurredAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !occurredAt || !id || !ISO_UTC.test(occurredAt) || !UUID.test(id)) throw new AppError('invalid_cursor');
  return { occurredAt, id };
}

/**
 * Newest first by sale time (occurred_at, ISO-8601 UTC so it sorts as text), then by id; always
 * scoped to one business. Ordering by id alone would follow webhook arrival, which providers do not
 * guarantee (retries, delayed deliveries).
 */
export async function listTransactions(db: Db, businessId: string, q: TransactionQuery) {
  await getBusinessRow(db, businessId);
  const after = decodeTxCursor(q.cursor);
  let query = db.kysely.selectFrom('transactions').selectAll().where('business_id', '=', businessId).orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  if (after) query = query.where((eb) => eb.or([eb('occurred_at', '<', after.occurredAt), eb.and([eb('occurred_at', '=', after.occurredAt), eb('id', '<', after.id)])]));
  if (q.locationId) query = query.where('location_id', '=', q.locationId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.provider) query = query.where('provider', '=', q.provider);
  const rows = await query.execute();
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map(toTransactionDto), nextCursor: rows.length > q.limit && last ? encodeTxCursor(last) : null };
}
