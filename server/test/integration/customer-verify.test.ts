import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, squareSetup, CONSENT } from '../helpers/customer.js';
import { squareRefund } from '../helpers/pos-payloads.js';

const MIN = 60_000;
const DAY = 86_400_000;

/** "317,50" / "317.50" / "317" — the three ways a customer types an amount. */
function sek(minor: number, style: 'comma' | 'dot' | 'whole' = 'comma'): string {
  const kr = Math.floor(minor / 100);
  const ore = String(minor % 100).padStart(2, '0');
  if (style === 'whole' && minor % 100 === 0) return String(kr);
  return `${kr}${style === 'dot' ? '.' : ','}${ore}`;
}

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe.skipIf(backendUnavailable)('purchase verification (POST /feedback-sessions/:id/verify)', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;
  let ipSeq = 0;

  /**
   * A QR session from its own client address (TRUST_PROXY), so the per-IP rate limits of this busy
   * file never interfere; what is limited per session (attempts) is still tested per session.
   */
  async function session(qr = qrToken) {
    ipSeq += 1;
    const headers = { 'x-forwarded-for': `10.20.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}`, 'x-device-id': `verify-${randomUUID()}` };
    const res = await p.api('POST', '/api/v1/feedback-sessions', { qrToken: qr, locale: 'sv', consent: CONSENT }, headers);
    expect(res.status, res.text).toBe(201);
    const { sessionId, sessionToken } = res.body as { sessionId: string; sessionToken: string };
    const auth = { ...headers, authorization: `Bearer ${sessionToken}` };
    return {
      sessionId,
      verify: (body: Record<string, unknown>) => p.api('POST', `/api/v1/feedback-sessions/${sessionId}/verify`, body, auth),
      get: () => p.api('GET', `/api/v1/feedback-sessions/${sessionId}`, undefined, auth),
    };
  }

  async function connectionWithQr(): Promise<{ conn: ConnectionSetup; qr: string }> {
    const conn = await setupConnection(p, 'square');
    return { conn, qr: (await locationQr(p, conn)).qrToken };
  }

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true' });
    c = await squareSetup(p);
    ({ qrToken } = await locationQr(p, c));
  });
  afterAll(async () => p?.stop());

  it('±2 min and ±0,50 kr: exactly on the boundary matches, one millisecond or one öre beyond does not', async () => {
    const a = await ingestSale(p, c, 31_750, 5);
    const s1 = await session();
    for (const body of [
      { amount: '317,50', purchasedAt: shift(a.occurredAt, 120_001), cardLast4: a.last4 },
      { amount: '317,50', purchasedAt: shift(a.occurredAt, -120_001), cardLast4: a.last4 },
      { amount: '318,01', purchasedAt: a.occurredAt, cardLast4: a.last4 },
      { amount: '316.99', purchasedAt: a.occurredAt, cardLast4: a.last4 },
    ]) {
      const res = await s1.verify(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('no_matching_purchase');
    }
    const inA = await s1.verify({ amount: '318,00', purchasedAt: shift(a.occurredAt, 120_000), cardLast4: a.last4 });
    expect(inA.status, inA.text).toBe(200);
    expect(inA.body).toEqual({ verified: true, purchase: { amountMinor: 31_750, occurredAt: a.occurredAt } });

    const b = await ingestSale(p, c, 42_250, 9);
    const s2 = await session();
    const inB = await s2.verify({ amount: '422.00', purchasedAt: shift(b.occurredAt, -120_000), cardLast4: b.last4 });
    expect(inB.status, inB.text).toBe(200);
    expect(inB.body).toEqual({ verified: true, purchase: { amountMinor: 42_250, occurredAt: b.occurredAt } });
    const stored = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['status', 'purchase_amount_minor', 'purchased_at', 'verify_attempts']).where('id', '=', s2.sessionId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'verified', purchase_amount_minor: 42_250, purchased_at: b.occurredAt, verify_attempts: 1 });
  });

  it('a local "HH:MM" (and "HH.MM") is today in Europe/Stockholm', async () => {
    for (const [amountMinor, sep] of [[41_000, ':'], [51_300, '.']] as const) {
      const sale = await ingestSale(p, c, amountMinor, 3);
      const hhmm = DateTime.fromISO(sale.occurredAt).setZone('Europe/Stockholm').toFormat(`HH'${sep}'mm`);
      const res = await (await session()).verify({ amount: sek(amountMinor, 'whole'), purchasedAt: hhmm, cardLast4: sale.last4 });
      expect(res.status, `${hhmm}: ${res.text}`).toBe(200);
      expect(res.body.purchase).toEqual({ amountMinor, occurredAt: sale.occurredAt });
    }
  });

  it('two equal card purchases: the card\'s digits are asked for (never how many match) and decide', async () => {
    const first = await ingestSale(p, c, 55_500, 4, '1111');
    const second = await ingestSale(p, c, 55_500, 4, '2222');
    const at = shift(first.occurredAt, 20_000);
    const s = await session();
    const asked = await s.verify({ amount: '555', purchasedAt: at });
    expect(asked.status).toBe(422);
    expect(asked.body.error).toEqual({ code: 'card_last4_required', message: 'Add the last four digits of the card you paid with (they are on the receipt).', details: { needs: 'cardLast4', attemptsLeft: 5 } });
    expect((await s.verify({ amount: '555', purchasedAt: at, cardLast4: '9999' })).body.error.code).toBe('no_matching_purchase');
    const bad = await s.verify({ amount: '555', purchasedAt: at, cardLast4: '12a4' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const ok = await s.verify({ amount: '555', purchasedAt: at, cardLast4: '2222' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.purchase).toEqual({ amountMinor: 55_500, occurredAt: second.occurredAt });

    // With the 2222 purchase claimed the digits are still asked for, exactly as before…
    const other = await session();
    expect((await other.verify({ amount: '555', purchasedAt: at })).body.error).toEqual(asked.body.error);
    const otherOk = await other.verify({ amount: '555', purchasedAt: at, cardLast4: '1111' });
    expect(otherOk.status, otherOk.text).toBe(200);
    expect(otherOk.body.purchase).toEqual({ amountMinor: 55_500, occurredAt: first.occurredAt });
    // …and once both are claimed, a third customer hears what "no purchase" would say, with or without the digits.
    const third = await session();
    expect((await third.verify({ amount: '555', purchasedAt: at })).body.error.code).toBe('card_last4_required');
    const taken = await third.verify({ amount: '555', purchasedAt: at, cardLast4: '2222' });
    expect(taken.status).toBe(422);
    expect(taken.body.error).toMatchObject({ code: 'no_matching_purchase', details: { attemptsLeft: 4 } });
  });

  it('equal cash purchases are interchangeable: each customer gets one, the closest in amount first', async () => {
    const near = await ingestSale(p, c, 43_320, 6, null);
    const far = await ingestSale(p, c, 43_300, 6, null);
    const first = await (await session()).verify({ amount: '433,20', purchasedAt: near.occurredAt });
    expect(first.body.purchase).toEqual({ amountMinor: 43_320, occurredAt: near.occurredAt });
    const second = await (await session()).verify({ amount: '433,20', purchasedAt: near.occurredAt });
    expect(second.body.purchase).toEqual({ amountMinor: 43_300, occurredAt: far.occurredAt });
    expect((await (await session()).verify({ amount: '433,20', purchasedAt: near.occurredAt })).body.error.code).toBe('no_matching_purchase');
  });

  it('a refunded purchase cannot be matched', async () => {
    const sale = await ingestSale(p, c, 66_600, 3);
    const refund = squareRefund(c, { paymentId: sale.paymentId, amount: 66_600, status: 'COMPLETED' });
    expect((await p.api('POST', refund.path, refund.body, refund.headers)).status).toBe(200);
    await p.ctx.queue.drain();
    const tx = await p.ctx.db.kysely.selectFrom('transactions').select(['status', 'refunded_amount_minor']).where('external_id', '=', sale.paymentId).executeTakeFirstOrThrow();
    expect(tx).toEqual({ status: 'refunded', refunded_amount_minor: 66_600 });
    const res = await (await session()).verify({ amount: '666,00', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_matching_purchase');
  });

  it('purchases older than 14 days are outside the claim window; 13 days is inside', async () => {
    const old = await ingestSale(p, c, 77_700, 15 * 24 * 60);
    const res = await (await session()).verify({ amount: '777', purchasedAt: old.occurredAt, cardLast4: old.last4 });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'claim_outside_window', message: 'Feedback can be given for purchases up to 14 days old.' });
    const recent = await ingestSale(p, c, 77_700, 13 * 24 * 60);
    const ok = await (await session()).verify({ amount: '777', purchasedAt: recent.occurredAt, cardLast4: recent.last4 });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.purchase.occurredAt).toBe(recent.occurredAt);
    const future = await (await session()).verify({ amount: '777', purchasedAt: new Date(Date.now() + 6 * MIN).toISOString() });
    expect(future.body.error.code).toBe('claim_outside_window');
  });

  it('a business can widen its amount tolerance (PATCH settings matching.amountToleranceMinor)', async () => {
    const { conn, qr } = await connectionWithQr();
    const patch = await p.admin('PATCH', `/admin/businesses/${conn.businessId}/settings`, { matching: { amountToleranceMinor: 100 } });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.body.matching).toEqual({ timeToleranceSeconds: 120, amountToleranceMinor: 100, maxPurchaseAgeDays: 14 });

    const a = await ingestSale(p, conn, 20_000, 4);
    const inside = await (await session(qr)).verify({ amount: '201,00', purchasedAt: a.occurredAt, cardLast4: a.last4 });
    expect(inside.status, inside.text).toBe(200);
    const b = await ingestSale(p, conn, 30_000, 8);
    const s = await session(qr);
    expect((await s.verify({ amount: '301,01', purchasedAt: b.occurredAt, cardLast4: b.last4 })).body.error.code).toBe('no_matching_purchase');
    expect((await s.verify({ amount: '298,99', purchasedAt: b.occurredAt, cardLast4: b.last4 })).body.error.code).toBe('no_matching_purchase');
    expect((await s.verify({ amount: '299', purchasedAt: b.occurredAt, cardLast4: b.last4 })).status).toBe(200);
    // The default business keeps ±0,50 kr: the same +1,00 kr is no match there.
    const d = await ingestSale(p, c, 88_800, 6);
    expect((await (await session()).verify({ amount: '889,00', purchasedAt: d.occurredAt, cardLast4: d.last4 })).body.error.code).toBe('no_matching_purchase');
  });

  it('six attempts per session, then 429 too_many_attempts even for the right answer', async () => {
    const sale = await ingestSale(p, c, 12_340, 7);
    // Unreadable input says nothing about purchases, but still uses up the session's attempts.
    const s = await session();
    for (let i = 0; i < 6; i++) expect((await s.verify({ amount: '12.345', purchasedAt: sale.occurredAt })).body.error.code).toBe('invalid_amount');
    const spent = await s.verify({ amount: '123,40', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(spent.status).toBe(429);
    expect(spent.body.error).toMatchObject({ code: 'too_many_attempts', details: { scope: 'session' } });
    // Six misses also spend this address's budget at the shop: the answer then says when to come back.
    const t = await session();
    for (let left = 5; left >= 0; left--) {
      const res = await t.verify({ amount: '999', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'no_matching_purchase', details: { attemptsLeft: left } });
    }
    const blocked = await t.verify({ amount: '123,40', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(blocked.status).toBe(429);
    // 15 minutes after the last miss (less the moments since).
    expect(blocked.body.error).toMatchObject({ code: 'too_many_attempts', details: { scope: 'client' } });
    expect(blocked.body.error.details.retryAfterSeconds).toBeGreaterThan(880);
    expect(blocked.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(blocked.headers.get('retry-after')).toBe(String(blocked.body.error.details.retryAfterSeconds));
    // The purchase is still free for a fresh session from another address.
    expect((await (await session()).verify({ amount: '123,40', purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
  });

  it('an expired session answers 410 session_expired', async () => {
    const sale = await ingestSale(p, c, 23_450, 2);
    const s = await session();
    const created = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['created_at', 'expires_at']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(30 * MIN);
    await p.ctx.db.kysely.updateTable('feedback_sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', s.sessionId).execute();
    const res = await s.verify({ amount: '234,50', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('session_expired');
    expect((await s.get()).body).toMatchObject({ status: 'open', verified: false });
    const unclaimed = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('transaction_id').where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(unclaimed.transaction_id).toBeNull();
  });

  it('property: verify succeeds iff |Δt| ≤ 120 s and |Δamount| ≤ 50 öre, never 500', async () => {
    const { conn, qr } = await connectionWithQr();
    let run = 0;
    const offsetSeconds = fc.oneof(fc.integer({ min: -200, max: 200 }), fc.constantFrom(-121, -120, 120, 121));
    const amountOffset = fc.oneof(fc.integer({ min: -90, max: 90 }), fc.constantFrom(-51, -50, 50, 51));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 2_000_000 }), offsetSeconds, amountOffset, fc.constantFrom('comma', 'dot', 'whole') as fc.Arbitrary<'comma' | 'dot' | 'whole'>, async (amountMinor, dt, da, style) => {
        // Sales 10 minutes apart: the ±(200+120) s search around one sale never reaches another.
        run += 1;
        const sale = await ingestSale(p, conn, amountMinor, 30 + 10 * run);
        const res = await (await session(qr)).verify({ amount: sek(amountMinor + da, style), purchasedAt: shift(sale.occurredAt, dt * 1000), cardLast4: sale.last4 });
        expect(res.status).not.toBe(500);
        if (Math.abs(dt) <= 120 && Math.abs(da) <= 50) {
          expect(res.status, res.text).toBe(200);
          expect(res.body).toEqual({ verified: true, purchase: { amountMinor, occurredAt: sale.occurredAt } });
        } else {
          expect(res.status, res.text).toBe(422);
          expect(res.body.error.code).toBe('no_matching_purchase');
        }
      }),
      { numRuns: 30 },
    );
  });

  it('amounts beyond the 32-bit amount column are 400 invalid_amount, not a database error', async () => {
    const now = new Date().toISOString();
    for (const amount of ['999999999,99', '21474836,48', '20000000,01']) {
      const res = await (await session()).verify({ amount, purchasedAt: now });
      expect(res.status, `${amount}: ${res.text}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_amount', details: { amount } });
    }
    const largest = await (await session()).verify({ amount: '20000000', purchasedAt: now });
    expect(largest.status).toBe(422);
    expect(largest.body.error.code).toBe('no_matching_purchase');
  });

  it('fuzz: arbitrary amount/purchasedAt strings are 400 or 422, never 500', async () => {
    const { qr } = await connectionWithQr(); // no sales here: nothing can be claimed by accident
    const nearTime = fc.oneof(
      fc.constantFrom('12:00', '24:00', '23:60', '9:05', '00.00', '12:3', '1200', 'T12:00', '2024-02-30T10:00:00Z', '2024-01-01T10:00:00', '2024-01-01T10:00:00.123456789+01:00', ' 12:00 ', '١٢:٠٠'),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer({ min: -10 * DAY, max: DAY }).map((ms) => new Date(Date.now() + ms).toISOString()),
    );
    const nearAmount = fc.oneof(fc.constantFrom('0', '0,00', '-5', '1e3', '12.345', '1 000', '١٢٣', '999999999,99', '9999999999', '12,', ',50', 'NaN'), fc.integer({ min: -1000, max: 10 ** 12 }).map(String));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), nearAmount), fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 20 }), nearTime), async (amount, purchasedAt) => {
        const res = await (await session(qr)).verify({ amount, purchasedAt });
        expect([400, 422], `${JSON.stringify({ amount, purchasedAt })} → ${res.status} ${res.text}`).toContain(res.status);
        expect(res.body?.error?.code).toMatch(/^(validation_failed|invalid_amount|invalid_purchase_time|no_matching_purchase|claim_outside_window)$/);
      }),
      { numRuns: 40 },
    );
  });
});
