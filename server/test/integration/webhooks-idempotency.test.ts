import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, squarePayment, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { connect, createSharedDatabase, drain, eventsOf, send, startOnSharedDatabase, transactionsOf, PROVIDERS, type Provider } from '../helpers/webhook-helpers.js';

function saleFor(provider: Provider, c: ConnectionSetup): SignedWebhook {
  if (provider === 'square') return squarePayment(c, { amount: 2500 });
  if (provider === 'shopify') return shopifyOrder(c, { total: '25.00' });
  return zettlePurchase(c, { amount: 2500 });
}

describe.skipIf(backendUnavailable)('webhook exactly-once', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  async function txs(c: ConnectionSetup) {
    return (await transactionsOf(p, c.businessId)).filter((t) => t.connectionId === c.connectionId);
  }

  describe.each(PROVIDERS)('%s', (provider) => {
    it('the same event delivered twice: 200 both times, the second marked duplicate, one transaction', async () => {
      const c = await connect(p, provider);
      const wh = saleFor(provider, c);
      const first = await send(p, wh);
      expect(first.status, first.text).toBe(200);
      expect(first.body.duplicate).toBe(false);
      await drain(p);
      const second = await send(p, wh);
      expect(second.status, second.text).toBe(200);
      expect(second.body).toEqual({ received: true, duplicate: true, eventId: first.body.eventId });
      await drain(p);
      expect(await eventsOf(p, c.connectionId)).toHaveLength(1);
      const list = await txs(c);
      expect(list).toHaveLength(1);
      expect(list[0].amountMinor).toBe(2500);
    });

    it('25 concurrent deliveries of the same event: all 200, one event row, one job, one transaction', async () => {
      const c = await connect(p, provider);
      const wh = saleFor(provider, c);
      const jobsBefore = await p.ctx.db.kysely.selectFrom('jobs').select('id').execute();
      const results = await Promise.all(Array.from({ length: 25 }, () => send(p, wh)));
      expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
      expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
      expect(results.filter((r) => r.body.duplicate === true)).toHaveLength(24);
      await drain(p);
      const events = await eventsOf(p, c.connectionId);
      expect(events).toHaveLength(1);
      expect(events[0]!.status).toBe('processed');
      const jobsAfter = await p.ctx.db.kysely.selectFrom('jobs').select(['id', 'payload']).where('type', '=', 'pos.apply_event').execute();
      const newJobs = jobsAfter.filter((j) => !jobsBefore.some((b) => b.id === j.id));
      expect(newJobs.map((j) => JSON.parse(j.payload).eventRowId)).toEqual([events[0]!.id]);
      expect(await txs(c)).toHaveLength(1);
    });
  });

  it('Square payment.created + payment.updated for the same payment → one transaction with the newest amount', async () => {
    const c = await connect(p, 'square');
    const paymentId = `P${randomUUID().slice(0, 10)}`;
    const r1 = await send(p, squarePayment(c, { paymentId, type: 'payment.created', amount: 10000 }));
    expect(r1.status, r1.text).toBe(200);
    await drain(p);
    const r2 = await send(p, squarePayment(c, { paymentId, type: 'payment.updated', amount: 11500 }));
    expect(r2.status, r2.text).toBe(200);
    expect(r2.body.duplicate).toBe(false);
    await drain(p);
    const list = await txs(c);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ externalId: paymentId, amountMinor: 11500 });
    expect((await eventsOf(p, c.connectionId)).map((e) => e.status)).toEqual(['processed', 'processed']);
  });

  it('Shopify orders/create (already paid) + orders/paid for the same order → one transaction', async () => {
    const c = await connect(p, 'shopify');
    const orderId = '820982911946154508';
    const results = await Promise.all([
      send(p, shopifyOrder(c, { orderId, topic: 'orders/create', financialStatus: 'paid' })),
      send(p, shopifyOrder(c, { orderId, topic: 'orders/paid' })),
    ]);
    expect(results.map((r) => [r.status, r.body.duplicate])).toEqual([
      [200, false],
      [200, false],
    ]);
    await drain(p);
    const list = await txs(c);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ externalId: orderId, amountMinor: 19965 });
  });

  it('Zettle: two messages (different messageId) for the same purchase → one transaction', async () => {
    const c = await connect(p, 'zettle');
    const purchaseUuid = randomUUID();
    const results = await Promise.all(Array.from({ length: 5 }, () => send(p, zettlePurchase(c, { purchaseUuid }))));
    expect(results.map((r) => r.body.duplicate)).toEqual([false, false, false, false, false]);
    await drain(p);
    expect(await eventsOf(p, c.connectionId)).toHaveLength(5);
    expect(await txs(c)).toHaveLength(1);
  });

  it('many distinct events for the same Square payment delivered concurrently → one transaction', async () => {
    const c = await connect(p, 'square');
    const paymentId = `P${randomUUID().slice(0, 10)}`;
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => send(p, squarePayment(c, { paymentId, type: i % 2 ? 'payment.updated' : 'payment.created', amount: 7700 }))));
    expect(results.every((r) => r.status === 200 && r.body.duplicate === false)).toBe(true);
    await drain(p);
    const list = await txs(c);
    expect(list).toHaveLength(1);
    expect(list[0].amountMinor).toBe(7700);
  });

  it('duplicates are per connection: the same event id on two connections is two events', async () => {
    const a = await connect(p, 'square');
    const b = await connect(p, 'square');
    const eventId = randomUUID();
    expect((await send(p, squarePayment(a, { eventId }))).body.duplicate).toBe(false);
    expect((await send(p, squarePayment(b, { eventId }))).body.duplicate).toBe(false);
    await drain(p);
    expect(await txs(a)).toHaveLength(1);
    expect(await txs(b)).toHaveLength(1);
  });
});

describe.skipIf(backendUnavailable)('webhook durability after the 2xx', () => {
  it('with a slow worker: the event and its job are committed before the ack, and the job is then processed', async () => {
    const p = await startTestPlatform({ QUEUE_POLL_INTERVAL_MS: '60000' });
    try {
      const c = await connect(p, 'square');
      const wh = squarePayment(c, { amount: 4321 });
      const res = await send(p, wh);
      expect(res.status, res.text).toBe(200);
      // Read straight after the ack, before any drain.
      const event = await p.ctx.db.kysely.selectFrom('webhook_events').selectAll().where('connection_id', '=', c.connectionId).where('event_id', '=', res.body.eventId).executeTakeFirst();
      expect(event).toBeDefined();
      const jobs = await p.ctx.db.kysely.selectFrom('jobs').selectAll().execute();
      const job = jobs.find((j) => JSON.parse(j.payload).eventRowId === event!.id);
      expect(job).toBeDefined();
      expect(job!.type).toBe('pos.apply_event');
      // notify() may already have woken the worker, so the job is pending or at most just claimed.
      expect(['pending', 'running', 'done']).toContain(job!.status);
      await drain(p);
      const done = await p.ctx.db.kysely.selectFrom('jobs').select('status').where('id', '=', job!.id).executeTakeFirstOrThrow();
      expect(done.status).toBe('done');
      const list = (await transactionsOf(p, c.businessId)).filter((t) => t.connectionId === c.connectionId);
      expect(list.map((t) => t.amountMinor)).toEqual([4321]);
    } finally {
      await p.stop();
    }
  });

  it('a process stopped right after acking (worker never ran) loses nothing: the next process applies the events', async () => {
    const shared = await createSharedDatabase();
    try {
      const first = await startOnSharedDatabase(shared, { startWorkers: false });
      const conns = {} as Record<Provider, ConnectionSetup>;
      const eventIds = {} as Record<Provider, string>;
      const sent = {} as Record<Provider, SignedWebhook>;
      try {
        for (const provider of PROVIDERS) {
          conns[provider] = await connect(first, provider);
          sent[provider] = saleFor(provider, conns[provider]);
          const res = await send(first, sent[provider]);
          expect(res.status, res.text).toBe(200);
          eventIds[provider] = res.body.eventId;
        }
        const jobs = await first.ctx.db.kysely.selectFrom('jobs').select(['status', 'type']).where('type', '=', 'pos.apply_event').execute();
        expect(jobs).toEqual(PROVIDERS.map(() => ({ status: 'pending', type: 'pos.apply_event' })));
        const events = await first.ctx.db.kysely.selectFrom('webhook_events').select(['status', 'event_id']).orderBy('id').execute();
        expect(events).toEqual(PROVIDERS.map((pr) => ({ status: 'received', event_id: eventIds[pr] })));
        expect(await first.ctx.db.kysely.selectFrom('transactions').select('id').execute()).toEqual([]);
      } finally {
        await first.stop();
      }

      const second = await startOnSharedDatabase(shared, { startWorkers: true });
      try {
        await drain(second);
        const jobs = await second.ctx.db.kysely.selectFrom('jobs').select('status').where('type', '=', 'pos.apply_event').execute();
        expect(jobs.map((j) => j.status)).toEqual(['done', 'done', 'done']);
        for (const provider of PROVIDERS) {
          const list = await transactionsOf(second, conns[provider].businessId);
          expect(list).toHaveLength(1);
          expect(list[0]).toMatchObject({ provider, amountMinor: 2500, status: 'completed', connectionId: conns[provider].connectionId });
          // The provider's retry of the acked delivery is recognised as a duplicate after the restart.
          const retry = await send(second, sent[provider]);
          expect(retry.status, retry.text).toBe(200);
          expect(retry.body).toEqual({ received: true, duplicate: true, eventId: eventIds[provider] });
        }
        await drain(second);
        expect(await second.ctx.db.kysely.selectFrom('transactions').select('id').execute()).toHaveLength(3);
      } finally {
        await second.stop();
      }
    } finally {
      await shared.drop();
    }
  });
});
