import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { RICH_FEEDBACK_SV, CONSENT } from '../helpers/customer.js';
import { squarePayment, squareRefund } from '../helpers/pos-payloads.js';

/**
 * Money under concurrency and arbitrary interleavings: one reward per purchase however many sessions
 * race for it, batches and payout decisions that cannot double-pay, and a fast-check property over
 * random sequences of earn / refund / batch / mark-paid / mark-failed that checks the ledger's
 * invariants after every run. Each simulated customer gets its own client IP (TRUST_PROXY) so the
 * per-IP rate limits of the customer API are not what is being tested.
 */

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
let seq = 0;
const nextIp = () => `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq++ & 255}`;

describe.skipIf(backendUnavailable)('money: concurrency and ledger invariants', () => {
  let p: TestPlatform;
  let shops: { c: ConnectionSetup; qrToken: string }[];

  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false', TRUST_PROXY: 'true', RATE_LIMIT_ADMIN_PER_MINUTE: '100000' });
    shops = [];
    for (let i = 0; i < 2; i++) {
      const c = await setupConnection(p, 'square');
      const loc = await p.admin('GET', `/admin/businesses/${c.businessId}/locations/${c.locationId}`);
      // Past the trial's 30 feedbacks rewards need an active plan; these shops run many more.
      expect((await p.admin('POST', `/admin/businesses/${c.businessId}/trial/activate`)).status).toBe(200);
      shops.push({ c, qrToken: loc.body.qrToken });
    }
  });
  afterAll(async () => p?.stop());

  async function sale(c: ConnectionSetup, amountMinor: number, last4: string) {
    const occurredAt = new Date(Date.now() - 4 * 60_000).toISOString();
    const paymentId = `P${Math.random().toString(36).slice(2, 14)}`;
    const wh = squarePayment(c, { amount: amountMinor, createdAt: occurredAt, paymentId, last4 });
    expect((await p.api('POST', wh.path, wh.body, wh.headers)).status).toBe(200);
    await p.ctx.queue.drain();
    return { paymentId, occurredAt, amountMinor, last4 };
  }

  async function session(qrToken: string) {
    const ip = nextIp();
    const device = `dev-${ip}`;
    const res = await p.api('POST', '/api/v1/feedback-sessions', { qrToken, locale: 'sv', consent: CONSENT }, { 'x-device-id': device, 'x-forwarded-for': ip });
    expect(res.status, res.text).toBe(201);
    const { sessionId, sessionToken } = res.body;
    return {
      sessionId: sessionId as string,
      call: (method: string, path: string, body?: unknown) => p.api(method, `/api/v1/feedback-sessions/${sessionId}${path}`, body, { authorization: `Bearer ${sessionToken}`, 'x-device-id': device, 'x-forwarded-for': ip }),
    };
  }

  /** Sale → verify (by card digits, never ambiguous) → rich feedback → payout number. */
  async function earn(shop: { c: ConnectionSetup; qrToken: string }, amountMinor: number, phone: string) {
    const s0 = await sale(shop.c, amountMinor, String(seq % 10_000).padStart(4, '0'));
    const s = await session(shop.qrToken);
    const v = await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: s0.occurredAt, cardLast4: s0.last4 });
    expect(v.status, v.text).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.status, fb.text).toBe(200);
    const reg = await s.call('POST', '/payout', { phone });
    expect(reg.status, reg.text).toBe(200);
    return { ...s0, c: shop.c, sessionId: s.sessionId, status: reg.body.reward.status as string };
  }

  async function ledger() {
    return p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor', 'kind', 'reward_id', 'payout_id']).execute();
  }

  /** The invariants of the issue, over the whole database. */
  async function checkInvariants() {
    const rows = await ledger();
    const sum = (xs: { amount_minor: number }[]) => xs.reduce((s, e) => s + e.amount_minor, 0);
    expect(sum(rows)).toBe(0);
    const byTxn = new Map<string, number>();
    const byCustomer = new Map<string, number>();
    for (const e of rows) {
      byTxn.set(e.txn_id, (byTxn.get(e.txn_id) ?? 0) + e.amount_minor);
      if (e.account.startsWith('customer:')) byCustomer.set(e.account, (byCustomer.get(e.account) ?? 0) + e.amount_minor);
    }
    expect([...byTxn].filter(([, s]) => s !== 0), 'unbalanced transactions').toEqual([]);
    expect([...byCustomer].filter(([, raw]) => raw > 0), 'customers owed less than zero').toEqual([]);
    // Per reward: booked at most its amount, reversed at most what was booked, and exactly the refunded share.
    const rewards = await p.ctx.db.kysely.selectFrom('rewards as r').leftJoin('transactions as t', 't.id', 'r.transaction_id').select(['r.id', 'r.amount_minor', 'r.status', 'r.business_id', 't.amount_minor as sale', 't.refunded_amount_minor as refunded']).execute();
    for (const r of rewards) {
      const expense = rows.filter((e) => e.reward_id === r.id && e.account === `business:${r.business_id}:rewards_expense`);
      const booked = sum(expense.filter((e) => e.kind === 'reward'));
      const reversed = 0 - sum(expense.filter((e) => e.kind === 'reversal'));
      expect(booked === 0 || booked === r.amount_minor, `reward ${r.id} booked ${booked} of ${r.amount_minor}`).toBe(true);
      expect(reversed).toBeGreaterThanOrEqual(0);
      expect(reversed).toBeLessThanOrEqual(booked);
      if (booked > 0 && r.sale) {
        const share = r.refunded! >= r.sale ? r.amount_minor : Number((BigInt(r.amount_minor) * BigInt(r.refunded!)) / BigInt(r.sale));
        expect(reversed, `reward ${r.id} reversal`).toBe(share);
      }
      if (booked > 0) expect(['approved', 'reversed']).toContain(r.status);
    }
    const perTx = await p.ctx.db.kysely.selectFrom('rewards').select(['transaction_id', (eb) => eb.fn.countAll<number>().as('n')]).where('transaction_id', 'is not', null).groupBy('transaction_id').execute();
    expect(perTx.filter((r) => Number(r.n) > 1)).toEqual([]);
    // Every payout is closed at most once, and its state matches the ledger.
    const payouts = await p.ctx.db.kysely.selectFrom('payouts').select(['id', 'status', 'amount_minor']).execute();
    for (const po of payouts) {
      const kinds = rows.filter((e) => e.payout_id === po.id && e.account === 'platform:payouts_clearing').map((e) => [e.kind, e.amount_minor]);
      const expected = { pending: [['payout', -po.amount_minor]], paid: [['payout', -po.amount_minor], ['payout_settled', po.amount_minor]], failed: [['payout', -po.amount_minor], ['payout_failed', po.amount_minor]] }[po.status];
      expect(kinds.sort(), `payout ${po.id} (${po.status})`).toEqual(expected!.sort());
    }
  }

  it('10 sessions verifying the same purchase at once: exactly one wins, the rest are told no_matching_purchase', async () => {
    const shop = shops[0]!;
    const s0 = await sale(shop.c, 27_700, '0777');
    const sessions = await Promise.all(Array.from({ length: 10 }, () => session(shop.qrToken)));
    const results = await Promise.all(sessions.map((s) => s.call('POST', '/verify', { amount: '277', purchasedAt: s0.occurredAt, cardLast4: s0.last4 })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(422)]);
    // Losing the race answers like a purchase that is not there: a guesser learns nothing from it.
    for (const r of results.filter((x) => x.status === 422)) expect(r.body.error.code).toBe('no_matching_purchase');
    const tx = await p.ctx.db.kysely.selectFrom('transactions').select('id').where('external_id', '=', s0.paymentId).executeTakeFirstOrThrow();
    const claimed = await p.ctx.db.kysely.selectFrom('feedback_sessions').select(['id']).where('transaction_id', '=', tx.id).execute();
    expect(claimed).toHaveLength(1);
    const winner = sessions[results.findIndex((r) => r.status === 200)]!;
    expect(claimed[0]!.id).toBe(winner.sessionId);
    // Every attempt was counted, also the lost races (the claim's savepoint rolled back, not the count).
    const attempts = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('verify_attempts').where('id', 'in', sessions.map((s) => s.sessionId)).execute();
    expect(attempts.map((a) => a.verify_attempts)).toEqual(Array(10).fill(1));
    // The losers cannot give rewarded feedback for it.
    const loser = sessions[results.findIndex((r) => r.status === 422)]!;
    expect((await loser.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true })).status).toBe(409);
    expect((await winner.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true })).status).toBe(200);
    expect(await p.ctx.db.kysely.selectFrom('rewards').select('id').where('transaction_id', '=', tx.id).execute()).toHaveLength(1);
  });

  it('concurrent batch creation and mark-paid cannot pay twice', async () => {
    await earn(shops[0]!, 24_500, '0701000001');
    await earn(shops[1]!, 22_200, '0701000002');
    const created = await Promise.all(Array.from({ length: 4 }, () => p.admin('POST', '/admin/payout-batches')));
    expect(created.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const batch = created.find((r) => r.status === 201)!.body;
    const paid = await Promise.all(Array.from({ length: 5 }, () => p.admin('POST', `/admin/payout-batches/${batch.id}/mark-paid`, { reference: 'R1' })));
    expect(paid.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    for (const r of paid) expect(r.body).toEqual(paid[0]!.body);
    const settled = (await ledger()).filter((e) => e.kind === 'payout_settled' && e.account === 'platform:bank');
    expect(settled.map((e) => e.payout_id).sort()).toEqual(batch.payouts.map((x: { id: string }) => x.id).sort());
    await checkInvariants();
  });

  it('mark-paid racing mark-failed on the same payout: exactly one of them takes effect', async () => {
    for (let round = 0; round < 4; round++) {
      await earn(shops[round % 2]!, 20_000 + round * 300, `07020000${10 + round}`);
      const batch = (await p.admin('POST', '/admin/payout-batches')).body;
      const payoutId = batch.payouts[0].id as string;
      const [paid, failed] = await Promise.all([
        p.admin('POST', `/admin/payout-batches/${batch.id}/mark-paid`, {}),
        p.admin('POST', `/admin/payouts/${payoutId}/mark-failed`, { reason: 'provider rejected' }),
      ]);
      expect(paid.status, paid.text).toBe(200);
      expect([204, 409]).toContain(failed.status);
      const row = await p.ctx.db.kysely.selectFrom('payouts').select('status').where('id', '=', payoutId).executeTakeFirstOrThrow();
      expect(row.status).toBe(failed.status === 204 ? 'failed' : 'paid');
      const closing = (await ledger()).filter((e) => e.payout_id === payoutId && e.account === 'platform:payouts_clearing' && e.kind !== 'payout');
      expect(closing, `round ${round}`).toHaveLength(1);
      await checkInvariants();
      // Leave nothing owed for the next round.
      if (row.status === 'failed') {
        const again = (await p.admin('POST', '/admin/payout-batches')).body;
        expect((await p.admin('POST', `/admin/payout-batches/${again.id}/mark-paid`, {})).status).toBe(200);
      }
    }
  });

  it('approve racing reject on a held reward: one decision wins', async () => {
    // The fourth reward for one phone within 24 h is held for review.
    const phone = '0703000001';
    for (let i = 0; i < 3; i++) expect((await earn(shops[0]!, 15_000 + i * 100, phone)).status).toBe('approved');
    const held = await earn(shops[0]!, 15_900, phone);
    expect(held.status).toBe('held');
    const reward = await p.ctx.db.kysely.selectFrom('rewards').select('id').where('session_id', '=', held.sessionId).executeTakeFirstOrThrow();
    const [a, r] = await Promise.all([
      p.admin('POST', `/admin/rewards/${reward.id}/approve`, { reason: 'ok enligt kvitto' }),
      p.admin('POST', `/admin/rewards/${reward.id}/reject`, { reason: 'misstänkt' }),
    ]);
    expect([a.status, r.status].sort()).toEqual([200, 409]);
    const final = await p.ctx.db.kysely.selectFrom('rewards').select('status').where('id', '=', reward.id).executeTakeFirstOrThrow();
    const entries = (await ledger()).filter((e) => e.reward_id === reward.id);
    if (a.status === 200) {
      expect(final.status).toBe('approved');
      expect(entries).toHaveLength(2);
    } else {
      expect(final.status).toBe('rejected');
      expect(entries).toEqual([]);
    }
    await checkInvariants();
  });

  type Step = { t: 'earn'; shop: number; phone: number; kronor: number } | { t: 'refund'; pick: number; pct: number } | { t: 'batch' } | { t: 'paid'; pick: number } | { t: 'failed'; pick: number };
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ t: fc.constant('earn' as const), shop: fc.nat(1), phone: fc.nat(1), kronor: fc.integer({ min: 45, max: 400 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('refund' as const), pick: fc.nat(7), pct: fc.integer({ min: 1, max: 100 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('batch' as const) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('paid' as const), pick: fc.nat(7) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('failed' as const), pick: fc.nat(7) }) },
  );

  let run = 0;
  it('property: random earn/refund/batch/mark-paid/mark-failed sequences keep the ledger consistent', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 8 }), async (steps) => {
        const r = run++;
        const phones = [0, 1].map((i) => `076${String(1_000_000 + r * 2 + i).padStart(7, '0')}`);
        const earned: Awaited<ReturnType<typeof earn>>[] = [];
        const refunded = new Map<string, number>();
        const batches: string[] = [];
        for (const step of steps) {
          if (step.t === 'earn') {
            earned.push(await earn(shops[step.shop]!, step.kronor * 100 + (seq % 100), phones[step.phone]!));
          } else if (step.t === 'refund' && earned.length > 0) {
            const e = earned[step.pick % earned.length]!;
            const left = e.amountMinor - (refunded.get(e.paymentId) ?? 0);
            if (left <= 0) continue;
            const amount = Math.max(1, Math.floor((left * step.pct) / 100));
            refunded.set(e.paymentId, (refunded.get(e.paymentId) ?? 0) + amount);
            const wh = squareRefund(e.c, { paymentId: e.paymentId, amount, status: 'COMPLETED' });
            expect((await p.api('POST', wh.path, wh.body, wh.headers)).status).toBe(200);
            expect(await p.ctx.queue.drain()).toBe(true);
          } else if (step.t === 'batch') {
            const res = await p.admin('POST', '/admin/payout-batches');
            expect([201, 409], res.text).toContain(res.status);
            if (res.status === 201) batches.push(res.body.id);
          } else if (step.t === 'paid' && batches.length > 0) {
            const res = await p.admin('POST', `/admin/payout-batches/${batches[step.pick % batches.length]}/mark-paid`, {});
            expect(res.status, res.text).toBe(200);
            expect(res.body.payouts.every((x: { status: string }) => x.status !== 'pending')).toBe(true);
          } else if (step.t === 'failed' && batches.length > 0) {
            const id = batches[step.pick % batches.length]!;
            const payouts = (await p.admin('GET', `/admin/payout-batches/${id}`)).body.payouts as { id: string; status: string }[];
            if (payouts.length === 0) continue;
            const target = payouts[step.pick % payouts.length]!;
            const res = await p.admin('POST', `/admin/payouts/${target.id}/mark-failed`, { reason: 'provider rejected' });
            expect(res.status, res.text).toBe(target.status === 'pending' ? 204 : 409);
          }
        }
        await checkInvariants();
      }),
      { numRuns: 15, endOnFailure: true },
    );
  });
});
