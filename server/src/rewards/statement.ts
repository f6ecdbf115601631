import { csvCell, csvDocument } from './csv.js';
import { BPS_DENOMINATOR, formatBps, formatMinorPlain, formatSekSv, mulDivHalfUp } from './money.js';
import { A4, buildPdf, type PdfPage, type PdfText } from './pdf.js';
import { commissionBands, tieredCommission, type CommissionBand, type CommissionBandLine } from './commission.js';

/**
 * A business's monthly statement: rewards paid for its customers' feedback, minus reversals (the
 * claw-backs actually collected — an uncollectable write-off stays charged), plus the platform's
 * commission on the net and VAT on the commission. A month with more reversals than rewards gives
 * negative figures (a credit); rounding is half away from zero so a credit mirrors a charge.
 * The commission is tiered by the month's commissionable volume (commission.ts); items booked for
 * feedback given during the business's trial are commission-free and shown as such.
 */

export interface StatementItem {
  /** YYYY-MM-DD inside the statement month. */
  date: string;
  /** Positive öre. */
  amountMinor: number;
  sessionId: string;
  /** Feedback given during the business's trial: charged at cost, no commission. */
  commissionFree?: boolean;
}

export interface StatementInput {
  businessName: string;
  orgNumber: string;
  /** YYYY-MM */
  month: string;
  rewards: readonly StatementItem[];
  reversals: readonly StatementItem[];
  /** Rate of the first band (from 0). */
  commissionBps: number;
  /** Reduced rates above monthly thresholds; absent or [] = flat commissionBps. */
  commissionTiers?: readonly CommissionBand[];
  vatBps: number;
}

export interface StatementLine {
  date: string;
  kind: 'reward' | 'reversal';
  sessionId: string;
  /** Signed: reversals negative. */
  amountMinor: number;
}

export interface MonthlyStatement {
  businessName: string;
  orgNumber: string;
  month: string;
  periodStart: string;
  periodEnd: string;
  commissionBps: number;
  vatBps: number;
  rewardCount: number;
  reversalCount: number;
  rewardsMinor: number;
  /** Positive sum of the reversals. */
  reversalsMinor: number;
  netRewardsMinor: number;
  /** Net of the commission-free (trial) items, included in netRewardsMinor. */
  commissionFreeMinor: number;
  /** netRewardsMinor − commissionFreeMinor: what the commission bands apply to. */
  commissionBaseMinor: number;
  commissionBands: CommissionBandLine[];
  effectiveCommissionBps: number;
  commissionMinor: number;
  vatMinor: number;
  totalDueMinor: number;
  /** Sorted by date, rewards before reversals on a day, then by session id. */
  lines: StatementLine[];
}

const MONTHS_SV = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const MONTH = /^([0-9]{4})-(0[1-9]|1[0-2])$/;

function monthBounds(month: string): { start: string; end: string; lastDay: number } {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`month must be YYYY-MM, got "${month}"`);
  const lastDay = new Date(Date.UTC(Number(match[1]), Number(match[2]), 0)).getUTCDate();
  return { start: `${month}-01`, end: `${month}-${String(lastDay).padStart(2, '0')}`, lastDay };
}

function validateItem(item: StatementItem, month: string, lastDay: number, what: string): void {
  const day = Number(item.date.slice(8));
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(item.date) || !item.date.startsWith(`${month}-`) || day < 1 || day > lastDay) {
    throw new RangeError(`${what} dated "${item.date}" is not a day in ${month}`);
  }
  if (!Number.isSafeInteger(item.amountMinor) || item.amountMinor <= 0) {
    throw new RangeError(`${what} ${item.sessionId} must have a positive integer amount, got ${item.amountMinor}`);
  }
}

function validateRates(commissionBps: number, vatBps: number): void {
  for (const [name, bps] of [['commissionBps', commissionBps], ['vatBps', vatBps]] as const) {
    if (!Number.isSafeInteger(bps) || bps < 0 || bps > BPS_DENOMINATOR) throw new RangeError(`${name} must be 0–10000, got ${bps}`);
  }
}

const compareLines = (a: StatementLine, b: StatementLine): number =>
  a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.kind !== b.kind ? (a.kind === 'reward' ? -1 : 1) : a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : a.amountMinor - b.amountMinor;

const sum = (items: readonly StatementItem[]): number => items.reduce((total, i) => total + i.amountMinor, 0);

export function monthlyStatement(input: StatementInput): MonthlyStatement {
  const { start, end, lastDay } = monthBounds(input.month);
  validateRates(input.commissionBps, input.vatBps);
  input.rewards.forEach((r) => validateItem(r, input.month, lastDay, 'reward'));
  input.reversals.forEach((r) => validateItem(r, input.month, lastDay, 'reversal'));
  const rewardsMinor = sum(input.rewards);
  const reversalsMinor = sum(input.reversals);
  const netRewardsMinor = rewardsMinor - reversalsMinor;
  const free = (items: readonly StatementItem[]) => sum(items.filter((i) => i.commissionFree));
  const commissionFreeMinor = free(input.rewards) - free(input.reversals);
  const commission = tieredCommission(netRewardsMinor - commissionFreeMinor, commissionBands(input.commissionBps, input.commissionTiers ?? []));
  const commissionMinor = commission.commissionMinor;
  const vatMinor = mulDivHalfUp(commissionMinor, input.vatBps, BPS_DENOMINATOR);
  const lines: StatementLine[] = [
    ...input.rewards.map((r) => ({ date: r.date, kind: 'reward' as const, sessionId: r.sessionId, amountMinor: r.amountMinor })),
    ...input.reversals.map((r) => ({ date: r.date, kind: 'reversal' as const, sessionId: r.sessionId, amountMinor: -r.amountMinor })),
  ].sort(compareLines);
  return {
    businessName: input.businessName,
    orgNumber: input.orgNumber,
    month: input.month,
    periodStart: start,
    periodEnd: end,
    commissionBps: input.commissionBps,
    vatBps: input.vatBps,
    rewardCount: input.rewards.length,
    reversalCount: input.reversals.length,
    rewardsMinor,
    reversalsMinor,
    netRewardsMinor,
    commissionFreeMinor,
    commissionBaseMinor: commission.baseMinor,
    commissionBands: commission.bands,
    effectiveCommissionBps: commission.effectiveBps,
    commissionMinor,
    vatMinor,
    totalDueMinor: netRewardsMinor + commissionMinor + vatMinor,
    lines,
  };
}

/** "25 000 kr" for whole kronor, else "25 000,50 kr". */
const krLabel = (minor: number): string => formatSekSv(minor).replace(/,00 kr$/, ' kr');

function bandLabel(b: CommissionBandLine): string {
  const range = b.toMinor === null ? (b.fromMinor === 0 ? '' : ` över ${krLabel(b.fromMinor)}`) : ` på ${krLabel(b.fromMinor)} – ${krLabel(b.toMinor)}`;
  return `Provision ${formatBps(b.bps, 'sv')}${range} (underlag ${formatSekSv(b.baseMinor)})`;
}

/** A flat rate without trial items keeps the one-line commission; otherwise every band is shown. */
function commissionRows(s: MonthlyStatement): { label: string; amountMinor: number }[] {
  if (s.commissionBands.length === 1 && s.commissionFreeMinor === 0) return [{ label: `Provision ${formatBps(s.commissionBps, 'sv')}`, amountMinor: s.commissionMinor }];
  return [
    ...(s.commissionFreeMinor !== 0 ? [{ label: 'Varav provisionsfritt (provperiod)', amountMinor: s.commissionFreeMinor }] : []),
    { label: 'Provisionsunderlag', amountMinor: s.commissionBaseMinor },
    ...s.commissionBands.map((b) => ({ label: bandLabel(b), amountMinor: b.commissionMinor })),
    { label: 'Provision totalt', amountMinor: s.commissionMinor },
  ];
}

/** Swedish labels shared by the CSV and the PDF, so both documents say the same thing. */
export function summaryRows(s: MonthlyStatement): { label: string; amountMinor: number; strong?: boolean }[] {
  return [
    { label: `Belöningar (${s.rewardCount} st)`, amountMinor: s.rewardsMinor },
    { label: `Återbetalningar (${s.reversalCount} st)`, amountMinor: -s.reversalsMinor },
    { label: 'Nettobelöningar', amountMinor: s.netRewardsMinor },
    ...commissionRows(s),
    { label: `Moms ${formatBps(s.vatBps, 'sv')}`, amountMinor: s.vatMinor },
    { label: 'Att betala', amountMinor: s.totalDueMinor, strong: true },
  ];
}

export function periodLabel(s: MonthlyStatement): string {
  const monthName = MONTHS_SV[Number(s.month.slice(5)) - 1] ?? s.month;
  return `${monthName} ${s.month.slice(0, 4)} (${s.periodStart} – ${s.periodEnd})`;
}

const KIND_SV = { reward: 'Belöning', reversal: 'Återbetalning' } as const;

/** Four columns throughout (Datum;Typ;Session;Belopp) so a spreadsheet sees one table. */
export function statementCsv(s: MonthlyStatement): string {
  const rows: string[][] = [
    ['Månadsbesked', '', '', ''],
    ['Företag', csvCell(s.businessName), '', ''],
    ['Org.nr', csvCell(s.orgNumber), '', ''],
    ['Period', s.month, s.periodStart, s.periodEnd],
    ['Datum', 'Typ', 'Session', 'Belopp'],
    ...s.lines.map((l) => [l.date, KIND_SV[l.kind], csvCell(l.sessionId), csvCell(formatMinorPlain(l.amountMinor), { numeric: true })]),
    ...summaryRows(s).map((r) => ['', csvCell(r.label), '', csvCell(formatMinorPlain(r.amountMinor), { numeric: true })]),
  ];
  return csvDocument(rows);
}

const MARGIN = 56;
const RIGHT = A4.width - MARGIN;
const BOTTOM = 60;

function headerTexts(s: MonthlyStatement): PdfText[] {
  return [
    { x: MARGIN, y: 780, text: 'Månadsbesked', size: 20, bold: true },
    { x: MARGIN, y: 752, text: s.businessName, size: 12, bold: true },
    { x: MARGIN, y: 736, text: `Org.nr ${s.orgNumber}` },
    { x: MARGIN, y: 722, text: `Period ${periodLabel(s)}` },
  ];
}

function summaryPage(s: MonthlyStatement): PdfPage {
  const texts = headerTexts(s);
  const rules = [{ x1: MARGIN, y1: 708, x2: RIGHT, y2: 708 }];
  let y = 688;
  for (const row of summaryRows(s)) {
    if (row.strong) {
      rules.push({ x1: MARGIN, y1: y + 12, x2: RIGHT, y2: y + 12 });
      y -= 4;
    }
    const size = row.strong ? 12 : 10;
    texts.push({ x: MARGIN, y, text: row.label, size, bold: row.strong });
    texts.push({ x: RIGHT, y, text: formatSekSv(row.amountMinor), size, bold: row.strong, align: 'right' });
    y -= 18;
  }
  texts.push({ x: MARGIN, y: y - 6, text: 'Provisionen beräknas stegvis på månadens nettobelöningar (utom provperioden); moms tas ut på provisionen.', size: 8 });
  texts.push({ x: MARGIN, y: y - 36, text: 'Specifikation', size: 12, bold: true });
  return { texts, rules };
}

/** The summary, then the line items, continued on as many pages as needed. */
export function statementPdf(s: MonthlyStatement): Buffer {
  const pages: PdfPage[] = [summaryPage(s)];
  let page = pages[0] as PdfPage;
  let y = (page.texts[page.texts.length - 1]?.y ?? 500) - 22;
  const columnHeads = (at: number): PdfText[] => [
    { x: MARGIN, y: at, text: 'Datum', bold: true },
    { x: MARGIN + 80, y: at, text: 'Typ', bold: true },
    { x: MARGIN + 180, y: at, text: 'Session', bold: true },
    { x: RIGHT, y: at, text: 'Belopp', bold: true, align: 'right' },
  ];
  page.texts.push(...columnHeads(y));
  y -= 16;
  if (s.lines.length === 0) page.texts.push({ x: MARGIN, y, text: 'Inga belöningar denna månad.' });
  for (const line of s.lines) {
    if (y < BOTTOM) {
      page = { texts: [{ x: MARGIN, y: 790, text: `Månadsbesked ${s.month}, ${s.businessName} (forts.)`, size: 10, bold: true }, ...columnHeads(768)] };
      pages.push(page);
      y = 752;
    }
    page.texts.push(
      { x: MARGIN, y, text: line.date },
      { x: MARGIN + 80, y, text: KIND_SV[line.kind] },
      { x: MARGIN + 180, y, text: line.sessionId.slice(0, 48) },
      { x: RIGHT, y, text: formatSekSv(line.amountMinor), align: 'right' },
    );
    y -= 14;
  }
  return buildPdf(pages, `Månadsbesked ${s.month} – ${s.businessName}`);
}
