import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { CONSENT } from '../helpers/customer.js';

/**
 * Store-code path, customer side: shop lookup by the 6-digit code, session start, and the claim
 * (amount, time, phone) with its sanity window, duplicate guard and per-phone daily limit.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let ipSeq = 0;
let phoneSeq = 0;
/** A fresh Swedish mobile number, written the way customers type it. */
const newPhone = () => {
  const n = String(10_000_000 + ++phoneSeq).slice(1);
  return `070-${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5)}`;
};

interface StoreSession {
  sessionId: string;
  body: any;
  call(method: string, path: string, body?: unknown): ReturnType<TestPlatform['api']>;
}

/** A store-code session from its own client address (TRUST_PROXY), so the per-IP limits of one test client are not what is tested. */
async function storeSession(p: TestPlatform, by: { storeCode?: string; qrToken?: string }): Promise<StoreSession> {
  ipSeq++;
  const headers = { 'x-forwarded-for': `10.20.${Math.floor(ipSeq / 200)}.${(ipSeq % 200) + 1}`, 'x-device-id': `device-sc-${process.pid}-${ipSeq}` };
  const res = await p.api('POST', '/api/v1/feedback-sessions', { ...by, locale: 'sv', consent: CONSENT }, headers);
  if (res.status !== 201) throw new Error(`storeSession: ${res.status} ${res.text}`);
  const { sessionId, sessionToken } = res.body;
  return { sessionId, body: res.body, call: (method, path, body) => p.api(method, `/api/v1/feedback-sessions/${sessionId}${path}`, body, { ...headers, authorization: `Bearer ${sessionToken}` }) };
}

const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

describe.skipIf(backendUnavailable)('store-code claims (customer side)', () => {
  let p: TestPlatform;
  let biz: { id: string };
  let loc: { id: string; storeCode: string; qrToken: string };
  let otherLoc: { id: string; storeCode: string };
  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true' });
    biz = await newBusiness(p, { name: 'Kafé Koden' });
    loc = (await createLocation(p, biz.id)) as any;
    otherLoc = (await createLocation(p, (await newBusiness(p, { name: 'Bageri Annan' })).id)) as any;
  });
  afterAll(async () => p?.stop());

  it('every location gets a 6-digit store code', () => {
    expect(loc.storeCode).toMatch(/^[1-9]\d{5}$/);
    expect(otherLoc.storeCode).toMatch(/^[1-9]\d{5}$/);
    expect(otherLoc.storeCode).not.toBe(loc.storeCode);
  });

  it('GET /locations/by-store-code/:code: 200 with the shop; unknown 404; not six digits 400', async () => {
    const res = await p.api('GET', `/api/v1/locations/by-store-code/${loc.storeCode}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ locationId: loc.id, businessName: 'Kafé Koden', locationName: 'Butik Centrum', businessType: 'cafe', businessTypeLabel: 'Kafé', languages: ['sv', 'en'], voiceAvailable: false, rewardsAvailable: true });

    const unknown = ['100000', '999999'].find((c) => c !== loc.storeCode && c !== otherLoc.storeCode)!;
    expectError(await p.api('GET', `/api/v1/locations/by-store-code/${unknown}`), 404, 'not_found');
    for (const bad of ['12345', '1234567', '12a456', '%20123456', '１２３４５６']) {
      expectError(await p.api('GET', `/api/v1/locations/by-store-code/${encodeURIComponent(bad)}`), 400, 'validation_failed');
    }
  });

  it('a session starts from the store code (channel store_code); unknown code 404, malformed 400', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    expect(s.body.channel).toBe('store_code');
    expect(s.body.location).toMatchObject({ locationId: loc.id, businessName: 'Kafé Koden' });
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['channel', 'status', 'location_id', 'business_id']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(row).toEqual({ channel: 'store_code', status: 'open', location_id: loc.id, business_id: biz.id });

    const unknown = ['100000', '999999'].find((c) => c !== loc.storeCode && c !== otherLoc.storeCode)!;
    expectError(await p.api('POST', '/api/v1/feedback-sessions', { storeCode: unknown, consent: CONSENT }), 404, 'not_found');
    expectError(await p.api('POST', '/api/v1/feedback-sessions', { storeCode: '12345' }), 400, 'validation_failed');
    expectError(await p.api('POST', '/api/v1/feedback-sessions', { storeCode: loc.storeCode, qrToken: loc.qrToken }), 400, 'validation_failed');
  });

  it('POST /claim → 200 pending_review with the deadline 14 days ahead; the claim and the session are stored', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    const purchasedAt = iso(-2 * HOUR);
    const before = Date.now();
    const res = await s.call('POST', '/claim', { amount: '245,50', purchasedAt, phone: '070-111 22 33' });
    const after = Date.now();
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['claimed', 'deadlineAt', 'status']);
    expect(res.body.claimed).toBe(true);
    expect(res.body.status).toBe('pending_review');
    const deadline = Date.parse(res.body.deadlineAt);
    expect(deadline).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(deadline).toBeLessThanOrEqual(after + 14 * DAY);

    const claim = await p.ctx.db.kysely.selectFrom('store_claims').selectAll().where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(claim).toMatchObject({ business_id: biz.id, location_id: loc.id, amount_minor: 24_550, purchased_at: purchasedAt, status: 'pending', verified_amount_minor: null, decided_by: null, decided_at: null, deadline_at: res.body.deadlineAt });
    expect(Number(claim.reminders_sent)).toBe(0);
    expect(claim.phone_hash).toBe(p.ctx.services.pii.hash('phone', '+46701112233'));

    const session = await p.ctx.db.kysely.selectFrom('feedback_sessions').selectAll().where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(session).toMatchObject({ status: 'verified', purchase_amount_minor: 24_550, purchased_at: purchasedAt, transaction_id: null, phone_hash: claim.phone_hash });
    expect(session.phone_enc).not.toContain('0701112233');
    expect(p.ctx.services.pii.open('phone', session.phone_enc!)).toBe('+46701112233');

    // One claim per session.
    expectError(await s.call('POST', '/claim', { amount: '99', purchasedAt: iso(-HOUR), phone: newPhone() }), 409, 'session_state');
  });

  it('a local HH:MM time means today in Stockholm', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    const now = Date.now();
    const oneMinAgo = new Date(now - 60_000);
    const hhmm = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(oneMinAgo);
    const res = await s.call('POST', '/claim', { amount: '88', purchasedAt: hhmm, phone: newPhone() });
    expect(res.status, res.text).toBe(200);
    const claim = await p.ctx.db.kysely.selectFrom('store_claims').select(['purchased_at', 'amount_minor']).where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    const floored = new Date(Math.floor(oneMinAgo.getTime() / 60_000) * 60_000).toISOString();
    expect(claim).toEqual({ purchased_at: floored, amount_minor: 8_800 });
  });

  it('bad amount / time / phone → 400 invalid_amount / invalid_purchase_time / invalid_phone; the session stays open', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    const phone = newPhone();
    for (const amount of ['12.345', '0', '0,00', '-5', '1 000', 'abc', '', '1e3', '12,', '007']) {
      expectError(await s.call('POST', '/claim', { amount, purchasedAt: iso(-HOUR), phone }), 400, 'invalid_amount');
    }
    for (const purchasedAt of ['igår', '25:00', '12:60', '2024-13-01T10:00:00Z', '2025-06-01 10:00', '', '1700000000']) {
      expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt, phone }), 400, 'invalid_purchase_time');
    }
    for (const bad of ['12345', '08-123 45 67', '+4670123456', '+4570 123 45 67', 'ring mig', '']) {
      expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-HOUR), phone: bad }), 400, 'invalid_phone');
    }
    expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-HOUR) }), 400, 'validation_failed');
    expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-HOUR), phone, extra: 1 }), 400, 'validation_failed');
    expect(await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('session_id', '=', s.sessionId).execute()).toEqual([]);
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['status', 'phone_hash']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'open', phone_hash: null });
    // The session is still open: a readable claim now goes through, whatever the writing of the number.
    expect((await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-HOUR), phone: '+46 (0)70-987 65 43' })).status).toBe(200);
    const claim = await p.ctx.db.kysely.selectFrom('store_claims').select('phone_hash').where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(claim.phone_hash).toBe(p.ctx.services.pii.hash('phone', '+46709876543'));
  });

  it('time outside 24 h back / 30 min ahead → 422 claim_outside_window; just inside is accepted', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    const phone = newPhone();
    expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-DAY - 60_000), phone }), 422, 'claim_outside_window');
    expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-3 * DAY), phone }), 422, 'claim_outside_window');
    expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(31 * 60_000), phone }), 422, 'claim_outside_window');
    expectError(await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(2 * HOUR), phone }), 422, 'claim_outside_window');
    expect((await p.ctx.db.kysely.selectFrom('feedback_sessions').select('status').where('id', '=', s.sessionId).executeTakeFirstOrThrow()).status).toBe('open');

    const back = await s.call('POST', '/claim', { amount: '100', purchasedAt: iso(-DAY + 60_000), phone });
    expect(back.status, back.text).toBe(200);
    const ahead = await (await storeSession(p, { storeCode: loc.storeCode })).call('POST', '/claim', { amount: '100', purchasedAt: iso(29 * 60_000), phone: newPhone() });
    expect(ahead.status, ahead.text).toBe(200);
  });

  it('same phone + amount within an hour at the business (another session) → 409 duplicate_claim; outside the hour or at another business is fine', async () => {
    const phone = newPhone();
    const t = Date.now() - 3 * HOUR;
    const a = await storeSession(p, { storeCode: loc.storeCode });
    expect((await a.call('POST', '/claim', { amount: '120,00', purchasedAt: new Date(t).toISOString(), phone })).status).toBe(200);

    const b = await storeSession(p, { storeCode: loc.storeCode });
    // Written differently, same customer and amount, 40 minutes later.
    expectError(await b.call('POST', '/claim', { amount: '120', purchasedAt: new Date(t + 40 * 60_000).toISOString(), phone: phone.replace(/^0/, '+46').replace(/[ -]/g, '') }), 409, 'duplicate_claim');
    expectError(await b.call('POST', '/claim', { amount: '120.00', purchasedAt: new Date(t - 59 * 60_000).toISOString(), phone }), 409, 'duplicate_claim');
    expect((await p.ctx.db.kysely.selectFrom('feedback_sessions').select('status').where('id', '=', b.sessionId).executeTakeFirstOrThrow()).status).toBe('open');
    // Another amount, or the same amount more than an hour apart, is another purchase.
    expect((await b.call('POST', '/claim', { amount: '120', purchasedAt: new Date(t + 61 * 60_000).toISOString(), phone })).status).toBe(200);

    const other = await storeSession(p, { storeCode: otherLoc.storeCode });
    const res = await other.call('POST', '/claim', { amount: '120', purchasedAt: new Date(t).toISOString(), phone });
    expect(res.status, res.text).toBe(200);
    const n = await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('phone_hash', '=', p.ctx.services.pii.hash('phone', `+46${phone.replace(/\D/g, '').slice(1)}`)).execute();
    expect(n).toHaveLength(3);
  });

  it('the fourth claim of a phone number in a day → 429 too_many_attempts', async () => {
    const phone = newPhone();
    for (const [i, amount] of ['61', '72', '83'].entries()) {
      const s = await storeSession(p, { storeCode: loc.storeCode });
      const res = await s.call('POST', '/claim', { amount, purchasedAt: iso(-(i + 1) * HOUR), phone });
      expect(res.status, res.text).toBe(200);
    }
    const fourth = await storeSession(p, { storeCode: loc.storeCode });
    expectError(await fourth.call('POST', '/claim', { amount: '94', purchasedAt: iso(-5 * HOUR), phone }), 429, 'too_many_attempts');
    expect(await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('session_id', '=', fourth.sessionId).execute()).toEqual([]);
    // Another number in the same session still works.
    expect((await fourth.call('POST', '/claim', { amount: '94', purchasedAt: iso(-5 * HOUR), phone: newPhone() })).status).toBe(200);
  });

  it('concurrent claims cannot slip past the guards: one of two identical claims wins, three of six for one phone', async () => {
    const phone = newPhone();
    const at = iso(-2 * HOUR);
    const [a, b] = await Promise.all([storeSession(p, { storeCode: loc.storeCode }), storeSession(p, { storeCode: loc.storeCode })]);
    const both = await Promise.all([a.call('POST', '/claim', { amount: '150', purchasedAt: at, phone }), b.call('POST', '/claim', { amount: '150', purchasedAt: at, phone })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.body.error.code).toBe('duplicate_claim');

    const phone2 = newPhone();
    const sessions = await Promise.all([0, 1, 2, 3, 4, 5].map(() => storeSession(p, { storeCode: loc.storeCode })));
    const results = await Promise.all(sessions.map((s, i) => s.call('POST', '/claim', { amount: String(51 + i), purchasedAt: iso(-(i + 1) * HOUR), phone: phone2 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    const stored = await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('phone_hash', '=', p.ctx.services.pii.hash('phone', `+46${phone2.replace(/\D/g, '').slice(1)}`)).execute();
    expect(stored).toHaveLength(3);

    // Two claims racing in one session: one claim, the other is told the session moved on.
    const one = await storeSession(p, { storeCode: loc.storeCode });
    const race = await Promise.all([one.call('POST', '/claim', { amount: '160', purchasedAt: at, phone: newPhone() }), one.call('POST', '/claim', { amount: '170', purchasedAt: at, phone: newPhone() })]);
    expect(race.map((r) => r.status).sort(), race.map((r) => r.text).join(' | ')).toEqual([200, 409]);
    expect(race.find((r) => r.status === 409)!.body.error.code).toBe('session_state');
    expect(await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('session_id', '=', one.sessionId).execute()).toHaveLength(1);
  });

  it('/verify on a store-code session → 409 session_state; /claim on a QR session → 409 session_state; feedback before the claim → 409 session_not_verified', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    expectError(await s.call('POST', '/verify', { amount: '100', purchasedAt: iso(-HOUR) }), 409, 'session_state');
    expectError(await s.call('POST', '/feedback', { text: 'Mycket bra service och gott kaffe, tack så mycket för idag!' }), 409, 'session_not_verified');
    expectError(await s.call('POST', '/finish'), 409, 'session_not_verified');

    const qr = await storeSession(p, { qrToken: loc.qrToken });
    expect(qr.body.channel).toBe('qr');
    expectError(await qr.call('POST', '/claim', { amount: '100', purchasedAt: iso(-HOUR), phone: newPhone() }), 409, 'session_state');
    expect(await p.ctx.db.kysely.selectFrom('store_claims').select('id').where('session_id', 'in', [s.sessionId, qr.sessionId]).execute()).toEqual([]);
  });

  it('the claim needs the session token', async () => {
    const s = await storeSession(p, { storeCode: loc.storeCode });
    const res = await p.api('POST', `/api/v1/feedback-sessions/${s.sessionId}/claim`, { amount: '100', purchasedAt: iso(-HOUR), phone: newPhone() }, { authorization: 'Bearer wrong-token' });
    expectError(res, 401, 'invalid_session_token');
  });
});
