import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { CONSENT, ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { awayFromStockholmBoundary, BOUNDARY_MARGIN_MS, stockholmMonth } from '../helpers/stockholm-clock.js';
import { CONSENT_VERSION } from '../../src/feedback/consent.js';

/**
 * Consent (GDPR, item 22) and the business trial (item 14) over HTTP: sessions need the current
 * consent; a trial of TRIAL_FEEDBACKS=2 scored feedbacks is commission-free, then rewards need an
 * active plan; activation and extension are audited; the statement charges commission only after it.
 */

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
const halfUp = (a: number, bps: number) => Math.floor((a * bps + 5_000) / 10_000);

describe.skipIf(backendUnavailable)('consent and trial', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let loc: { qrToken: string; storeCode: string };

  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false', TRIAL_FEEDBACKS: '2', TRIAL_DAYS: '30' });
    c = await setupConnection(p, 'square');
    loc = await locationQr(p, c);
  });
  afterAll(async () => p?.stop());

  async function earn(amountMinor: number, phone: string) {
    const sale = await ingestSale(p, c, amountMinor, 4);
    const s = await startSession(p, { qrToken: loc.qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    const payout = await s.call('POST', '/payout', { phone });
    expect(payout.status, payout.text).toBe(200);
    return fb.body as { reward: { amountMinor: number } };
  }

  it('GET /api/v1/consent gives the version and a Swedish and English text', async () => {
    const res = await p.api('GET', '/api/v1/consent');
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(CONSENT_VERSION);
    expect(res.body.text.sv).toMatch(/mobilnummer/);
    expect(res.body.text.en).toMatch(/never stored/);
  });

  it('a session needs the accepted current consent (QR and store code) and stores it', async () => {
    for (const consent of [undefined, { accepted: false, version: CONSENT_VERSION }, { accepted: true, version: 'old' }, { accepted: true }, 'yes']) {
      for (const by of [{ qrToken: loc.qrToken }, { storeCode: loc.storeCode }]) {
        const res = await p.api('POST', '/api/v1/feedback-sessions', { ...by, ...(consent === undefined ? {} : { consent }) });
        expect(res.status, res.text).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'consent_required', details: { version: CONSENT_VERSION } });
      }
    }
    const ok = await p.api('POST', '/api/v1/feedback-sessions', { storeCode: loc.storeCode, consent: CONSENT });
    expect(ok.status, ok.text).toBe(201);
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').selectAll().where('id', '=', ok.body.sessionId).executeTakeFirstOrThrow();
    expect(row.consent_version).toBe(CONSENT_VERSION);
    expect(Date.parse(row.consented_at!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a new business is in trial: 2 feedbacks, 30 days', async () => {
    const res = await p.admin('GET', `/admin/businesses/${c.businessId}/trial`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ state: 'trial', maxFeedbacks: 2, feedbacksUsed: 0, feedbacksLeft: 2, rewardsAvailable: true, activatedAt: null, commissionFreeUntil: null });
    const business = await p.admin('GET', `/admin/businesses/${c.businessId}`);
    expect(Date.parse(res.body.endsAt) - Date.parse(business.body.createdAt)).toBe(30 * 86_400_000);
  });

  it('trial feedback is rewarded but commission-free; afterwards no reward until the plan is activated', async () => {
    // The statement is per Stockholm month: the rewards below must all fall in the one it is asked for.
    await awayFromStockholmBoundary();
    const first = await earn(10_000, '070-111 22 01');
    const second = await earn(12_000, '070-111 22 02');
    expect(first.reward.amountMinor).toBeGreaterThan(0);
    expect(second.reward.amountMinor).toBeGreaterThan(0);
    const trial = (await p.admin('GET', `/admin/businesses/${c.businessId}/trial`)).body;
    expect(trial).toMatchObject({ state: 'expired', feedbacksUsed: 2, feedbacksLeft: 0, rewardsAvailable: false });
    expect((await p.api('GET', `/api/v1/locations/by-qr/${loc.qrToken}`)).body.rewardsAvailable).toBe(false);

    // Feedback still works, but earns nothing, and says why.
    const sale = await ingestSale(p, c, 15_000, 4);
    const s = await startSession(p, { qrToken: loc.qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(15_000), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    expect(fb.body.qualityScore).toBeGreaterThan(0);
    expect(fb.body.reward.amountMinor).toBe(0);

    const activated = await p.admin('POST', `/admin/businesses/${c.businessId}/trial/activate`);
    expect(activated.status, activated.text).toBe(200);
    expect(activated.body).toMatchObject({ state: 'active', rewardsAvailable: true, activatedBy: 'admin-token' });
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/trial/activate`)).body.activatedAt).toBe(activated.body.activatedAt);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select('action').where('target_id', '=', c.businessId).where('action', 'like', 'business.trial.%').execute();
    expect(audit.map((a) => a.action)).toEqual(['business.trial.activate']);
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/trial/extend`, { days: 5 })).status).toBe(409);

    const paid = await earn(20_000, '070-111 22 03');
    expect(paid.reward.amountMinor).toBeGreaterThan(0);

    const month = stockholmMonth(); // after the rows are written, not when the file loaded
    const statement = await p.admin('GET', `/admin/businesses/${c.businessId}/statements/${month}`);
    expect(statement.status, statement.text).toBe(200);
    const free = first.reward.amountMinor + second.reward.amountMinor;
    expect(statement.body).toMatchObject({
      rewardsMinor: free + paid.reward.amountMinor,
      commissionFreeMinor: free,
      commissionBaseMinor: paid.reward.amountMinor,
      commissionMinor: halfUp(paid.reward.amountMinor, 2_000),
    });
    expect(statement.body.commissionBands).toHaveLength(3);
    const csv = await p.admin('GET', `/admin/businesses/${c.businessId}/statements/${month}/statement.csv`);
    expect(csv.text).toContain(`;Varav provisionsfritt (provperiod);;${kr(free)}\r\n`);
  }, BOUNDARY_MARGIN_MS + 30_000);

  it('extending a trial adds days or feedbacks (audited); bad input is 400', async () => {
    const other = await setupConnection(p, 'square');
    const before = (await p.admin('GET', `/admin/businesses/${other.businessId}/trial`)).body;
    const res = await p.admin('POST', `/admin/businesses/${other.businessId}/trial/extend`, { feedbacks: 3, days: 10 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ state: 'trial', maxFeedbacks: 5, feedbacksLeft: 5 });
    expect(Date.parse(res.body.endsAt) - Date.parse(before.endsAt)).toBe(10 * 86_400_000);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('target_id', '=', other.businessId).where('action', '=', 'business.trial.extend').execute();
    expect(audit).toHaveLength(1);
    for (const body of [{}, { days: 0 }, { feedbacks: -1 }, { days: 'x' }, { days: 5, extra: 1 }]) {
      expect((await p.admin('POST', `/admin/businesses/${other.businessId}/trial/extend`, body)).status).toBe(400);
    }
    expect((await p.admin('GET', `/admin/businesses/${crypto.randomUUID()}/trial`)).status).toBe(404);
  });
});
