import { sql } from 'kysely';
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

function parseInput(input: VerifyInput, now: Date) {
  const amountMinor = parseSekAmount(input.amount);
  if (amountMinor === null || amountMinor <= 0 || amountMinor > MAX_VERIFY_AMOUNT_MINOR) throw new AppError('invalid_amount', undefined, { amount: input.amount });
  const at = parsePurchaseTime(input.purchasedAt, now);
  if (!at) throw new AppError('invalid_purchase_time', undefined, { purchasedAt: input.purchasedAt });
  if (input.cardLast4 !== undefined && !/^\d{4}$/.test(input.cardLast4)) throw new AppError('validation_failed', 'cardLast4 must be four digits.', { field: 'cardLast4' });
  return { amountMinor, at };
}

type Candidate = { id: string; amount_minor: number; occurred_at: string; card_last4: string | null; status: string; claimed_by: string | null };

/**
 * Matches the customer's amount and time against the POS transactions of the session's location:
 * exactly one completed, unclaimed SEK purchase within the business's tolerances (±2 min, ±0,50 kr by
 * default) and at most maxPurchaseAgeDays old. The claim itself is the unique key on
 * feedback_sessions.transaction_id, so two sessions racing for one purchase cannot both win.
 * Every attempt is counted — also a failing one, so guessing amounts costs attempts — in the same single
 * durable commit as the claim.
 */
export async function verifyPurchase(ctx: AppContext, session: SessionRow, input: VerifyInput, now = new Date()) {
  if (session.channel !== 'qr') throw new AppError('session_state', 'Store-code sessions are verified by the shop; submit a claim instead.');
  if (session.status !== 'open') throw new AppError('session_state', 'This session is already verified.');
  let match: Candidate | AppError;
  try {
    match = await findPurchase(ctx, session, input, now);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    match = err;
  }
  const outcome = await countAndClaim(ctx, session, match);
  if (outcome instanceof AppError) throw outcome;
  return { verified: true as const, purchase: { amountMinor: outcome.amount_minor, occurredAt: outcome.occurred_at } };
}

/** The one purchase the input identifies, or the AppError that tells the customer why not. */
async function findPurchase(ctx: AppContext, session: SessionRow, input: VerifyInput, now: Date): Promise<Candidate | AppError> {
  const { amountMinor, at } = parseInput(input, now);
  const { matching } = await getBusinessSettings(ctx.db, session.business_id);
  const oldest = now.getTime() - matching.maxPurchaseAgeDays * 86_400_000;
  if (at.getTime() < oldest || at.getTime() > now.getTime() + 5 * 60_000) {
    return new AppError('claim_outside_window', `Feedback can be given for purchases up to ${matching.maxPurchaseAgeDays} days old.`);
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
    if (byCard.some((c) => c.claimed_by)) return new AppError('purchase_already_claimed');
    return new AppError('no_matching_purchase');
  }
  if (open.length > 1) return new AppError('ambiguous_purchase', undefined, { needs: 'cardLast4', candidates: open.length });
  return open[0]!;
}

/**
 * One transaction: count the attempt, then — if it is within the limit and found one purchase — claim it.
 * The claim runs in a savepoint so that losing a race (unique violation) keeps the counted attempt.
 */
function countAndClaim(ctx: AppContext, session: SessionRow, match: Candidate | AppError): Promise<Candidate | AppError> {
  return ctx.db.writer.run(async (trx) => {
    const counted = await trx
      .updateTable('feedback_sessions')
      .set((eb) => ({ verify_attempts: eb('verify_attempts', '+', 1), updated_at: nowIso() }))
      .where('id', '=', session.id)
      .returning('verify_attempts')
      .executeTakeFirstOrThrow();
    if (counted.verify_attempts > MAX_VERIFY_ATTEMPTS) return new AppError('too_many_attempts', 'Too many verification attempts for this session; start a new one.');
    if (match instanceof AppError) {
      return match.code === 'no_matching_purchase' ? new AppError('no_matching_purchase', undefined, { attemptsLeft: Math.max(0, MAX_VERIFY_ATTEMPTS - counted.verify_attempts) }) : match;
    }
    await sql.raw('savepoint verify_claim').execute(trx);
    try {
      const res = await trx
        .updateTable('feedback_sessions')
        .set({ transaction_id: match.id, purchase_amount_minor: match.amount_minor, purchased_at: match.occurred_at, verified_at: nowIso(), status: 'verified', updated_at: nowIso() })
        .where('id', '=', session.id)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      await sql.raw('release savepoint verify_claim').execute(trx);
      return res.numUpdatedRows === 0n ? new AppError('session_state', 'This session is already verified.') : match;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await sql.raw('rollback to savepoint verify_claim').execute(trx);
      await sql.raw('release savepoint verify_claim').execute(trx);
      return new AppError('purchase_already_claimed');
    }
  });
}
