import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, shopifyRefund, signShopify, signSquare, signZettle, squarePayment, squareRefund, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { connect, countRows, drain, eventsOf, send, transactionsOf, type Provider } from '../helpers/webhook-helpers.js';

describe.skipIf(backendUnavailable)('webhook effects', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.stop());

  /** Sends, expects 200, drains the queue. */
  async function deliver(wh: SignedWebhook) {
    const res = await send(p, wh);
    expect(res.status, res.text).toBe(200);
    expect(res.body.received).toBe(true);
    await drain(p);
    return res.body;
  }

  async function txs(c: ConnectionSetup) {
    return (await transactionsOf(p, c.businessId)).filter((t) => t.connectionId === c.connectionId);
  }

  describe('sales become one normalised transaction', () => {
    it('Square payment.updated COMPLETED: amount from total_money, card last4, location', async () => {
      const c = await connect(p, 'square');
      const createdAt = '2026-03-14T09:26:53.589Z';
      const base = JSON.parse(squarePayment(c, { paymentId: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', createdAt, last4: '1111' }).body);
      // A tip: total_money (what was charged) differs from amount_money.
      base.data.object.payment.amount_money = { amount: 10000, currency: 'SEK' };
      base.data.object.payment.total_money = { amount: 11550, currency: 'SEK' };
      const body = await deliver(signSquare(c, JSON.stringify(base)));
      expect(body).toEqual({ received: true, duplicate: false, eventId: base.event_id });
      const list = await txs(c);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ provider: 'square', externalId: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', amountMinor: 11550, currency: 'SEK', occurredAt: createdAt, cardLast4: '1111', status: 'completed', refundedAmountMinor: 0, locationId: c.locationId });
      const events = await eventsOf(p, c.connectionId);
      expect(events.map((e) => [e.event_id, e.event_type, e.status])).toEqual([[base.event_id, 'payment.updated', 'processed']]);
    });

    it('Square payment with status APPROVED is acknowledged but is no transaction', async () => {
      const c = await connect(p, 'square');
      await deliver(squarePayment(c, { status: 'APPROVED', type: 'payment.created' }));
      expect(await txs(c)).toEqual([]);
      expect((await eventsOf(p, c.connectionId)).map((e) => e.status)).toEqual(['ignored']);
    });

    it('Shopify orders/paid: decimal "199.65" → 19965 and the 64-bit order id kept exact', async () => {
      const c = await connect(p, 'shopify');
      await deliver(shopifyOrder(c, { orderId: '820982911946154508', total: '199.65' }));
      const list = await txs(c);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ provider: 'shopify', externalId: '820982911946154508', amountMinor: 19965, currency: 'SEK', status: 'completed', lineItemCount: 2, locationId: c.locationId });
      // Neighbouring 64-bit ids that round to the same double stay distinct.
      await deliver(shopifyOrder(c, { orderId: '820982911946154509', total: '0.10' }));
      expect((await txs(c)).map((t) => [t.externalId, t.amountMinor]).sort()).toEqual([
        ['820982911946154508', 19965],
        ['820982911946154509', 10],
      ]);
    });

    it('Shopify orders/create with financial_status pending is no transaction', async () => {
      const c = await connect(p, 'shopify');
      await deliver(shopifyOrder(c, { topic: 'orders/create', financialStatus: 'pending' }));
      // The topic is not signed: an unpaid body relabelled orders/paid is no sale either.
      await deliver(shopifyOrder(c, { topic: 'orders/paid', financialStatus: 'pending' }));
      expect(await txs(c)).toEqual([]);
      expect((await eventsOf(p, c.connectionId)).map((e) => e.status)).toEqual(['ignored', 'ignored']);
    });

    it('Zettle PurchaseCreated: amount, card last4 1234', async () => {
      const c = await connect(p, 'zettle');
      const purchaseUuid = randomUUID();
      await deliver(zettlePurchase(c, { purchaseUuid, amount: 35300 }));
      const list = await txs(c);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ provider: 'zettle', externalId: purchaseUuid, amountMinor: 35300, currency: 'SEK', cardLast4: '1234', lineItemCount: 1, status: 'completed', locationId: c.locationId });
    });

    it('other event types are acknowledged with 200 and recorded as ignored', async () => {
      const sq = await connect(p, 'square');
      const sh = await connect(p, 'shopify');
      const ze = await connect(p, 'zettle');
      const sqBody = JSON.stringify({ merchant_id: sq.merchantId, type: 'customer.created', event_id: randomUUID(), created_at: new Date().toISOString(), data: { type: 'customer', id: 'C1', object: { customer: { id: 'C1' } } } });
      await deliver(signSquare(sq, sqBody));
      await deliver(signShopify(sh, '{"id":632910392,"title":"IPod Nano"}', 'products/update'));
      await deliver(signZettle(ze, { organizationUuid: ze.merchantId, messageUuid: randomUUID(), eventName: 'ProductCreated', messageId: randomUUID(), payload: JSON.stringify({ uuid: randomUUID(), name: 'Kaffe' }), timestamp: new Date().toISOString() }));
      for (const [c, type] of [[sq, 'customer.created'], [sh, 'products/update'], [ze, 'ProductCreated']] as const) {
        const events = await eventsOf(p, c.connectionId);
        expect(events.map((e) => [e.event_type, e.status])).toEqual([[type, 'ignored']]);
        expect(events[0]!.processed_at).not.toBeNull();
        expect(await txs(c)).toEqual([]);
      }
    });
  });

  describe('refunds', () => {
    it('Square: refund.created (pending) for the full amount marks the sale refunded', async () => {
      const c = await connect(p, 'square');
      const paymentId = `P${randomUUID().slice(0, 8)}`;
      await deliver(squarePayment(c, { paymentId, amount: 12350 }));
      await deliver(squareRefund(c, { paymentId, amount: 12350 }));
      expect((await txs(c))[0]).toMatchObject({ externalId: paymentId, status: 'refunded', refundedAmountMinor: 12350, amountMinor: 12350 });
    });

    it('Square: partial refund, then refund.updated COMPLETED of the same refund does not double count', async () => {
      const c = await connect(p, 'square');
      const paymentId = `P${randomUUID().slice(0, 8)}`;
      const refundId = `R${randomUUID().slice(0, 8)}`;
      await deliver(squarePayment(c, { paymentId, amount: 12350 }));
      await deliver(squareRefund(c, { paymentId, amount: 2350, refundId }));
      expect((await txs(c))[0]).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 2350 });
      await deliver(squareRefund(c, { paymentId, amount: 2350, refundId, status: 'COMPLETED' }));
      expect((await txs(c))[0]).toMatchObject({ status: 'partially_refunded', refundedAmountMinor: 2350 });
      // A second refund covering the rest.
      await deliver(squareRefund(c, { paymentId, amount: 10000, status: 'COMPLETED' }));
      expect((await txs(c))[0]).toMatchObject({ status: 'refunded', refundedAmountMinor: 12350 });
    });

    it('Square: a refund that fails no longer counts', async () => {
      const c = await connect(p, 'square');
      const paymentId = `P${randomUUID().slice(0, 8)}`;
      const refundId = `R${randomUUID().slice(0, 8)}`;
      await deliver(squarePayment(c, { paymentId, amount: 5000 }));
      await deliver(squareRefund(c, { paymentId, amount: 5000, refundId }));
      expect((await txs(c))[0]).toMatchObject({ status: 'refunded', refundedAmountMinor: 5000 });
      await deliver(squareRefund(c, { paymentId, amount: 5000, refundId, status: 'FAILED' }));
      expect((await txs(c))[0]).toMatchObject({ status: 'completed', refundedAmountMinor: 0 });
    });

    it('Shopify refunds/create: partial then full', async () => {
      const c = await connect(p, 'shopify');
      const orderId = '820982911946154508';
      await deliver(shopifyOrder(c, { orderId, total: '199.65' }));
      await deliver(shopifyRefund(c, { orderId, amount: '50.00' }));
      expect((await txs(c))[0]).toMatchObject({ externalId: orderId, status: 'partially_refunded', refundedAmountMinor: 5000 });
      await deliver(shopifyRefund(c, { orderId, amount: '149.65' }));
      expect((await txs(c))[0]).toMatchObject({ externalId: orderId, status: 'refunded', refundedAmountMinor: 19965 });
    });

    it('Shopify refunds/create for a neighbouring 64-bit order id does not touch this order', async () => {
      const c = await connect(p, 'shopify');
      await deliver(shopifyOrder(c, { orderId: '820982911946154508', total: '10.00' }));
      await deliver(shopifyRefund(c, { orderId: '820982911946154509', amount: '10.00' }));
      expect((await txs(c))[0]).toMatchObject({ status: 'completed', refundedAmountMinor: 0 });
    });

    it('Zettle: a refund purchase (refund:true, refundsPurchaseUUID1) marks the original refunded', async () => {
      const c = await connect(p, 'zettle');
      const purchaseUuid = randomUUID();
      await deliver(zettlePurchase(c, { purchaseUuid, amount: 35300 }));
      await deliver(zettlePurchase(c, { amount: 5300, refundOf: purchaseUuid }));
      let list = await txs(c);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ externalId: purchaseUuid, status: 'partially_refunded', refundedAmountMinor: 5300 });
      await deliver(zettlePurchase(c, { amount: 30000, refundOf: purchaseUuid }));
      list = await txs(c);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ externalId: purchaseUuid, status: 'refunded', refundedAmountMinor: 35300 });
    });

    describe.each(['square', 'shopify', 'zettle'] as Provider[])('%s: refund arriving before its sale', (provider) => {
      /** A sale and its full refund for the provider, unsent. */
      function pair(c: ConnectionSetup) {
        if (provider === 'square') {
          const paymentId = `P${randomUUID().slice(0, 12)}`;
          return { id: paymentId, sale: squarePayment(c, { paymentId, amount: 4000 }), refund: squareRefund(c, { paymentId, amount: 4000, status: 'COMPLETED' }), amount: 4000 };
        }
        if (provider === 'shopify') {
          const orderId = `9${Math.floor(1e17 + Math.random() * 8e17)}`.slice(0, 18);
          return { id: orderId, sale: shopifyOrder(c, { orderId, total: '40.00' }), refund: shopifyRefund(c, { orderId, amount: '40.00' }), amount: 4000 };
        }
        const purchaseUuid = randomUUID();
        return { id: purchaseUuid, sale: zettlePurchase(c, { purchaseUuid, amount: 4000 }), refund: zettlePurchase(c, { amount: 4000, refundOf: purchaseUuid }), amount: 4000 };
      }

      it('processed one after the other, the sale still ends refunded', async () => {
        const c = await connect(p, provider);
        const { id, sale, refund, amount } = pair(c);
        await deliver(refund);
        expect(await txs(c)).toEqual([]);
        await deliver(sale);
        const list = await txs(c);
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ externalId: id, status: 'refunded', refundedAmountMinor: amount, amountMinor: amount });
      });

      it('processed concurrently (many pairs in one batch), every sale ends refunded', async () => {
        const c = await connect(p, provider);
        const pairs = Array.from({ length: 12 }, () => pair(c));
        // Enqueue everything before the worker may run: refund first, sale immediately after.
        const results = await Promise.all(pairs.flatMap((x) => [send(p, x.refund), send(p, x.sale)]));
        expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
        await drain(p);
        const list = await txs(c);
        expect(list).toHaveLength(pairs.length);
        const notRefunded = list.filter((t) => t.status !== 'refunded' || t.refundedAmountMinor !== 4000);
        expect(notRefunded.map((t) => [t.externalId, t.status, t.refundedAmountMinor])).toEqual([]);
      });
    });
  });

  it('the counts of all tables match what was delivered (no stray rows)', async () => {
    const c = await connect(p, 'square');
    const before = await countRows(p);
    const paymentId = `P${randomUUID().slice(0, 8)}`;
    await deliver(squarePayment(c, { paymentId, amount: 100 }));
    await deliver(squareRefund(c, { paymentId, amount: 50 }));
    expect(await countRows(p)).toEqual({ webhook_events: before.webhook_events + 2, webhook_dead_letters: before.webhook_dead_letters, transactions: before.transactions + 1, jobs: before.jobs + 2 });
  });
});
