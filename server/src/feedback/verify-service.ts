import type { AppContext } from '../http/context.js';
import { AppError, isUniqueViolation } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { parseSekAmount } from '../rewards/money.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { parsePurchaseTime } from './purchase-time.js';
import type { SessionRow } from './session-service.js';

export const MAX_VERIFY_ATTEMPTS = 6;
/**
 * transactions.amount_minor is a 32-bit integer column: PostgreSQL refuses a comparison with a bound
 * beyond it (a 500), so larger amounts (over 20 million kr, never a real purchase) are refused up front.
 */
export const MAX_VERIFY_AMOUNT_MINOR = 2_000_000_000;

export interface VerifyInput {
  amount: string;
  purchasedAt: string;
  cardLast4?: string;
}

/** Counted before matching, so guessing amounts costs attempts even when it fails. */
async function countAttempt(ctx: AppContext, session: SessionRow): Promise<void> {
  const attempts = session.verify_attempts + 1;
  await ctx.db.writer.run((trx) => trx.updateTable('feedback_sessions').set({ verify_attempts: attempts, updated_at: nowIso() }).where('id', '=', session.id).execute());
  if (attempts > MAX_VERIFY_ATTEMPTS) throw new AppError('too_many_attempts', 'Too many verification attempts for this session; start a new one.');
}

function parseInput(input: VerifyInput, now: Date) {
  const amountMinor = parseSekAmount(input.amount);
  if (amountMinor === null || amountMinor <= 0 || amountMinor > MAX_VERIFY_AMOUNT_MINOR) throw new AppError('invalid_amount', undefined, { amount: input.amount });
  const at = parsePurchaseTime(input.purchasedAt, now);
  if (!at) throw new AppError('invalid_purchase_time', undefined, { purchasedAt: input.purchasedAt });
  if (input.cardLast4 !== undefined && !/^\d{4}$/.test(input.cardLast4)) throw new AppError('validation_failed', 'cardLast4 must be four digits.', { field: 'cardLast4' });
  return { amountMinor, at };
}

/**
 * Matches the customer's amount and time against the POS transactions of the session's location:
 * exactly one completed, unclaimed SEK purchase within the business's tolerances (±2 min, ±0,50 kr by
 * default) and at most maxPurchaseAgeDays old. The claim itself is the unique key on
 * feedback_sessions.transaction_id, so two sessions racing for one purchase cannot both win.
 */
export async function verifyPurchase(ctx: AppContext, session: SessionRow, input: VerifyInput, now = new Date()) {
  if (session.channel !== 'qr') throw new AppError('session_state', 'Store-code sessions are verified by the shop; submit a claim instead.');
  if (session.status !== 'open') throw new AppError('session_state', 'This session is already verified.');
  await countAttempt(ctx, session);
  const { amountMinor, at } = parseInput(input, now);
  const { matching } = await getBusinessSettings(ctx.db, session.business_id);
  const oldest = now.getTime() - matching.maxPurchaseAgeDays * 86_400_000;
  if (at.getTime() < oldest || at.getTime() > now.getTime() + 5 * 60_000) {
    throw new AppError('claim_outside_window', `Feedback can be given for purchases up to ${matching.maxPurchaseAgeDays} days old.`);
  }
  const tol = matching.timeToleranceSeconds * 1000;
  const candidates = await ctx.db.kysely
    .selectFrom('transactions as t')
    .leftJoin('feedback_sessions as s', 's.transaction_id', 't.id')
    .select(['t.id', 't.amount_minor', 't.occurred_at', 't.card_last4', 't.status', 's.id as claimed_by'])
    .where('t.location_id', '=', session.location_id)
    .where('t.occurred_at', '>=', new Date(Math.max(at.getTime() - tol, oldest)).toISOString())
    .where('t.occurred_at', '<=', new Date(at.getTime() + tol).toISOString())
    .where('t.amount_minor', '>=', amountMinor - matching.amountToleranceMinor)
    .where('t.amount_minor', '<=', amountMinor + matching.amountToleranceMinor)
    .where('t.currency', '=', 'SEK')
    .limit(50)
    .execute();
  const byCard = input.cardLast4 ? candidates.filter((c) => c.card_last4 === input.cardLast4) : candidates;
  const open = byCard.filter((c) => c.status === 'completed' && !c.claimed_by);
  if (open.length === 0) {
    if (byCard.some((c) => c.claimed_by)) throw new AppError('purchase_already_claimed');
    throw new AppError('no_matching_purchase', undefined, { attemptsLeft: Math.max(0, MAX_VERIFY_ATTEMPTS - session.verify_attempts - 1) });
  }
  if (open.length > 1) throw new AppError('ambiguous_purchase', undefined, { needs: 'cardLast4', candidates: open.length });
  const tx = open[0]!;
  let updated: bigint;
  try {
    ({ numUpdatedRows: updated } = await ctx.db.writer.run((trx) =>
      trx
        .updateTable('feedback_sessions')
        .set({ transaction_id: tx.id, purchase_amount_minor: tx.amount_minor, purchased_at: tx.occurred_at, verified_at: nowIso(), status: 'verified', updated_at: nowIso() })
        .where('id', '=', session.id)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow(),
    ));
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('purchase_already_claimed');
    throw err;
  }
  if (updated === 0n) throw new AppError('session_state', 'This session is already verified.');
  return { verified: true as const, purchase: { amountMinor: tx.amount_minor, occurredAt: tx.occurred_at } };
}
