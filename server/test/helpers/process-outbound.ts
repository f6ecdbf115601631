import type { Db } from '../../src/db/database.js';
import { DELIVERY_CLAIM, readClaims } from './process-db.js';
import { processAdmin } from './process-load.js';
import type { Receiver } from './process-receiver.js';

/** One endpoint per business, subscribed to transaction.received, pointing at the local receiver. */
export async function registerReceiverEndpoints(baseUrl: string, businessIds: string[], receiver: Receiver): Promise<void> {
  const admin = processAdmin(baseUrl).admin;
  for (const businessId of new Set(businessIds)) {
    const res = await admin('POST', `/admin/businesses/${businessId}/webhook-endpoints`, { url: `${receiver.url}/hooks/${businessId}`, eventTypes: ['transaction.received'] });
    if (res.status !== 201) throw new Error(`register webhook endpoint: ${res.status} ${res.text}`);
    receiver.trust(businessId, (res.body as { secret: string }).secret);
  }
}

/** Waits until every outbound delivery is delivered or dead (none pending or in flight). */
export async function waitForDeliveriesToSettle(db: Db, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let counts: Record<string, number> = {};
  while (Date.now() < deadline) {
    const rows = await db.kysely.selectFrom('webhook_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    if (!counts.pending && !counts.in_flight) return counts;
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ...counts, timedOut: 1 };
}

export interface OutboundReport {
  outboxEvents: number;
  deliveries: number;
  delivered: number;
  dead: number;
  /** Still pending or in flight after the wait: silently stuck. */
  unsettled: number;
  /** Delivered according to the database but never accepted by the receiver: lost. */
  deliveredNotReceived: number;
  receivedUnique: number;
  receivedTotal: number;
  /** Extra copies of one webhook-id at the receiver (at-least-once). */
  duplicatesAtReceiver: number;
  /** Claims whose attempt was never recorded (the worker was killed mid-send): the only allowed source of duplicates. */
  lostAttempts: number;
  /** Deliveries received more often than they were claimed (a claim sent twice) — never allowed. */
  receivedMoreThanClaimed: number;
  receivedUnknown: number;
  invalidSignatures: number;
  claims: number;
  deliveriesClaimedMoreThanOnce: number;
  claimsByWorker: Record<string, number>;
  recordedAttempts: number;
  samples: string[];
}

/** Compares the outbox, the delivery rows, the recorded attempts and the claims with what the receiver got. */
export async function verifyOutbound(db: Db, receiver: Receiver): Promise<OutboundReport> {
  const samples: string[] = [];
  const events = await db.kysely.selectFrom('webhook_outbox_events').select('id').execute();
  const deliveries = await db.kysely.selectFrom('webhook_deliveries').select(['id', 'event_id', 'status']).execute();
  const attempts = await db.kysely.selectFrom('webhook_delivery_attempts').select(['delivery_id']).execute();
  const claims = await readClaims(db, DELIVERY_CLAIM);
  const claimsPer = countBy(claims.map((c) => c.job_id));
  const attemptsPer = countBy(attempts.map((a) => a.delivery_id));
  const claimsByWorker = countBy(claims.map((c) => c.locked_by ?? 'unknown'));
  const byEvent = new Map(deliveries.map((d) => [d.event_id, d]));
  let deliveredNotReceived = 0;
  let receivedMoreThanClaimed = 0;
  let lostAttempts = 0;
  for (const d of deliveries) {
    const got = receiver.received.get(d.event_id) ?? 0;
    const claimed = claimsPer.get(d.id) ?? 0;
    lostAttempts += Math.max(0, claimed - (attemptsPer.get(d.id) ?? 0));
    if (d.status === 'delivered' && got === 0) {
      deliveredNotReceived += 1;
      if (samples.length < 5) samples.push(`delivery ${d.id} delivered but never received`);
    }
    if (got > claimed) receivedMoreThanClaimed += 1;
  }
  const receivedTotal = [...receiver.received.values()].reduce((a, b) => a + b, 0);
  return {
    outboxEvents: events.length,
    deliveries: deliveries.length,
    delivered: deliveries.filter((d) => d.status === 'delivered').length,
    dead: deliveries.filter((d) => d.status === 'dead').length,
    unsettled: deliveries.filter((d) => d.status === 'pending' || d.status === 'in_flight').length,
    deliveredNotReceived,
    receivedUnique: receiver.received.size,
    receivedTotal,
    duplicatesAtReceiver: receivedTotal - receiver.received.size,
    lostAttempts,
    receivedMoreThanClaimed,
    receivedUnknown: [...receiver.received.keys()].filter((id) => !byEvent.has(id)).length,
    invalidSignatures: receiver.invalidSignatures,
    claims: claims.length,
    deliveriesClaimedMoreThanOnce: [...claimsPer.values()].filter((n) => n > 1).length,
    claimsByWorker: Object.fromEntries(claimsByWorker),
    recordedAttempts: attempts.length,
    samples,
  };
}

function countBy(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}
