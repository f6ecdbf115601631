import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { createLocation } from '../helpers/fixtures.js';
import { newBusiness } from '../helpers/admin-helpers.js';
import { RICH_FEEDBACK_SV, CONSENT } from '../helpers/customer.js';
import { sweepStoreClaims } from '../../src/feedback/store-review-service.js';

/**
 * The review deadline: reminders 7, 3 and 1 days before it, then the business's default
 * (reject unless it chose approve). The sweep is driven with a fake `now`; every pending claim of
 * this file's database is accounted for, so the sweep's counts are exact.
 */

const MIN = 60_000;
const DAY = 86_400_000;

function expectedReward(score: number, amountMinor: number): number {
  const tiers: [number, number, number, number][] = [[0, 59, 0, 0], [60, 74, 100, 300], [75, 89, 400, 700], [90, 100, 800, 1200]];
  const [min, max, lo, hi] = tiers.find(([a, b]) => score >= a && score <= b)!;
  const bps = lo + Math.floor(((score - min) * (hi - lo)) / (max - min));
  if (amountMinor < 5_000) return 0;
  return Math.min(20_000, Math.floor((amountMinor * bps) / 10_000));
}

let seq = 0;

describe.skipIf(backendUnavailable)('store-code review deadline (sweepStoreClaims)', () => {
  let p: TestPlatform;
  let rejectBiz: string;
  let rejectLoc: { storeCode: string };
  let approveBiz: string;
  let approveLoc: { storeCode: string };

  async function claim(storeCode: string, amount: string, feedback = true) {
    seq++;
    const headers = { 'x-forwarded-for': `10.40.0.${seq}`, 'x-device-id': `device-dl-${process.pid}-${seq}` };
    const start = await p.api('POST', '/api/v1/feedback-sessions', { storeCode, consent: CONSENT }, headers);
    expect(start.status, start.text).toBe(201);
    const auth = { ...headers, authorization: `Bearer ${start.body.sessionToken}` };
    const phone = `0730${String(100_000 + seq).slice(1)}0`;
    const res = await p.api('POST', `/api/v1/feedback-sessions/${start.body.sessionId}/claim`, { amount, purchasedAt: new Date(Date.now() - 90 * MIN).toISOString(), phone }, auth);
    expect(res.status, res.text).toBe(200);
    let score: number | null = null;
    if (feedback) {
      const fb = await p.api('POST', `/api/v1/feedback-sessions/${start.body.sessionId}/feedback`, { text: RICH_FEEDBACK_SV, finish: true }, auth);
      expect(fb.status, fb.text).toBe(200);
      expect(fb.body.reward.status).toBe('awaiting_verification');
      score = fb.body.qualityScore;
    }
    const row = await p.ctx.db.kysely.selectFrom('store_claims').selectAll().where('session_id', '=', start.body.sessionId).executeTakeFirstOrThrow();
    expect(row.deadline_at).toBe(res.body.deadlineAt);
    return { sessionId: start.body.sessionId as string, claimId: row.id, deadline: Date.parse(row.deadline_at), score, phone, auth };
  }
  const claimRow = (id: string) => p.ctx.db.kysely.selectFrom('store_claims').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const rewardOf = (sessionId: string) => p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
  const ledgerOf = (rewardId: string) => p.ctx.db.kysely.selectFrom('ledger_entries').select(['account', 'amount_minor', 'kind']).where('reward_id', '=', rewardId).orderBy('amount_minor', 'desc').execute();
  const sweep = (at: number) => sweepStoreClaims(p.ctx, new Date(at));

  beforeAll(async () => {
    p = await startTestPlatform({ TRUST_PROXY: 'true', ENABLE_FRAUD_DETECTION: 'false' });
    rejectBiz = (await newBusiness(p, { name: 'Kafé Nej' })).id;
    rejectLoc = (await createLocation(p, rejectBiz)) as any;
    approveBiz = (await newBusiness(p, { name: 'Kafé Ja' })).id;
    approveLoc = (await createLocation(p, approveBiz)) as any;
    const patch = await p.admin('PATCH', `/admin/businesses/${approveBiz}/settings`, { storeReview: { defaultAction: 'approve' } });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.body.storeReview).toEqual({ deadlineDays: 14, reminderDaysBefore: [7, 3, 1], defaultAction: 'approve' });
  });
  afterAll(async () => p?.stop());

  it('the default review settings are 14 days, reminders 7/3/1 days before, default reject', async () => {
    const res = await p.admin('GET', `/admin/businesses/${rejectBiz}/settings`);
    expect(res.body.storeReview).toEqual({ deadlineDays: 14, reminderDaysBefore: [7, 3, 1], defaultAction: 'reject' });
    const bad = await p.admin('PATCH', `/admin/businesses/${rejectBiz}/settings`, { storeReview: { defaultAction: 'pay' } });
    expect(bad.status).toBe(400);
    expect((await p.admin('GET', `/admin/businesses/${rejectBiz}/settings`)).body.storeReview.defaultAction).toBe('reject');
  });

  it('reminders 7, 3 and 1 days before the deadline, each once; then the default reject by system:deadline', async () => {
    const c = await claim(rejectLoc.storeCode, '245,00');
    const D = c.deadline;
    const reminders = async () => Number((await claimRow(c.claimId)).reminders_sent);

    expect(await sweep(D - 8 * DAY)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await reminders()).toBe(0);
    expect(await sweep(D - 7 * DAY - MIN)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await reminders()).toBe(0);

    expect(await sweep(D - 7 * DAY)).toEqual({ reminded: 1, defaulted: 0 });
    expect(await reminders()).toBe(1);
    expect(await sweep(D - 7 * DAY)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await sweep(D - 4 * DAY)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await reminders()).toBe(1);

    expect(await sweep(D - 2.5 * DAY)).toEqual({ reminded: 1, defaulted: 0 });
    expect(await reminders()).toBe(2);
    expect(await sweep(D - 2 * DAY)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await reminders()).toBe(2);

    expect(await sweep(D - 0.5 * DAY)).toEqual({ reminded: 1, defaulted: 0 });
    expect(await reminders()).toBe(3);
    expect(await sweep(D - MIN)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await claimRow(c.claimId)).toMatchObject({ status: 'pending', reminders_sent: 3, decided_by: null });
    expect((await rewardOf(c.sessionId)).status).toBe('awaiting_verification');

    expect(await sweep(D + MIN)).toEqual({ reminded: 0, defaulted: 1 });
    const decided = await claimRow(c.claimId);
    expect(decided).toMatchObject({ status: 'rejected', decided_by: 'system:deadline', verified_amount_minor: null, reminders_sent: 3 });
    expect(decided.decided_at).not.toBeNull();
    const reward = await rewardOf(c.sessionId);
    expect(reward.status).toBe('rejected');
    expect(await ledgerOf(reward.id)).toEqual([]);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', c.claimId).execute();
    expect(audit).toEqual([{ action: 'store_claim.rejected', actor: 'system:deadline' }]);

    // Decided claims are left alone.
    expect(await sweep(D + 2 * DAY)).toEqual({ reminded: 0, defaulted: 0 });
    expect((await claimRow(c.claimId)).status).toBe('rejected');
  });

  it('with defaultAction approve the claim is verified at the deadline and the reward booked on the claimed amount', async () => {
    const c = await claim(approveLoc.storeCode, '412,30');
    const D = c.deadline;
    expect(await sweep(D + 10 * MIN)).toEqual({ reminded: 0, defaulted: 1 });
    expect(await claimRow(c.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 41_230, decided_by: 'system:deadline' });
    const reward = await rewardOf(c.sessionId);
    const amount = expectedReward(c.score!, 41_230);
    expect(amount).toBeGreaterThan(0);
    expect(reward).toMatchObject({ status: 'approved', amount_minor: amount });
    const phoneHash = p.ctx.services.pii.hash('phone', `+46${c.phone.slice(1)}`);
    expect(await ledgerOf(reward.id)).toEqual([
      { account: `business:${approveBiz}:rewards_expense`, amount_minor: amount, kind: 'reward' },
      { account: `customer:${phoneHash}:payable`, amount_minor: -amount, kind: 'reward' },
    ]);
    expect(await sweep(D + DAY)).toEqual({ reminded: 0, defaulted: 0 });
  });

  it('one sweep applies each business its own default; claims decided by the shop are not touched', async () => {
    const no = await claim(rejectLoc.storeCode, '150,00');
    const yes = await claim(approveLoc.storeCode, '160,00');
    const early = await claim(approveLoc.storeCode, '170,00', false);
    const shopDecided = await claim(rejectLoc.storeCode, '180,00');
    expect((await p.admin('POST', `/admin/businesses/${rejectBiz}/store-claims/${shopDecided.claimId}/decision`, { status: 'verified' })).status).toBe(200);
    const after = Math.max(no.deadline, yes.deadline, early.deadline, shopDecided.deadline) + MIN;

    expect(await sweep(after)).toEqual({ reminded: 0, defaulted: 3 });
    expect(await claimRow(no.claimId)).toMatchObject({ status: 'rejected', decided_by: 'system:deadline' });
    expect(await claimRow(yes.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 16_000, decided_by: 'system:deadline' });
    expect(await claimRow(early.claimId)).toMatchObject({ status: 'verified', verified_amount_minor: 17_000, decided_by: 'system:deadline' });
    expect(await claimRow(shopDecided.claimId)).toMatchObject({ status: 'verified', decided_by: 'admin-token' });
    expect((await rewardOf(no.sessionId)).status).toBe('rejected');
    expect((await rewardOf(yes.sessionId)).status).toBe('approved');
    expect((await rewardOf(shopDecided.sessionId)).status).toBe('approved');

    // Feedback given after the default approval is rewarded on the claim right away.
    const fb = await p.api('POST', `/api/v1/feedback-sessions/${early.sessionId}/feedback`, { text: RICH_FEEDBACK_SV, finish: true }, early.auth);
    expect(fb.status, fb.text).toBe(200);
    expect(fb.body.reward).toMatchObject({ status: 'approved', amountMinor: expectedReward(fb.body.qualityScore, 17_000) });
    expect(await sweep(after + DAY)).toEqual({ reminded: 0, defaulted: 0 });
  });

  it('overlapping sweeps (two instances, or the shop deciding meanwhile) remind once and decide once, without failing', async () => {
    const claims = [];
    for (const amount of ['101,00', '102,00', '103,00', '104,00']) claims.push(await claim(rejectLoc.storeCode, amount));
    const D = Math.max(...claims.map((c) => c.deadline));
    const reminders = await Promise.all([sweep(D - 6 * DAY), sweep(D - 6 * DAY), sweep(D - 6 * DAY)]);
    expect(reminders.reduce((n, r) => n + r.reminded, 0)).toBe(4);
    for (const c of claims) expect(Number((await claimRow(c.claimId)).reminders_sent)).toBe(1);

    const outcome = await Promise.allSettled([sweep(D + MIN), sweep(D + MIN), p.admin('POST', `/admin/businesses/${rejectBiz}/store-claims/${claims[3]!.claimId}/decision`, { status: 'verified' })]);
    expect(outcome.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const [a, b, shop] = outcome.map((o) => (o as PromiseFulfilledResult<any>).value);
    const byShop = shop.status === 200 ? 1 : 0;
    if (!byShop) expect(shop.status).toBe(409);
    expect(a.defaulted + b.defaulted + byShop).toBe(4);
    const rows = await Promise.all(claims.map((c) => claimRow(c.claimId)));
    expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
    const audit = await p.ctx.db.kysely.selectFrom('audit_log').select('target_id').where('target_id', 'in', claims.map((c) => c.claimId)).execute();
    expect(audit).toHaveLength(4);
  });

  it('deadlineDays and reminderDaysBefore are per business', async () => {
    const biz = (await newBusiness(p, { name: 'Kafé Kort' })).id;
    const loc = (await createLocation(p, biz)) as any;
    const patch = await p.admin('PATCH', `/admin/businesses/${biz}/settings`, { storeReview: { deadlineDays: 5, reminderDaysBefore: [2] } });
    expect(patch.status, patch.text).toBe(200);
    const before = Date.now();
    const c = await claim(loc.storeCode, '200,00');
    expect(c.deadline).toBeGreaterThanOrEqual(before + 5 * DAY);
    expect(c.deadline).toBeLessThanOrEqual(Date.now() + 5 * DAY);
    expect(await sweep(c.deadline - 2 * DAY - MIN)).toEqual({ reminded: 0, defaulted: 0 });
    expect(await sweep(c.deadline - 2 * DAY)).toEqual({ reminded: 1, defaulted: 0 });
    expect(await sweep(c.deadline - MIN)).toEqual({ reminded: 0, defaulted: 0 });
    expect(Number((await claimRow(c.claimId)).reminders_sent)).toBe(1);
    expect(await sweep(c.deadline)).toEqual({ reminded: 0, defaulted: 1 });
    expect((await claimRow(c.claimId)).status).toBe('rejected');
  });
});
