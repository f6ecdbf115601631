import type { AppContext } from '../http/context.js';
import { nowIso } from '../core/ids.js';
import { decodeCursor, toPage } from '../core/pagination.js';
import { recordAudit, type Actor } from '../audit/audit-log.js';
import { scheduleDelivery } from './scheduling.js';

export interface DeliveryFilter {
  businessId?: string | undefined;
  endpointId?: string | undefined;
  eventType?: string | undefined;
  /** Deliveries created at or after (ISO). */
  from?: string | undefined;
  /** Deliveries created before (ISO). */
  to?: string | undefined;
  status?: string | undefined;
  deliveryIds?: string[] | undefined;
}

const REPLAY_CHUNK = 500;

function filtered(ctx: AppContext, f: DeliveryFilter) {
  let q = ctx.db.kysely.selectFrom('webhook_deliveries');
  if (f.businessId) q = q.where('business_id', '=', f.businessId);
  if (f.endpointId) q = q.where('endpoint_id', '=', f.endpointId);
  if (f.eventType) q = q.where('event_type', '=', f.eventType);
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.deliveryIds) q = q.where('id', 'in', f.deliveryIds.length ? f.deliveryIds : ['-']);
  return q;
}

export async function listDeliveries(ctx: AppContext, f: DeliveryFilter, page: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  let q = filtered(ctx, f).selectAll().orderBy('id', 'desc').limit(page.limit + 1);
  if (after) q = q.where('id', '<', after);
  const p = toPage(await q.execute(), page.limit);
  return {
    items: p.items.map((d) => ({
      id: d.id,
      eventId: d.event_id,
      endpointId: d.endpoint_id,
      businessId: d.business_id,
      eventType: d.event_type,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.status === 'pending' ? d.next_attempt_at : null,
      lastStatusCode: d.last_status_code,
      lastError: d.last_error,
      replays: d.replays,
      deliveredAt: d.delivered_at,
      deadAt: d.dead_at,
      createdAt: d.created_at,
    })),
    nextCursor: p.nextCursor,
  };
}

export async function listAttempts(ctx: AppContext, endpointId: string, page: { limit: number; cursor?: string | undefined; deliveryId?: string | undefined }) {
  const after = decodeCursor(page.cursor);
  let q = ctx.db.kysely.selectFrom('webhook_delivery_attempts').selectAll().where('endpoint_id', '=', endpointId).orderBy('id', 'desc').limit(page.limit + 1);
  if (after) q = q.where('id', '<', after);
  if (page.deliveryId) q = q.where('delivery_id', '=', page.deliveryId);
  const p = toPage(await q.execute(), page.limit);
  return {
    items: p.items.map((a) => ({ id: a.id, deliveryId: a.delivery_id, endpointId: a.endpoint_id, attempt: a.attempt, statusCode: a.status_code, latencyMs: a.latency_ms, responseExcerpt: a.response_excerpt, error: a.error, outcome: a.outcome, createdAt: a.created_at })),
    nextCursor: p.nextCursor,
  };
}

/**
 * Puts dead letters matching the filter back in the queue with a fresh retry budget and the same
 * webhook-id (receivers deduplicate by it). Deliveries of deleted endpoints stay dead. Audited once
 * per request with the filter and the count.
 */
export async function replayDeadLetters(ctx: AppContext, f: DeliveryFilter, who: Actor): Promise<{ replayed: number }> {
  let replayed = 0;
  // Walk forward by id, so a delivery that dies again during this request is not replayed twice.
  let lastId = '';
  for (;;) {
    const ids = (
      await filtered(ctx, { ...f, status: 'dead' })
        .select('webhook_deliveries.id')
        .where('webhook_deliveries.id', '>', lastId)
        .where(({ exists, selectFrom }) => exists(selectFrom('webhook_endpoints as e').select('e.id').whereRef('e.id', '=', 'webhook_deliveries.endpoint_id').where('e.deleted_at', 'is', null)))
        .orderBy('webhook_deliveries.id')
        .limit(REPLAY_CHUNK)
        .execute()
    ).map((r) => r.id);
    if (ids.length === 0) break;
    lastId = ids[ids.length - 1]!;
    replayed += await ctx.db.writer.run(async (trx) => {
      const now = nowIso();
      const rows = await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({ status: 'pending', attempts: 0, next_attempt_at: now, dead_at: null, replays: eb('replays', '+', 1), updated_at: now }))
        .where('id', 'in', ids)
        .where('status', '=', 'dead')
        .returning('id')
        .execute();
      for (const r of rows) await scheduleDelivery(ctx, trx, r.id, new Date());
      return rows.length;
    });
    if (ids.length < REPLAY_CHUNK) break;
  }
  await ctx.db.writer.run((trx) =>
    recordAudit(trx, { ...who, action: 'webhook_dead_letters.replay', targetType: f.endpointId ? 'webhook_endpoint' : f.businessId ? 'business' : 'platform', targetId: f.endpointId ?? f.businessId ?? null, details: { filter: { ...f }, replayed } }),
  );
  ctx.queue.notify();
  return { replayed };
}
