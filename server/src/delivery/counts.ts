import type { Db } from '../db/database.js';

export interface DeliveryCounts {
  events: number;
  deliveries: number;
  pending: number;
  inFlight: number;
  delivered: number;
  dead: number;
  attempts: number;
}

/**
 * Outbound totals straight from the database (the source of truth), for crash and load tests and
 * their closing reports: every delivery is pending, in flight, delivered or dead — never missing.
 */
export async function deliveryCounts(db: Db, businessId?: string): Promise<DeliveryCounts> {
  let d = db.kysely.selectFrom('webhook_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status');
  let e = db.kysely.selectFrom('webhook_outbox_events').select((eb) => eb.fn.countAll<number>().as('n'));
  let a = db.kysely.selectFrom('webhook_delivery_attempts as a').select((eb) => eb.fn.countAll<number>().as('n'));
  if (businessId) {
    d = d.where('business_id', '=', businessId);
    e = e.where('business_id', '=', businessId);
    a = a.innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id').where('d.business_id', '=', businessId);
  }
  const by = Object.fromEntries((await d.execute()).map((r) => [r.status, Number(r.n)]));
  const [events, attempts] = await Promise.all([e.executeTakeFirstOrThrow(), a.executeTakeFirstOrThrow()]);
  const pending = by.pending ?? 0;
  const inFlight = by.in_flight ?? 0;
  const delivered = by.delivered ?? 0;
  const dead = by.dead ?? 0;
  return { events: Number(events.n), deliveries: pending + inFlight + delivered + dead, pending, inFlight, delivered, dead, attempts: Number(attempts.n) };
}
