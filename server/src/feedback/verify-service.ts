import { sql, type Transaction } from 'kysely';
import type { AppContext } from '../http/context.js';
import type { Database } from '../db/schema.js';
import { AppError, isUniqueViolation } from '../core/errors.js';
import { nowIso } from '../core/ids.js';
import { parseSekAmount } from '../rewards/money.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { parsePurchaseTime } from './purchase-time.js';
import type { SessionRow } from './session-service.js';
import type { BudgetDecision, BudgetKey } from './verify-budget.js';
import type { GuardedAttempt, VerifyBudgetGuard } from './verify-budget-store.js';

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

export type Candidate = { id: string; amount_minor: number; occurred_at: string; card_last4: string | null; status: string; claimed_by: string | null };

/** How verification is guarded for this client: its budget keys and where they are kept. */
export interface VerifyGuard {
  keys: BudgetKey[];
  budget: VerifyBudgetGuard;
}

/**
 * Matches the customer's amount and time against the POS transactions of the session's location:
 * a completed, unclaimed SEK purchase within the business's tolerances (±2 min, ±0,50 kr by default) and
 * at most maxPurchaseAgeDays old. A purchase the POS sent card digits for also needs cardLast4.
 * The claim itself is the unique key on feedback_sessions.transaction_id, so two sessions racing for one
 * purchase cannot both win.
 *
 * What a guesser must not learn (issue 14): how many purchases match, and whether a purchase exists but is
 * already claimed — both answer no_matching_purchase, exactly as if nothing matched. The honest customer
 * whose purchase someone else used reads, in the same answer, how to report it to the shop (store code).
 * Every attempt is counted per session, and misses also per device, address and location across sessions
 * (verify-budget.ts), in the same single durable commit as the claim.
 */
export async function verifyPurchase(ctx: AppContext, session: SessionRow, input: VerifyInput, guard: VerifyGuard, now = new Date()) {
  if (session.channel !== 'qr') throw new AppError('session_state', 'Store-code sessions are verified by the shop; submit a claim instead.');
  if (session.status !== 'open') throw new AppError('session_state', 'This session is already verified.');
  let match: Candidate | AppError;
  try {
    match = await findPurchase(ctx, session, input, now);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    match = err;
  }
  const result = await guard.budget.run(guard.keys, (trx, decision) => countAndClaim(trx, session, match, decision), now);
  if ('blocked' in result) throw tooManyAttempts(result.blocked.retryAfterMs);
  if (result.value instanceof AppError) throw result.value;
  return { verified: true as const, purchase: { amountMinor: result.value.amount_minor, occurredAt: result.value.occurred_at } };
}

function tooManyAttempts(retryAfterMs: number): AppError {
  const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
  return new AppError('too_many_attempts', `Too many attempts to find a purchase from this device or network; try again in ${Math.ceil(retryAfterSeconds / 60)} min.`, { scope: 'client', retryAfterSeconds });
}

/** The one answer for "nothing usable": no purchase, a claimed one, wrong card digits or a lost race alike. */
const noMatch = (attemptsLeft: number) => new AppError('no_matching_purchase', undefined, { attemptsLeft });

/** The purchase the input identifies, or the AppError that tells the customer why not. */
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
  return choosePurchase(candidates, input.cardLast4, amountMinor, at.getTime());
}

/**
 * Without card digits only purchases the POS sent none for (cash) can match; with them, only purchases with
 * those digits. When a card purchase is in range and no digits were given, the digits are asked for — whether
 * it is claimed or not, and however many there are, so the question reveals neither. Several purchases the
 * customer cannot tell apart (same digits, or cash) are interchangeable: the closest in amount, then time, is
 * claimed, and the next such customer gets the other.
 */
export function choosePurchase(candidates: Candidate[], cardLast4: string | undefined, amountMinor: number, atMs: number): Candidate | AppError {
  const completed = candidates.filter((c) => c.status === 'completed');
  const open = completed.filter((c) => (cardLast4 ? c.card_last4 === cardLast4 : !c.card_last4) && !c.claimed_by);
  if (open.length > 0) {
    const distance = (c: Candidate) => [Math.abs(c.amount_minor - amountMinor), Math.abs(Date.parse(c.occurred_at) - atMs), c.id] as const;
    return open.sort((a, b) => {
      const [da, db] = [distance(a), distance(b)];
      return da[0] - db[0] || da[1] - db[1] || (da[2] < db[2] ? -1 : 1);
    })[0]!;
  }
  if (!cardLast4 && completed.some((c) => c.card_last4)) return new AppError('card_last4_required', undefined, { needs: 'cardLast4' });
  return new AppError('no_matching_purchase');
}

/**
 * One transaction: count the attempt, then — if it is within the limit and found one purchase — claim it,
 * recording the misses that came before it (the fraud check reads them). The claim runs in a savepoint so
 * that losing a race (unique violation) keeps the counted attempt.
 */
async function countAndClaim(trx: Transaction<Database>, session: SessionRow, match: Candidate | AppError, decision: BudgetDecision): Promise<GuardedAttempt<Candidate | AppError>> {
  const counted = await trx
    .updateTable('feedback_sessions')
    .set((eb) => ({ verify_attempts: eb('verify_attempts', '+', 1), updated_at: nowIso() }))
    .where('id', '=', session.id)
    .returning('verify_attempts')
    .executeTakeFirstOrThrow();
  if (counted.verify_attempts > MAX_VERIFY_ATTEMPTS) return { value: new AppError('too_many_attempts', 'Too many verification attempts for this session; start a new one.', { scope: 'session' }), outcome: 'free' };
  const attemptsLeft = Math.max(0, MAX_VERIFY_ATTEMPTS - counted.verify_attempts);
  if (match instanceof AppError) {
    if (match.code === 'no_matching_purchase') return { value: noMatch(attemptsLeft), outcome: 'miss' };
    if (match.code === 'card_last4_required') return { value: new AppError('card_last4_required', undefined, { needs: 'cardLast4', attemptsLeft }), outcome: 'free' };
    return { value: match, outcome: 'free' };
  }
  const evidence = JSON.stringify({ failures: decision.priorMisses, locationUnderAttack: decision.underAttack });
  await sql.raw('savepoint verify_claim').execute(trx);
  try {
    const res = await trx
      .updateTable('feedback_sessions')
      .set({ transaction_id: match.id, purchase_amount_minor: match.amount_minor, purchased_at: match.occurred_at, verified_at: nowIso(), status: 'verified', verify_evidence: evidence, updated_at: nowIso() })
      .where('id', '=', session.id)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    await sql.raw('release savepoint verify_claim').execute(trx);
    return res.numUpdatedRows === 0n ? { value: new AppError('session_state', 'This session is already verified.'), outcome: 'free' } : { value: match, outcome: 'hit' };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await sql.raw('rollback to savepoint verify_claim').execute(trx);
    await sql.raw('release savepoint verify_claim').execute(trx);
    return { value: noMatch(attemptsLeft), outcome: 'miss' };
  }
}
