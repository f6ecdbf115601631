import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { businessUser, type Browser } from '../helpers/accounts.js';
import { expectError, newBusiness } from '../helpers/admin-helpers.js';
import { awayFromStockholmBoundary, BOUNDARY_MARGIN_MS, stockholmMonth } from '../helpers/stockholm-clock.js';

/**
 * Issue 14, item 2 — the platform's money is the operator's: attacks over HTTP by a tenant owner.
 * (a) commission, commission tiers and VAT cannot be set by an owner; (b) a booked month keeps its rates
 * when an operator changes them later (statement JSON, CSV and PDF); (c) the 9 900 kr self-payout — the
 * most generous settings an owner can save, a POS connection keyed by the owner, a big sale, the owner's
 * own phone — ends capped at the ceilings and held for review, not in the next Swish batch; (d) many
 * rewards from one connection in a short time are held; (e) every money-setting change is audited with
 * its old and new value. Fraud detection is off: every hold here comes from the money-review rules.
 */

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
const halfUp = (a: number, b: number, c: number) => Math.floor((a * b * 2 + c) / (c * 2));

describe.skipIf(backendUnavailable)('money controls: operator-only billing, ceilings, fixed statement rates, money review', () => {
  let p: TestPlatform;
  let phoneSeq = 0;
  const nextPhone = () => `073${String(1_000_000 + process.pid * 10 + phoneSeq++).slice(-7)}`;
  let ownerSeq = 0;
  const ownerOf = (businessId: string): Promise<Browser> => businessUser(p, businessId, `owner-${ownerSeq++}-${businessId.slice(0, 8)}@kafe.test`, 'owner');

  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
  });
  afterAll(async () => p?.stop());

  /** Sale through the connection → verify → rich feedback (finish) → optionally the Swish number. */
  async function earn(c: ConnectionSetup, qrToken: string, amountMinor: number, phone?: string) {
    const sale = await ingestSale(p, c, amountMinor, 4);
    const s = await startSession(p, { qrToken });
    const verify = await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 ?? undefined });
    expect(verify.status, verify.text).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    const payout = phone ? await s.call('POST', '/payout', { phone }) : null;
    if (payout) expect(payout.status, payout.text).toBe(200);
    const reward = await p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    return { sessionId: s.sessionId, result: fb.body, payout: payout?.body, reward, review: ((JSON.parse(reward.details) as { review?: { code: string }[] }).review ?? []).map((f) => f.code).sort() };
  }

  const auditRows = async (action: string, targetId: string) => (await p.admin('GET', `/admin/audit-log?action=${action}&targetId=${targetId}`)).body.items as { actor: string; details: { fields: string[]; changes?: unknown[] } }[];

  it('(a) an owner cannot set commission, commission tiers or VAT: 403 naming each field, nothing changes', async () => {
    const c = await setupConnection(p, 'square');
    const owner = await ownerOf(c.businessId);
    const settings = `/admin/businesses/${c.businessId}/settings`;
    for (const [body, fields] of [
      [{ rewards: { commissionBps: 0 } }, ['rewards.commissionBps']],
      [{ rewards: { commissionTiers: [] } }, ['rewards.commissionTiers']],
      [{ rewards: { vatBps: 0 } }, ['rewards.vatBps']],
      [{ rewards: { commissionBps: 0, commissionTiers: [], vatBps: 0, maxBps: 1_000 } }, ['rewards.commissionBps', 'rewards.commissionTiers', 'rewards.vatBps']],
      [{ vatBps: 0 }, ['vatBps']],
    ] as const) {
      const res = await owner.call('PATCH', settings, body);
      expectError(res, 403, 'billing_setting_forbidden');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(fields);
    }
    // The operator-only billing endpoints are closed to owners, for their own business too.
    expectError(await owner.call('PATCH', `/admin/businesses/${c.businessId}/billing`, { commissionBps: 0, commissionTiers: [] }), 403, 'forbidden');
    expectError(await owner.call('GET', `/admin/businesses/${c.businessId}/billing`), 403, 'forbidden');
    expectError(await owner.call('PATCH', '/admin/platform/billing', { vatBps: 0 }), 403, 'forbidden');

    const billing = await p.admin('GET', `/admin/businesses/${c.businessId}/billing`);
    expect(billing.body).toMatchObject({ source: 'platform', commissionBps: 2_000, commissionTiers: [{ fromMinor: 2_500_000, bps: 1_800 }, { fromMinor: 10_000_000, bps: 1_500 }], vatBps: 2_500 });
    const stored = await owner.call('GET', settings);
    expect(stored.body.rewards.maxBps).toBe(1_500);
    for (const k of ['commissionBps', 'commissionTiers', 'vatBps']) expect(stored.body.rewards).not.toHaveProperty(k);
    const statement = await owner.call('GET', `/admin/businesses/${c.businessId}/statements/${stockholmMonth()}`);
    expect(statement.body).toMatchObject({ commissionBps: 2_000, vatBps: 2_500 });
    expect(await auditRows('business.settings_update', c.businessId)).toEqual([]);
  });

  it("(b) an operator's later change of commission or VAT leaves a booked month's statement, CSV and PDF as they were", async () => {
    await awayFromStockholmBoundary();
    const c = await setupConnection(p, 'square');
    const { qrToken } = await locationQr(p, c);
    // Commission is charged once the plan is active (trial feedback is commission-free).
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/trial/activate`)).status).toBe(200);
    const first = await earn(c, qrToken, 24_500, nextPhone());
    const second = await earn(c, qrToken, 31_000, nextPhone());
    expect([first.payout.reward.status, second.payout.reward.status]).toEqual(['approved', 'approved']);
    const net = first.reward.amount_minor + second.reward.amount_minor;
    const month = stockholmMonth();
    const base = `/admin/businesses/${c.businessId}/statements/${month}`;
    const read = async () => ({ json: (await p.admin('GET', base)).body, csv: (await p.admin('GET', `${base}/statement.csv`)).text, pdf: (await p.admin('GET', `${base}/statement.pdf`)).text });
    const before = await read();
    const commission = halfUp(net, 2_000, 10_000);
    const vat = halfUp(commission, 2_500, 10_000);
    expect(before.json).toMatchObject({ commissionBps: 2_000, vatBps: 2_500, netRewardsMinor: net, commissionMinor: commission, vatMinor: vat, totalDueMinor: net + commission + vat, ratesFixedAt: expect.any(String) });
    expect(before.csv).toContain(`;Att betala;;${kr(net + commission + vat)}`);

    try {
      const changed = await p.admin('PATCH', `/admin/businesses/${c.businessId}/billing`, { commissionBps: 0, commissionTiers: [] });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body).toMatchObject({ source: 'business', commissionBps: 0, commissionTiers: [] });
      const vatZero = await p.admin('PATCH', '/admin/platform/billing', { vatBps: 0 });
      expect(vatZero.status, vatZero.text).toBe(200);

      const after = await read();
      expect(after.json).toEqual(before.json);
      expect(after.csv).toBe(before.csv);
      expect(after.pdf).toBe(before.pdf);

      // More money booked in the same month is charged at the month's rates too …
      const third = await earn(c, qrToken, 27_000, nextPhone());
      const net3 = net + third.reward.amount_minor;
      const c3 = halfUp(net3, 2_000, 10_000);
      expect((await p.admin('GET', base)).body).toMatchObject({ commissionBps: 2_000, vatBps: 2_500, netRewardsMinor: net3, commissionMinor: c3, vatMinor: halfUp(c3, 2_500, 10_000) });
      // … while a month with nothing booked yet shows the new rates.
      const next = (await p.admin('GET', `/admin/businesses/${c.businessId}/statements/${nextMonth(month)}`)).body;
      expect(next).toMatchObject({ commissionBps: 0, vatBps: 0, ratesFixedAt: null, totalDueMinor: 0 });
    } finally {
      expect((await p.admin('PATCH', '/admin/platform/billing', { vatBps: 2_500 })).status).toBe(200);
    }
  }, BOUNDARY_MARGIN_MS + 60_000);

  it('(c) the 9 900 kr self-payout: capped at the ceilings (200 kr), held for review, not in the next Swish batch', async () => {
    const biz = await newBusiness(p, { name: 'Kafé Egen Kassa' });
    const owner = await ownerOf(biz.id);
    const settings = `/admin/businesses/${biz.id}/settings`;
    // What the attacker saved before: a 100 % tier and a 10 000 000 kr cap. Refused, each field named.
    const greedy = await owner.call('PATCH', settings, {
      rewards: { maxBps: 10_000, perRewardCapMinor: 1_000_000_000, highPurchaseMaxBps: 10_000, highPurchaseThresholdMinor: 1_000_000_000, tiers: tiers(10_000) },
    });
    expectError(greedy, 400, 'reward_ceiling_exceeded');
    expect(greedy.body.error.details.map((d: { path: string }) => d.path)).toEqual(['rewards.maxBps', 'rewards.tiers.1.maxBps', 'rewards.perRewardCapMinor', 'rewards.dailyBudgetMinor']);
    const ceilings = await owner.call('GET', `/admin/businesses/${biz.id}/reward-ceilings`);
    expect(ceilings.body).toEqual({ ceilings: { maxBps: 1_500, perRewardCapMinor: 20_000, dailyBudgetRequiredAboveBps: 1_200, maxDailyBudgetMinor: 1_000_000 }, review: { newConnectionDays: 14 } });
    // The most generous settings the ceilings allow (a 15 % top rate needs a daily budget, at most 10 000 kr).
    const generous = await owner.call('PATCH', settings, {
      rewards: { maxBps: 1_500, perRewardCapMinor: 20_000, highPurchaseMaxBps: 1_500, highPurchaseThresholdMinor: 1_000_000_000, dailyBudgetMinor: 1_000_000, perCustomerDailyCapMinor: 1_000_000_000, tiers: tiers(1_500) },
    });
    expect(generous.status, generous.text).toBe(200);

    // A location and a POS connection keyed by the owner, then a 9 900 kr "sale" signed with that key.
    const loc = await owner.call('POST', `/admin/businesses/${biz.id}/locations`, { name: 'Egen butik', address: 'Storgatan 1, Stockholm' });
    expect(loc.status, loc.text).toBe(201);
    const ids = { merchantId: 'SQMOWNER1', externalLocationId: 'SQLOWNER1' };
    const signingKey = 'the-owners-own-signing-key';
    const created = await owner.call('POST', `/admin/businesses/${biz.id}/pos-connections`, { provider: 'square', locationId: loc.body.id, externalMerchantId: ids.merchantId, externalLocationId: ids.externalLocationId, signingKey });
    expect(created.status, created.text).toBe(201);
    const conn: ConnectionSetup = { businessId: biz.id, locationId: loc.body.id, connectionId: created.body.id, webhookUrl: created.body.webhookUrl, signingKey, ...ids };
    // Whatever the owner was owed before, the batch is empty now.
    const drained = await p.admin('POST', '/admin/payout-batches');
    expect([201, 409]).toContain(drained.status);

    const ownPhone = '070-999 00 11';
    const claim = await earn(conn, loc.body.qrToken, 990_000, ownPhone);
    expect(claim.result.qualityScore).toBeGreaterThanOrEqual(90);
    expect(claim.result.reward).toMatchObject({ amountMinor: 20_000, status: 'held' });
    expect(claim.payout.reward).toEqual({ amountMinor: 20_000, currency: 'SEK', status: 'held' });
    expect(claim.reward).toMatchObject({ amount_minor: 20_000, bps: 1_500, status: 'held' });
    expect(JSON.parse(claim.reward.details).appliedCaps).toEqual(['per_reward_cap']);
    expect(claim.review).toEqual(['large_reward', 'new_connection']);

    // The next Swish batch pays nothing: the reward is not on the owner's balance.
    const batch = await p.admin('POST', '/admin/payout-batches');
    expectError(batch, 409, 'conflict');
    expect(await p.ctx.db.kysely.selectFrom('ledger_entries').select('id').where('reward_id', '=', claim.reward.id).execute()).toEqual([]);

    // An operator sees why in the review queue; only an approval books it (200 kr, never 9 900 kr).
    const queue = await p.admin('GET', `/admin/rewards?status=held&businessId=${biz.id}`);
    expect(queue.body.items).toHaveLength(1);
    expect(queue.body.items[0].details.review.map((f: { code: string; reason: { sv: string } }) => [f.code, f.reason.sv.length > 0])).toEqual([
      ['large_reward', true],
      ['new_connection', true],
    ]);
    const approved = await p.admin('POST', `/admin/rewards/${claim.reward.id}/approve`, { reason: 'Köpet kontrollerat mot kassarapporten.' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', amountMinor: 20_000 });
    const paid = await p.admin('POST', '/admin/payout-batches');
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body).toMatchObject({ totalMinor: 20_000, payoutCount: 1 });
  });

  it('(d) many rewards from one connection in a short time are held; another connection of the business is not', async () => {
    const c = await setupConnection(p, 'square');
    const { qrToken } = await locationQr(p, c);
    const limits = await p.admin('PATCH', `/admin/businesses/${c.businessId}/billing`, { review: { velocityMaxRewards: 3, velocityWindowMinutes: 60 } });
    expect(limits.status, limits.text).toBe(200);
    const earned = [];
    for (let i = 0; i < 5; i++) earned.push(await earn(c, qrToken, 24_500 + i * 100));
    expect(earned.map((e) => e.reward.amount_minor > 0 && e.reward.amount_minor <= 15_000)).toEqual([true, true, true, true, true]);
    expect(earned.map((e) => e.reward.status)).toEqual(['awaiting_phone', 'awaiting_phone', 'awaiting_phone', 'held', 'held']);
    expect(earned.map((e) => e.review)).toEqual([[], [], [], ['connection_velocity'], ['connection_velocity']]);

    const other = await setupConnection(p, 'square', c.businessId);
    const elsewhere = await earn(other, (await locationQr(p, other)).qrToken, 24_500);
    expect(elsewhere.reward.status).toBe('awaiting_phone');
  });

  it('(e) every money-setting change is audited with its old and new value', async () => {
    const c = await setupConnection(p, 'square');
    const billing = await p.admin('PATCH', `/admin/businesses/${c.businessId}/billing`, { commissionBps: 2_200, ceilings: { perRewardCapMinor: 10_000 } });
    expect(billing.status, billing.text).toBe(200);
    expect(await auditRows('business.billing_update', c.businessId)).toEqual([
      {
        ...expectedAuditBase('admin-token'),
        details: { fields: ['commissionBps', 'ceilings'], changes: [{ field: 'ceilings.perRewardCapMinor', old: 20_000, new: 10_000 }, { field: 'commissionBps', old: 2_000, new: 2_200 }] },
      },
    ]);

    try {
      expect((await p.admin('PATCH', '/admin/platform/billing', { vatBps: 2_400, defaults: { review: { newConnectionDays: 30 } } })).status).toBe(200);
      const platform = await auditRows('platform.billing_update', 'billing');
      expect(platform[0]!.details).toEqual({ fields: ['vatBps', 'defaults'], changes: [{ field: 'defaults.review.newConnectionDays', old: 14, new: 30 }, { field: 'vatBps', old: 2_500, new: 2_400 }] });
    } finally {
      expect((await p.admin('PATCH', '/admin/platform/billing', { vatBps: 2_500, defaults: { review: { newConnectionDays: 14 } } })).status).toBe(200);
    }

    // The owner's reward settings are money settings too.
    const owner = await ownerOf(c.businessId);
    const me = await owner.call('GET', '/api/v1/auth/me');
    const own = await owner.call('PATCH', `/admin/businesses/${c.businessId}/settings`, { rewards: { perRewardCapMinor: 8_000, dailyBudgetMinor: 50_000 } });
    expect(own.status, own.text).toBe(200);
    const rows = await auditRows('business.settings_update', c.businessId);
    expect(rows[0]).toMatchObject({
      actor: `user:${me.body.user.id}`,
      details: { fields: ['rewards'], changes: [{ field: 'rewards.dailyBudgetMinor', old: null, new: 50_000 }, { field: 'rewards.perRewardCapMinor', old: 20_000, new: 8_000 }] },
    });
    // Over the (lowered) ceiling: refused and not audited.
    expectError(await owner.call('PATCH', `/admin/businesses/${c.businessId}/settings`, { rewards: { perRewardCapMinor: 12_000 } }), 400, 'reward_ceiling_exceeded');
    expect(await auditRows('business.settings_update', c.businessId)).toHaveLength(1);
  });

  it('billing input is validated with 4xx errors naming the field', async () => {
    const c = await setupConnection(p, 'square');
    const bad = await p.admin('PATCH', `/admin/businesses/${c.businessId}/billing`, { commissionBps: 10_001, ceilings: { maxBps: -1 }, review: { surprise: 1 } });
    expectError(bad, 400, 'validation_failed');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['ceilings.maxBps', 'commissionBps', 'review']);
    const rising = await p.admin('PATCH', `/admin/businesses/${c.businessId}/billing`, { commissionTiers: [{ fromMinor: 100, bps: 2_500 }] });
    expectError(rising, 400, 'validation_failed');
    expect(rising.body.error.details[0].path).toBe('commissionTiers');
    expectError(await p.admin('PATCH', '/admin/platform/billing', { vatBps: 'tjugofem' }), 400, 'validation_failed');
    expectError(await p.admin('PATCH', `/admin/businesses/${crypto.randomUUID()}/billing`, { commissionBps: 1_000 }), 404, 'not_found');
    expect((await p.admin('GET', `/admin/businesses/${c.businessId}/billing`)).body).toMatchObject({ source: 'platform', commissionBps: 2_000 });
  });
});

/** Two tiers: nothing below 60, then `bps` flat from 60 to 100. */
function tiers(bps: number) {
  return [
    { name: 'none', labelSv: 'Ingen', minScore: 0, maxScore: 59, minBps: 0, maxBps: 0 },
    { name: 'all', labelSv: 'Alla', minScore: 60, maxScore: 100, minBps: bps, maxBps: bps },
  ];
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function expectedAuditBase(actor: string) {
  return { id: expect.any(String), actor, action: 'business.billing_update', targetType: 'business', targetId: expect.any(String), ip: expect.any(String), createdAt: expect.any(String) };
}
