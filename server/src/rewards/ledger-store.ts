import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Dialect } from '../db/database.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { payableAccount, type Account, type LedgerEntry, type LedgerResult } from './ledger.js';
import { fixStatementRates } from './billing-store.js';

/**
 * Database side of the ledger: the pure builders in ledger.ts decide the entries from the entries that
 * already exist; this module loads those, serialises concurrent writers per customer and inserts.
 * The unique (txn_id, account) index makes a retried booking a no-op failure instead of a double entry.
 */
export async function lockCustomer(trx: Transaction<Database>, dialect: Dialect, customerId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`ledger:${customerId}`}, 0))`.execute(trx);
}

export async function loadEntries(trx: Transaction<Database>, where: { accounts?: Account[]; txnIds?: string[]; refs?: string[] }): Promise<LedgerEntry[]> {
  const rows = await trx
    .selectFrom('ledger_entries')
    .select(['txn_id', 'account', 'amount_minor', 'kind', 'reward_id', 'payout_id', 'id'])
    .where((eb) =>
      eb.or([
        ...(where.accounts?.length ? [eb('account', 'in', where.accounts)] : []),
        ...(where.txnIds?.length ? [eb('txn_id', 'in', where.txnIds)] : []),
        ...(where.refs?.length ? [eb('reward_id', 'in', where.refs), eb('payout_id', 'in', where.refs)] : []),
        // Never-true fallback so an empty filter matches nothing (SQLite cannot bind booleans).
        sql<boolean>`1 = 0`,
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ txnId: r.txn_id, account: r.account as Account, amountMinor: r.amount_minor, kind: r.kind as LedgerEntry['kind'], ref: refOf(r) }));
}

// The pure model's `ref` is derived from the row's foreign keys (reward or payout the entry belongs to).
function refOf(r: { kind: string; reward_id: string | null; payout_id: string | null }): string {
  if (r.kind === 'reversal') return `reward:${r.reward_id}`;
  if (r.kind === 'payout_settled' || r.kind === 'payout_failed') return `payout:${r.payout_id}`;
  return r.reward_id ?? r.payout_id ?? '';
}

export async function insertEntries(trx: Transaction<Database>, result: LedgerResult, link: { businessId?: string | null; rewardId?: string | null; payoutId?: string | null }): Promise<LedgerEntry[]> {
  if (!result.ok) throw new AppError('conflict', `Ledger refused the booking: ${result.error.message}`, { ledger: result.error.code });
  const now = nowIso();
  // Money charged to (or credited to) a business fixes its statement month's rates before it is booked.
  if (link.businessId && result.entries.some((e) => e.account.startsWith('business:'))) await fixStatementRates(trx, link.businessId, now);
  for (const e of result.entries) {
    await trx
      .insertInto('ledger_entries')
      .values({ id: newId(), txn_id: e.txnId, account: e.account, amount_minor: e.amountMinor, kind: e.kind, business_id: link.businessId ?? null, reward_id: link.rewardId ?? null, payout_id: link.payoutId ?? null, created_at: now })
      .execute();
  }
  return result.entries;
}

export async function customerEntries(trx: Transaction<Database>, customerId: string): Promise<LedgerEntry[]> {
  return loadEntries(trx, { accounts: [payableAccount(customerId)] });
}
