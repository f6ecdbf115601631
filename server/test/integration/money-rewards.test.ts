import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { awayFromStockholmBoundary, BOUNDARY_MARGIN_MS } from '../helpers/stockholm-clock.js';

/**
 * Reward amounts end to end (issue 4): tiers interpolated on the POS amount, minimum purchase,
 * per-reward cap, the business's monthly budget and the per-customer daily cap applied when the
 * phone number is registered. Fraud detection is off so repeating the same rich text is not held.
 */

// The spec's tiers, written out independently of the server's settings module.
const TIERS = [
  { min: 0, max: 59, minBps: 0, maxBps: 0 },
  { min: 60, max: 74, minBps: 100, maxBps: 300 },
  { min: 75, max: 89, minBps: 400, maxBps: 700 },
  { min: 90, max: 100, minBps: 800, maxBps: 1200 },
];
function specReward(score: number, purchaseMinor: number): number {
  if (purchaseMinor < 5_000) return 0;
  const t = TIERS.find((x) => score >= x.min && score <= x.max)!;
  const bps = t.minBps + Math.floor(((score - t.min) * (t.maxBps - t.minBps)) / (t.max - t.min));
  return Math.min(20_000, Math.floor((purchaseMinor * bps) / 10_000));
}
const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

describe.skipIf(backendUnavailable)('money: reward computation over HTTP', () => {
  let p: TestPlatform;
  let phoneSeq = 0;
  const nextPhone = () => `070${String(7_000_000 + process.pid * 10 + phoneSeq++).slice(-7)}`;

  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
  });
  afterAll(async () => p?.stop());

  async function shop(): Promise<{ c: ConnectionSetup; qrToken: string }> {
    const c = await setupConnection(p, 'square');
    return { c, qrToken: (await locationQr(p, c)).qrToken };
  }

  /** Sale → verify with what the customer typed → rich feedback (finish) → optionally a payout number. */
  async function earn(s: { c: ConnectionSetup; qrToken: string }, amountMinor: number, o: { typed?: string; phone?: string } = {}) {
    const sale = await ingestSale(p, s.c, amountMinor, 4);
    const session = await startSession(p, { qrToken: s.qrToken });
    const verify = await session.call('POST', '/verify', { amount: o.typed ?? kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(verify.status, verify.text).toBe(200);
    const fb = await session.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    expect(fb.body.status).toBe('completed');
    const payout = o.phone ? await session.call('POST', '/payout', { phone: o.phone }) : null;
    if (payout) expect(payout.status, payout.text).toBe(200);
    const reward = await p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', session.sessionId).executeTakeFirst();
    return { session, sale, verify: verify.body, result: fb.body, payout: payout?.body, reward };
  }

  const ledgerFor = (rewardId: string) => p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor', 'kind']).where('reward_id', '=', rewardId).orderBy('account').execute();

  it('the reward is computed on the POS amount, not on the 0,40 kr-off amount the customer typed', async () => {
    const s = await shop();
    const r = await earn(s, 24_500, { typed: '245,40' });
    expect(r.verify).toMatchObject({ verified: true, purchase: { amountMinor: 24_500 } });
    const score = r.result.qualityScore as number;
    expect(score).toBeGreaterThanOrEqual(90);
    const expected = specReward(score, 24_500);
    // Would differ if the typed 245,40 kr had been used (e.g. 2744 vs 2748 at score 98).
    expect(specReward(score, 24_540)).not.toBe(expected);
    expect(r.result.reward).toMatchObject({ amountMinor: expected, currency: 'SEK', status: 'awaiting_phone' });
    expect(r.reward).toMatchObject({ amount_minor: expected, transaction_id: expect.any(String) });
    expect(r.result.reward.explanation.sv).toContain('245,00 kr');
    expect(r.result.reward.explanation.sv).not.toContain('245,40');
    const stored = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['purchase_amount_minor']).where('id', '=', r.session.sessionId).executeTakeFirstOrThrow();
    expect(stored.purchase_amount_minor).toBe(24_500);

    // Booking with a phone number puts exactly that POS-based amount in the ledger.
    const phone = nextPhone();
    const booked = await r.session.call('POST', '/payout', { phone });
    expect(booked.body.reward).toEqual({ amountMinor: expected, currency: 'SEK', status: 'approved' });
    const entries = await ledgerFor(r.reward!.id);
    expect(entries.map((e) => [e.kind, e.account.replace(/:[^:]+:/, ':X:'), e.amount_minor]).sort()).toEqual(
      [
        ['reward', 'business:X:rewards_expense', expected],
        ['reward', 'customer:X:payable', -expected],
      ].sort(),
    );
  });

  it('an amount 0,60 kr off is outside the ±0,50 kr tolerance: no match, no reward', async () => {
    const s = await shop();
    const sale = await ingestSale(p, s.c, 31_900, 4);
    const session = await startSession(p, { qrToken: s.qrToken });
    const res = await session.call('POST', '/verify', { amount: '319,60', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('no_matching_purchase');
    const ok = await session.call('POST', '/verify', { amount: '319,50', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.purchase.amountMinor).toBe(31_900);
  });

  it('a purchase under 50 kr earns 0 with status none; exactly 50 kr earns', async () => {
    const s = await shop();
    const under = await earn(s, 4_999);
    expect(under.result.qualityScore).toBeGreaterThanOrEqual(90);
    expect(under.result.reward).toMatchObject({ amountMinor: 0, status: 'none' });
    expect(under.reward).toMatchObject({ amount_minor: 0, status: 'none', bps: 0 });
    expect(JSON.parse(under.reward!.details).appliedCaps).toEqual(['min_purchase']);
    // Registering a number for a zero reward books nothing.
    const payout = await under.session.call('POST', '/payout', { phone: nextPhone() });
    expect(payout.body.reward).toEqual({ amountMinor: 0, currency: 'SEK', status: 'none' });
    expect(await ledgerFor(under.reward!.id)).toEqual([]);

    const at = await earn(s, 5_000);
    expect(at.result.reward.amountMinor).toBe(specReward(at.result.qualityScore, 5_000));
    expect(at.result.reward.amountMinor).toBeGreaterThan(0);
  });

  it('a single reward is capped at 200 kr', async () => {
    const s = await shop();
    const big = await earn(s, 300_000);
    expect(big.result.reward.amountMinor).toBe(20_000);
    expect(JSON.parse(big.reward!.details)).toMatchObject({ appliedCaps: ['per_reward_cap'] });
    expect(JSON.parse(big.reward!.details).uncappedMinor).toBeGreaterThan(20_000);
  });

  it("the business's monthly budget caps the second reward and exhausts the third", async () => {
    // The budget is per Stockholm month: all three rewards must fall in the same one.
    await awayFromStockholmBoundary();
    const s = await shop();
    const patch = await p.admin('PATCH', `/admin/businesses/${s.c.businessId}/settings`, { rewards: { monthlyBudgetMinor: 3_000 } });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.body.rewards.monthlyBudgetMinor).toBe(3_000);

    const first = await earn(s, 24_500);
    const full1 = specReward(first.result.qualityScore, 24_500);
    expect(full1).toBeLessThan(3_000);
    expect(first.result.reward.amountMinor).toBe(full1);

    const second = await earn(s, 22_000);
    const full2 = specReward(second.result.qualityScore, 22_000);
    expect(3_000 - full1).toBeLessThan(full2);
    expect(second.result.reward.amountMinor).toBe(3_000 - full1);
    expect(JSON.parse(second.reward!.details).appliedCaps).toEqual(['monthly_budget']);

    const third = await earn(s, 23_000);
    expect(third.result.reward).toMatchObject({ amountMinor: 0, status: 'none' });

    const spent = await p.ctx.db.kysely.selectFrom('rewards').select(['amount_minor']).where('business_id', '=', s.c.businessId).execute();
    expect(spent.reduce((sum, r) => sum + r.amount_minor, 0)).toBe(3_000);
  }, BOUNDARY_MARGIN_MS + 30_000);

  it('the per-customer daily cap is applied when the phone number is registered', async () => {
    // The cap is per Stockholm day: all three rewards must fall in the same one.
    await awayFromStockholmBoundary();
    const s = await shop();
    const patch = await p.admin('PATCH', `/admin/businesses/${s.c.businessId}/settings`, { rewards: { perCustomerDailyCapMinor: 3_000 } });
    expect(patch.status, patch.text).toBe(200);
    const phone = nextPhone();

    const first = await earn(s, 24_500, { phone });
    const full1 = specReward(first.result.qualityScore, 24_500);
    expect(first.payout.reward).toEqual({ amountMinor: full1, currency: 'SEK', status: 'approved' });

    // Before the number is known the second reward is computed in full …
    const second = await earn(s, 24_000);
    const full2 = specReward(second.result.qualityScore, 24_000);
    expect(second.result.reward).toMatchObject({ amountMinor: full2, status: 'awaiting_phone' });
    // … and cut to what is left of the customer's day once it is registered.
    const reg = await second.session.call('POST', '/payout', { phone });
    expect(reg.status, reg.text).toBe(200);
    expect(reg.body.reward).toEqual({ amountMinor: 3_000 - full1, currency: 'SEK', status: 'approved' });
    const row = await p.ctx.db.kysely.selectFrom('rewards').select(['amount_minor', 'status']).where('id', '=', second.reward!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ amount_minor: 3_000 - full1, status: 'approved' });
    const entries = await ledgerFor(second.reward!.id);
    expect(entries.map((e) => e.amount_minor).sort((a, b) => a - b)).toEqual([-(3_000 - full1), 3_000 - full1]);

    // A third reward the same day has nothing left: zero, not booked, not left waiting.
    const third = await earn(s, 24_200, { phone });
    expect(third.payout.reward).toEqual({ amountMinor: 0, currency: 'SEK', status: 'none' });
    expect(await ledgerFor(third.reward!.id)).toEqual([]);

    const hash = (await p.ctx.db.kysely.selectFrom('feedback_sessions').select('phone_hash').where('id', '=', first.session.sessionId).executeTakeFirstOrThrow()).phone_hash!;
    const payable = await p.ctx.db.kysely.selectFrom('ledger_entries').select(['amount_minor']).where('account', '=', `customer:${hash}:payable`).execute();
    expect(0 - payable.reduce((sum, e) => sum + e.amount_minor, 0)).toBe(3_000);
  }, BOUNDARY_MARGIN_MS + 30_000);

  it('the ledger balances: every transaction and the whole ledger sum to zero', async () => {
    const rows = await p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'amount_minor']).execute();
    expect(rows.length).toBeGreaterThan(0);
    const byTxn = new Map<string, number>();
    for (const r of rows) byTxn.set(r.txn_id, (byTxn.get(r.txn_id) ?? 0) + r.amount_minor);
    expect([...byTxn.entries()].filter(([, sum]) => sum !== 0)).toEqual([]);
  });
});
