import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, signShopify, signSquare, signZettle, squarePayment, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { connect, countRows, deadLettersOf, drain, send, transactionsOf, type Provider } from '../helpers/webhook-helpers.js';

const MiB = 1024 * 1024;

describe.skipIf(backendUnavailable)('webhook rejections', () => {
  let p: TestPlatform;
  const c = {} as Record<Provider, ConnectionSetup>;

  beforeAll(async () => {
    p = await startTestPlatform();
    c.square = await connect(p, 'square');
    c.shopify = await connect(p, 'shopify');
    c.zettle = await connect(p, 'zettle');
  });
  afterAll(async () => p?.stop());

  async function expectRejected(wh: SignedWebhook, status: number, code: string) {
    await drain(p);
    const before = await countRows(p);
    const res = await send(p, wh);
    expect(res.status, res.text).toBe(status);
    expect(res.body?.error?.code).toBe(code);
    await drain(p);
    expect(await countRows(p)).toEqual(before);
  }

  describe('payload for another merchant or location → 403 merchant_mismatch', () => {
    it('Square: another merchant_id', async () => {
      await expectRejected(squarePayment(c.square, { merchantId: 'SQMOTHERMERCHANT' }), 403, 'merchant_mismatch');
    });

    it('Square: another location_id on the payment', async () => {
      await expectRejected(squarePayment(c.square, { locationId: 'SQLOTHERLOCATION' }), 403, 'merchant_mismatch');
    });

    it('Shopify: another shop domain', async () => {
      const wh = shopifyOrder(c.shopify);
      await expectRejected({ ...wh, headers: { ...wh.headers, 'x-shopify-shop-domain': 'someone-else.myshopify.com' } }, 403, 'merchant_mismatch');
    });

    it('Shopify: another location_id', async () => {
      await expectRejected(shopifyOrder(c.shopify, { locationId: '999999999' }), 403, 'merchant_mismatch');
    });

    it('Shopify: the shop domain compares case-insensitively (control)', async () => {
      const wh = shopifyOrder(c.shopify);
      const res = await send(p, { ...wh, headers: { ...wh.headers, 'x-shopify-shop-domain': c.shopify.merchantId.toUpperCase() } });
      expect(res.status, res.text).toBe(200);
    });

    it('Zettle: another organizationUuid', async () => {
      await expectRejected(zettlePurchase(c.zettle, { organizationUuid: randomUUID() }), 403, 'merchant_mismatch');
    });

    it('Zettle: an unsigned envelope organizationUuid that differs from the signed payload is refused', async () => {
      const wh = zettlePurchase(c.zettle, { organizationUuid: randomUUID() });
      const env = JSON.parse(wh.body);
      // The envelope claims this connection's organisation, the signed payload another one.
      const res = await send(p, { ...wh, body: JSON.stringify({ ...env, organizationUuid: c.zettle.merchantId }) });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
      expect((await countRows(p, c.zettle.connectionId)).webhook_events).toBe(0);
    });
  });

  describe('body size limit (1 MiB)', () => {
    /** A signed Square sale whose JSON is padded with trailing whitespace to exactly `size` bytes. */
    function squareOfSize(size: number): SignedWebhook {
      const base = JSON.parse(squarePayment(c.square).body);
      const json = JSON.stringify(base);
      return signSquare(c.square, json + ' '.repeat(size - Buffer.byteLength(json)));
    }

    it('accepts a validly signed body of exactly 1 MiB', async () => {
      const wh = squareOfSize(MiB);
      expect(Buffer.byteLength(wh.body)).toBe(MiB);
      const res = await send(p, wh);
      expect(res.status, res.text).toBe(200);
    });

    it('rejects 1 MiB + 1 byte with 413 payload_too_large and stores nothing', async () => {
      await expectRejected(squareOfSize(MiB + 1), 413, 'payload_too_large');
    });

    it('rejects oversized Shopify and Zettle bodies with 413', async () => {
      const order = shopifyOrder(c.shopify);
      await expectRejected(signShopify(c.shopify, order.body + ' '.repeat(MiB), 'orders/paid'), 413, 'payload_too_large');
      const z = JSON.parse(zettlePurchase(c.zettle).body);
      await expectRejected(signZettle(c.zettle, { ...z, padding: 'x'.repeat(MiB) }), 413, 'payload_too_large');
    });
  });

  describe('valid signature, unusable payload → 400 invalid_payload + dead letter', () => {
    async function expectDeadLettered(conn: ConnectionSetup, wh: SignedWebhook, reason: string | RegExp) {
      await drain(p);
      const before = await countRows(p);
      const lettersBefore = await deadLettersOf(p, conn.businessId, conn.connectionId);
      const res = await send(p, wh);
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.code).toBe('invalid_payload');
      await drain(p);
      expect(await countRows(p)).toEqual({ ...before, webhook_dead_letters: before.webhook_dead_letters + 1 });
      const letters = await deadLettersOf(p, conn.businessId, conn.connectionId);
      expect(letters).toHaveLength(lettersBefore.length + 1);
      const newest = letters[0];
      expect(newest.reason).toMatch(reason);
      expect(newest.body).toBe(wh.body);
      // Signatures are not kept with the dead letter.
      expect(Object.keys(newest.headers).filter((k) => /signature|hmac/i.test(k))).toEqual([]);
      expect(newest.headers['content-type']).toBe('application/json');
      return newest;
    }

    it('Square: body is not JSON', async () => {
      const letter = await expectDeadLettered(c.square, signSquare(c.square, 'this is { not json'), 'body is not JSON');
      expect(letter.provider).toBe('square');
    });

    it('Square: COMPLETED payment without total_money or amount_money', async () => {
      const body = JSON.parse(squarePayment(c.square).body);
      delete body.data.object.payment.total_money;
      delete body.data.object.payment.amount_money;
      await expectDeadLettered(c.square, signSquare(c.square, JSON.stringify(body)), 'payment has no total_money or amount_money');
    });

    it('Square: total_money without an amount', async () => {
      const body = JSON.parse(squarePayment(c.square).body);
      body.data.object.payment.total_money = { currency: 'SEK' };
      const letter = await expectDeadLettered(c.square, signSquare(c.square, JSON.stringify(body)), 'invalid payment');
      expect(JSON.stringify(letter.details)).toContain('total_money.amount');
    });

    it('Square: envelope without event_id', async () => {
      const body = JSON.parse(squarePayment(c.square).body);
      delete body.event_id;
      await expectDeadLettered(c.square, signSquare(c.square, JSON.stringify(body)), 'invalid Square envelope');
    });

    it('Shopify: order without total_price', async () => {
      const wh = shopifyOrder(c.shopify);
      const body = wh.body.replace(/"total_price":"[^"]*",/, '');
      expect(body).not.toContain('total_price');
      await expectDeadLettered(c.shopify, signShopify(c.shopify, body, 'orders/paid'), 'invalid order');
    });

    it('Shopify: body is not JSON', async () => {
      await expectDeadLettered(c.shopify, signShopify(c.shopify, '<xml/>', 'orders/paid'), 'body is not a JSON object');
    });

    it('Shopify: total_price that is not a decimal', async () => {
      await expectDeadLettered(c.shopify, shopifyOrder(c.shopify, { total: '1e3' }), 'invalid total_price');
    });

    it('Zettle: purchase without amount', async () => {
      const env = JSON.parse(zettlePurchase(c.zettle).body);
      const payload = JSON.parse(env.payload);
      delete payload.amount;
      await expectDeadLettered(c.zettle, signZettle(c.zettle, { ...env, payload: JSON.stringify(payload) }), 'invalid purchase');
    });

    it('Zettle: payload string that is not JSON', async () => {
      const env = JSON.parse(zettlePurchase(c.zettle).body);
      await expectDeadLettered(c.zettle, signZettle(c.zettle, { ...env, payload: 'not json' }), 'invalid purchase');
    });

    it('Zettle: envelope without messageId', async () => {
      const env = JSON.parse(zettlePurchase(c.zettle).body);
      delete env.messageId;
      await expectDeadLettered(c.zettle, signZettle(c.zettle, env), 'invalid Zettle envelope');
    });

    it('dead letters are listed per connection, newest first', async () => {
      const conn = await connect(p, 'square');
      await expectDeadLettered(conn, signSquare(conn, 'first'), 'body is not JSON');
      await expectDeadLettered(conn, signSquare(conn, 'second'), 'body is not JSON');
      const letters = await deadLettersOf(p, conn.businessId, conn.connectionId);
      expect(letters.map((l) => l.body)).toEqual(['second', 'first']);
      const other = await p.admin('GET', `/admin/businesses/${c.square.businessId}/pos-connections/${conn.connectionId}/dead-letters`);
      expect(other.status).toBe(404);
    });
  });

  describe('Zettle TestMessage', () => {
    const testMessage = (conn: ConnectionSetup) =>
      JSON.stringify({ organizationUuid: conn.merchantId, messageUuid: randomUUID(), eventName: 'TestMessage', messageId: randomUUID(), payload: { data: 'payload' } });

    it('is acknowledged without a signature and stores nothing', async () => {
      await drain(p);
      const before = await countRows(p);
      const res = await p.api('POST', `/webhooks/zettle/${c.zettle.connectionId}`, testMessage(c.zettle), { 'content-type': 'application/json' });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ received: true, duplicate: false, test: true });
      await drain(p);
      expect(await countRows(p)).toEqual(before);
      expect(await transactionsOf(p, c.zettle.businessId)).toEqual([]);
    });

    it('still needs a known Zettle connection (404 otherwise) and is not special for Square (401)', async () => {
      const body = testMessage(c.zettle);
      await expectRejected({ path: `/webhooks/zettle/${randomUUID()}`, body, headers: { 'content-type': 'application/json' } }, 404, 'not_found');
      await expectRejected({ path: `/webhooks/square/${c.square.connectionId}`, body, headers: { 'content-type': 'application/json' } }, 401, 'invalid_signature');
    });
  });
});
