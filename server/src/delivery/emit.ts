import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { newId, nowIso } from '../core/ids.js';
import type { OutboundEventType } from './event-types.js';
import { scheduleDelivery } from './scheduling.js';
import { prepared } from '../db/prepared.js';

export interface EmitInput {
  businessId: string;
  type: OutboundEventType | 'webhook.test';
  /** The event data; a function is only called when some endpoint is subscribed (saves the queries). */
  data: Record<string, unknown> | (() => Promise<Record<string, unknown> | null>);
  /** The same business fact emitted twice (a rerun job) produces one event. */
  dedupeKey?: string;
  /** Only this endpoint (test events); otherwise every enabled endpoint subscribed to the type. */
  endpointId?: string;
}

export interface EmitResult {
  eventId: string | null;
  deliveryIds: string[];
}

/** The body every receiver gets: Standard Webhooks' recommended {type, timestamp, data}. */
export function eventBody(id: string, type: string, at: string, data: Record<string, unknown>): string {
  return JSON.stringify({ id, type, timestamp: at, data });
}

/**
 * Outbox: records the event and one delivery per subscribed endpoint. Pass the caller's transaction so
 * the event commits (or not) with the business change; without one it commits on its own.
 */
export async function emitEvent(ctx: AppContext, input: EmitInput, trx?: Transaction<Database>): Promise<EmitResult> {
  if (trx) return emitInTransaction(ctx, trx, input);
  const result = await ctx.db.writer.run((t) => emitInTransaction(ctx, t, input));
  ctx.queue.notify();
  return result;
}

// Asked for every sale stored from a POS webhook, so compiled once. A test event picks its one endpoint from these.
const enabledEndpoints = prepared<{ businessId: string }, { id: string; event_types: string; ordered: number }>(['businessId'], (db, p) =>
  db.selectFrom('webhook_endpoints').select(['id', 'event_types', 'ordered']).where('business_id', '=', p.businessId).where('enabled', '=', 1).orderBy('id'),
);

async function emitInTransaction(ctx: AppContext, trx: Transaction<Database>, input: EmitInput): Promise<EmitResult> {
  const { rows } = await enabledEndpoints.execute(trx, { businessId: input.businessId });
  const endpoints = rows.filter((e) => (input.endpointId ? e.id === input.endpointId : (JSON.parse(e.event_types) as string[]).includes(input.type)));
  if (endpoints.length === 0) return { eventId: null, deliveryIds: [] };
  const data = typeof input.data === 'function' ? await input.data() : input.data;
  if (!data) return { eventId: null, deliveryIds: [] };
  const eventId = await insertEvent(trx, input, data);
  if (!eventId) return { eventId: null, deliveryIds: [] };
  const deliveryIds: string[] = [];
  for (const ep of endpoints) {
    // Ordered endpoints: taking the endpoint's row lock before choosing the (time-ordered) delivery id
    // makes id order equal commit order on PostgreSQL, so "creation order" is well defined.
    if (ep.ordered && ctx.db.dialect === 'postgres') await trx.selectFrom('webhook_endpoints').select('id').where('id', '=', ep.id).forUpdate().execute();
    const id = newId();
    const now = nowIso();
    await trx
      .insertInto('webhook_deliveries')
      .values({ id, event_id: eventId, endpoint_id: ep.id, business_id: input.businessId, event_type: input.type, status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, locked_until: null, last_status_code: null, last_error: null, replays: 0, delivered_at: null, dead_at: null, created_at: now, updated_at: now })
      .execute();
    await scheduleDelivery(ctx, trx, id, new Date());
    deliveryIds.push(id);
  }
  return { eventId, deliveryIds };
}

/** Returns null when the dedupe key was already used (the event exists; nothing more to do). */
async function insertEvent(trx: Transaction<Database>, input: EmitInput, data: Record<string, unknown>): Promise<string | null> {
  const id = newId();
  const at = nowIso();
  const payload = eventBody(id, input.type, at, { businessId: input.businessId, ...data });
  // ON CONFLICT DO NOTHING rather than catching the violation: on PostgreSQL an error would abort the
  // caller's whole transaction. NULL keys never conflict.
  const rows = await trx
    .insertInto('webhook_outbox_events')
    .values({ id, business_id: input.businessId, type: input.type, payload, dedupe_key: input.dedupeKey ?? null, created_at: at })
    .onConflict((oc) => oc.columns(['business_id', 'dedupe_key']).doNothing())
    .returning('id')
    .execute();
  return rows.length > 0 ? id : null;
}
