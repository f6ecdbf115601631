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
      { amount: '317,50', purchasedAt: shift(a.occurredAt, 120_001) },
      { amount: '317,50', purchasedAt: shift(a.occurredAt, -120_001) },
      { amount: '318,01', purchasedAt: a.occurredAt },
      { amount: '316.99', purchasedAt: a.occurredAt },
    ]) {
      const res = await s1.verify(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('no_matching_purchase');
    }
    const inA = await s1.verify({ amount: '318,00', purchasedAt: shift(a.occurredAt, 120_000) });
    expect(inA.status, inA.text).toBe(200);
    expect(inA.body).toEqual({ verified: true, purchase: { amountMinor: 31_750, occurredAt: a.occurredAt } });

    const b = await ingestSale(p, c, 42_250, 9);
    const s2 = await session();
    const inB = await s2.verify({ amount: '422.00', purchasedAt: shift(b.occurredAt, -120_000) });
    expect(inB.status, inB.text).toBe(200);
    expect(inB.body).toEqual({ verified: true, purchase: { amountMinor: 42_250, occurredAt: b.occurredAt } });
    const stored = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['status', 'purchase_amount_minor', 'purchased_at', 'verify_attempts']).where('id', '=', s2.sessionId).executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'verified', purchase_amount_minor: 42_250, purchased_at: b.occurredAt, verify_attempts: 1 });
  });

  it('a local "HH:MM" (and "HH.MM") is today in Europe/Stockholm', async () => {
    for (const [amountMinor, sep] of [[41_000, ':'], [51_300, '.']] as const) {
      const sale = await ingestSale(p, c, amountMinor, 3);
      const hhmm = DateTime.fromISO(sale.occurredAt).setZone('Europe/Stockholm').toFormat(`HH'${sep}'mm`);
      const res = await (await session()).verify({ amount: sek(amountMinor, 'whole'), purchasedAt: hhmm });
      expect(res.status, `${hhmm}: ${res.text}`).toBe(200);
      expect(res.body.purchase).toEqual({ amountMinor, occurredAt: sale.occurredAt });
    }
  });

  it('two equal purchases are ambiguous until the card\'s last four digits decide', async () => {
    const first = await ingestSale(p, c, 55_500, 4, '1111');
    const second = await ingestSale(p, c, 55_500, 4, '2222');
    const at = shift(first.occurredAt, 20_000);
    const s = await session();
    const amb = await s.verify({ amount: '555', purchasedAt: at });
    expect(amb.status).toBe(422);
    expect(amb.body.error).toMatchObject({ code: 'ambiguous_purchase', details: { needs: 'cardLast4', candidates: 2 } });
    expect((await s.verify({ amount: '555', purchasedAt: at, cardLast4: '9999' })).body.error.code).toBe('no_matching_purchase');
    const bad = await s.verify({ amount: '555', purchasedAt: at, cardLast4: '12a4' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const ok = await s.verify({ amount: '555', purchasedAt: at, cardLast4: '2222' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.purchase).toEqual({ amountMinor: 55_500, occurredAt: second.occurredAt });

    // With the 2222 purchase claimed, the remaining one is no longer ambiguous…
    const other = await (await session()).verify({ amount: '555', purchasedAt: at });
    expect(other.status, other.text).toBe(200);
    expect(other.body.purchase).toEqual({ amountMinor: 55_500, occurredAt: first.occurredAt });
    // …and once both are claimed, a third customer is told so.
    const third = await (await session()).verify({ amount: '555', purchasedAt: at });
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('purchase_already_claimed');
  });

  it('a refunded purchase cannot be matched', async () => {
    const sale = await ingestSale(p, c, 66_600, 3);
    const refund = squareRefund(c, { paymentId: sale.paymentId, amount: 66_600, status: 'COMPLETED' });
    expect((await p.api('POST', refund.path, refund.body, refund.headers)).status).toBe(200);
    await p.ctx.queue.drain();
    const tx = await p.ctx.db.kysely.selectFrom('transactions').select(['status', 'refunded_amount_minor']).where('external_id', '=', sale.paymentId).executeTakeFirstOrThrow();
    expect(tx).toEqual({ status: 'refunded', refunded_amount_minor: 66_600 });
    const res = await (await session()).verify({ amount: '666,00', purchasedAt: sale.occurredAt });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_matching_purchase');
  });

  it('purchases older than 14 days are outside the claim window; 13 days is inside', async () => {
    const old = await ingestSale(p, c, 77_700, 15 * 24 * 60);
    const res = await (await session()).verify({ amount: '777', purchasedAt: old.occurredAt });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'claim_outside_window', message: 'Feedback can be given for purchases up to 14 days old.' });
    const recent = await ingestSale(p, c, 77_700, 13 * 24 * 60);
    const ok = await (await session()).verify({ amount: '777', purchasedAt: recent.occurredAt });
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
    const inside = await (await session(qr)).verify({ amount: '201,00', purchasedAt: a.occurredAt });
    expect(inside.status, inside.text).toBe(200);
    const b = await ingestSale(p, conn, 30_000, 8);
    const s = await session(qr);
    expect((await s.verify({ amount: '301,01', purchasedAt: b.occurredAt })).body.error.code).toBe('no_matching_purchase');
    expect((await s.verify({ amount: '298,99', purchasedAt: b.occurredAt })).body.error.code).toBe('no_matching_purchase');
    expect((await s.verify({ amount: '299', purchasedAt: b.occurredAt })).status).toBe(200);
    // The default business keeps ±0,50 kr: the same +1,00 kr is no match there.
    const d = await ingestSale(p, c, 88_800, 6);
    expect((await (await session()).verify({ amount: '889,00', purchasedAt: d.occurredAt })).body.error.code).toBe('no_matching_purchase');
  });

  it('six failed attempts per session, then 429 too_many_attempts even for the right answer', async () => {
    const sale = await ingestSale(p, c, 12_340, 7);
    const s = await session();
    for (let left = 5; left >= 0; left--) {
      const res = await s.verify({ amount: '999', purchasedAt: sale.occurredAt });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'no_matching_purchase', details: { attemptsLeft: left } });
    }
    const blocked = await s.verify({ amount: '123,40', purchasedAt: sale.occurredAt });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    // The purchase is still free for a fresh session.
    expect((await (await session()).verify({ amount: '123,40', purchasedAt: sale.occurredAt })).status).toBe(200);
  });

  it('an expired session answers 410 session_expired', async () => {
    const sale = await ingestSale(p, c, 23_450, 2);
    const s = await session();
    const created = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['created_at', 'expires_at']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(30 * MIN);
    await p.ctx.db.kysely.updateTable('feedback_sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', s.sessionId).execute();
    const res = await s.verify({ amount: '234,50', purchasedAt: sale.occurredAt });
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
        const res = await (await session(qr)).verify({ amount: sek(amountMinor + da, style), purchasedAt: shift(sale.occurredAt, dt * 1000) });
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
