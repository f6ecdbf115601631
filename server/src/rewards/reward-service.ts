import type { Selectable, Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { Database, RewardsTable } from '../db/schema.js';
import type { AppContext } from '../http/context.js';
import { AppError, notFound } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { computeReward, remainingBudget, type RewardResult } from './compute.js';
import { rewardEntries, reversalEntries, expenseAccount, payableAccount } from './ledger.js';
import { mulDivFloor } from './money.js';
import { insertEntries, loadEntries, lockCustomer } from './ledger-store.js';
import { getTrialStatus, trialStatusAt } from '../businesses/trial.js';
import { withinCeilings } from './billing.js';
import { getBusinessBilling } from './billing-store.js';

export type RewardRow = Selectable<RewardsTable>;
/** Job enqueued when a rewarded purchase is (partly) refunded. */
export const REFUND_CLAWBACK_JOB = 'rewards.refund_clawback';
export const rewardTxnId = (rewardId: string) => `reward:${rewardId}`;
export const reversalTxnId = (rewardId: string) => `reversal:${rewardId}`;

/** Statuses that count against budgets: money promised or paid. */
const COMMITTED = ['awaiting_phone', 'awaiting_verification', 'held', 'approved'];

const stockholm = (now: Date) => DateTime.fromJSDate(now, { zone: 'Europe/Stockholm' });

async function spentSince(ctx: AppContext, where: { businessId?: string; phoneHash?: string; excludeRewardId?: string }, since: DateTime): Promise<number> {
  let q = ctx.db.kysely.selectFrom('rewards').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('total')).where('status', 'in', COMMITTED).where('created_at', '>=', since.toUTC().toISO()!);
  if (where.excludeRewardId) q = q.where('id', '!=', where.excludeRewardId);
  if (where.businessId) q = q.where('business_id', '=', where.businessId);
  if (where.phoneHash) q = q.where('phone_hash', '=', where.phoneHash);
  return Number((await q.executeTakeFirstOrThrow()).total);
}

/**
 * The reward a score earns on a verified amount, within the business's caps and budgets (Stockholm days
 * and months) and the platform's ceilings. `excludeRewardId` leaves a reward being recomputed out of the budgets it already holds a
 * share of, so recomputing it does not shrink (or zero) it.
 */
export async function computeRewardFor(ctx: AppContext, p: { businessId: string; score: number; amountMinor: number; currency: string; phoneHash: string | null; now?: Date; excludeRewardId?: string }): Promise<RewardResult> {
  const [{ rewards: own }, { billing }] = await Promise.all([getBusinessSettings(ctx.db, p.businessId), getBusinessBilling(ctx.db.kysely, p.businessId)]);
  // The owner's settings, clamped to the operator's ceilings whatever was saved before the ceilings were.
  const settings = withinCeilings(own, billing.ceilings);
  const now = stockholm(p.now ?? new Date());
  const exclude = p.excludeRewardId;
  const [day, month, customerDay] = await Promise.all([
    spentSince(ctx, { businessId: p.businessId, excludeRewardId: exclude }, now.startOf('day')),
    spentSince(ctx, { businessId: p.businessId, excludeRewardId: exclude }, now.startOf('month')),
    p.phoneHash ? spentSince(ctx, { phoneHash: p.phoneHash, excludeRewardId: exclude }, now.startOf('day')) : Promise.resolve(0),
  ]);
  const result = computeReward({
    score: p.score,
    purchaseAmountMinor: p.amountMinor,
    currency: p.currency,
    settings,
    budget: {
      dailyRemainingMinor: remainingBudget(settings.dailyBudgetMinor, day),
      monthlyRemainingMinor: remainingBudget(settings.monthlyBudgetMinor, month),
      customerDailyRemainingMinor: p.phoneHash ? remainingBudget(settings.perCustomerDailyCapMinor, customerDay) : null,
    },
  });
  // A recomputed reward (shop review, score override) is judged by the trial as it was when its feedback was given.
  const scoredAt = exclude ? (await ctx.db.kysely.selectFrom('rewards as r').innerJoin('feedback_sessions as s', 's.id', 'r.session_id').select('s.scored_at').where('r.id', '=', exclude).executeTakeFirst())?.scored_at : null;
  const trial = scoredAt ? await trialStatusAt(ctx, p.businessId, scoredAt) : await getTrialStatus(ctx, p.businessId, p.now ?? new Date());
  return trial.rewardsAvailable ? result : withoutPlan(result);
}

/** No active plan after the trial: the feedback is still scored and delivered, but earns nothing. */
function withoutPlan(result: RewardResult): RewardResult {
  return {
    ...result,
    amountMinor: 0,
    bps: 0,
    appliedCaps: [...result.appliedCaps, 'plan_inactive'],
    explanation: { sv: 'Butikens provperiod har gått ut, så den här feedbacken ger ingen belöning.', en: "The shop's trial has ended, so this feedback earns no reward." },
  };
}

export async function insertReward(trx: Transaction<Database>, p: { sessionId: string; businessId: string; transactionId: string | null; result: RewardResult; status: string; phoneHash: string | null; details?: Record<string, unknown> }): Promise<RewardRow> {
  const now = nowIso();
  const row = {
    id: newId(),
    session_id: p.sessionId,
    business_id: p.businessId,
    transaction_id: p.transactionId,
    amount_minor: p.result.amountMinor,
    bps: p.result.bps,
    tier: p.result.tier.name,
    status: p.result.amountMinor > 0 ? p.status : 'none',
    phone_hash: p.phoneHash,
    details: JSON.stringify({ appliedCaps: p.result.appliedCaps, explanation: p.result.explanation, tierLabelSv: p.result.tier.labelSv, uncappedMinor: p.result.uncappedMinor, ...p.details }),
    decided_by: null,
    decided_at: null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('rewards').values(row).execute();
  return row;
}

/**
 * Books an approved reward into the customer's payable balance once the phone number is known.
 * Returns the new status. Safe to call repeatedly: only `awaiting_phone` rewards with a phone book.
 */
export async function bookIfReady(ctx: AppContext, trx: Transaction<Database>, rewardId: string): Promise<string> {
  const reward = await trx.selectFrom('rewards').selectAll().where('id', '=', rewardId).executeTakeFirstOrThrow();
  if (reward.status !== 'awaiting_phone' || !reward.phone_hash || reward.amount_minor <= 0) return reward.status;
  await lockCustomer(trx, ctx.db.dialect, reward.phone_hash);
  const ledger = await loadEntries(trx, { accounts: [payableAccount(reward.phone_hash)], txnIds: [rewardTxnId(reward.id)] });
  const result = rewardEntries(ledger, { txnId: rewardTxnId(reward.id), businessId: reward.business_id, customerId: reward.phone_hash, amountMinor: reward.amount_minor, ref: reward.session_id });
  await insertEntries(trx, result, { businessId: reward.business_id, rewardId: reward.id });
  await trx.updateTable('rewards').set({ status: 'approved', updated_at: nowIso() }).where('id', '=', reward.id).execute();
  ctx.metrics.rewardAmount.observe(reward.amount_minor / 100);
  return 'approved';
}

/** Operator decision on a held reward (fraud review); `audit` runs in the same transaction, so no decision goes unaudited. */
export async function decideHeldReward(ctx: AppContext, rewardId: string, decision: 'approve' | 'reject', actor: string, audit?: (trx: Transaction<Database>, reward: RewardRow) => Promise<void>) {
  return ctx.db.writer.run(async (trx) => {
    const reward = await trx.selectFrom('rewards').selectAll().where('id', '=', rewardId).executeTakeFirst();
    if (!reward) throw notFound('Reward');
    if (reward.status !== 'held') throw new AppError('conflict', `Only held rewards can be decided; this one is ${reward.status}.`);
    const status = decision === 'approve' ? 'awaiting_phone' : 'rejected';
    // Conditional on still being held: of two concurrent decisions only one may win (an approve that
    // books and a reject that overwrites its status would leave a "rejected" reward in the ledger).
    const upd = await trx.updateTable('rewards').set({ status, decided_by: actor, decided_at: nowIso(), updated_at: nowIso() }).where('id', '=', rewardId).where('status', '=', 'held').executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw new AppError('conflict', 'This reward was decided by another request.');
    if (decision === 'approve') await bookIfReady(ctx, trx, rewardId);
    // The row as stored now, so the caller sees who decided and when.
    const decided = await trx.selectFrom('rewards').selectAll().where('id', '=', rewardId).executeTakeFirstOrThrow();
    await audit?.(trx, decided);
    return decided;
  });
}

/**
 * Refund claw-back: a refunded purchase loses its reward. Booked rewards are reversed in the ledger
 * (a partial refund reverses the same share of the reward); unbooked ones are simply cancelled.
 */
export async function reverseRewardForTransaction(ctx: AppContext, transactionId: string): Promise<void> {
  await ctx.db.writer.run(async (trx) => {
    // Row lock (PostgreSQL) so a phone registration or review decision running meanwhile cannot book or
    // re-status the reward between this read and the writes below (SQLite runs writes one at a time).
    let q = trx.selectFrom('rewards').selectAll().where('transaction_id', '=', transactionId);
    if (ctx.db.dialect === 'postgres') q = q.forUpdate();
    const reward = await q.executeTakeFirst();
    const tx = await trx.selectFrom('transactions').select(['amount_minor', 'refunded_amount_minor']).where('id', '=', transactionId).executeTakeFirst();
    if (!reward || !tx || tx.refunded_amount_minor <= 0 || ['rejected', 'reversed', 'none'].includes(reward.status)) return;
    const full = tx.refunded_amount_minor >= tx.amount_minor;
    // Exact integer share (floating point would reverse 18,19 kr instead of 18,20 kr for 16 250/30 000 of 33,60 kr).
    const target = full ? reward.amount_minor : mulDivFloor(reward.amount_minor, tx.refunded_amount_minor, tx.amount_minor);
    if (reward.status !== 'approved') {
      if (full) await trx.updateTable('rewards').set({ status: 'reversed', updated_at: nowIso() }).where('id', '=', reward.id).execute();
      return;
    }
    await lockCustomer(trx, ctx.db.dialect, reward.phone_hash!);
    // One query, so the reward's own payable entry is not loaded twice: a duplicate would overstate what
    // the customer is owed and claw back more than that, leaving the customer in debt.
    const ledger = await loadEntries(trx, { accounts: [payableAccount(reward.phone_hash!)], txnIds: [rewardTxnId(reward.id)], refs: [reward.id] });
    const alreadyReversed = ledger.filter((e) => e.kind === 'reversal' && e.account === expenseAccount(reward.business_id) && e.ref === rewardTxnId(reward.id)).reduce((s, e) => s - e.amountMinor, 0);
    const amount = target - alreadyReversed;
    if (amount <= 0) return;
    const txnId = `${reversalTxnId(reward.id)}:${alreadyReversed}`;
    await insertEntries(trx, reversalEntries(ledger, { txnId, rewardTxnId: rewardTxnId(reward.id), amountMinor: amount }), { businessId: reward.business_id, rewardId: reward.id });
    if (full) await trx.updateTable('rewards').set({ status: 'reversed', updated_at: nowIso() }).where('id', '=', reward.id).execute();
  });
}
