import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendUnavailable, startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { setupConnection, type ConnectionSetup } from '../helpers/fixtures.js';
import { ingestSale, locationQr, RICH_FEEDBACK_SV, startSession } from '../helpers/customer.js';
import { squareRefund } from '../helpers/pos-payloads.js';
import { awayFromStockholmBoundary, BOUNDARY_MARGIN_MS, stockholmMonth } from '../helpers/stockholm-clock.js';

/**
 * Refund claw-back (issue 4): when the POS later reports a refund of a rewarded purchase the reward
 * is reversed in the ledger — in full, or the refunded share — and what was already paid out is
 * written off against the business instead of leaving the customer in debt. The monthly statement
 * is checked against figures computed here from the ledger rows.
 */

const kr = (minor: number) => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;
const sekSv = (minor: number) => `${minor < 0 ? '-' : ''}${kr(Math.abs(minor)).replace(/\B(?=(\d{3})+(?!\d))/, ' ')} kr`;
/** round(a·b/c) half away from zero, exactly. */
const halfUp = (a: number, b: number, c: number) => {
  const n = BigInt(a) * BigInt(b);
  const abs = n < 0n ? -n : n;
  const r = (abs * 2n + BigInt(c)) / (BigInt(c) * 2n);
  return Number(n < 0n ? -r : r);
};
const floorShare = (reward: number, refunded: number, amount: number) => Number((BigInt(reward) * BigInt(refunded)) / BigInt(amount));

describe.skipIf(backendUnavailable)('money: refund claw-back and statements', () => {
  let p: TestPlatform;
  let c: ConnectionSetup;
  let qrToken: string;
  // What this business was charged and credited, tracked by hand alongside the server.
  const expectedRewards: number[] = [];
  const expectedCollected: number[] = [];

  beforeAll(async () => {
    // The statement test checks every reward this file books against one Stockholm month.
    await awayFromStockholmBoundary();
    p = await startTestPlatform({ ENABLE_FRAUD_DETECTION: 'false' });
    c = await setupConnection(p, 'square');
    // On the paid plan from the start: trial feedback would carry no commission (see the statement test below).
    expect((await p.admin('POST', `/admin/businesses/${c.businessId}/trial/activate`)).status).toBe(200);
    ({ qrToken } = await locationQr(p, c));
  }, BOUNDARY_MARGIN_MS + 60_000);
  afterAll(async () => p?.stop());

  async function earn(amountMinor: number, phone: string | null) {
    const sale = await ingestSale(p, c, amountMinor, 4);
    const s = await startSession(p, { qrToken });
    expect((await s.call('POST', '/verify', { amount: kr(amountMinor), purchasedAt: sale.occurredAt, cardLast4: sale.last4 })).status).toBe(200);
    const fb = await s.call('POST', '/feedback', { text: RICH_FEEDBACK_SV, finish: true });
    const amount = fb.body.reward.amountMinor as number;
    expect(amount).toBeGreaterThan(0);
    if (phone) expect((await s.call('POST', '/payout', { phone })).body.reward.status).toBe('approved');
    const reward = await p.ctx.db.kysely.selectFrom('rewards').selectAll().where('session_id', '=', s.sessionId).executeTakeFirstOrThrow();
    const hash = (await p.ctx.db.kysely.selectFrom('feedback_sessions').select('phone_hash').where('id', '=', s.sessionId).executeTakeFirstOrThrow()).phone_hash;
    return { s, sale, amount, reward, hash: hash! };
  }

  async function refund(paymentId: string, amount: number, eventId?: string) {
    const wh = squareRefund(c, { paymentId, amount, status: 'COMPLETED', ...(eventId ? { eventId } : {}) });
    const res = await p.api('POST', wh.path, wh.body, wh.headers);
    expect(res.status, res.text).toBe(200);
    expect(await p.ctx.queue.drain()).toBe(true);
  }

  const rewardRow = (id: string) => p.ctx.db.kysely.selectFrom('rewards').select(['status', 'amount_minor']).where('id', '=', id).executeTakeFirstOrThrow();
  const entriesOf = (rewardId: string) => p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor', 'kind']).where('reward_id', '=', rewardId).orderBy('id').execute();
  async function owed(hash: string) {
    const rows = await p.ctx.db.kysely.selectFrom('ledger_entries').select('amount_minor').where('account', '=', `customer:${hash}:payable`).execute();
    return 0 - rows.reduce((s, e) => s + e.amount_minor, 0);
  }
  async function expectBalanced() {
    const rows = await p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor']).execute();
    const byTxn = new Map<string, number>();
    const byCustomer = new Map<string, number>();
    for (const e of rows) {
      byTxn.set(e.txn_id, (byTxn.get(e.txn_id) ?? 0) + e.amount_minor);
      if (e.account.startsWith('customer:')) byCustomer.set(e.account, (byCustomer.get(e.account) ?? 0) + e.amount_minor);
    }
    expect(rows.reduce((s, e) => s + e.amount_minor, 0)).toBe(0);
    expect([...byTxn].filter(([, s]) => s !== 0)).toEqual([]);
    expect([...byCustomer].filter(([, raw]) => raw > 0)).toEqual([]);
  }
  const simplify = (rows: { account: string; amount_minor: number; kind: string }[]) => rows.map((e) => [e.kind, e.account.split(':').filter((_, i) => i !== 1).join(':'), e.amount_minor]);

  it('a full refund of a booked reward reverses it: status reversed, balance back to 0', async () => {
    const r = await earn(24_500, '070-111 22 33');
    expectedRewards.push(r.amount);
    expect(await owed(r.hash)).toBe(r.amount);
    const eventId = crypto.randomUUID();
    await refund(r.sale.paymentId, 24_500, eventId);

    expect(await rewardRow(r.reward.id)).toEqual({ status: 'reversed', amount_minor: r.amount });
    const tx = await p.ctx.db.kysely.selectFrom('transactions').select(['status', 'refunded_amount_minor']).where('id', '=', r.reward.transaction_id!).executeTakeFirstOrThrow();
    expect(tx).toEqual({ status: 'refunded', refunded_amount_minor: 24_500 });
    const entries = await entriesOf(r.reward.id);
    expect(simplify(entries)).toEqual([
      ['reward', 'business:rewards_expense', r.amount],
      ['reward', 'customer:payable', -r.amount],
      ['reversal', 'business:rewards_expense', -r.amount],
      ['reversal', 'customer:payable', r.amount],
    ]);
    expect(await owed(r.hash)).toBe(0);
    expectedCollected.push(r.amount);

    // The same webhook again, and a later update of the refund, reverse nothing more.
    await refund(r.sale.paymentId, 24_500, eventId);
    await refund(r.sale.paymentId, 24_500);
    expect(await entriesOf(r.reward.id)).toHaveLength(4);
    await expectBalanced();
  });

  it('a partial refund reverses the same share of the reward, exactly (no float rounding)', async () => {
    const r = await earn(30_000, '070-222 33 44');
    expectedRewards.push(r.amount);
    // 16 250 / 30 000 of the reward: for 33,60 kr exactly 18,20 kr (floating point gives 18,19).
    await refund(r.sale.paymentId, 16_250);
    const first = floorShare(r.amount, 16_250, 30_000);
    expect(await rewardRow(r.reward.id)).toEqual({ status: 'approved', amount_minor: r.amount });
    let reversals = (await entriesOf(r.reward.id)).filter((e) => e.kind === 'reversal');
    expect(simplify(reversals)).toEqual([
      ['reversal', 'business:rewards_expense', -first],
      ['reversal', 'customer:payable', first],
    ]);
    expect(await owed(r.hash)).toBe(r.amount - first);

    // A second partial refund brings the total to 20 000: the reversal tops up to that share.
    await refund(r.sale.paymentId, 3_750);
    const second = floorShare(r.amount, 20_000, 30_000);
    reversals = (await entriesOf(r.reward.id)).filter((e) => e.kind === 'reversal' && e.account.endsWith(':rewards_expense'));
    expect(reversals.map((e) => e.amount_minor)).toEqual([-first, -(second - first)]);
    expect(await owed(r.hash)).toBe(r.amount - second);
    expect((await rewardRow(r.reward.id)).status).toBe('approved');
    expectedCollected.push(second);
    await expectBalanced();
  });

  it('a refund before the phone number is known cancels the reward; registering later books nothing', async () => {
    const r = await earn(26_600, null);
    expectedRewards.push(0); // never booked: not on the statement
    await refund(r.sale.paymentId, 26_600);
    expect((await rewardRow(r.reward.id)).status).toBe('reversed');
    const reg = await r.s.call('POST', '/payout', { phone: '070-333 44 55' });
    expect(reg.status).toBe(200);
    expect(reg.body.reward.status).toBe('reversed');
    expect(await entriesOf(r.reward.id)).toEqual([]);
  });

  it('a refund after payout writes off what was paid; the customer balance never goes negative', async () => {
    const phone = '070-444 55 66';
    const paidOut = await earn(24_500, phone);
    expectedRewards.push(paidOut.amount);
    const batch = await p.admin('POST', '/admin/payout-batches');
    expect(batch.status, batch.text).toBe(201);
    expect((await p.admin('POST', `/admin/payout-batches/${batch.body.id}/mark-paid`, {})).status).toBe(200);
    expect(await owed(paidOut.hash)).toBe(0);

    // The customer has since earned a smaller reward: that much can be clawed back, the rest cannot.
    const later = await earn(8_000, phone);
    expectedRewards.push(later.amount);
    expect(later.amount).toBeLessThan(paidOut.amount);
    expect(await owed(paidOut.hash)).toBe(later.amount);

    await refund(paidOut.sale.paymentId, 24_500);
    expect((await rewardRow(paidOut.reward.id)).status).toBe('reversed');
    const reversal = (await entriesOf(paidOut.reward.id)).filter((e) => e.kind === 'reversal');
    expect(simplify(reversal)).toEqual([
      ['reversal', 'business:rewards_expense', -paidOut.amount],
      ['reversal', 'customer:payable', later.amount],
      ['reversal', 'business:reversal_writeoff', paidOut.amount - later.amount],
    ]);
    expect(reversal[2]!.account).toBe(`business:${c.businessId}:reversal_writeoff`);
    expect(await owed(paidOut.hash)).toBe(0);
    expectedCollected.push(later.amount);

    // Refunding the later purchase too: nothing left to claw back, all of it is written off.
    await refund(later.sale.paymentId, 8_000);
    const second = (await entriesOf(later.reward.id)).filter((e) => e.kind === 'reversal');
    expect(simplify(second)).toEqual([
      ['reversal', 'business:rewards_expense', -later.amount],
      ['reversal', 'business:reversal_writeoff', later.amount],
    ]);
    expect(await owed(paidOut.hash)).toBe(0);
    await expectBalanced();
  });

  it('the monthly statement (JSON, CSV, PDF) matches the ledger: rewards, reversals, 20 % commission, 25 % VAT', async () => {
    const rows = await p.ctx.db.kysely.selectFrom('ledger_entries').select(['txn_id', 'account', 'amount_minor', 'kind', 'created_at']).where('business_id', '=', c.businessId).execute();
    // The statement's month is the one the rows were booked in (not the one the file loaded in).
    const months = [...new Set(rows.map((e) => stockholmMonth(e.created_at)))];
    expect(months).toHaveLength(1);
    const month = months[0]!;
    const expense = `business:${c.businessId}:rewards_expense`;
    const writeoff = `business:${c.businessId}:reversal_writeoff`;
    const rewards = rows.filter((e) => e.kind === 'reward' && e.account === expense).reduce((s, e) => s + e.amount_minor, 0);
    const reversalTxns = [...new Set(rows.filter((e) => e.kind === 'reversal').map((e) => e.txn_id))];
    const collected = reversalTxns.map((t) => {
      const sum = (acc: string) => rows.filter((e) => e.txn_id === t && e.account === acc).reduce((s, e) => s + e.amount_minor, 0);
      return -sum(expense) - sum(writeoff);
    });
    const reversals = collected.reduce((s, x) => s + x, 0);
    // The ledger agrees with what the scenario above did.
    expect(rewards).toBe(expectedRewards.reduce((s, x) => s + x, 0));
    expect(reversals).toBe(expectedCollected.reduce((s, x) => s + x, 0));
    const net = rewards - reversals;
    const commission = halfUp(net, 2_000, 10_000);
    const vat = halfUp(commission, 2_500, 10_000);
    const total = net + commission + vat;

    const res = await p.admin('GET', `/admin/businesses/${c.businessId}/statements/${month}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      month,
      commissionBps: 2_000,
      vatBps: 2_500,
      rewardCount: 4,
      reversalCount: collected.filter((x) => x > 0).length,
      rewardsMinor: rewards,
      reversalsMinor: reversals,
      netRewardsMinor: net,
      commissionMinor: commission,
      vatMinor: vat,
      totalDueMinor: total,
    });
    expect(res.body.reversalCount).toBe(4);
    expect(res.body.lines.reduce((s: number, l: { amountMinor: number }) => s + l.amountMinor, 0)).toBe(net);

    const csv = await p.admin('GET', `/admin/businesses/${c.businessId}/statements/${month}/statement.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvRows = csv.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((l) => l.split(';'));
    const summary = Object.fromEntries(csvRows.filter((r) => r[0] === '' && r[2] === '').map((r) => [r[1], r[3]]));
    // Tiered commission: the whole net falls in the first (20 %) band; every band is listed.
    const bandRows = Object.entries(summary).filter(([label]) => /^Provision \d+ %/.test(label));
    expect(summary).toEqual({
      'Belöningar (4 st)': kr(rewards),
      'Återbetalningar (4 st)': `-${kr(reversals)}`,
      Nettobelöningar: kr(net),
      Provisionsunderlag: kr(net),
      ...Object.fromEntries(bandRows),
      'Provision totalt': kr(commission),
      'Moms 25 %': kr(vat),
      'Att betala': kr(total),
    });
    expect(bandRows.map(([label]) => label.slice(0, 14))).toEqual(['Provision 20 %', 'Provision 18 %', 'Provision 15 %']);
    expect(bandRows.map(([, amount]) => amount)).toEqual([kr(commission), '0,00', '0,00']);
    expect(csvRows.filter((r) => r[1] === 'Belöning')).toHaveLength(4);
    expect(csvRows.filter((r) => r[1] === 'Återbetalning').map((r) => r[3])).toEqual(expect.arrayContaining(collected.filter((x) => x > 0).map((x) => `-${kr(x)}`)));

    const pdf = await p.admin('GET', `/admin/businesses/${c.businessId}/statements/${month}/statement.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf.text.trimEnd().endsWith('%%EOF')).toBe(true);
    for (const text of ['Provision totalt', 'Moms 25 %', sekSv(commission), sekSv(vat), sekSv(total), sekSv(-reversals)]) expect(pdf.text).toContain(`(${text})`);

    // A business without activity gets a zero statement; bad input is refused.
    const other = await setupConnection(p, 'square');
    const empty = await p.admin('GET', `/admin/businesses/${other.businessId}/statements/${month}`);
    expect(empty.body).toMatchObject({ rewardsMinor: 0, reversalsMinor: 0, commissionMinor: 0, vatMinor: 0, totalDueMinor: 0, lines: [] });
    expect((await p.admin('GET', `/admin/businesses/${c.businessId}/statements/2025-13`)).status).toBe(400);
    expect((await p.admin('GET', `/admin/businesses/${crypto.randomUUID()}/statements/${month}`)).status).toBe(404);
  });
});
