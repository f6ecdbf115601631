import { DateTime } from 'luxon';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { getBusinessRow } from '../businesses/business-service.js';
import { statementRates } from './billing-store.js';
import { expenseAccount, writeoffAccount } from './ledger.js';
import { monthlyStatement, type StatementItem } from './statement.js';
import { getTrialStatus, isCommissionFree } from '../businesses/trial.js';

/**
 * Monthly statement of a business from its ledger: rewards charged, reversals, tiered commission (none on
 * trial feedback), VAT on it — at the rates fixed for the month when its first money was booked
 * (statement_periods), so a later change of commission or VAT never rewrites a booked month.
 */
export async function statementFor(ctx: AppContext, businessId: string, month: string) {
  const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: 'Europe/Stockholm' });
  if (!start.isValid) throw new AppError('validation_failed', 'month must be YYYY-MM');
  const business = await getBusinessRow(ctx.db, businessId);
  const rates = await statementRates(ctx.db.kysely, businessId, month);
  const rows = await ctx.db.kysely
    .selectFrom('ledger_entries as e')
    .leftJoin('rewards as r', 'r.id', 'e.reward_id')
    .leftJoin('feedback_sessions as s', 's.id', 'r.session_id')
    .select(['e.kind', 'e.account', 'e.txn_id', 'e.amount_minor', 'e.created_at', 'r.session_id', 's.scored_at'])
    .where('e.account', 'in', [expenseAccount(businessId), writeoffAccount(businessId)])
    .where('e.created_at', '>=', start.toUTC().toISO()!)
    .where('e.created_at', '<', start.plus({ months: 1 }).toUTC().toISO()!)
    .execute();
  const trial = await getTrialStatus(ctx, businessId);
  const item = (r: (typeof rows)[number]): StatementItem => ({
    date: DateTime.fromISO(r.created_at).setZone('Europe/Stockholm').toISODate()!,
    amountMinor: Math.abs(r.amount_minor),
    sessionId: r.session_id ?? 'unknown',
    // Feedback given during the trial carries no commission, and neither does its claw-back.
    commissionFree: isCommissionFree(trial, r.scored_at ?? null),
  });
  // A claw-back credits the business only for what was recovered from the customer; the part already
  // paid out (written off) stays charged.
  const writtenOff = new Map(rows.filter((r) => r.account === writeoffAccount(businessId)).map((r) => [r.txn_id, r.amount_minor]));
  const expense = rows.filter((r) => r.account === expenseAccount(businessId));
  const reversals = expense
    .filter((r) => r.kind === 'reversal')
    .map((r) => ({ ...item(r), amountMinor: Math.abs(r.amount_minor) - (writtenOff.get(r.txn_id) ?? 0) }))
    .filter((r) => r.amountMinor > 0);
  const statement = monthlyStatement({
    businessName: business.name,
    orgNumber: business.org_number,
    month,
    rewards: expense.filter((r) => r.kind === 'reward').map(item),
    reversals,
    commissionBps: rates.commissionBps,
    commissionTiers: rates.commissionTiers,
    vatBps: rates.vatBps,
  });
  return { ...statement, ratesFixedAt: rates.fixedAt };
}
