/**
 * Pure double-entry model of reward money, used by the DB service to build the rows it inserts.
 * Sign convention: debits positive, credits negative; every transaction sums to zero.
 *
 * Accounts (from the platform's books):
 *   business:B:rewards_expense    – rewards charged to business B (debit-normal, invoiced monthly)
 *   business:B:reversal_writeoff  – claw-backs that could not be collected from the customer
 *   customer:C:payable            – what the platform owes customer C (a liability: credit-normal,
 *                                   so "owed" = −raw balance, and it must never go below zero)
 *   platform:payouts_clearing     – payouts sent to the provider but not yet confirmed
 *   platform:bank                 – money that has left the platform's account (funded by invoices,
 *                                   which are booked elsewhere)
 *
 * Flows: reward     expense +A, payable −A
 *        reversal   expense −A, payable +min(A, owed), writeoff +rest   (claw-back never makes the
 *                   customer owe us: what was already paid out is written off against the business)
 *        payout     payable +A, clearing −A      (A ≤ owed)
 *        settled    clearing +A, bank −A
 *        failed     clearing +A, payable −A      (the customer is owed the money again)
 * Builders see the entries so far (at least all of the customer's and the referenced transaction's)
 * and return an error instead of entries that would break an invariant.
 */

export type Account =
  | `business:${string}:rewards_expense`
  | `business:${string}:reversal_writeoff`
  | `customer:${string}:payable`
  | 'platform:payouts_clearing'
  | 'platform:bank';

export type EntryKind = 'reward' | 'reversal' | 'payout' | 'payout_settled' | 'payout_failed';

export interface LedgerEntry {
  txnId: string;
  account: Account;
  /** Signed öre: debits positive, credits negative; never zero. */
  amountMinor: number;
  kind: EntryKind;
  /** reward: session id; reversal: the reward's txnId; payout: batch item id; settled/failed: the payout's txnId. */
  ref: string;
}

export type LedgerErrorCode =
  | 'invalid_amount'
  | 'invalid_id'
  | 'duplicate_txn'
  | 'unknown_reward'
  | 'exceeds_reward'
  | 'insufficient_balance'
  | 'unknown_payout'
  | 'payout_closed';

export type LedgerResult = { ok: true; entries: LedgerEntry[] } | { ok: false; error: { code: LedgerErrorCode; message: string } };

export const CLEARING: Account = 'platform:payouts_clearing';
export const BANK: Account = 'platform:bank';
export const expenseAccount = (businessId: string): Account => `business:${businessId}:rewards_expense`;
export const writeoffAccount = (businessId: string): Account => `business:${businessId}:reversal_writeoff`;
export const payableAccount = (customerId: string): Account => `customer:${customerId}:payable`;

// Ids become part of account names, so ':' (the separator) and whitespace are not allowed.
const ID = /^[A-Za-z0-9_.-]{1,128}$/;
const TXN_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

const fail = (code: LedgerErrorCode, message: string): LedgerResult => ({ ok: false, error: { code, message } });

function commonErrors(ledger: readonly LedgerEntry[], txnId: string, amountMinor: number): LedgerResult | null {
  if (!TXN_ID.test(txnId)) return fail('invalid_id', `invalid txnId "${txnId}"`);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) return fail('invalid_amount', `amount must be a positive integer, got ${amountMinor}`);
  if (ledger.some((e) => e.txnId === txnId)) return fail('duplicate_txn', `transaction ${txnId} already exists`);
  return null;
}

/** Builds a transaction from (account, amount) lines, dropping zero lines. */
function txn(txnId: string, kind: EntryKind, ref: string, lines: [Account, number][]): LedgerResult {
  const entries = lines.filter(([, amount]) => amount !== 0).map(([account, amountMinor]) => ({ txnId, account, amountMinor, kind, ref }));
  return { ok: true, entries };
}

/** Sum of raw (debit-positive) entries per account. */
export function balances(entries: readonly LedgerEntry[]): Map<Account, number> {
  const map = new Map<Account, number>();
  for (const e of entries) map.set(e.account, (map.get(e.account) ?? 0) + e.amountMinor);
  return map;
}

/** What the platform owes the customer (credit-normal view of the payable account). */
export function customerOwedMinor(entries: readonly LedgerEntry[], customerId: string): number {
  const account = payableAccount(customerId);
  let raw = 0;
  for (const e of entries) if (e.account === account) raw += e.amountMinor;
  return 0 - raw; // not -raw: that would give -0 for a settled account
}

export function rewardEntries(
  ledger: readonly LedgerEntry[],
  p: { txnId: string; businessId: string; customerId: string; amountMinor: number; ref: string },
): LedgerResult {
  const error = commonErrors(ledger, p.txnId, p.amountMinor);
  if (error) return error;
  if (!ID.test(p.businessId) || !ID.test(p.customerId)) return fail('invalid_id', 'businessId and customerId must match [A-Za-z0-9_.-]{1,128}');
  return txn(p.txnId, 'reward', p.ref, [
    [expenseAccount(p.businessId), p.amountMinor],
    [payableAccount(p.customerId), -p.amountMinor],
  ]);
}

function ownerOf(entries: readonly LedgerEntry[], prefix: 'business' | 'customer'): string | undefined {
  const entry = entries.find((e) => e.account.startsWith(`${prefix}:`));
  return entry?.account.split(':')[1];
}

/** Reverses (part of) a reward; amountMinor defaults to everything not yet reversed. */
export function reversalEntries(
  ledger: readonly LedgerEntry[],
  p: { txnId: string; rewardTxnId: string; amountMinor?: number },
): LedgerResult {
  const reward = ledger.filter((e) => e.txnId === p.rewardTxnId && e.kind === 'reward');
  const businessId = ownerOf(reward, 'business');
  const customerId = ownerOf(reward, 'customer');
  if (!businessId || !customerId) return fail('unknown_reward', `no reward transaction ${p.rewardTxnId}`);
  const rewarded = reward.filter((e) => e.amountMinor > 0).reduce((sum, e) => sum + e.amountMinor, 0);
  const reversed = ledger
    .filter((e) => e.kind === 'reversal' && e.ref === p.rewardTxnId && e.account === expenseAccount(businessId))
    .reduce((sum, e) => sum - e.amountMinor, 0);
  const amount = p.amountMinor ?? rewarded - reversed;
  const error = commonErrors(ledger, p.txnId, amount);
  if (error) return error;
  if (amount > rewarded - reversed) {
    return fail('exceeds_reward', `reversal of ${amount} exceeds the ${rewarded - reversed} still reversible on ${p.rewardTxnId}`);
  }
  const clawback = Math.min(amount, Math.max(0, customerOwedMinor(ledger, customerId)));
  return txn(p.txnId, 'reversal', p.rewardTxnId, [
    [expenseAccount(businessId), -amount],
    [payableAccount(customerId), clawback],
    [writeoffAccount(businessId), amount - clawback],
  ]);
}

export function payoutEntries(
  ledger: readonly LedgerEntry[],
  p: { txnId: string; customerId: string; amountMinor: number; ref: string },
): LedgerResult {
  const error = commonErrors(ledger, p.txnId, p.amountMinor);
  if (error) return error;
  if (!ID.test(p.customerId)) return fail('invalid_id', `invalid customerId "${p.customerId}"`);
  const owed = customerOwedMinor(ledger, p.customerId);
  if (p.amountMinor > owed) return fail('insufficient_balance', `payout of ${p.amountMinor} exceeds the balance of ${owed}`);
  return txn(p.txnId, 'payout', p.ref, [
    [payableAccount(p.customerId), p.amountMinor],
    [CLEARING, -p.amountMinor],
  ]);
}

/** Finds an open payout (neither settled nor failed) and its customer and amount. */
function openPayout(ledger: readonly LedgerEntry[], payoutTxnId: string): { customerId: string; amountMinor: number } | LedgerResult {
  const payout = ledger.filter((e) => e.txnId === payoutTxnId && e.kind === 'payout');
  const customerId = ownerOf(payout, 'customer');
  const amountMinor = payout.find((e) => e.account === CLEARING)?.amountMinor;
  if (!customerId || amountMinor === undefined) return fail('unknown_payout', `no payout transaction ${payoutTxnId}`);
  const closed = ledger.some((e) => e.ref === payoutTxnId && (e.kind === 'payout_settled' || e.kind === 'payout_failed'));
  if (closed) return fail('payout_closed', `payout ${payoutTxnId} is already settled or failed`);
  return { customerId, amountMinor: -amountMinor };
}

export function payoutSettledEntries(ledger: readonly LedgerEntry[], p: { txnId: string; payoutTxnId: string }): LedgerResult {
  const open = openPayout(ledger, p.payoutTxnId);
  if ('ok' in open) return open;
  const error = commonErrors(ledger, p.txnId, open.amountMinor);
  if (error) return error;
  return txn(p.txnId, 'payout_settled', p.payoutTxnId, [
    [CLEARING, open.amountMinor],
    [BANK, -open.amountMinor],
  ]);
}

export function payoutFailedEntries(ledger: readonly LedgerEntry[], p: { txnId: string; payoutTxnId: string }): LedgerResult {
  const open = openPayout(ledger, p.payoutTxnId);
  if ('ok' in open) return open;
  const error = commonErrors(ledger, p.txnId, open.amountMinor);
  if (error) return error;
  return txn(p.txnId, 'payout_failed', p.payoutTxnId, [
    [CLEARING, open.amountMinor],
    [payableAccount(open.customerId), -open.amountMinor],
  ]);
}

function checkEntry(e: LedgerEntry, index: number): string[] {
  const problems: string[] = [];
  if (!Number.isSafeInteger(e.amountMinor) || e.amountMinor === 0) problems.push(`entry ${index} (${e.txnId}): amount must be a non-zero integer, got ${e.amountMinor}`);
  return problems;
}

/**
 * Invariants: entries are non-zero integers; a transaction's entries are contiguous, share one kind
 * and sum to zero; after every transaction no customer is owed less than zero.
 * Returns the violations found (empty = consistent).
 */
export function checkLedger(entries: readonly LedgerEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const running = new Map<Account, number>();
  let i = 0;
  while (i < entries.length) {
    const first = entries[i] as LedgerEntry;
    if (seen.has(first.txnId)) problems.push(`transaction ${first.txnId} is split across the ledger`);
    seen.add(first.txnId);
    let sum = 0;
    const touched: Account[] = [];
    for (; i < entries.length && (entries[i] as LedgerEntry).txnId === first.txnId; i++) {
      const e = entries[i] as LedgerEntry;
      problems.push(...checkEntry(e, i));
      if (e.kind !== first.kind) problems.push(`transaction ${first.txnId} mixes kinds ${first.kind} and ${e.kind}`);
      sum += e.amountMinor;
      running.set(e.account, (running.get(e.account) ?? 0) + e.amountMinor);
      touched.push(e.account);
    }
    if (sum !== 0) problems.push(`transaction ${first.txnId} does not balance (sum ${sum})`);
    for (const account of touched) {
      if (account.startsWith('customer:') && (running.get(account) ?? 0) > 0) {
        problems.push(`after ${first.txnId}, ${account} is owed a negative balance (${-(running.get(account) ?? 0)})`);
      }
    }
  }
  return problems;
}
