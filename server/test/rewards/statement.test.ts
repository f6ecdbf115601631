import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { monthlyStatement, statementCsv, statementPdf, type StatementInput, type StatementItem } from '../../src/rewards/statement.js';
import { hasTool, pdfProblems, pdfTextRuns } from './pdf-check.js';

const item = (date: string, amountMinor: number, sessionId: string): StatementItem => ({ date, amountMinor, sessionId });

const BASE: StatementInput = {
  businessName: 'Kaffe & Bröd i Åre AB',
  orgNumber: '556677-8899',
  month: '2026-01',
  rewards: [item('2026-01-15', 70_000, 's2'), item('2026-01-03', 50_000, 's1')],
  reversals: [item('2026-01-20', 20_000, 's1')],
  commissionBps: 2_000,
  vatBps: 2_500,
};

describe('monthlyStatement arithmetic', () => {
  it('net 1 000,00 kr → commission 200,00, VAT 50,00, total 1 250,00', () => {
    const s = monthlyStatement(BASE);
    expect(s).toMatchObject({
      rewardsMinor: 120_000,
      reversalsMinor: 20_000,
      netRewardsMinor: 100_000,
      commissionMinor: 20_000,
      vatMinor: 5_000,
      totalDueMinor: 125_000,
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      rewardCount: 2,
      reversalCount: 1,
    });
  });

  it.each([
    // net, commission, VAT, total (öre) — 20 % commission, 25 % VAT, halves round away from zero
    [0, 0, 0, 0],
    [1, 0, 0, 1], // commission 0,2 öre → 0
    [3, 1, 0, 4], // commission 0,6 → 1; VAT 0,25 → 0
    [10, 2, 1, 13], // VAT 0,5 → 1
    [30, 6, 2, 38], // VAT 1,5 → 2
    [12_345, 2_469, 617, 15_431], // VAT 617,25 → 617
    [-10, -2, -1, -13], // a credit month mirrors a charge
  ])('net %i → commission %i, VAT %i, total %i', (net, commission, vat, total) => {
    const rewards = net > 0 ? [item('2026-01-10', net, 'a')] : [];
    const reversals = net < 0 ? [item('2026-01-10', -net, 'a')] : [];
    expect(monthlyStatement({ ...BASE, rewards, reversals })).toMatchObject({ netRewardsMinor: net, commissionMinor: commission, vatMinor: vat, totalDueMinor: total });
  });

  it('uses the rates it is given', () => {
    const s = monthlyStatement({ ...BASE, commissionBps: 1_500, vatBps: 0 });
    expect(s).toMatchObject({ commissionMinor: 15_000, vatMinor: 0, totalDueMinor: 115_000 });
  });

  it('total = net + commission + VAT, each within half an öre of the exact figure', () => {
    const items = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 20 });
    fc.assert(
      fc.property(items, items, fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (rw, rv, commissionBps, vatBps) => {
        const s = monthlyStatement({ ...BASE, commissionBps, vatBps, rewards: rw.map((a, i) => item('2026-01-01', a, `r${i}`)), reversals: rv.map((a, i) => item('2026-01-31', a, `v${i}`)) });
        expect(s.netRewardsMinor).toBe(rw.reduce((x, y) => x + y, 0) - rv.reduce((x, y) => x + y, 0));
        expect(Math.abs(s.commissionMinor * 10_000 - s.netRewardsMinor * commissionBps) * 2).toBeLessThanOrEqual(10_000);
        expect(Math.abs(s.vatMinor * 10_000 - s.commissionMinor * vatBps) * 2).toBeLessThanOrEqual(10_000);
        expect(s.totalDueMinor).toBe(s.netRewardsMinor + s.commissionMinor + s.vatMinor);
        expect(s.lines).toHaveLength(rw.length + rv.length);
      }),
    );
  });

  it('lists lines by date, rewards before reversals, reversals negative', () => {
    expect(monthlyStatement({ ...BASE, reversals: [item('2026-01-15', 1_000, 's0')] }).lines).toEqual([
      { date: '2026-01-03', kind: 'reward', sessionId: 's1', amountMinor: 50_000 },
      { date: '2026-01-15', kind: 'reward', sessionId: 's2', amountMinor: 70_000 },
      { date: '2026-01-15', kind: 'reversal', sessionId: 's0', amountMinor: -1_000 },
    ]);
  });
});

describe('monthlyStatement validation', () => {
  it.each<[string, Partial<StatementInput>, RegExp]>([
    ['a malformed month', { month: '2026-1' }, /month must be YYYY-MM/],
    ['month 13', { month: '2026-13' }, /month must be YYYY-MM/],
    ['a reward in another month', { rewards: [item('2026-02-01', 100, 'x')] }, /reward dated "2026-02-01" is not a day in 2026-01/],
    ['a day that does not exist', { month: '2026-02', rewards: [item('2026-02-29', 100, 'x')], reversals: [] }, /not a day in 2026-02/],
    ['a timestamp instead of a date', { rewards: [item('2026-01-05T10:00:00Z', 100, 'x')] }, /not a day/],
    ['a zero reward', { rewards: [item('2026-01-05', 0, 'x')] }, /positive integer amount/],
    ['a negative reversal', { reversals: [item('2026-01-05', -5, 'x')] }, /reversal x must have a positive integer amount/],
    ['fractional öre', { rewards: [item('2026-01-05', 10.5, 'x')] }, /positive integer amount/],
    ['a rate above 100 %', { commissionBps: 10_001 }, /commissionBps must be 0–10000/],
  ])('rejects %s', (_name, patch, pattern) => {
    expect(() => monthlyStatement({ ...BASE, ...patch })).toThrow(pattern);
  });

  it('accepts 29 February in a leap year', () => {
    expect(monthlyStatement({ ...BASE, month: '2024-02', rewards: [item('2024-02-29', 100, 'x')], reversals: [] }).periodEnd).toBe('2024-02-29');
  });
});

describe('statementCsv', () => {
  const csv = statementCsv(monthlyStatement({ ...BASE, businessName: '=Kaffe; "Bröd"' }));
  const rows = csv.slice(1).split('\r\n').slice(0, -1);

  it('is UTF-8 with BOM, CRLF, and four semicolon-separated columns throughout', () => {
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    for (const r of rows) expect(r.replace(/"[^"]*(""[^"]*)*"/g, 'Q').split(';')).toHaveLength(4);
  });

  it('has the header, the lines and the summary with amounts as "123,45"', () => {
    expect(rows).toEqual([
      'Månadsbesked;;;',
      `Företag;"'=Kaffe; ""Bröd""";;`,
      'Org.nr;556677-8899;;',
      'Period;2026-01;2026-01-01;2026-01-31',
      'Datum;Typ;Session;Belopp',
      '2026-01-03;Belöning;s1;500,00',
      '2026-01-15;Belöning;s2;700,00',
      '2026-01-20;Återbetalning;s1;-200,00',
      ';Belöningar (2 st);;1200,00',
      ';Återbetalningar (1 st);;-200,00',
      ';Nettobelöningar;;1000,00',
      ';Provision 20 %;;200,00',
      ';Moms 25 %;;50,00',
      ';Att betala;;1250,00',
    ]);
  });
});

describe('statementPdf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvittra-statement-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const statement = monthlyStatement(BASE);
  const pdf = statementPdf(statement);
  const REQUIRED = ['Månadsbesked', 'Kaffe & Bröd i Åre AB', 'Org.nr 556677-8899', 'Period januari 2026 (2026-01-01 – 2026-01-31)', 'Belöningar (2 st)', 'Provision 20 %', 'Moms 25 %', 'Att betala', '1 250,00 kr', '200,00 kr', '50,00 kr', '-200,00 kr'];

  it('starts with %PDF-, has a valid xref and ends with %%EOF', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdfProblems(pdf)).toEqual([]);
  });

  it('shows the Swedish summary and the line items', () => {
    const runs = pdfTextRuns(pdf);
    for (const s of REQUIRED) expect(runs).toContain(s);
    expect(runs).toContain('Återbetalning');
  });

  it('continues long statements on more pages', () => {
    const rewards = Array.from({ length: 150 }, (_, i) => item(`2026-01-${String((i % 31) + 1).padStart(2, '0')}`, 100 + i, `sess-${i}`));
    const long = statementPdf(monthlyStatement({ ...BASE, rewards }));
    expect(pdfProblems(long)).toEqual([]);
    const pages = Number(/\/Count (\d+)/.exec(long.toString('latin1'))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    const runs = pdfTextRuns(long);
    expect(runs.filter((r) => r.startsWith('sess-'))).toHaveLength(150);
    expect(runs.filter((r) => r.endsWith('(forts.)'))).toHaveLength(pages - 1);
  });

  it('says so when the month has no rewards', () => {
    expect(pdfTextRuns(statementPdf(monthlyStatement({ ...BASE, rewards: [], reversals: [] })))).toContain('Inga belöningar denna månad.');
  });

  it.skipIf(!hasTool('pdftotext') && process.env.CI !== 'true')('pdftotext extracts the Swedish text', () => {
    const file = join(dir, 'statement.pdf');
    writeFileSync(file, pdf);
    const out = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    for (const s of REQUIRED) expect(out).toContain(s);
  });
});
