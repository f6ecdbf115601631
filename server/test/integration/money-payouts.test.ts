import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { csvCell } from '../../src/rewards/csv.js';

/**
 * Payout batches end to end: one payment per phone number summing its rewards across businesses,
 * the Swish CSV, idempotent mark-paid, mark-failed putting the money back on the balance, and the
 * double-entry ledger staying balanced after every step.
 */

const PHONE = '070-123 45 67';
const PHONE_DIGITS = '46701234567';
const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

describe.skipIf(backendUnavailable)('money: payout batches over HTTP', () => {
  let p: TestPlatform;
  let shops: { c: ConnectionSetup; qrToken: string }[];
  let phoneHash: string;

  beforeAll(async () => {
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
    shops = [];
    for (let i = 0; i < 2; i++) {
      const c = await setupConnection(p, 'square');
      shops.push({ c, qrToken: (await locationQr(p, c)).qrToken });
    }
  });
  afterAll(async () => p?.stop());

  async function earn(shop: { c: ConnectionSetup; qrToken: string }, amountMinor: number, phone = PHONE) {
    const sale = await ingestSale(p, shop.c, amountMinor, 4);
    const s = await startSession(p, { qrToken: shop.qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    expect(fb.body.reward.amountMinor).toBeGreaterThan(0);
    const payout = await s.call('POST', '/payout', { phone });
    expect(payout.body.reward.status, payout.text).toBe('approved');
    const row = await p.ctx.db.kysely.selectFrom('feedback_sessions').select('phone_hash').where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    return { amountMinor: fb.body.reward.amountMinor as number, phoneHash: row.phone_hash! };
  }

  const entries = () => p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor', 'kind', 'payout_id']).orderBy('id').execute();

  async function owed(hash: string): Promise<number> {
    const rows = (await entries()).filter((e) => e.account === `customer:${hash}:payable`);
    return 0 - rows.reduce((s, e) => s + e.amount_minor, 0);
  }

  /** Whole ledger and every transaction sum to zero; no customer is owed less than nothing. */
  async function expectBalanced(): Promise<void> {
    const rows = await entries();
    expect(rows.reduce((s, e) => s + e.amount_minor, 0)).toBe(0);
    const byTxn = new Map<string, number>();
    const byCustomer = new Map<string, number>();
    for (const e of rows) {
      byTxn.set(e.txn_id, (byTxn.get(e.txn_id) ?? 0) + e.amount_minor);
      if (e.account.startsWith('customer:')) byCustomer.set(e.account, (byCustomer.get(e.account) ?? 0) + e.amount_minor);
    }
    expect([...byTxn].filter(([, s]) => s !== 0)).toEqual([]);
    expect([...byCustomer].filter(([, raw]) => raw > 0)).toEqual([]);
  }

  let batch1: any;
  let total1 = 0;

  it('every money endpoint needs the admin token', async () => {
    const id = randomUUID();
    const calls: [string, string, unknown?][] = [
      ['POST', '/admin/payout-batches'],
      ['GET', '/admin/payout-batches'],
      ['GET', `/admin/payout-batches/${id}`],
      ['GET', `/admin/payout-batches/${id}/export.csv`],
      ['POST', `/admin/payout-batches/${id}/mark-paid`, {}],
      ['POST', `/admin/payouts/${id}/mark-failed`, { reason: 'bank said no' }],
      ['GET', '/admin/rewards?status=held'],
      ['POST', `/admin/rewards/${id}/approve`, { reason: 'looks fine' }],
      ['GET', `/admin/businesses/${id}/statements/2025-01`],
    ];
    for (const [method, path, body] of calls) {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: 'Basic dGVzdDp0ZXN0' }] as Record<string, string>[]) {
        const res = await p.api(method, path, body, headers);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
      }
    }
    expect(await p.ctx.db.kysely.selectFrom('payout_batches').selectAll().execute()).toEqual([]);
  });

  it('with nothing owed a batch is a 409 conflict', async () => {
    const res = await p.admin('POST', '/admin/payout-batches');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('two rewards for one phone at two businesses → one payout of the sum', async () => {
    const a = await earn(shops[0]!, 24_500);
    const b = await earn(shops[1]!, 18_700);
    expect(a.phoneHash).toBe(b.phoneHash);
    phoneHash = a.phoneHash;
    total1 = a.amountMinor + b.amountMinor;
    expect(await owed(phoneHash)).toBe(total1);
    await expectBalanced();

    const res = await p.admin('POST', '/admin/payout-batches');
    expect(res.status, res.text).toBe(201);
    batch1 = res.body;
    expect(batch1).toMatchObject({ status: 'open', totalMinor: total1, payoutCount: 1, paidAt: null });
    expect(batch1.payouts).toEqual([{ id: expect.any(String), amountMinor: total1, status: 'pending', paidAt: null, reference: null, failureReason: null }]);
    const rows = await p.ctx.db.kysely.selectFrom('payouts').selectAll().where('batch_id', '=', batch1.id).execute();
    expect(rows.map((r) => [r.phone_hash, r.amount_minor])).toEqual([[phoneHash, total1]]);
    // The money moved to clearing at once: the customer is owed nothing until the payout fails.
    expect(await owed(phoneHash)).toBe(0);
    const payoutTxn = (await entries()).filter((e) => e.txn_id === `payout:${batch1.payouts[0].id}`);
    expect(payoutTxn.map((e) => [e.account, e.amount_minor]).sort()).toEqual([[`customer:${phoneHash}:payable`, total1], ['platform:payouts_clearing', -total1]].sort());
    await expectBalanced();

    const list = await p.admin('GET', '/admin/payout-batches');
    expect(list.body.items).toEqual([expect.objectContaining({ id: batch1.id, totalMinor: total1, payoutCount: 1, status: 'open' })]);
  });

  it('a second batch right after has nothing to pay (409) and changes nothing', async () => {
    const before = await entries();
    const res = await p.admin('POST', '/admin/payout-batches');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(await entries()).toEqual(before);
    expect(await p.ctx.db.kysely.selectFrom('payout_batches').selectAll().execute()).toHaveLength(1);
  });

  it('export.csv has one Swish row per phone: 46701234567 and the summed amount', async () => {
    const res = await p.admin('GET', `/admin/payout-batches/${batch1.id}/export.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain(batch1.id);
    const lines = res.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    // The phone hash is random base64url: one in 64 starts with '-', which the formula guard prefixes with "'".
    expect(lines).toEqual(['Mottagare;Belopp;Valuta;Referens', `${PHONE_DIGITS};${kr(total1)};SEK;${csvCell(phoneHash)}`]);
    expect(res.text).not.toContain('+46');
  });

  it('mark-paid cannot be given an amount: the server computes it', async () => {
    const res = await p.admin('POST', `/admin/payout-batches/${batch1.id}/mark-paid`, { amountMinor: 1 });
    expect(res.status).toBe(400);
    const unknown = await p.admin('POST', `/admin/payout-batches/${randomUUID()}/mark-paid`, {});
    expect(unknown.status).toBe(404);
    expect((await entries()).filter((e) => e.kind === 'payout_settled')).toEqual([]);
  });

  it('mark-paid twice gives the same result and settles exactly once', async () => {
    const first = await p.admin('POST', `/admin/payout-batches/${batch1.id}/mark-paid`, { reference: 'SWISH-2025-001' });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ id: batch1.id, status: 'paid', totalMinor: total1, paidAt: expect.any(String) });
    expect(first.body.payouts).toEqual([{ id: batch1.payouts[0].id, amountMinor: total1, status: 'paid', paidAt: first.body.paidAt, reference: 'SWISH-2025-001', failureReason: null }]);
    const second = await p.admin('POST', `/admin/payout-batches/${batch1.id}/mark-paid`, { reference: 'SWISH-2025-001' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const third = await p.admin('POST', `/admin/payout-batches/${batch1.id}/mark-paid`, {});
    expect(third.body).toEqual(first.body);

    const settled = (await entries()).filter((e) => e.kind === 'payout_settled');
    expect(new Set(settled.map((e) => e.txn_id))).toEqual(new Set([`settled:${batch1.payouts[0].id}`]));
    expect(settled.map((e) => [e.account, e.amount_minor]).sort()).toEqual([['platform:bank', -total1], ['platform:payouts_clearing', total1]].sort());
    expect(await owed(phoneHash)).toBe(0);
    // A paid payout cannot be failed afterwards.
    const fail = await p.admin('POST', `/admin/payouts/${batch1.payouts[0].id}/mark-failed`, { reason: 'too late' });
    expect(fail.status).toBe(409);
    await expectBalanced();
  });

  it('mark-failed on a pending payout: the balance is owed again and joins the next batch', async () => {
    const c = await earn(shops[0]!, 21_300);
    const b2 = await p.admin('POST', '/admin/payout-batches');
    expect(b2.status, b2.text).toBe(201);
    expect(b2.body).toMatchObject({ totalMinor: c.amountMinor, payoutCount: 1 });
    const payoutId = b2.body.payouts[0].id as string;
    expect(await owed(phoneHash)).toBe(0);

    const failed = await p.admin('POST', `/admin/payouts/${payoutId}/mark-failed`, { reason: 'Swish: mottagaren saknas' });
    expect(failed.status, failed.text).toBe(204);
    expect(await owed(phoneHash)).toBe(c.amountMinor);
    const failTxn = (await entries()).filter((e) => e.txn_id === `failed:${payoutId}`);
    expect(failTxn.map((e) => [e.account, e.amount_minor]).sort()).toEqual([[`customer:${phoneHash}:payable`, -c.amountMinor], ['platform:payouts_clearing', c.amountMinor]].sort());
    const again = await p.admin('POST', `/admin/payouts/${payoutId}/mark-failed`, { reason: 'Swish: mottagaren saknas' });
    expect(again.status).toBe(409);
    await expectBalanced();

    // The failed payout is left out of its batch's file and of the batch being marked paid.
    const csv = await p.admin('GET', `/admin/payout-batches/${b2.body.id}/export.csv`);
    expect(csv.text).not.toContain(PHONE_DIGITS);
    const paid2 = await p.admin('POST', `/admin/payout-batches/${b2.body.id}/mark-paid`, {});
    expect(paid2.body.payouts).toEqual([expect.objectContaining({ id: payoutId, status: 'failed', paidAt: null })]);
    expect((await entries()).filter((e) => e.txn_id === `settled:${payoutId}`)).toEqual([]);
    expect(await owed(phoneHash)).toBe(c.amountMinor);

    const b3 = await p.admin('POST', '/admin/payout-batches');
    expect(b3.status, b3.text).toBe(201);
    expect(b3.body).toMatchObject({ totalMinor: c.amountMinor, payoutCount: 1 });
    expect(b3.body.payouts).toEqual([expect.objectContaining({ amountMinor: c.amountMinor, status: 'pending' })]);
    const csv3 = await p.admin('GET', `/admin/payout-batches/${b3.body.id}/export.csv`);
    expect(csv3.text).toContain(`${PHONE_DIGITS};${kr(c.amountMinor)};SEK`);
    expect(await owed(phoneHash)).toBe(0);
    const paid3 = await p.admin('POST', `/admin/payout-batches/${b3.body.id}/mark-paid`, {});
    expect(paid3.body.status).toBe('paid');
    await expectBalanced();

    // Overall: everything earned left through the bank exactly once.
    const all = await entries();
    const bank = all.filter((e) => e.account === 'platform:bank').reduce((s, e) => s + e.amount_minor, 0);
    expect(-bank).toBe(total1 + c.amountMinor);
    expect(all.filter((e) => e.account === 'platform:payouts_clearing').reduce((s, e) => s + e.amount_minor, 0)).toBe(0);
    expect(await owed(phoneHash)).toBe(0);
    expect((await p.admin('POST', '/admin/payout-batches')).status).toBe(409);
  });

  it('balances under the 10 kr minimum roll over instead of being paid', async () => {
    const shop = shops[1]!;
    const sale = await ingestSale(p, shop.c, 8_000, 4);
    const s = await startSession(p, { qrToken: shop.qrToken });
    await s.call('POST', '/verify', { amount: '80', purchasedAt: sale.occurredAt, cardLast4: sale.last4 });
    // 80 kr at most 12 % is at most 9,60 kr: under the 10 kr minimum payout.
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    const small = fb.body.reward.amountMinor as number;
    expect(small).toBeLessThan(1_000);
    await s.call('POST', '/payout', { phone: '073-765 43 21' });
    const res = await p.admin('POST', '/admin/payout-batches');
    expect(res.status).toBe(409);
    const hash = (await p.ctx.db.kysely.selectFrom('feedback_sessions').select('phone_hash').where('id', '=', s.sessionId).executeTakeFirstOrThrow()).phone_hash!;
    expect(await owed(hash)).toBe(small);
    await expectBalanced();
  });
});
