import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import type { ConnectionSetup } from '../helpers/fixtures.js';
import { shopifyOrder, signSquare, signZettle, squarePayment, squareRefund, zettlePurchase, type SignedWebhook } from '../helpers/pos-payloads.js';
import { connect, countRows, deadLettersOf, drain, send, transactionsOf } from '../helpers/webhook-helpers.js';

/**
 * Validly signed (or, for Zettle's unsigned envelope fields, replayable) payloads with values a
 * database may refuse: NUL characters, very long ids, amounts beyond 32 bits. Whatever the answer,
 * it must not be a 500 (which providers retry for days) and nothing accepted may fail to apply.
 */
describe.skipIf(backendUnavailable)('hostile but signed payloads', () => {
  let p: TestPlatform;
  let sq: ConnectionSetup;
  let sh: ConnectionSetup;
  let ze: ConnectionSetup;

  beforeAll(async () => {
    p = await startTestPlatform();
    sq = await connect(p, 'square');
    sh = await connect(p, 'shopify');
    ze = await connect(p, 'zettle');
  });
  afterAll(async () => p?.stop());

  const squareWith = (edit: (body: any) => void) => {
    const body = JSON.parse(squarePayment(sq).body);
    edit(body);
    return signSquare(sq, JSON.stringify(body));
  };
  const zettleWith = (edit: (env: any) => void) => {
    const env = JSON.parse(zettlePurchase(ze).body);
    edit(env);
    return signZettle(ze, env);
  };

  /** 400 invalid_payload with a dead letter, or 200 — never a 500; and the queue never fails. */
  async function expectHandled(c: ConnectionSetup, wh: SignedWebhook): Promise<number> {
    await drain(p);
    const before = await countRows(p, c.connectionId);
    const res = await send(p, wh);
    expect([200, 400], res.text).toContain(res.status);
    if (res.status === 400) {
      expect(res.body.error.code).toBe('invalid_payload');
      const after = await countRows(p, c.connectionId);
      expect(after).toEqual({ ...before, webhook_dead_letters: before.webhook_dead_letters + 1 });
    }
    await drain(p);
    const failed = await p.ctx.db.kysely.selectFrom('jobs').select(['last_error']).where('last_error', 'is not', null).execute();
    expect(failed).toEqual([]);
    const waiting = await p.ctx.db.kysely.selectFrom('webhook_events').select(['event_id']).where('status', '=', 'received').execute();
    expect(waiting).toEqual([]);
    return res.status;
  }

  it('Square: NUL in event_id', async () => {
    expect(await expectHandled(sq, squareWith((b) => (b.event_id = 'evt\u0000id')))).toBe(400);
  });

  it('Square: NUL in the event type', async () => {
    expect(await expectHandled(sq, squareWith((b) => (b.type = 'payment.updated\u0000')))).toBe(400);
  });

  it('Square: NUL in the payment id', async () => {
    expect(await expectHandled(sq, squareWith((b) => (b.data.object.payment.id = 'pay\u0000')))).toBe(400);
  });

  it('Square: NUL in a refund status (the dead letter reason quotes it)', async () => {
    const body = JSON.parse(squareRefund(sq, { paymentId: 'P1', amount: 100 }).body);
    body.data.object.refund.status = 'WEIRD\u0000';
    expect(await expectHandled(sq, signSquare(sq, JSON.stringify(body)))).toBe(400);
    const [letter] = await deadLettersOf(p, sq.businessId, sq.connectionId);
    expect(letter.reason).toMatch(/^unknown refund status WEIRD/);
  });

  it('Square: an event_id of 8 kB', async () => {
    expect(await expectHandled(sq, squareWith((b) => (b.event_id = randomBytes(6000).toString('base64'))))).toBe(400);
  });

  it('Square: a payment id of 8 kB', async () => {
    expect(await expectHandled(sq, squareWith((b) => (b.data.object.payment.id = randomBytes(6000).toString('base64'))))).toBe(400);
  });

  it('Zettle: NUL in the (unsigned) envelope messageId and eventName', async () => {
    expect(await expectHandled(ze, zettleWith((e) => (e.messageId = 'm\u0000')))).toBe(400);
    expect(await expectHandled(ze, zettleWith((e) => (e.eventName = 'Other\u0000')))).toBe(400);
  });

  it('Zettle: a messageId of 8 kB', async () => {
    expect(await expectHandled(ze, zettleWith((e) => (e.messageId = randomBytes(6000).toString('hex'))))).toBe(400);
  });

  describe('amounts beyond 32 bits are either stored exactly or refused, never stuck', () => {
    async function check(c: ConnectionSetup, wh: SignedWebhook, amountMinor: number) {
      const status = await expectHandled(c, wh);
      const tx = (await transactionsOf(p, c.businessId)).filter((t) => t.amountMinor === amountMinor || t.amountMinor > 2 ** 31 - 1);
      // Either way, never a wrapped or rounded amount.
      expect(tx.map((t) => t.amountMinor)).toEqual(status === 200 ? [amountMinor] : []);
    }

    it('Square total_money of 2^31 öre', async () => {
      await check(sq, squarePayment(sq, { amount: 2 ** 31 }), 2 ** 31);
    });

    it('Shopify total_price "99999999999.99"', async () => {
      await check(sh, shopifyOrder(sh, { total: '99999999999.99' }), 9_999_999_999_999);
    });

    it('Zettle amount Number.MAX_SAFE_INTEGER', async () => {
      await check(ze, zettlePurchase(ze, { amount: Number.MAX_SAFE_INTEGER }), Number.MAX_SAFE_INTEGER);
    });
  });
});
