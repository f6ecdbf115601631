import type { ConnectionSetup } from './fixtures.js';
import { setupConnection } from './fixtures.js';
import { httpClient, type TestPlatform } from './platform.js';
import { PROCESS_ADMIN_TOKEN } from './process-server.js';
import { shopifyOrder, squarePayment, squareRefund, zettlePurchase, type SignedWebhook } from './pos-payloads.js';

export type Provider = 'square' | 'shopify' | 'zettle';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seeded PRNG (mulberry32): the same seed gives the same payload mix and kill moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The admin half of a TestPlatform over plain HTTP, enough for the fixtures' setupConnection. */
export function processAdmin(baseUrl: string): TestPlatform {
  const api = httpClient(baseUrl);
  // Load shedding (503) and rate limits (429) say "retry later"; set-up calls do, a bounded number of times.
  const admin: TestPlatform['admin'] = async (method, urlPath, body) => {
    for (let attempt = 1; ; attempt++) {
      const res = await api(method, urlPath, body, { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}` });
      if ((res.status !== 503 && res.status !== 429) || attempt >= 20) return res;
      await sleep(Math.min(5000, 1000 * Number(res.headers.get('retry-after') ?? 1)));
    }
  };
  return { api, admin } as unknown as TestPlatform;
}

export type ProviderConnection = ConnectionSetup & { provider: Provider };

export async function setupConnections(baseUrl: string, perProvider: number): Promise<ProviderConnection[]> {
  const p = processAdmin(baseUrl);
  const out: { provider: Provider; c: ConnectionSetup }[] = [];
  for (const provider of ['square', 'shopify', 'zettle'] as const) {
    for (let i = 0; i < perProvider; i++) out.push({ provider, c: await setupConnection(p, provider) });
  }
  return out.map((o) => Object.assign(o.c, { provider: o.provider }));
}

export interface PlannedEvent {
  key: string;
  provider: Provider;
  connectionId: string;
  eventId: string;
  webhook: SignedWebhook;
  /** The transaction this event creates (sales) or refunds (refunds), by external id. */
  sale?: { externalId: string; amountMinor: number };
  refund?: { externalPaymentId: string; amountMinor: number };
}

/**
 * `count` signed webhooks over the given connections, every one with a unique provider event id and
 * (sales) a unique external transaction id; about one Square sale in ten is followed by a partial refund.
 */
export function planEvents(conns: ProviderConnection[], count: number, rand: () => number, tag: string): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  let seq = 0;
  while (events.length < count) {
    const c = conns[seq % conns.length]!;
    const n = seq++;
    const amount = 1000 + Math.floor(rand() * 90_000);
    const eventId = `${tag}-evt-${n}`;
    if (c.provider === 'square') {
      const paymentId = `${tag}PAY${n}`.replace(/[^A-Za-z0-9]/g, '');
      events.push({ key: `${c.connectionId}:${eventId}`, provider: 'square', connectionId: c.connectionId, eventId, webhook: squarePayment(c, { eventId, paymentId, amount }), sale: { externalId: paymentId, amountMinor: amount } });
      if (rand() < 0.1 && events.length < count) {
        const refundEventId = `${eventId}-refund`;
        const refundAmount = Math.floor(amount / 3);
        events.push({ key: `${c.connectionId}:${refundEventId}`, provider: 'square', connectionId: c.connectionId, eventId: refundEventId, webhook: squareRefund(c, { paymentId, amount: refundAmount, status: 'COMPLETED', eventId: refundEventId, refundId: `R${paymentId}` }), refund: { externalPaymentId: paymentId, amountMinor: refundAmount } });
      }
    } else if (c.provider === 'shopify') {
      const orderId = String(8_209_829_119_400_000 + n);
      events.push({ key: `${c.connectionId}:${eventId}`, provider: 'shopify', connectionId: c.connectionId, eventId, webhook: shopifyOrder(c, { orderId, total: (amount / 100).toFixed(2), eventId }), sale: { externalId: orderId, amountMinor: amount } });
    } else {
      const purchaseUuid = crypto.randomUUID();
      events.push({ key: `${c.connectionId}:${eventId}`, provider: 'zettle', connectionId: c.connectionId, eventId, webhook: zettlePurchase(c, { purchaseUuid, messageId: eventId, amount }), sale: { externalId: purchaseUuid, amountMinor: amount } });
    }
  }
  return events;
}

export interface EventOutcome {
  attempts: number;
  acked: boolean;
  duplicateAck: boolean;
  lastStatus: number | string;
}

export interface LoadStats {
  sent: number;
  attempts: number;
  acknowledged: number;
  /** Events that needed more than one attempt (connection refused/reset, 5xx, timeout). */
  retriedEvents: number;
  /** Acknowledged as duplicates: the server had stored them on an attempt whose answer was lost. */
  duplicateAcks: number;
  networkErrors: number;
  statuses: Record<string, number>;
}

export interface SendOptions {
  concurrency: number;
  /** Base URL for the event with this index (lets the multi-instance test alternate servers). */
  target: (index: number) => string;
  /** A real provider retries until it gets a 2xx; false for one-shot sends. */
  retry: boolean;
  deadline: number;
  onAck?: () => void;
}

/** Sends one webhook like a provider: same body and headers (same event id) on every retry. */
async function deliver(ev: PlannedEvent, index: number, opts: SendOptions, stats: LoadStats): Promise<EventOutcome> {
  const outcome: EventOutcome = { attempts: 0, acked: false, duplicateAck: false, lastStatus: 'none' };
  while (Date.now() < opts.deadline) {
    outcome.attempts += 1;
    stats.attempts += 1;
    try {
      const res = await fetch(opts.target(index) + ev.webhook.path, { method: 'POST', headers: ev.webhook.headers, body: ev.webhook.body, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      outcome.lastStatus = res.status;
      stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
      if (res.ok) {
        outcome.acked = true;
        outcome.duplicateAck = (JSON.parse(text) as { duplicate?: boolean }).duplicate === true;
        return outcome;
      }
      // 4xx other than 429 would be a bug in this test's payloads: a real provider would give up.
      if (res.status < 500 && res.status !== 429) return outcome;
    } catch (err) {
      stats.networkErrors += 1;
      outcome.lastStatus = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      stats.statuses[outcome.lastStatus] = (stats.statuses[outcome.lastStatus] ?? 0) + 1;
    }
    if (!opts.retry) return outcome;
    // Exponential backoff with full jitter, capped low so the test stays bounded (providers wait minutes).
    await sleep(10 + Math.random() * Math.min(1000, 50 * 2 ** outcome.attempts));
  }
  return outcome;
}

export async function sendAll(events: PlannedEvent[], opts: SendOptions): Promise<{ stats: LoadStats; outcomes: Map<string, EventOutcome> }> {
  const stats: LoadStats = { sent: events.length, attempts: 0, acknowledged: 0, retriedEvents: 0, duplicateAcks: 0, networkErrors: 0, statuses: {} };
  const outcomes = new Map<string, EventOutcome>();
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const index = next++;
      const ev = events[index]!;
      const o = await deliver(ev, index, opts, stats);
      outcomes.set(ev.key, o);
      if (o.attempts > 1) stats.retriedEvents += 1;
      if (o.acked) {
        stats.acknowledged += 1;
        if (o.duplicateAck) stats.duplicateAcks += 1;
        opts.onAck?.();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { stats, outcomes };
}
