import { sql } from 'kysely';
import type { AppContext } from '../http/context.js';
import { AppError } from '../core/errors.js';
import { newId, nowIso } from '../core/ids.js';
import { normaliseSwedishMobile } from '../core/pii.js';
import { parseSekAmount } from '../rewards/money.js';
import { getBusinessSettings } from '../settings/business-settings.js';
import { parsePurchaseTime } from './purchase-time.js';
import { MAX_VERIFY_AMOUNT_MINOR } from './verify-service.js';
import type { SessionRow } from './session-service.js';

/** Sanity windows from the original product: claims up to 24 h back and 30 min ahead of now. */
const CLAIM_WINDOW_BACK_MS = 24 * 3_600_000;
const CLAIM_WINDOW_AHEAD_MS = 30 * 60_000;
const DUPLICATE_WINDOW_MS = 3_600_000;
export const MAX_CLAIMS_PER_PHONE_PER_DAY = 3;

export interface ClaimInput {
  amount: string;
  purchasedAt: string;
  phone: string;
}

function parseClaim(input: ClaimInput, now: Date) {
  const amountMinor = parseSekAmount(input.amount);
  if (amountMinor === null || amountMinor <= 0 || amountMinor > MAX_VERIFY_AMOUNT_MINOR) throw new AppError('invalid_amount', undefined, { amount: input.amount });
  const at = parsePurchaseTime(input.purchasedAt, now);
  if (!at) throw new AppError('invalid_purchase_time', undefined, { purchasedAt: input.purchasedAt });
  if (at.getTime() < now.getTime() - CLAIM_WINDOW_BACK_MS || at.getTime() > now.getTime() + CLAIM_WINDOW_AHEAD_MS) {
    throw new AppError('claim_outside_window', 'Store-code claims must be made within 24 hours of the purchase.');
  }
  const phone = normaliseSwedishMobile(input.phone);
  if (!phone) throw new AppError('invalid_phone', undefined, { phone: 'not a Swedish mobile number' });
  return { amountMinor, at, phone };
}

/**
 * Store-code path (no integrated POS): the customer states amount, time and phone; the claim waits for
 * the shop's review before any reward is paid. Guards: same phone + amount at this business within an
 * hour is a duplicate; at most three claims per phone and day.
 */
export async function submitClaim(ctx: AppContext, session: SessionRow, input: ClaimInput, now = new Date()) {
  if (session.channel !== 'store_code') throw new AppError('session_state', 'QR sessions verify against the POS; use /verify.');
  if (session.status !== 'open') throw new AppError('session_state', 'A claim was already made in this session.');
  const { amountMinor, at, phone } = parseClaim(input, now);
  const phoneHash = ctx.services.pii.hash('phone', phone);
  const { storeReview } = await getBusinessSettings(ctx.db, session.business_id);
  const deadlineAt = new Date(now.getTime() + storeReview.deadlineDays * 86_400_000).toISOString();
  const ts = nowIso();
  // The guards are checked inside the write, serialised per phone number (an advisory lock on
  // PostgreSQL; SQLite's single writer already serialises), so concurrent claims cannot both pass them.
  await ctx.db.writer.run(async (trx) => {
    if (ctx.db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`store_claim:${phoneHash}`}, 0))`.execute(trx);
    const dup = await trx
      .selectFrom('store_claims')
      .select('id')
      .where('business_id', '=', session.business_id)
      .where('phone_hash', '=', phoneHash)
      .where('amount_minor', '=', amountMinor)
      .where('purchased_at', '>=', new Date(at.getTime() - DUPLICATE_WINDOW_MS).toISOString())
      .where('purchased_at', '<=', new Date(at.getTime() + DUPLICATE_WINDOW_MS).toISOString())
      .executeTakeFirst();
    if (dup) throw new AppError('duplicate_claim');
    const today = await trx
      .selectFrom('store_claims')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_hash', '=', phoneHash)
      .where('created_at', '>=', new Date(now.getTime() - 86_400_000).toISOString())
      .executeTakeFirstOrThrow();
    if (Number(today.n) >= MAX_CLAIMS_PER_PHONE_PER_DAY) throw new AppError('too_many_attempts', 'At most three store-code claims per phone number and day.');
    const upd = await trx
      .updateTable('feedback_sessions')
      .set({ status: 'verified', purchase_amount_minor: amountMinor, purchased_at: at.toISOString(), verified_at: ts, phone_hash: phoneHash, phone_enc: ctx.services.pii.seal('phone', phone), updated_at: ts })
      .where('id', '=', session.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (upd.numUpdatedRows === 0n) throw new AppError('session_state', 'A claim was already made in this session.');
    await trx
      .insertInto('store_claims')
      .values({ id: newId(), session_id: session.id, business_id: session.business_id, location_id: session.location_id, amount_minor: amountMinor, purchased_at: at.toISOString(), phone_hash: phoneHash, status: 'pending', deadline_at: deadlineAt, created_at: ts })
      .execute();
  });
  return { claimed: true as const, status: 'pending_review' as const, deadlineAt };
}
