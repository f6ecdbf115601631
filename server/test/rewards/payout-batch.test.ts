import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPayoutBatch, payoutCsv, type PayableBalance } from '../../src/rewards/payout-batch.js';

const row = (customerKey: string, phoneE164: string, balanceMinor: number): PayableBalance => ({ customerKey, phoneE164, balanceMinor });

const ANNA = '+46701234567';
const BO = '+46709876543';
const CARL = '+46731112233';

describe('buildPayoutBatch', () => {
  it('pays one sum per phone number, in phone order, and rolls small balances over', () => {
    const batch = buildPayoutBatch(
      [row('k3', BO, 1_500), row('k1', ANNA, 600), row('k2', ANNA, 500), row('k4', CARL, 999), row('k5', CARL, 0)],
      1_000,
    );
    expect(batch.payments).toEqual([
      { phoneE164: ANNA, amountMinor: 1_100, customerKeys: ['k1', 'k2'] }, // 6 + 5 kr together reach the 10 kr minimum
      { phoneE164: BO, amountMinor: 1_500, customerKeys: ['k3'] },
    ]);
    expect(batch.skipped).toEqual([{ phoneE164: CARL, amountMinor: 999, customerKeys: ['k4', 'k5'] }]);
    expect(batch.invalid).toEqual([]);
    expect(batch.totalMinor).toBe(2_600);
  });

  it('pays exactly the minimum', () => {
    expect(buildPayoutBatch([row('k1', ANNA, 1_000)], 1_000).payments).toHaveLength(1);
    expect(buildPayoutBatch([row('k1', ANNA, 999)], 1_000).payments).toHaveLength(0);
  });

  it('leaves out zero totals entirely', () => {
    const batch = buildPayoutBatch([row('k1', ANNA, 0)], 1_000);
    expect(batch).toEqual({ payments: [], skipped: [], invalid: [], totalMinor: 0 });
  });

  it.each([
    ['0701234567', 5_000, 'phone number is not E.164'],
    ['+46 70 123 45 67', 5_000, 'phone number is not E.164'],
    ['+0701234567', 5_000, 'phone number is not E.164'],
    [ANNA, -100, 'balance must be a non-negative integer'],
    [ANNA, 10.5, 'balance must be a non-negative integer'],
  ])('sets aside %j with balance %d', (phone, balance, reason) => {
    const batch = buildPayoutBatch([row('bad', phone, balance), row('good', BO, 2_000)], 1_000);
    expect(batch.invalid).toEqual([{ customerKey: 'bad', phoneE164: phone, reason }]);
    expect(batch.payments).toEqual([{ phoneE164: BO, amountMinor: 2_000, customerKeys: ['good'] }]);
  });

  it('refuses a customer key listed twice (it would be paid twice)', () => {
    expect(() => buildPayoutBatch([row('k1', ANNA, 5_000), row('k1', BO, 5_000)], 1_000)).toThrow(/k1 appears twice/);
  });

  it('refuses a minimum below one öre', () => {
    expect(() => buildPayoutBatch([], 0)).toThrow(RangeError);
  });

  const phones = fc.constantFrom(ANNA, BO, CARL, '+46700000001', '+4520123456');
  const inputs = fc.uniqueArray(fc.record({ customerKey: fc.string({ minLength: 1, maxLength: 6 }), phoneE164: phones, balanceMinor: fc.integer({ min: 0, max: 5_000 }) }), {
    selector: (r) => r.customerKey,
    maxLength: 30,
  });

  it('pays every öre at most once, conserves the money, and ignores input order', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 4_000 }), fc.nat(), (rows, min, seed) => {
        const batch = buildPayoutBatch(rows, min);
        const shuffled = [...rows].sort((a, b) => ((a.customerKey.charCodeAt(0) * 31 + seed) % 7) - ((b.customerKey.charCodeAt(0) * 31 + seed) % 7));
        expect(buildPayoutBatch(shuffled, min)).toEqual(batch);
        const paidKeys = batch.payments.flatMap((p) => p.customerKeys);
        expect(new Set(paidKeys).size).toBe(paidKeys.length);
        expect(new Set(batch.payments.map((p) => p.phoneE164)).size).toBe(batch.payments.length);
        for (const p of batch.payments) expect(p.amountMinor).toBeGreaterThanOrEqual(min);
        for (const p of batch.skipped) expect(p.amountMinor).toBeLessThan(min);
        const total = rows.reduce((s, r) => s + r.balanceMinor, 0);
        const skipped = batch.skipped.reduce((s, p) => s + p.amountMinor, 0);
        expect(batch.totalMinor + skipped).toBe(total);
      }),
    );
  });
});

describe('payoutCsv', () => {
  const batch = buildPayoutBatch([row('k2', BO, 12_345), row('k1', ANNA, 600), row('k0', ANNA, 500), row('=cmd', CARL, 100_000)], 1_000);
  const csv = payoutCsv(batch);

  it('is UTF-8 with BOM, semicolon-separated, CRLF, with a header and one row per payment', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual([
      'Mottagare;Belopp;Valuta;Referens',
      '46701234567;11,00;SEK;k0,k1',
      '46709876543;123,45;SEK;k2',
      "46731112233;1000,00;SEK;'=cmd",
    ]);
    expect(lines.every((l) => l.split(';').length === 4)).toBe(true);
  });

  it('sums to the batch total', () => {
    const rows = csv.slice(1).trim().split('\r\n').slice(1);
    const sum = rows.reduce((s, l) => s + Math.round(Number((l.split(';')[1] ?? '').replace(',', '.')) * 100), 0);
    expect(sum).toBe(batch.totalMinor);
  });

  it('quotes a cell containing the separator', () => {
    const withSemicolon = payoutCsv(buildPayoutBatch([row('a;b', ANNA, 5_000)], 1_000));
    expect(withSemicolon).toContain('46701234567;50,00;SEK;"a;b"\r\n');
  });

  it('is just the header for an empty batch', () => {
    expect(payoutCsv(buildPayoutBatch([], 1_000))).toBe('\uFEFFMottagare;Belopp;Valuta;Referens\r\n');
  });
});
