import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { CONSENT, ingestSale, ingestSaleAt, locationQr } from '../helpers/customer.js';

/**
 * Attacks on purchase verification (issue 14, items 3 and 13), over real HTTP. The client address is set
 * with X-Forwarded-For (TRUST_PROXY), so "one address" and "another customer" are distinct clients.
 */

const MIN = 60_000;
/** A café menu: what a guesser tries first. */
const MENU_MINOR = [3_900, 4_500, 5_200, 6_900, 8_500, 11_900, 14_900, 18_900];

const sek = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
const iso = (ms: number) => new Date(ms).toISOString();

const LONG_FEEDBACK_A =
  'Jag köpte en latte och en smörgås med halloumi strax efter lunch. Personalen i kassan var snabb och vänlig, och smörgåsen var varm och krispig. ' +
  'Latten var dock ljummen och mjölken hade för lite skum. Det var också ganska stökigt vid bordet närmast fönstret, med smulor kvar från förra gästen. Torka gärna borden oftare vid lunch.';
const LONG_FEEDBACK_B =
  'Vi var tre kollegor som tog fika i eftermiddags: två cappuccino, en chai och tre kardemummabullar. Bullarna var fantastiska, saftiga och nybakade. ' +
  'Chain var alldeles för söt och kom efter tio minuter eftersom baristan först glömde beställningen. Musiken var lagom hög och det fanns gott om eluttag för datorn.';
const LONG_FEEDBACK_C =
  'Beställde en vegetarisk lasagne och en flaska mineralvatten till middag. Lasagnen var god men portionen var liten för priset, cirka hälften av vad jag fick förra veckan. ' +
  'Servitören var trevlig och frågade om allergier. Toaletten saknade papper, vilket jag sa till om vid kassan. Bra att ni har glutenfri pasta som alternativ.';

interface Client {
  ip: string;
  deviceId?: string;
  cookie?: string;
}

describe.skipIf(backendUnavailable)('purchase verification under attack', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => p?.stop());

  async function shop(): Promise<{ conn: ConnectionSetup; qr: string }> {
    const conn = await setupConnection(p, 'square');
    return { conn, qr: (await locationQr(p, conn)).qrToken };
  }

  const clientHeaders = (c: Client): Record<string, string> => ({ 'x-forwarded-for': c.ip, ...(c.deviceId ? { 'x-device-id': c.deviceId } : {}), ...(c.cookie ? { cookie: c.cookie } : {}) });

  /** A QR session from this client, or the refusal (e.g. 403 banned, 429 rate_limited). */
  async function startAs(qr: string, c: Client) {
    const res = await p.api('POST', '/api/v1/feedback-sessions', { qrToken: qr, locale: 'sv', consent: CONSENT }, clientHeaders(c));
    if (res.status !== 201) return { refused: res };
    const { sessionId, sessionToken } = res.body as { sessionId: string; sessionToken: string };
    const call = (method: string, path: string, body?: unknown) => p.api(method, `/api/v1/feedback-sessions/${sessionId}${path}`, body, { ...clientHeaders(c), authorization: `Bearer ${sessionToken}` });
    return { created: res, sessionId, call, verify: (body: Record<string, unknown>) => call('POST', '/verify', body) };
  }

  async function sessionAs(qr: string, c: Client) {
    const s = await startAs(qr, c);
    if (!('call' in s) || !s.call) throw new Error(`session refused: ${s.refused.status} ${s.refused.text}`);
    return s as Required<Omit<typeof s, 'refused'>>;
  }

  /** 40 cash purchases (no card digits for the guesser to lack) at menu prices, 1,5 minutes apart. */
  async function seedMenuSales(conn: ConnectionSetup, t0: number) {
    const sales = [];
    for (let i = 0; i < 40; i++) sales.push(await ingestSaleAt(p, conn, MENU_MINOR[(i * 5) % MENU_MINOR.length]!, iso(t0 - (3.3 + 1.5 * i) * MIN), null));
    return sales;
  }

  /**
   * The attack from issue 14: one address, a new session (and a new X-Device-Id) every six guesses and after
   * each success, menu prices at 4-minute steps back through the last hour (each guess covers ±2 minutes).
   * It never waits: a refused guess is simply lost. 52 guesses plus their sessions are the 61 requests,
   * within the per-address rate limits (60 verifications a minute), so only the budgets can stop it.
   */
  async function scriptedGuesser(qr: string, t0: number, ip: string, maxGuesses = 52) {
    const guesses = [];
    for (let k = 0; k < 16; k++) for (const price of MENU_MINOR) guesses.push({ amount: sek(price), purchasedAt: iso(t0 - (4 + 4 * k) * MIN) });
    const tally: Record<string, number> = {};
    const retryAfter: number[] = [];
    const count = (key: string) => (tally[key] = (tally[key] ?? 0) + 1);
    let session: Awaited<ReturnType<typeof startAs>> | null = null;
    let used = 0;
    let claimed = 0;
    for (const guess of guesses.slice(0, maxGuesses)) {
      if (!session || used >= 6) {
        session = await startAs(qr, { ip, deviceId: `guesser-${randomUUID()}` });
        used = 0;
        if (!session.verify) {
          count(`session ${session.refused.status}`);
          session = null;
          continue;
        }
      }
      const res = await session.verify!(guess);
      used += 1;
      count(`${res.status} ${res.body?.error?.code ?? 'verified'}`);
      if (res.status === 200) claimed += 1;
      if (res.status === 429) retryAfter.push(Number(res.headers.get('retry-after')));
      if (res.status === 200) session = null;
    }
    return { claimed, tally, retryAfter };
  }

  describe('one address guessing 40 real purchases at menu prices', () => {
    let conn: ConnectionSetup;
    let qr: string;
    const t0 = Date.now();
    const attacker = '198.51.100.7';

    beforeAll(async () => {
      ({ conn, qr } = await shop());
      await seedMenuSales(conn, t0);
    });

    it('claims at most 3 of the 40, and is told when to come back (429 too_many_attempts + Retry-After)', async () => {
      const run = await scriptedGuesser(qr, t0, attacker);
      console.info(`scripted guesser: ${run.claimed} of 40 purchases claimed; answers ${JSON.stringify(run.tally)}`);
      expect(run.claimed).toBeLessThanOrEqual(3);
      const stored = await p.ctx.db.kysely.selectFrom('feedback_sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('location_id', '=', conn.locationId).where('transaction_id', 'is not', null).executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(run.claimed);
      expect(run.tally['429 too_many_attempts']).toBeGreaterThan(0);
      expect(run.retryAfter.every((s) => Number.isInteger(s) && s > 0)).toBe(true);
      // Backoff across sessions: a fresh session and a fresh device id do not reset the wait.
      const again = await sessionAs(qr, { ip: attacker, deviceId: `guesser-${randomUUID()}` });
      const refused = await again.verify({ amount: sek(MENU_MINOR[0]!), purchasedAt: iso(t0 - 30 * MIN) });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('too_many_attempts');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    });

    it('real customers of the same café, from other addresses, who mistype twice still get through', async () => {
      const cash = await ingestSaleAt(p, conn, 27_350, iso(t0 - 21 * MIN), null);
      const card = await ingestSaleAt(p, conn, 31_200, iso(t0 - 9 * MIN), '8812');

      const anna = await sessionAs(qr, { ip: '192.0.2.10', deviceId: `anna-${randomUUID()}` });
      for (const typo of ['237,50', '2735']) expect((await anna.verify({ amount: typo, purchasedAt: cash.occurredAt })).body.error.code).toBe('no_matching_purchase');
      const annaOk = await anna.verify({ amount: '273,50', purchasedAt: cash.occurredAt });
      expect(annaOk.status, annaOk.text).toBe(200);

      const bo = await sessionAs(qr, { ip: '192.0.2.11', deviceId: `bo-${randomUUID()}` });
      for (const typo of ['321,00', '31,20']) expect((await bo.verify({ amount: typo, purchasedAt: card.occurredAt })).body.error.code).toBe('no_matching_purchase');
      const asked = await bo.verify({ amount: '312', purchasedAt: card.occurredAt });
      expect(asked.status, asked.text).toBe(422);
      expect(asked.body.error).toMatchObject({ code: 'card_last4_required', details: { needs: 'cardLast4' } });
      const boOk = await bo.verify({ amount: '312', purchasedAt: card.occurredAt, cardLast4: '8812' });
      expect(boOk.status, boOk.text).toBe(200);

      // Meanwhile the attacker is still held back.
      const attackerAgain = await sessionAs(qr, { ip: attacker });
      expect((await attackerAgain.verify({ amount: sek(MENU_MINOR[1]!), purchasedAt: iso(t0 - 40 * MIN) })).status).toBe(429);
    });
  });

  it('many addresses failing at one café only slow each address down: a customer who mistypes twice still gets through', async () => {
    const { conn, qr } = await shop();
    const sale = await ingestSale(p, conn, 15_650, 6, null);
    // 12 addresses × 2 failures: the café is now "under attack" (20 failures within the hour).
    for (let i = 0; i < 12; i++) {
      const s = await sessionAs(qr, { ip: `203.0.113.${100 + i}` });
      for (const amount of ['45', '69']) expect((await s.verify({ amount, purchasedAt: sale.occurredAt })).status).toBe(422);
    }
    // Each attacking address gets four failures, not six, while the attack lasts.
    const probe = await sessionAs(qr, { ip: '203.0.113.200' });
    const statuses = [];
    for (const amount of ['39', '52', '85', '119', '149']) statuses.push((await probe.verify({ amount, purchasedAt: sale.occurredAt })).status);
    expect(statuses).toEqual([422, 422, 422, 422, 429]);

    const cecilia = await sessionAs(qr, { ip: '192.0.2.30', deviceId: `cecilia-${randomUUID()}` });
    for (const typo of ['165,60', '15,65']) expect((await cecilia.verify({ amount: typo, purchasedAt: sale.occurredAt })).status).toBe(422);
    const ok = await cecilia.verify({ amount: '156,50', purchasedAt: sale.occurredAt });
    expect(ok.status, ok.text).toBe(200);
  });

  it('property: a claimed purchase answers exactly like no purchase at all, and no answer counts candidates', async () => {
    const { conn, qr } = await shop();
    const base = Date.now() - 3 * 3_600_000;
    // Claimed purchases (cash and card), 10 minutes apart, and two unclaimed twins paid with different cards.
    const claimed: { amountMinor: number; occurredAt: string; last4?: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const last4 = i % 2 === 0 ? null : `70${i}0`;
      const sale = await ingestSaleAt(p, conn, 9_900 + 1_000 * i, iso(base + i * 10 * MIN), last4);
      const owner = await sessionAs(qr, { ip: `10.40.0.${i + 1}` });
      expect((await owner.verify({ amount: sek(9_900 + 1_000 * i), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
      claimed.push({ amountMinor: 9_900 + 1_000 * i, occurredAt: sale.occurredAt, last4: sale.last4 });
    }
    const twinsAt = iso(base + 60 * MIN);
    await ingestSaleAt(p, conn, 55_500, twinsAt, '1111');
    await ingestSaleAt(p, conn, 55_500, twinsAt, '2222');
    const nothingAt = iso(base - 60 * MIN);

    let ip = 0;
    const fresh = () => sessionAs(qr, { ip: `10.41.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`, deviceId: `prop-${randomUUID()}` });
    const answer = (res: { status: number; body: { error?: unknown } }) => ({ status: res.status, error: res.body.error });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: claimed.length - 1 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: -110, max: 110 }), fc.integer({ min: 0, max: 9_999 }), async (i, dAmount, dSeconds, digits) => {
        const target = claimed[i]!;
        const cardLast4 = target.last4 ? String(digits).padStart(4, '0') : undefined;
        fc.pre(!target.last4 || cardLast4 !== target.last4);
        const onClaimed = await (await fresh()).verify({ amount: sek(target.amountMinor + dAmount), purchasedAt: iso(Date.parse(target.occurredAt) + dSeconds * 1000), cardLast4 });
        const onNothing = await (await fresh()).verify({ amount: sek(target.amountMinor + dAmount), purchasedAt: iso(Date.parse(nothingAt) + dSeconds * 1000), cardLast4 });
        expect(answer(onClaimed)).toEqual(answer(onNothing));
        expect(onClaimed.body.error).toMatchObject({ code: 'no_matching_purchase' });
        // Without digits, a card purchase asks for them whether it is claimed or not, and however many match.
        const twins = await (await fresh()).verify({ amount: sek(55_500 + dAmount), purchasedAt: iso(Date.parse(twinsAt) + dSeconds * 1000) });
        expect(twins.status).toBe(422);
        if (target.last4) {
          const noDigits = await (await fresh()).verify({ amount: sek(target.amountMinor + dAmount), purchasedAt: iso(Date.parse(target.occurredAt) + dSeconds * 1000) });
          expect(answer(noDigits)).toEqual(answer(twins));
        }
        for (const res of [onClaimed, onNothing, twins]) expect(res.text).not.toMatch(/candidates|claimed/i);
      }),
      { numRuns: 20 },
    );
  });

  it('asks for the card\'s last four digits whenever the POS sent them, and only then', async () => {
    const { conn, qr } = await shop();
    const card = await ingestSale(p, conn, 24_900, 4, '3131');
    const cash = await ingestSale(p, conn, 18_700, 4, null);
    const s = await sessionAs(qr, { ip: '192.0.2.50' });
    const asked = await s.verify({ amount: '249', purchasedAt: card.occurredAt });
    expect(asked.status, asked.text).toBe(422);
    expect(asked.body.error).toMatchObject({ code: 'card_last4_required', details: { needs: 'cardLast4' } });
    expect((await s.verify({ amount: '249', purchasedAt: card.occurredAt, cardLast4: '1313' })).body.error.code).toBe('no_matching_purchase');
    const ok = await s.verify({ amount: '249', purchasedAt: card.occurredAt, cardLast4: '3131' });
    expect(ok.status, ok.text).toBe(200);
    const cashOk = await (await sessionAs(qr, { ip: '192.0.2.51' })).verify({ amount: '187', purchasedAt: cash.occurredAt });
    expect(cashOk.status, cashOk.text).toBe(200);
  });

  it('a success after many failures from the same address or device is held for review with the reason', async () => {
    const { conn, qr } = await shop();
    const sale = await ingestSale(p, conn, 18_900, 6, null);
    const mallory: Client = { ip: '198.51.100.90', deviceId: `mallory-${randomUUID()}` };
    for (const tries of [['99', '98', '97'], ['96', '95']]) {
      const s = await sessionAs(qr, mallory);
      for (const amount of tries) expect((await s.verify({ amount, purchasedAt: sale.occurredAt })).status).toBe(422);
    }
    const lucky = await sessionAs(qr, mallory);
    expect((await lucky.verify({ amount: '189', purchasedAt: sale.occurredAt })).status).toBe(200);
    const done = await lucky.call('POST', '/feedback', { text: LONG_FEEDBACK_A, finish: true });
    expect(done.status, done.text).toBe(200);
    expect(done.body.reward.status).toBe('held');
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('risk_details').where('id', '=', lucky.sessionId).executeTakeFirstOrThrow();
    const reasons = (JSON.parse(row.risk_details!) as { reasons: { code: string; strength: number; evidence?: Record<string, unknown> }[] }).reasons;
    expect(reasons.find((r) => r.code === 'failed_verifications')).toMatchObject({ strength: 0.7, evidence: { failures: 5 } });

    // Two typos are ordinary: no such reason, nothing held.
    const honestSale = await ingestSale(p, conn, 21_400, 5, null);
    const honest = await sessionAs(qr, { ip: '192.0.2.60', deviceId: `honest-${randomUUID()}` });
    for (const typo of ['241', '2140']) expect((await honest.verify({ amount: typo, purchasedAt: honestSale.occurredAt })).status).toBe(422);
    expect((await honest.verify({ amount: '214', purchasedAt: honestSale.occurredAt })).status).toBe(200);
    const honestDone = await honest.call('POST', '/feedback', { text: LONG_FEEDBACK_B, finish: true });
    expect(honestDone.body.reward.status).not.toBe('held');
    const honestRow = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('risk_details').where('id', '=', honest.sessionId).executeTakeFirstOrThrow();
    expect(honestRow.risk_details ?? '').not.toContain('failed_verifications');
  });

  it('a device ban is not undone by a new X-Device-Id: the signed device cookie, the payout phone and the address still recognise it', async () => {
    const { conn, qr } = await shop();
    const first = await ingestSale(p, conn, 13_300, 5, null);
    const eve: Client = { ip: '198.51.100.120', deviceId: `eve-${randomUUID()}` };
    const s1 = await sessionAs(qr, eve);
    const cookie = s1.created.headers.getSetCookie().find((c) => c.startsWith('kvittra_device='));
    expect(cookie, 'the server issues a signed device cookie').toBeDefined();
    expect(cookie).toMatch(/HttpOnly/i);
    eve.cookie = cookie!.split(';')[0]!;
    expect((await s1.verify({ amount: '133', purchasedAt: first.occurredAt })).status).toBe(200);
    expect((await s1.call('POST', '/feedback', { text: LONG_FEEDBACK_A, finish: true })).status).toBe(200);
    expect((await s1.call('POST', '/payout', { phone: '070-111 22 33' })).status).toBe(200);
    const ban = await p.admin('POST', '/admin/bans', { kind: 'device', sessionId: s1.sessionId, reason: 'Skriptade köpanspråk' });
    expect(ban.status, ban.text).toBe(201);

    // A new X-Device-Id with the browser's cookie: still the banned device.
    const newId = await startAs(qr, { ...eve, deviceId: `eve-${randomUUID()}` });
    expect(newId.refused?.status).toBe(403);
    expect(newId.refused?.body.error.code).toBe('banned');
    // A forged or foreign cookie counts for nothing (the header decides, as before).
    const forged = await startAs(qr, { ip: '192.0.2.70', deviceId: `someone-${randomUUID()}`, cookie: `kvittra_device=${eve.deviceId}.AAAA` });
    expect(forged.created?.status).toBe(201);

    // Cookie cleared and a new id from the same address: let in (addresses are shared), but the reward is
    // held, and the Swish number the banned device was paid to is refused.
    const second = await ingestSale(p, conn, 14_400, 4, null);
    const s2 = await sessionAs(qr, { ip: eve.ip, deviceId: `eve-${randomUUID()}` });
    expect((await s2.verify({ amount: '144', purchasedAt: second.occurredAt })).status).toBe(200);
    const held = await s2.call('POST', '/feedback', { text: LONG_FEEDBACK_B, finish: true });
    expect(held.body.reward.status).toBe('held');
    expect(held.text).not.toContain('banned');
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('risk_details').where('id', '=', s2.sessionId).executeTakeFirstOrThrow();
    expect(row.risk_details).toContain('banned_device_link');
    const payout = await s2.call('POST', '/payout', { phone: '+46701112233' });
    expect(payout.status).toBe(403);
    expect(payout.body.error.code).toBe('banned');
    // An appeal with that number is an appeal against the device's ban.
    const appeal = await p.api('POST', '/api/v1/appeals', { phone: '070-111 22 33', message: 'Jag har inte gjort något fel, det var min gamla telefon.' }, { 'x-forwarded-for': eve.ip });
    expect(appeal.status, appeal.text).toBe(202);
    const queue = await p.admin('GET', '/admin/appeals?status=pending');
    expect(queue.body.items.find((a: { id: string }) => a.id === appeal.body.appealId)).toMatchObject({ banId: ban.body.id });

    // What a device ban cannot stop: a new device, a new network and a new Swish number (docs/runbook.md).
    const third = await ingestSale(p, conn, 15_500, 3, null);
    const s3 = await sessionAs(qr, { ip: '192.0.2.99', deviceId: `eve-${randomUUID()}` });
    expect((await s3.verify({ amount: '155', purchasedAt: third.occurredAt })).status).toBe(200);
    expect((await s3.call('POST', '/feedback', { text: LONG_FEEDBACK_C, finish: true })).body.reward.status).not.toBe('held');
  });
});
