import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMMISSION_TIERS, bandProblems, commissionBands, tieredCommission, type CommissionBand } from '../../src/rewards/commission.js';
import { monthlyStatement, statementCsv, statementPdf } from '../../src/rewards/statement.js';
import { DEFAULT_PLATFORM_BILLING, ZBusinessBilling } from '../../src/rewards/billing.js';

const DEFAULT_BANDS = commissionBands(2_000, DEFAULT_COMMISSION_TIERS);

describe('tieredCommission (20 % / 18 % / 15 % marginal bands)', () => {
  it('uses the platform defaults: 20 % to 25 000 kr, 18 % to 100 000 kr, 15 % above', () => {
    expect(DEFAULT_PLATFORM_BILLING.defaults.commissionBps).toBe(2_000);
    expect(DEFAULT_PLATFORM_BILLING.defaults.commissionTiers).toEqual([{ fromMinor: 2_500_000, bps: 1_800 }, { fromMinor: 10_000_000, bps: 1_500 }]);
  });

  it.each([
    // net (öre), commission per band, total
    [0, [0, 0, 0], 0],
    [1_000_000, [200_000, 0, 0], 200_000],
    [2_500_000, [500_000, 0, 0], 500_000],
    [2_500_100, [500_000, 18, 0], 500_018],
    [10_000_000, [500_000, 1_350_000, 0], 1_850_000],
    [12_345_678, [500_000, 1_350_000, 351_852], 2_201_852], // 23 456,78 × 15 % = 3 518,517 → 3 518,52
    [3, [1, 0, 0], 1], // 0,6 öre rounds half up
  ])('net %i öre → bands %j, total %i', (net, bands, total) => {
    const c = tieredCommission(net, DEFAULT_BANDS);
    expect(c.bands.map((b) => b.commissionMinor)).toEqual(bands);
    expect(c.commissionMinor).toBe(total);
  });

  it('mirrors a credit month', () => {
    const c = tieredCommission(-3_000_000, DEFAULT_BANDS);
    expect(c.commissionMinor).toBe(-590_000);
    expect(c.bands.map((b) => b.baseMinor)).toEqual([-2_500_000, -500_000, 0]);
  });

  it('refuses bands that raise the rate, overlap or do not start at 0', () => {
    expect(bandProblems([{ fromMinor: 0, bps: 1_500 }, { fromMinor: 100, bps: 2_000 }]).join()).toMatch(/higher rate/);
    expect(bandProblems([{ fromMinor: 0, bps: 2_000 }, { fromMinor: 0, bps: 1_000 }]).join()).toMatch(/must be above/);
    expect(bandProblems([{ fromMinor: 5, bps: 2_000 }]).join()).toMatch(/start at 0/);
    expect(() => tieredCommission(100, [{ fromMinor: 0, bps: 1_000 }, { fromMinor: 10, bps: 1_200 }])).toThrow(RangeError);
    const bad = ZBusinessBilling.safeParse({ ...structuredClone(DEFAULT_PLATFORM_BILLING.defaults), commissionTiers: [{ fromMinor: 100, bps: 2_500 }] });
    expect(bad.success).toBe(false);
  });
});

/** Random valid band lists: rates non-increasing from ≤ 20 %, thresholds ascending. */
const arbBands: fc.Arbitrary<CommissionBand[]> = fc
  .tuple(fc.integer({ min: 0, max: 2_000 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 50_000_000 }), fc.integer({ min: 0, max: 2_000 })), { maxLength: 4 }))
  .map(([base, rest]) => {
    const froms = [...new Set(rest.map(([f]) => f))].sort((a, b) => a - b);
    const rates = rest.map(([, r]) => r).sort((a, b) => b - a).map((r) => Math.min(r, base));
    return [{ fromMinor: 0, bps: base }, ...froms.map((fromMinor, i) => ({ fromMinor, bps: rates[i] ?? 0 }))];
  });
const arbNet = fc.integer({ min: 0, max: 1_000_000_000 });

describe('tieredCommission properties', () => {
  it('the bands add up to the total exactly, and each band base adds up to the net', () => {
    fc.assert(
      fc.property(arbBands, fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (bands, net) => {
        const c = tieredCommission(net, bands);
        expect(c.bands.reduce((s, b) => s + b.commissionMinor, 0)).toBe(c.commissionMinor);
        expect(c.bands.reduce((s, b) => s + b.baseMinor, 0)).toBe(net);
      }),
    );
  });

  it('is monotone: more volume never means less commission', () => {
    fc.assert(
      fc.property(arbBands, arbNet, fc.integer({ min: 1, max: 10_000_000 }), (bands, net, more) => {
        expect(tieredCommission(net + more, bands).commissionMinor).toBeGreaterThanOrEqual(tieredCommission(net, bands).commissionMinor);
      }),
    );
  });

  it('never charges above 20 % (the first band) and stays within half an öre of the exact marginal sum', () => {
    fc.assert(
      fc.property(arbBands, arbNet, (bands, net) => {
        const c = tieredCommission(net, bands);
        expect(c.commissionMinor * 10_000).toBeLessThanOrEqual(net * 2_000 + 5_000);
        expect(c.commissionMinor).toBeLessThanOrEqual(Math.round((net * bands[0]!.bps) / 10_000 + 0.5));
        const exact = bands.reduce((s, b, i) => {
          const to = bands[i + 1]?.fromMinor ?? Infinity;
          return s + Math.max(0, Math.min(net, to) - b.fromMinor) * b.bps;
        }, 0);
        expect(Math.abs(c.commissionMinor * 10_000 - exact)).toBeLessThanOrEqual(5_000);
      }),
    );
  });

  it('the default tiers charge 20 % exactly up to the first threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_500_000 }), (net) => {
        expect(tieredCommission(net, DEFAULT_BANDS).commissionMinor).toBe(Math.floor((net * 2_000 + 5_000) / 10_000));
      }),
    );
  });
});

describe('monthly statement with tiers and trial items', () => {
  const statement = monthlyStatement({
    businessName: 'Kafé Steg',
    orgNumber: '556677-8899',
    month: '2026-03',
    rewards: [
      { date: '2026-03-02', amountMinor: 5_000, sessionId: 'trial-1', commissionFree: true },
      { date: '2026-03-20', amountMinor: 12_345_678, sessionId: 'paid-1' },
    ],
    reversals: [{ date: '2026-03-21', amountMinor: 1_000, sessionId: 'trial-1', commissionFree: true }],
    commissionBps: 2_000,
    commissionTiers: DEFAULT_COMMISSION_TIERS,
    vatBps: 2_500,
  });

  it('charges commission only on the non-trial net, band by band, with 25 % VAT on it', () => {
    expect(statement).toMatchObject({ netRewardsMinor: 12_349_678, commissionFreeMinor: 4_000, commissionBaseMinor: 12_345_678, commissionMinor: 2_201_852, vatMinor: 550_463, totalDueMinor: 12_349_678 + 2_201_852 + 550_463, effectiveCommissionBps: 1_783 });
    expect(statement.commissionBands.map((b) => [b.bps, b.baseMinor, b.commissionMinor])).toEqual([[2_000, 2_500_000, 500_000], [1_800, 7_500_000, 1_350_000], [1_500, 2_345_678, 351_852]]);
  });

  it('shows every band on the CSV and the PDF', () => {
    const csv = statementCsv(statement);
    for (const row of [';Varav provisionsfritt (provperiod);;40,00', ';Provisionsunderlag;;123456,78', ';Provision totalt;;22018,52', ';Moms 25 %;;5504,63']) expect(csv).toContain(`${row}\r\n`);
    expect(csv).toMatch(/;Provision 20 % på 0 kr – 25.000 kr \(underlag 25.000,00 kr\);;5000,00\r\n/);
    expect(csv).toMatch(/;Provision 18 % på 25.000 kr – 100.000 kr \(underlag 75.000,00 kr\);;13500,00\r\n/);
    expect(csv).toMatch(/;Provision 15 % över 100.000 kr \(underlag 23.456,78 kr\);;3518,52\r\n/);
    const pdf = statementPdf(statement).toString('latin1');
    for (const text of ['(Provisionsunderlag)', '(Provision totalt)', '(Varav provisionsfritt \\(provperiod\\))']) expect(pdf).toContain(text);
    expect(pdf).toMatch(/\(Provision 18 % p\\345 25.000 kr/);
  });
});
