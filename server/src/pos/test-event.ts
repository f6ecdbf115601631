import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { getConnectionRow, toConnectionDto } from './connection-service.js';

/** Event type of the synthetic events the dashboard's "send test event" records; never a provider's type. */
export const TEST_EVENT_TYPE = 'kvittra.test_event';

/**
 * Records a clearly marked test event for a connection so the merchant sees "last event received" and the
 * health badge move. It is stored as already `ignored` with an `ignored` effect and no apply job, so it can
 * never become a transaction, and therefore nothing a customer could claim a reward for.
 */
export async function recordTestEvent(ctx: AppContext, businessId: string, connectionId: string, who: Actor) {
  const conn = await getConnectionRow(ctx.db, businessId, connectionId);
  if (conn.status !== 'active') throw new AppError('conflict', 'The connection is disabled; enable the connection before sending a test event.');
  const id = newId();
  const now = nowIso();
  const eventId = `kvittra-test:${id}`;
  const effect = { kind: 'ignored', reason: 'Kvittra dashboard test event' };
  await ctx.db.writer.run(async (trx) => {
    await trx
      .insertInto('webhook_events')
      .values({ id, connection_id: conn.id, provider: conn.provider, event_id: eventId, event_type: TEST_EVENT_TYPE, status: 'ignored', effect: JSON.stringify(effect), received_at: now, processed_at: now, error: null })
      .execute();
    await trx.updateTable('pos_connections').set({ last_event_at: now }).where('id', '=', conn.id).execute();
    await recordAudit(trx, { ...who, action: 'pos_connection.test_event', targetType: 'pos_connection', targetId: conn.id, details: { businessId, eventId } });
  });
  return { test: true as const, eventId, eventType: TEST_EVENT_TYPE, receivedAt: now, connection: toConnectionDto({ ...conn, last_event_at: now }) };
}
