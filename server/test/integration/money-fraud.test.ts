import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';

/**
 * Fraud review (issue 4): the same rich text from another purchase and device is held with a risk
 * score and reasons, shown in the admin review queue, and approved (booked or awaiting a number) or
 * rejected (never booked). ENABLE_FRAUD_DETECTION=false switches the hold off.
 */

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
const GIBBERISH = 'asdkj qwpoeiru zxmcnv lkjhgf poiuyt mnbvcx qwerty asdfgh zxcvb poiuz';

interface Shop {
  c: ConnectionSetup;
  qrToken: string;
}

async function shopOn(p: TestPlatform): Promise<Shop> {
  const c = await setupConnection(p, 'square');
  return { c, qrToken: (await locationQr(p, c)).qrToken };
}

/** A fresh purchase and device each time; returns the finished session and its reward row. */
async function submit(p: TestPlatform, shop: Shop, amountMinor: number, text: string) {
  const sale = await ingestSale(p, shop.c, amountMinor, 5);
  const s = await startSession(p, { qrToken: shop.qrToken });
  const v = await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
  expect(v.status, v.text).toBe(200);
  const fb = await s.call('POST', '/feedback', { text, finish: true });
  expect(fb.status, fb.text).toBe(200);
  const session = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['risk_score', 'risk_details']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
  const reward = await p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
  return { s, result: fb.body, riskScore: session.risk_score!, risk: JSON.parse(session.risk_details!) as { score: number; hold: boolean; level: string; reasons: { code: string; strength: number }[] }, reward };
}

const ledgerOf = (p: TestPlatform, rewardId: string) => p.ctx.db.kysely.selectFrom('ledger_entries').select(['account', 'amount_minor', 'kind']).where('reward_id', '=', rewardId).execute();

describe.skipIf(backendUnavailable)('money: fraud holds and the review queue', () => {
  let p: TestPlatform;
  let shop: Shop;
  let original: Awaited<ReturnType<typeof submit>>;
  let copy: Awaited<ReturnType<typeof submit>>;

  beforeAll(async () => {
    p = await startTestPlatform();
    shop = await shopOn(p);
  });
  afterAll(async () => p?.stop());

  it('the first submission of a text is not held', async () => {
    original = await submit(p, shop, 24_500, RICH_FEEDBACK_SV);
    expect(original.result.reward.status).toBe('awaiting_phone');
    expect(original.result.reward.amountMinor).toBeGreaterThan(0);
    expect(original.riskScore).toBeLessThan(70);
    expect(original.risk.reasons.map((r) => r.code)).not.toContain('duplicate_text');
  });

  it('the same text from another purchase and device is held with risk ≥ 70 and reason duplicate_text', async () => {
    copy = await submit(p, shop, 19_900, RICH_FEEDBACK_SV);
    expect(copy.result.reward.status).toBe('held');
    // The amount is still computed (on the POS amount), just not paid until reviewed.
    expect(copy.result.reward.amountMinor).toBeGreaterThan(0);
    expect(copy.reward).toMatchObject({ status: 'held', amount_minor: copy.result.reward.amountMinor });
    expect(copy.riskScore).toBeGreaterThanOrEqual(70);
    expect(copy.risk).toMatchObject({ score: copy.riskScore, hold: true, level: 'high' });
    const dup = copy.risk.reasons.find((r) => r.code === 'duplicate_text');
    expect(dup).toMatchObject({ code: 'duplicate_text', strength: 0.95, evidence: { matchCount: 1 } });
    expect(JSON.parse(copy.reward.details)).toMatchObject({ riskScore: copy.riskScore });
    // Registering a number does not release a held reward.
    const reg = await copy.s.call('POST', '/payout', { phone: '070-555 66 77' });
    expect(reg.body.reward).toMatchObject({ status: 'held', amountMinor: copy.result.reward.amountMinor });
    expect(await ledgerOf(p, copy.reward.id)).toEqual([]);
  });

  it('held rewards are listed in GET /admin/rewards?status=held with their risk details', async () => {
    const res = await p.admin('GET', '/admin/rewards?status=held');
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual([copy.reward.id]);
    const item = res.body.items[0];
    expect(item).toMatchObject({ id: copy.reward.id, sessionId: copy.s.sessionId, businessId: shop.c.businessId, status: 'held', amountMinor: copy.reward.amount_minor, currency: 'SEK', decidedBy: null });
    expect(item.risk.score).toBe(copy.riskScore);
    expect(item.risk.details).toMatchObject({ hold: true, score: copy.riskScore });
    expect(item.risk.details.reasons.map((r: { code: string }) => r.code)).toContain('duplicate_text');
    const byBusiness = await p.admin('GET', `/admin/rewards?status=held&businessId=${shop.c.businessId}`);
    expect(byBusiness.body.items).toHaveLength(1);
    expect((await p.admin('GET', '/admin/rewards?status=bogus')).status).toBe(400);
  });

  it('approve with a registered number books the reward; decisions need a reason and a held reward', async () => {
    expect((await p.admin('POST', `/admin/rewards/${copy.reward.id}/approve`, {})).status).toBe(400);
    expect((await p.admin('POST', `/admin/rewards/${copy.reward.id}/approve`, { reason: 'ok' })).status).toBe(400);
    const res = await p.admin('POST', `/admin/rewards/${copy.reward.id}/approve`, { reason: 'Kunden visade kvittot i butiken' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: copy.reward.id, status: 'approved', decidedBy: expect.any(String), decidedAt: expect.any(String) });
    const entries = await ledgerOf(p, copy.reward.id);
    expect(entries.map((e) => [e.kind, e.amount_minor]).sort()).toEqual([['reward', -copy.reward.amount_minor], ['reward', copy.reward.amount_minor]].sort());
    const again = await p.admin('POST', `/admin/rewards/${copy.reward.id}/approve`, { reason: 'Kunden visade kvittot i butiken' });
    expect(again.status).toBe(409);
    expect(await ledgerOf(p, copy.reward.id)).toHaveLength(2);
    expect((await p.admin('POST', `/admin/rewards/${crypto.randomUUID()}/approve`, { reason: 'finns inte' })).status).toBe(404);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['action']).where('target_id', '=', copy.reward.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['reward.approve']);
  });

  it('approve without a number leaves it awaiting_phone; the number then books it', async () => {
    const third = await submit(p, shop, 21_100, RICH_FEEDBACK_SV);
    expect(third.result.reward.status).toBe('held');
    expect(third.risk.reasons.find((r) => r.code === 'duplicate_text')).toMatchObject({ evidence: { matchCount: 2 } });
    const res = await p.admin('POST', `/admin/rewards/${third.reward.id}/approve`, { reason: 'Stickprov: äkta köp' });
    expect(res.body.status).toBe('awaiting_phone');
    expect(await ledgerOf(p, third.reward.id)).toEqual([]);
    const reg = await third.s.call('POST', '/payout', { phone: '070-666 77 88' });
    expect(reg.body.reward).toEqual({ amountMinor: third.reward.amount_minor, currency: 'SEK', status: 'approved' });
    expect(await ledgerOf(p, third.reward.id)).toHaveLength(2);
  });

  it('reject: status rejected, never booked, even after a number is registered', async () => {
    const fourth = await submit(p, shop, 20_300, RICH_FEEDBACK_SV);
    expect(fourth.result.reward.status).toBe('held');
    const res = await p.admin('POST', `/admin/rewards/${fourth.reward.id}/reject`, { reason: 'Kopierad text från annan session' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'rejected' });
    const reg = await fourth.s.call('POST', '/payout', { phone: '070-777 88 99' });
    expect(reg.body.reward.status).toBe('rejected');
    expect(await ledgerOf(p, fourth.reward.id)).toEqual([]);
    expect((await p.admin('POST', `/admin/rewards/${fourth.reward.id}/approve`, { reason: 'ångrar mig' })).status).toBe(409);
    const rejected = await p.admin('GET', '/admin/rewards?status=rejected');
    expect(rejected.body.items.map((r: { id: string }) => r.id)).toEqual([fourth.reward.id]);
    expect((await p.admin('GET', '/admin/rewards?status=held')).body.items).toEqual([]);
  });

  it('gibberish scores below the reward tiers and is flagged', async () => {
    const g = await submit(p, shop, 15_500, GIBBERISH);
    expect(g.result.qualityScore).toBeLessThan(60);
    expect(g.result.reward).toMatchObject({ amountMinor: 0, status: 'none' });
    const reason = g.risk.reasons.find((r) => r.code === 'gibberish');
    expect(reason?.strength).toBeGreaterThan(0.5);
    expect(g.riskScore).toBeGreaterThanOrEqual(50);
    expect(await ledgerOf(p, g.reward.id)).toEqual([]);
  });

  it('every ledger transaction balances', async () => {
    const rows = await p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'amount_minor']).execute();
    const byTxn = new Map<string, number>();
    for (const r of rows) byTxn.set(r.txn_id, (byTxn.get(r.txn_id) ?? 0) + r.amount_minor);
    expect(byTxn.size).toBe(2);
    expect([...byTxn.values()]).toEqual([0, 0]);
  });
});

describe.skipIf(backendUnavailable)('money: ENABLE_FRAUD_DETECTION=false', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
  });
  afterAll(async () => p?.stop());

  it('the duplicate is not held and no risk is recorded', async () => {
    const shop = await shopOn(p);
    const first = await submit(p, shop, 24_500, RICH_FEEDBACK_SV);
    const second = await submit(p, shop, 19_900, RICH_FEEDBACK_SV);
    for (const r of [first, second]) {
      expect(r.result.reward.status).toBe('awaiting_phone');
      expect(r.riskScore).toBe(0);
      expect(r.risk.reasons).toEqual([]);
    }
    const reg = await second.s.call('POST', '/payout', { phone: '070-888 99 00' });
    expect(reg.body.reward).toEqual({ amountMinor: second.reward.amount_minor, currency: 'SEK', status: 'approved' });
    expect((await p.admin('GET', '/admin/rewards?status=held')).body.items).toEqual([]);
  });
});
