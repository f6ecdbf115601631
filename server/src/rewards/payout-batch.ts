import { csvCell, csvDocument } from './csv.js';
import { formatMinorPlain } from './money.js';

/**
 * A Swish payout batch: one payment per phone number (a person may have several customer keys,
 * e.g. one per business), balances under the minimum roll over to the next batch. The output does
 * not depend on the input order, so re-running a batch gives byte-identical files.
 */

export interface PayableBalance {
  customerKey: string;
  phoneE164: string;
  balanceMinor: number;
}

export interface BatchPayment {
  phoneE164: string;
  amountMinor: number;
  /** Sorted; the ledger payout for each key is its own balance. */
  customerKeys: string[];
}

export interface BatchInvalid {
  customerKey: string;
  phoneE164: string;
  reason: string;
}

export interface PayoutBatch {
  payments: BatchPayment[];
  /** Positive totals under the minimum: left on the balance for a later batch. */
  skipped: BatchPayment[];
  /** Rows that cannot be paid as they are (bad phone number or balance); nothing is paid for them. */
  invalid: BatchInvalid[];
  totalMinor: number;
}

// E.164: '+', a non-zero country digit, 7–15 digits in total.
const E164 = /^\+[1-9][0-9]{6,14}$/;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function validate(row: PayableBalance): string | null {
  if (!E164.test(row.phoneE164)) return 'phone number is not E.164';
  if (!Number.isSafeInteger(row.balanceMinor) || row.balanceMinor < 0) return 'balance must be a non-negative integer';
  return null;
}

/** Groups valid rows by phone number; throws on a repeated customer key (it would be paid twice). */
function groupByPhone(rows: readonly PayableBalance[], invalid: BatchInvalid[]): Map<string, PayableBalance[]> {
  const keys = new Set<string>();
  const groups = new Map<string, PayableBalance[]>();
  for (const row of rows) {
    if (keys.has(row.customerKey)) throw new Error(`customer key ${row.customerKey} appears twice in the payout input`);
    keys.add(row.customerKey);
    const reason = validate(row);
    if (reason) {
      invalid.push({ customerKey: row.customerKey, phoneE164: row.phoneE164, reason });
      continue;
    }
    const group = groups.get(row.phoneE164) ?? [];
    group.push(row);
    groups.set(row.phoneE164, group);
  }
  return groups;
}

export function buildPayoutBatch(balances: readonly PayableBalance[], minPayoutMinor: number): PayoutBatch {
  if (!Number.isSafeInteger(minPayoutMinor) || minPayoutMinor < 1) throw new RangeError('minPayoutMinor must be a positive integer');
  const invalid: BatchInvalid[] = [];
  const groups = groupByPhone(balances, invalid);
  const payments: BatchPayment[] = [];
  const skipped: BatchPayment[] = [];
  for (const phoneE164 of [...groups.keys()].sort(byString)) {
    const rows = groups.get(phoneE164) ?? [];
    const amountMinor = rows.reduce((sum, r) => sum + r.balanceMinor, 0);
    if (amountMinor === 0) continue;
    const payment = { phoneE164, amountMinor, customerKeys: rows.map((r) => r.customerKey).sort(byString) };
    (amountMinor >= minPayoutMinor ? payments : skipped).push(payment);
  }
  invalid.sort((a, b) => byString(a.customerKey, b.customerKey));
  return { payments, skipped, invalid, totalMinor: payments.reduce((sum, p) => sum + p.amountMinor, 0) };
}

export const PAYOUT_CSV_HEADER = ['Mottagare', 'Belopp', 'Valuta', 'Referens'] as const;

/**
 * Payments as CSV: the recipient in Swish's alias form (E.164 digits without '+', e.g. 46701234567:
 * a leading '+' would make Excel treat the cell as a formula or a number), the amount as "123,45",
 * SEK, and the customer keys the payment covers.
 */
export function payoutCsv(batch: PayoutBatch): string {
  const rows = batch.payments.map((p) => [
    csvCell(p.phoneE164.slice(1)),
    csvCell(formatMinorPlain(p.amountMinor), { numeric: true }),
    'SEK',
    csvCell(p.customerKeys.join(',')),
  ]);
  return csvDocument([[...PAYOUT_CSV_HEADER], ...rows]);
}
